//! Vaccination sites (fixed, community points, van stops), and taking sites and vehicles out of planning.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use vaxride_dispatch::FieldError;
use vaxride_dispatch::model::{ChangeReason, Point, Site, SiteKind};
use vaxride_dispatch::values::{ClockTime, Shot, Weekdays};

use crate::db::AnyQuery;
use crate::error::Result;
use crate::events::{Fleet, fleet_event};
use crate::problems;
use crate::{Store, StoreError};

/// A site to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSite {
    /// The site (its id is ignored).
    pub site: Site,
    /// Address.
    pub address: String,
    /// For a van stop: the van.
    pub van_id: Option<i64>,
    /// For a van stop: how far walkers are sent to it, metres along the roads (`None`: the
    /// default, 500 m).
    pub walk_m: Option<i64>,
}

/// What [`Store::retire`] takes out of planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retire {
    /// A site.
    Site,
    /// A vehicle.
    Vehicle,
}

pub(crate) fn site(row: &AnyRow) -> Result<Site> {
    let doses: String = row.try_get("doses")?;
    let day: Option<String> = row.try_get("day")?;
    Ok(Site {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: SiteKind::from_code(&row.try_get::<String, _>("kind")?)
            .ok_or_else(|| StoreError::Database("bad stored site kind".into()))?,
        location: Point {
            lon: row.try_get("lon")?,
            lat: row.try_get("lat")?,
        },
        open_days: Weekdays::parse(&row.try_get::<String, _>("open_days")?)
            .map_err(|e| StoreError::Database(format!("stored open_days: {e}")))?,
        open_from: row.try_get("open_from")?,
        open_to: row.try_get("open_to")?,
        slot_minutes: row.try_get("slot_minutes")?,
        capacity_per_slot: row.try_get("capacity_per_slot")?,
        booked_share: row.try_get("booked_share")?,
        doses: doses
            .split(',')
            .filter(|s| !s.is_empty())
            .map(Shot::parse)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| StoreError::Database(format!("stored doses: {e}")))?,
        day: day.and_then(|d| vaxride_dispatch::model::Day::parse(&d).ok()),
    })
}

/// Binds a site's columns as `$1`…`$14` (name, kind, lon, lat, address, open_days, open_from,
/// open_to, slot_minutes, capacity_per_slot, booked_share, doses, day, van_id), the order the
/// insert and the update both use.
fn bind_site<'q>(q: AnyQuery<'q>, new: &'q NewSite) -> AnyQuery<'q> {
    let s = &new.site;
    q.bind(&s.name)
        .bind(s.kind.code())
        .bind(s.location.lon)
        .bind(s.location.lat)
        .bind(&new.address)
        .bind(s.open_days.to_string())
        .bind(s.open_from)
        .bind(s.open_to)
        .bind(s.slot_minutes)
        .bind(s.capacity_per_slot)
        .bind(s.booked_share)
        .bind(
            s.doses
                .iter()
                .map(|d| d.code())
                .collect::<Vec<_>>()
                .join(","),
        )
        .bind(s.day.as_ref().map(|d| d.to_string()))
        .bind(new.van_id)
}

/// Stores how far walkers are sent to site `id`.
async fn set_walk(tx: &mut sqlx::AnyConnection, id: i64, walk_m: Option<i64>) -> Result<()> {
    sqlx::query("UPDATE sites SET walk_m = $1 WHERE id = $2")
        .bind(walk_m)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Refuses to take away the slots walkers are booked into (`walk_ins_booked`): retiring the
/// stop (`new` is `None`), or changing its kind, day, hours or slot length while walkers hold
/// places in it. Its shots may change (fewer may leave walkers over the places: the secretary
/// sees them all).
async fn walk_ins_kept(tx: &mut sqlx::AnyConnection, id: i64, new: Option<&Site>) -> Result<()> {
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE site_id = $1 AND walk_in = 1 \
         AND status NOT IN ('cancelled', 'home')",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if held == 0 {
        return Ok(());
    }
    let now: Option<(String, Option<String>, i64, i64, i64)> = sqlx::query_as(
        "SELECT kind, day, open_from, open_to, slot_minutes FROM sites WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let same = match (new, now) {
        (Some(n), Some((kind, day, from, to, slot))) => {
            n.kind.code() == kind
                && n.day.as_ref().map(|d| d.as_str()) == day.as_deref()
                && (n.open_from, n.open_to, n.slot_minutes) == (from, to, slot)
        }
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(StoreError::Conflict(problems::walk_ins_booked(held)))
    }
}

