//! Districts, communities, elders, sites, vehicles and drivers.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use vaxride_dispatch::error::{chars_between, max_chars, range};
use vaxride_dispatch::model::{Dose, Elder, Mobility, Point, Site, SiteKind, Vehicle};
use vaxride_dispatch::{FieldError, problem};

use crate::error::Result;
use crate::{Scope, Store, StoreError};

/// A community of a district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Community {
    /// Id.
    pub id: i64,
    /// District.
    pub district_id: i64,
    /// Name.
    pub name: String,
    /// Centre.
    pub centre: Point,
    /// Boundary polygon (GeoJSON), if drawn.
    pub boundary: Option<String>,
}

/// An elder's data as entered by a secretary (already checked and converted to WGS-84).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElderInput {
    /// Full name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// Address.
    pub address: String,
    /// Home (WGS-84).
    pub home: Point,
    /// Mobility.
    pub mobility: Mobility,
    /// Companions.
    pub companions: i64,
    /// Dose status.
    pub dose: Dose,
    /// Priority 1–5.
    pub priority: i64,
    /// Notes.
    pub notes: String,
}

impl ElderInput {
    /// Checks ranges; `path` prefixes field names in errors.
    pub fn validate(&self, path: &str, errors: &mut Vec<FieldError>) {
        let f = |name: &str| {
            if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            }
        };
        if self.name.trim().is_empty() || self.name.chars().count() > 100 {
            errors.push(FieldError::new(f("name"), chars_between(1, 100)));
        }
        if self.phone.chars().count() > 30 {
            errors.push(FieldError::new(f("phone"), max_chars(30)));
        }
        if self.address.chars().count() > 200 {
            errors.push(FieldError::new(f("address"), max_chars(200)));
        }
        if self.notes.chars().count() > 1000 {
            errors.push(FieldError::new(f("notes"), max_chars(1000)));
        }
        if !(0..=3).contains(&self.companions) {
            errors.push(FieldError::new(f("companions"), range(0, 3)));
        }
        if !(1..=5).contains(&self.priority) {
            errors.push(FieldError::new(f("priority"), range(1, 5)));
        }
        self.home.validate(&f("home"), errors);
    }
}

/// A site to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSite {
    /// The site (its id is ignored).
    pub site: Site,
    /// Address.
    pub address: String,
    /// For a van stop: the van.
    pub van_id: Option<i64>,
}

/// What [`Store::retire`] takes out of planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retire {
    /// A site.
    Site,
    /// A vehicle.
    Vehicle,
}

/// A driver as the coordinator sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// The vehicle they drive.
    pub vehicle_id: Option<i64>,
}

/// A mobile vaccination van and its stops (sites of kind `van_stop`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Van {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Its stops, by day and time.
    pub stops: Vec<Site>,
}

/// A vehicle to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewVehicle {
    /// The vehicle (its id is ignored).
    pub vehicle: Vehicle,
}

/// A driver to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDriver {
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// The vehicle they drive.
    pub vehicle_id: Option<i64>,
}

pub(crate) const ELDER: &str = "e.id, e.community_id, e.name, e.phone, e.address, e.lon, e.lat, \
                                e.mobility, e.companions, e.dose, e.priority, e.notes";

pub(crate) fn elder(row: &AnyRow) -> Result<Elder> {
    let bad = |what: &str| StoreError::Database(format!("bad stored {what}"));
    Ok(Elder {
        id: row.try_get("id")?,
        community_id: row.try_get("community_id")?,
        name: row.try_get("name")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        home: Point {
            lon: row.try_get("lon")?,
            lat: row.try_get("lat")?,
        },
        mobility: Mobility::from_code(&row.try_get::<String, _>("mobility")?)
            .ok_or_else(|| bad("mobility"))?,
        companions: row.try_get("companions")?,
        dose: Dose::from_code(&row.try_get::<String, _>("dose")?).ok_or_else(|| bad("dose"))?,
        priority: row.try_get("priority")?,
        notes: row.try_get("notes")?,
    })
}

