//! Mobile vaccination vans and their stops.

use serde::{Deserialize, Serialize};
use vaxride_dispatch::model::Site;

use crate::Store;
use crate::error::Result;
use crate::sites::site;

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

impl Store {
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
}