impl Store {
    /// The walkers booked into the district's van stops from `day` on: how many in each slot,
    /// by `(site, slot start)`.
    pub async fn walk_ins(
        &self,
        district: i64,
        day: &vaxride_dispatch::model::Day,
    ) -> Result<std::collections::HashMap<(i64, i64), i64>> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT b.site_id, b.window_from, COUNT(*) FROM bookings b \
             JOIN sites s ON s.id = b.site_id \
             WHERE s.district_id = $1 AND b.day >= $2 AND b.walk_in = 1 \
             AND b.status <> 'cancelled' GROUP BY b.site_id, b.window_from",
        )
        .bind(district)
        .bind(day.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(s, f, n)| ((s, f), n)).collect())
    }

    /// The walking limits set for the district's active sites (metres along the roads), by
    /// site id; a site not listed has the default.
    pub async fn walk_limits(&self, district: i64) -> Result<std::collections::HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, walk_m FROM sites WHERE district_id = $1 AND active = 1 \
             AND walk_m IS NOT NULL",
        )
        .bind(district)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// Creates a site in a district.
    pub async fn create_site(&self, district: i64, new: &NewSite) -> Result<i64> {
        let ids = self.create_sites(district, std::slice::from_ref(new)).await;
        match ids {
            Ok(ids) => Ok(ids[0]),
            Err(StoreError::Invalid(fields)) => Err(StoreError::Invalid(
                fields
                    .into_iter()
                    .map(|mut f| {
                        f.field = f.field.trim_start_matches("sites[0].").to_string();
                        f
                    })
                    .collect(),
            )),
            Err(e) => Err(e),
        }
    }

    /// Creates several sites in a district, all or none (a van's stops accepted from a
    /// proposal): a van stop that would put its van in two places at once is refused, named
    /// `sites[k].hours`, whether the other stop is stored already or among these.
    pub async fn create_sites(&self, district: i64, new: &[NewSite]) -> Result<Vec<i64>> {
        let mut tx = self.write().await?;
        let mut ids = Vec::with_capacity(new.len());
        for (k, site) in new.iter().enumerate() {
            van_free(&mut tx, site, None).await.map_err(|e| match e {
                StoreError::Invalid(fields) => StoreError::Invalid(
                    fields
                        .into_iter()
                        .map(|mut f| {
                            f.field = format!("sites[{k}].{}", f.field);
                            f
                        })
                        .collect(),
                ),
                e => e,
            })?;
            let row = bind_site(
                sqlx::query(
                    "INSERT INTO sites (name, kind, lon, lat, address, open_days, open_from, open_to, \
                     slot_minutes, capacity_per_slot, booked_share, doses, day, van_id, district_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                ),
                site,
            )
            .bind(district)
            .fetch_one(&mut *tx)
            .await?;
            let id: i64 = row.try_get(0)?;
            set_walk(&mut tx, id, site.walk_m).await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Changes a site of the district (its slots from now on follow the new values; plans
    /// already made keep theirs). Each day from today on whose published plan has stops still
    /// to come there is repaired.
    pub async fn update_site(&self, district: i64, id: i64, new: &NewSite, now: i64) -> Result<()> {
        let mut tx = self.write().await?;
        walk_ins_kept(&mut tx, id, Some(&new.site)).await?;
        van_free(&mut tx, new, Some(id)).await?;
        let done = bind_site(
            sqlx::query(
                "UPDATE sites SET name = $1, kind = $2, lon = $3, lat = $4, address = $5, open_days = $6, \
                 open_from = $7, open_to = $8, slot_minutes = $9, capacity_per_slot = $10, booked_share = $11, \
                 doses = $12, day = $13, van_id = $14 WHERE id = $15 AND district_id = $16 AND active = 1",
            ),
            new,
        )
        .bind(id)
        .bind(district)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        // A body without a limit keeps the one the stop has.
        if new.walk_m.is_some() {
            set_walk(&mut tx, id, new.walk_m).await?;
        }
        let why = ChangeReason::SiteChanged;
        fleet_event(&mut tx, why, district, Fleet::Site(id), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a site or a vehicle out of future planning (`what`: `sites` or `vehicles`); what
    /// was planned with it stays in its plans, and each day from today on whose published plan
    /// it touches is repaired.
    pub async fn retire(&self, district: i64, what: Retire, id: i64, now: i64) -> Result<()> {
        let table = match what {
            Retire::Site => "sites",
            Retire::Vehicle => "vehicles",
        };
        let mut tx = self.write().await?;
        if what == Retire::Site {
            walk_ins_kept(&mut tx, id, None).await?;
        }
        let done = sqlx::query(sql!(
            "UPDATE {table} SET active = 0 WHERE id = $1 AND district_id = $2 AND active = 1"
        ))
        .bind(id)
        .bind(district)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if what == Retire::Vehicle {
            // Nobody drives a retired vehicle: its driver is free for another.
            sqlx::query("UPDATE drivers SET vehicle_id = NULL WHERE vehicle_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let (why, fleet) = match what {
            Retire::Site => (ChangeReason::SiteChanged, Fleet::Site(id)),
            Retire::Vehicle => (ChangeReason::VehicleChanged, Fleet::Vehicle(id)),
        };
        fleet_event(&mut tx, why, district, fleet, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active sites of a district.
    pub async fn sites(&self, district: i64) -> Result<Vec<Site>> {
        let rows = sqlx::query(
            "SELECT id, name, kind, lon, lat, open_days, open_from, open_to, slot_minutes, \
             capacity_per_slot, booked_share, doses, day FROM sites \
             WHERE district_id = $1 AND active = 1 ORDER BY id",
        )
        .bind(district)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(site).collect()
    }
}

/// A van is in one place at a time: a stop of a van may not overlap another of its stops on the
/// same day (`van_elsewhere`, naming that stop), checked in the transaction that writes it.
async fn van_free(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    new: &NewSite,
    id: Option<i64>,
) -> Result<()> {
    let (Some(van), Some(day)) = (new.van_id, new.site.day.as_ref()) else {
        return Ok(());
    };
    let clash: Option<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT id, name, open_from, open_to FROM sites WHERE van_id = $1 AND day = $2 \
         AND active = 1 AND id <> $3 AND open_from < $4 AND open_to > $5 ORDER BY open_from",
    )
    .bind(van)
    .bind(day.as_str())
    .bind(id.unwrap_or(0))
    .bind(new.site.open_to)
    .bind(new.site.open_from)
    .fetch_optional(&mut **tx)
    .await?;
    match clash {
        Some((other, name, from, to)) => Err(StoreError::Invalid(vec![FieldError::new(
            "hours",
            problems::van_elsewhere(name, other, clock(from), clock(to)),
        )])),
        None => Ok(()),
    }
}

/// `HH:MM` of stored seconds since midnight.
fn clock(seconds: i64) -> String {
    ClockTime::from_seconds(seconds).map_or_else(|| seconds.to_string(), |c| c.to_string())
}