/// `AND …` limiting communities to the scope (`c` is the communities alias).
pub(crate) fn community_filter(scope: Scope) -> String {
    match scope {
        Scope::Admin => String::new(),
        Scope::District(d) => format!(" AND c.district_id = {d}"),
        Scope::Community {
            district,
            community,
        } => format!(" AND c.district_id = {district} AND c.id = {community}"),
        // Drivers see no community data through these queries.
        Scope::Driver { .. } => " AND 1 = 0".to_string(),
    }
}

fn site(row: &AnyRow) -> Result<Site> {
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
        open_days: row.try_get("open_days")?,
        open_from: row.try_get("open_from")?,
        open_to: row.try_get("open_to")?,
        slot_minutes: row.try_get("slot_minutes")?,
        capacity_per_slot: row.try_get("capacity_per_slot")?,
        booked_share: row.try_get("booked_share")?,
        doses: doses
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        day: day.and_then(|d| vaxride_dispatch::model::Day::parse(&d).ok()),
    })
}

fn vehicle(row: &AnyRow) -> Result<Vehicle> {
    let features: String = row.try_get("features")?;
    Ok(Vehicle {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        seats: row.try_get("seats")?,
        wheelchairs: row.try_get("wheelchairs")?,
        features: features
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        shift_from: row.try_get("shift_from")?,
        shift_to: row.try_get("shift_to")?,
        start: Point {
            lon: row.try_get("lon")?,
            lat: row.try_get("lat")?,
        },
    })
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

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
        .bind(&s.open_days)
        .bind(s.open_from)
        .bind(s.open_to)
        .bind(s.slot_minutes)
        .bind(s.capacity_per_slot)
        .bind(s.booked_share)
        .bind(s.doses.join(","))
        .bind(s.day.as_ref().map(|d| d.to_string()))
        .bind(new.van_id)
}

/// Binds a vehicle's columns as `$1`…`$8` (name, seats, wheelchairs, features, shift_from,
/// shift_to, lon, lat), the order the insert and the update both use.
fn bind_vehicle<'q>(q: AnyQuery<'q>, new: &'q NewVehicle) -> AnyQuery<'q> {
    let v = &new.vehicle;
    q.bind(&v.name)
        .bind(v.seats)
        .bind(v.wheelchairs)
        .bind(v.features.join(","))
        .bind(v.shift_from)
        .bind(v.shift_to)
        .bind(v.start.lon)
        .bind(v.start.lat)
}

