//! The campaign's ledger (issue 16): a shot given at the site, recorded for the booking that
//! brought the elder there, moves the elder's dose status on, with the day and the place.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use vaxride_dispatch::model::BookingStatus;
use vaxride_dispatch::values::{Dose, Shot};

use crate::error::Result;
use crate::{Scope, Store, StoreError, problems};

/// One shot given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vaccination {
    /// Id.
    pub id: i64,
    /// Who got it.
    pub elder_id: i64,
    /// The booking that brought them, if any.
    pub booking_id: Option<i64>,
    /// Which shot.
    pub shot: Shot,
    /// The day (`YYYY-MM-DD`).
    pub day: String,
    /// Where.
    pub site_id: Option<i64>,
    /// When it was recorded (Unix seconds).
    pub at: i64,
}

const COLUMNS: &str = "id, elder_id, booking_id, shot, day, site_id, at";

fn vaccination(r: &sqlx::any::AnyRow) -> Result<Vaccination> {
    let shot: String = r.try_get("shot")?;
    Ok(Vaccination {
        id: r.try_get("id")?,
        elder_id: r.try_get("elder_id")?,
        booking_id: r.try_get("booking_id")?,
        shot: Shot::parse(&shot).map_err(|_| StoreError::Database("bad stored shot".into()))?,
        day: r.try_get("day")?,
        site_id: r.try_get("site_id")?,
        at: r.try_get("at")?,
    })
}

impl Store {
    /// Records that the elder of `booking` got the shot due at the site: the shot their dose
    /// status asks for next, on the booking's day, at the site the plan took them to. Only for
    /// an elder who reached the site (`not_at_site`), whose health check did not fail
    /// (`health_check_failed`) and who has a shot due (`no_shot_due`). Recording it again
    /// answers the vaccination recorded, and changes nothing.
    pub async fn vaccinated(
        &self,
        scope: Scope,
        booking: i64,
        user_id: i64,
        now: i64,
    ) -> Result<Vaccination> {
        let current = self.booking(scope, booking).await?;
        let mut tx = self.write().await?;
        let done = sqlx::query(sql!(
            "SELECT {COLUMNS} FROM vaccinations WHERE booking_id = $1"
        ))
        .bind(booking)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = done {
            return vaccination(&row);
        }
        use BookingStatus::*;
        if !matches!(current.status, AtSite | ReturnPickedUp | Home) {
            let status = current.status.code();
            return Err(StoreError::Conflict(problems::not_at_site(status)));
        }
        if current.health_check_failed_at.is_some() {
            return Err(StoreError::Conflict(problems::health_check_failed()));
        }
        let dose: String = sqlx::query_scalar("SELECT dose FROM elders WHERE id = $1")
            .bind(current.elder_id)
            .fetch_one(&mut *tx)
            .await?;
        let dose = Dose::from_code(&dose).ok_or(StoreError::Database("bad stored dose".into()))?;
        let shot = dose
            .next_shot()
            .ok_or(StoreError::Conflict(problems::no_shot_due()))?;
        let site = current.planned_site_id.or(current.site_id);
        let row = sqlx::query(sql!(
            "INSERT INTO vaccinations (elder_id, booking_id, shot, day, site_id, recorded_by, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
        ))
        .bind(current.elder_id)
        .bind(booking)
        .bind(shot.code())
        .bind(&current.day)
        .bind(site)
        .bind(user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE elders SET dose = $1, updated_at = $2 WHERE id = $3")
            .bind(shot.gives().code())
            .bind(now)
            .bind(current.elder_id)
            .execute(&mut *tx)
            .await?;
        let made = vaccination(&row)?;
        tx.commit().await?;
        Ok(made)
    }

    /// The shots an elder of the caller's scope got, oldest first.
    pub async fn vaccinations(&self, scope: Scope, elder: i64) -> Result<Vec<Vaccination>> {
        self.elder(scope, elder).await?;
        let rows = sqlx::query(sql!(
            "SELECT {COLUMNS} FROM vaccinations WHERE elder_id = $1 ORDER BY at, id"
        ))
        .bind(elder)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(vaccination).collect()
    }
}
