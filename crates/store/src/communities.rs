//! Districts and their communities.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use vaxride_dispatch::model::Point;

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
}