impl Store {
    /// Creates a district.
    pub async fn create_district(&self, name: &str) -> Result<i64> {
        let mut tx = self.write().await?;
        let id = sqlx::query_scalar("INSERT INTO districts (name) VALUES ($1) RETURNING id")
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates a community.
    pub async fn create_community(&self, district: i64, name: &str, centre: Point) -> Result<i64> {
        let mut tx = self.write().await?;
        let id = sqlx::query_scalar(
            "INSERT INTO communities (district_id, name, lon, lat) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(district)
        .bind(name)
        .bind(centre.lon)
        .bind(centre.lat)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets (or clears) a community's boundary, a GeoJSON polygon checked by the caller.
    pub async fn set_boundary(
        &self,
        district: i64,
        community: i64,
        boundary: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done =
            sqlx::query("UPDATE communities SET boundary = $1 WHERE id = $2 AND district_id = $3")
                .bind(boundary)
                .bind(community)
                .bind(district)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    /// The communities the scope sees.
    pub async fn communities(&self, scope: Scope) -> Result<Vec<Community>> {
        let rows = sqlx::query(sql!(
            "SELECT c.id, c.district_id, c.name, c.lon, c.lat, c.boundary FROM communities c \
             WHERE 1 = 1{} ORDER BY c.id",
            community_filter(scope)
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Community {
                    id: r.try_get("id")?,
                    district_id: r.try_get("district_id")?,
                    name: r.try_get("name")?,
                    centre: Point {
                        lon: r.try_get("lon")?,
                        lat: r.try_get("lat")?,
                    },
                    boundary: r.try_get("boundary")?,
                })
            })
            .collect()
    }

    /// Adds an elder to a community the scope sees.
    pub async fn create_elder(
        &self,
        scope: Scope,
        community: i64,
        input: &ElderInput,
        now: i64,
    ) -> Result<Elder> {
        let mut tx = self.write().await?;
        let id = insert_elder(&mut tx, scope, community, input, now).await?;
        tx.commit().await?;
        self.elder(scope, id).await
    }

    /// Changes an elder the scope sees.
    pub async fn update_elder(
        &self,
        scope: Scope,
        id: i64,
        input: &ElderInput,
        now: i64,
    ) -> Result<Elder> {
        let mut tx = self.write().await?;
        let done = sqlx::query(sql!(
            "UPDATE elders SET name = $1, phone = $2, address = $3, lon = $4, lat = $5, \
             mobility = $6, companions = $7, dose = $8, priority = $9, notes = $10, updated_at = $11 \
             WHERE id = $12 AND active = 1 \
             AND community_id IN (SELECT c.id FROM communities c WHERE 1 = 1{})",
            community_filter(scope)
        ))
        .bind(&input.name)
        .bind(&input.phone)
        .bind(&input.address)
        .bind(input.home.lon)
        .bind(input.home.lat)
        .bind(input.mobility.code())
        .bind(input.companions)
        .bind(input.dose.code())
        .bind(input.priority)
        .bind(&input.notes)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        self.elder(scope, id).await
    }

    /// One elder the scope sees.
    pub async fn elder(&self, scope: Scope, id: i64) -> Result<Elder> {
        let row = sqlx::query(sql!(
            "SELECT {ELDER} FROM elders e JOIN communities c ON c.id = e.community_id \
             WHERE e.id = $1{}",
            community_filter(scope)
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        elder(&row)
    }

    /// The elders on the rosters the scope sees (not those retired), optionally only those
    /// whose name or phone contains `find`.
    pub async fn elders(&self, scope: Scope, find: Option<&str>) -> Result<Vec<Elder>> {
        let rows = sqlx::query(sql!(
            "SELECT {ELDER} FROM elders e JOIN communities c ON c.id = e.community_id \
             WHERE e.active = 1 AND ($1 = '' OR e.name LIKE $2 OR e.phone LIKE $2){} ORDER BY e.id",
            community_filter(scope)
        ))
        .bind(find.unwrap_or(""))
        .bind(format!("%{}%", find.unwrap_or("")))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(elder).collect()
    }

    /// Creates a site in a district.
    pub async fn create_site(&self, district: i64, new: &NewSite) -> Result<i64> {
        let mut tx = self.write().await?;
        let row = bind_site(
            sqlx::query(
                "INSERT INTO sites (name, kind, lon, lat, address, open_days, open_from, open_to, \
                 slot_minutes, capacity_per_slot, booked_share, doses, day, van_id, district_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
            ),
            new,
        )
        .bind(district)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.try_get(0)?)
    }

    /// The district's drivers.
    pub async fn drivers(&self, district: i64) -> Result<Vec<DriverView>> {
        let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, name, phone, vehicle_id FROM drivers WHERE district_id = $1 ORDER BY id",
        )
        .bind(district)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, phone, vehicle_id)| DriverView {
                id,
                name,
                phone,
                vehicle_id,
            })
            .collect())
    }

    /// Changes a site of the district (its slots from now on follow the new values; plans
    /// already made keep theirs).
    pub async fn update_site(&self, district: i64, id: i64, new: &NewSite) -> Result<()> {
        let mut tx = self.write().await?;
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
        tx.commit().await?;
        Ok(())
    }

