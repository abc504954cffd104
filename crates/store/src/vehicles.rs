//! The district's vehicles.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use vaxride_dispatch::model::{ChangeReason, Point, Team, Vehicle};

use crate::db::AnyQuery;
use crate::error::Result;
use crate::events::{Fleet, fleet_event};
use crate::{Store, StoreError};

/// A vehicle to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewVehicle {
    /// The vehicle (its id is ignored).
    pub vehicle: Vehicle,
}

pub(crate) fn vehicle(row: &AnyRow) -> Result<Vehicle> {
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
        team: row
            .try_get::<Option<i64>, _>("shots_per_day")?
            .map(|shots_per_day| Team { shots_per_day }),
    })
}

/// Binds a vehicle's columns as `$1`…`$9` (name, seats, wheelchairs, features, shift_from,
/// shift_to, lon, lat, shots_per_day), the order the insert and the update both use.
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
        .bind(v.team.map(|t| t.shots_per_day))
}

impl Store {
    /// Changes a vehicle of the district; each day from today on whose published plan has a
    /// trip of it is repaired (a shift ending earlier: the vehicle is unavailable from then).
    pub async fn update_vehicle(
        &self,
        district: i64,
        id: i64,
        new: &NewVehicle,
        now: i64,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let done = bind_vehicle(
            sqlx::query(
                "UPDATE vehicles SET name = $1, seats = $2, wheelchairs = $3, features = $4, shift_from = $5, \
                 shift_to = $6, lon = $7, lat = $8, shots_per_day = $9 WHERE id = $10 AND district_id = $11 \
                 AND active = 1",
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
        let why = ChangeReason::VehicleChanged;
        fleet_event(&mut tx, why, district, Fleet::Vehicle(id), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a vehicle in a district.
    pub async fn create_vehicle(&self, district: i64, new: &NewVehicle) -> Result<i64> {
        let mut tx = self.write().await?;
        let row = bind_vehicle(
            sqlx::query(
                "INSERT INTO vehicles (name, seats, wheelchairs, features, shift_from, shift_to, \
                 lon, lat, shots_per_day, district_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 RETURNING id",
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
            "SELECT id, name, seats, wheelchairs, features, shift_from, shift_to, lon, lat, \
             shots_per_day FROM vehicles WHERE district_id = $1 AND active = 1 ORDER BY id",
        )
        .bind(district)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(vehicle).collect()
    }
}
