//! Volunteer drivers and the one vehicle each drives.

use serde::{Deserialize, Serialize};
use vaxride_dispatch::FieldError;

use crate::error::Result;
use crate::problems;
use crate::trips::push_trip;
use crate::{Store, StoreError};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

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
            problems::no_such_vehicle(),
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
        problems::vehicle_has_driver(),
    )])
}

impl Store {
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
    pub async fn update_driver(
        &self,
        district: i64,
        id: i64,
        new: &NewDriver,
        now: i64,
    ) -> Result<()> {
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
        let before: Option<i64> =
            sqlx::query_scalar("SELECT vehicle_id FROM drivers WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
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
        if before != new.vehicle_id {
            move_trips(&mut tx, id, new.vehicle_id, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A driver moved to another vehicle (or to none): the trips of their old vehicle not yet ended
/// leave them (their cancellation erases the elders' data from the driver's stream; the trips
/// wait, unassigned, for the coordinator), and the trips of their new vehicle are offered to
/// them. Refused while they are on a trip (one with a stop reported and not ended).
async fn move_trips(tx: &mut Tx, driver: i64, vehicle: Option<i64>, now: i64) -> Result<()> {
    let under_way: Option<i64> = sqlx::query_scalar(
        "SELECT t.id FROM trips t WHERE t.driver_id = $1 AND t.active = 1 AND t.status = 'accepted' \
         AND EXISTS (SELECT 1 FROM trip_stops ts JOIN reports r ON r.trip_stop_id = ts.id \
                     WHERE ts.trip_id = t.id)",
    )
    .bind(driver)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(trip) = under_way {
        return Err(StoreError::Conflict(problems::driver_on_a_trip(trip)));
    }
    let leaving: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM trips WHERE driver_id = $1 AND active = 1 \
         AND status IN ('offered', 'accepted', 'declined')",
    )
    .bind(driver)
    .fetch_all(&mut **tx)
    .await?;
    for trip in leaving {
        sqlx::query(
            "UPDATE trips SET driver_id = NULL, status = 'offered', updated_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(trip)
        .execute(&mut **tx)
        .await?;
        push_trip(tx, driver, trip, "trip_cancelled", now).await?;
    }
    let Some(vehicle) = vehicle else {
        return Ok(());
    };
    let coming: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM trips WHERE vehicle_id = $1 AND active = 1 \
         AND status IN ('offered', 'accepted', 'declined')",
    )
    .bind(vehicle)
    .fetch_all(&mut **tx)
    .await?;
    for trip in coming {
        sqlx::query(
            "UPDATE trips SET driver_id = $1, status = 'offered', updated_at = $2 WHERE id = $3",
        )
        .bind(driver)
        .bind(now)
        .bind(trip)
        .execute(&mut **tx)
        .await?;
        push_trip(tx, driver, trip, "trip_offered", now).await?;
    }
    Ok(())
}