    /// Changes a vehicle of the district.
    pub async fn update_vehicle(&self, district: i64, id: i64, new: &NewVehicle) -> Result<()> {
        let mut tx = self.write().await?;
        let done = bind_vehicle(
            sqlx::query(
                "UPDATE vehicles SET name = $1, seats = $2, wheelchairs = $3, features = $4, shift_from = $5, \
                 shift_to = $6, lon = $7, lat = $8 WHERE id = $9 AND district_id = $10 AND active = 1",
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
        tx.commit().await?;
        Ok(())
    }

    /// Takes a site or a vehicle out of future planning (`what`: `sites` or `vehicles`); what
    /// was planned with it stays in its plans.
    pub async fn retire(&self, district: i64, what: Retire, id: i64) -> Result<()> {
        let table = match what {
            Retire::Site => "sites",
            Retire::Vehicle => "vehicles",
        };
        let mut tx = self.write().await?;
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
        tx.commit().await?;
        Ok(())
    }

    /// Creates a mobile vaccination van.
    pub async fn create_van(&self, district: i64, name: &str) -> Result<i64> {
        let mut tx = self.write().await?;
        let id =
            sqlx::query_scalar("INSERT INTO vans (district_id, name) VALUES ($1, $2) RETURNING id")
                .bind(district)
                .bind(name)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The district's vans with their stops.
    pub async fn vans(&self, district: i64) -> Result<Vec<Van>> {
        let vans: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM vans WHERE district_id = $1 ORDER BY id")
                .bind(district)
                .fetch_all(&self.pool)
                .await?;
        let mut out = Vec::with_capacity(vans.len());
        for (id, name) in vans {
            let rows = sqlx::query(
                "SELECT id, name, kind, lon, lat, open_days, open_from, open_to, slot_minutes, \
                 capacity_per_slot, booked_share, doses, day FROM sites \
                 WHERE van_id = $1 AND active = 1 ORDER BY day, open_from",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
            out.push(Van {
                id,
                name,
                stops: rows.iter().map(site).collect::<Result<_>>()?,
            });
        }
        Ok(out)
    }

    /// Whether a van belongs to the district.
    pub async fn van_in(&self, district: i64, van: i64) -> Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM vans WHERE id = $1 AND district_id = $2")
                .bind(van)
                .bind(district)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
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

    /// Creates a vehicle in a district.
    pub async fn create_vehicle(&self, district: i64, new: &NewVehicle) -> Result<i64> {
        let mut tx = self.write().await?;
        let row = bind_vehicle(
            sqlx::query(
                "INSERT INTO vehicles (name, seats, wheelchairs, features, shift_from, shift_to, \
                 lon, lat, district_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            ),
            new,
        )
        .bind(district)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.try_get(0)?)
    }

    /// The active vehicles of a district.
    pub async fn vehicles(&self, district: i64) -> Result<Vec<Vehicle>> {
        let rows = sqlx::query(
            "SELECT id, name, seats, wheelchairs, features, shift_from, shift_to, lon, lat \
             FROM vehicles WHERE district_id = $1 AND active = 1 ORDER BY id",
        )
        .bind(district)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(vehicle).collect()
    }

    /// Creates a driver in a district. The vehicle, when given, must be the district's, in
    /// service, and nobody else's.
    pub async fn create_driver(&self, district: i64, new: &NewDriver) -> Result<i64> {
        let mut tx = self.write().await?;
        check_driver_vehicle(&mut tx, district, new, None).await?;
        let id = sqlx::query_scalar(
            "INSERT INTO drivers (district_id, vehicle_id, name, phone) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(district)
        .bind(new.vehicle_id)
        .bind(&new.name)
        .bind(&new.phone)
        .fetch_one(&mut *tx)
        .await
        .map_err(vehicle_taken)?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a driver of the district: name, phone, and the vehicle they drive (checked as
    /// for [`Store::create_driver`]; `None` = none). Trips already made keep their vehicle and
    /// driver.
    pub async fn update_driver(&self, district: i64, id: i64, new: &NewDriver) -> Result<()> {
        let mut tx = self.write().await?;
        let known: Option<i64> =
            sqlx::query_scalar("SELECT id FROM drivers WHERE id = $1 AND district_id = $2")
                .bind(id)
                .bind(district)
                .fetch_optional(&mut *tx)
                .await?;
        if known.is_none() {
            return Err(StoreError::NotFound);
        }
        check_driver_vehicle(&mut tx, district, new, Some(id)).await?;
        sqlx::query(
            "UPDATE drivers SET name = $1, phone = $2, vehicle_id = $3 WHERE id = $4 AND district_id = $5",
        )
        .bind(&new.name)
        .bind(&new.phone)
        .bind(new.vehicle_id)
        .bind(id)
        .bind(district)
        .execute(&mut *tx)
        .await
        .map_err(vehicle_taken)?;
        tx.commit().await?;
        Ok(())
    }
}

/// Checks the vehicle a driver is to drive: the district's, in service, and not another
/// driver's (`driver`: the one being changed).
async fn check_driver_vehicle(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    district: i64,
    new: &NewDriver,
    driver: Option<i64>,
) -> Result<()> {
    let Some(vehicle) = new.vehicle_id else {
        return Ok(());
    };
    if let Some(driver) = driver {
        let current: Option<i64> =
            sqlx::query_scalar("SELECT vehicle_id FROM drivers WHERE id = $1")
                .bind(driver)
                .fetch_one(&mut **tx)
                .await?;
        if current == Some(vehicle) {
            return Ok(()); // kept as it is
        }
    }
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM vehicles WHERE id = $1 AND district_id = $2 AND active = 1",
    )
    .bind(vehicle)
    .bind(district)
    .fetch_optional(&mut **tx)
    .await?;
    if known.is_none() {
        return Err(StoreError::Invalid(vec![FieldError::new(
            "vehicle_id",
            problem!("no_such_vehicle", "no such vehicle in your district"),
        )]));
    }
    let other: Option<i64> =
        sqlx::query_scalar("SELECT id FROM drivers WHERE vehicle_id = $1 AND id <> $2")
            .bind(vehicle)
            .bind(driver.unwrap_or(-1))
            .fetch_optional(&mut **tx)
            .await?;
    match other {
        None => Ok(()),
        Some(_) => Err(vehicle_has_driver()),
    }
}

/// The one unique rule of a driver's row is one driver per vehicle: when two requests race past
/// [`check_driver_vehicle`] (PostgreSQL reads committed rows), the loser hears the same words.
fn vehicle_taken(e: sqlx::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(p) if p.code == "already_exists" => vehicle_has_driver(),
        other => other,
    }
}

fn vehicle_has_driver() -> StoreError {
    StoreError::Invalid(vec![FieldError::new(
        "vehicle_id",
        problem!("vehicle_has_driver", "the vehicle already has a driver"),
    )])
}

/// Inserts an elder inside a transaction, checking the community is in scope.
pub(crate) async fn insert_elder(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    scope: Scope,
    community: i64,
    input: &ElderInput,
    now: i64,
) -> Result<i64> {
    let visible: Option<i64> = sqlx::query_scalar(sql!(
        "SELECT c.id FROM communities c WHERE c.id = $1{}",
        community_filter(scope)
    ))
    .bind(community)
    .fetch_optional(&mut **tx)
    .await?;
    if visible.is_none() {
        return Err(StoreError::NotFound);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO elders (community_id, name, phone, address, lon, lat, mobility, companions, \
         dose, priority, notes, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(community)
    .bind(&input.name)
    .bind(&input.phone)
    .bind(&input.address)
    .bind(input.home.lon)
    .bind(input.home.lat)
    .bind(input.mobility.code())
    .bind(input.companions)
    .bind(input.dose.code())
    .bind(input.priority)
    .bind(&input.notes)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}
