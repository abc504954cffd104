//! Elders on the communities' rosters.

use crate::problems::range;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use vaxride_dispatch::FieldError;
use vaxride_dispatch::model::{Dose, Elder, Mobility, Point};
use vaxride_dispatch::values::check_text;

use crate::communities::community_filter;
use crate::error::Result;
use crate::{Scope, Store, StoreError};

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
        for (name, text, required, max) in [
            ("name", &self.name, true, 100),
            ("phone", &self.phone, false, 30),
            ("address", &self.address, false, 200),
            ("notes", &self.notes, false, 1000),
        ] {
            if let Err(problem) = check_text(text, required, max) {
                errors.push(FieldError::new(f(name), problem));
            }
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

impl Store {
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
}
