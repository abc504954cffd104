//! Planning jobs as a durable queue shared by every instance on the database.
//!
//! A coordinator's run is a `queued` row. Any instance claims the oldest queued job with a lease
//! (`lease_owner`, `lease_until`) and renews it while it solves; progress and the end (`done`,
//! `failed`, `cancelled`) are written to the row, so every instance can answer for every job.
//! A job whose lease lapses (its instance died) is queued again, at most [`MAX_ATTEMPTS`]
//! times in all, then failed with the reason. At most one job per district and day waits:
//! a new run replaces the queued one. Only the lease holder may write a running job's progress
//! or its end, so a job is never finished twice.
//!
//! The claim is one statement: PostgreSQL skips rows another claimer holds
//! (`FOR UPDATE SKIP LOCKED`); SQLite's write transactions are serial (`BEGIN IMMEDIATE`),
//! which gives the same semantics.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use vaxride_dispatch::model::{ChangeReason, Day};

use crate::db::Backend;
use crate::error::Result;
use crate::plans::district_of;
use crate::{Scope, Store, StoreError};

/// How many times a job may be claimed before a lapsed lease fails it.
pub const MAX_ATTEMPTS: i64 = 3;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// [`Store::enqueue_job`] inside a transaction: the job's id (a repair asked for while a run
/// waits is that run).
pub(crate) async fn enqueue_in(
    tx: &mut Tx,
    district: i64,
    day: &str,
    run: NewJob,
    now: i64,
) -> Result<i64> {
    if run.reason.is_some() {
        let waiting: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM plan_jobs WHERE district_id = $1 AND day = $2 AND status = 'queued' \
             AND reason IS NULL AND kind = 'day'",
        )
        .bind(district)
        .bind(day)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(id) = waiting {
            return Ok(id);
        }
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO plan_jobs (district_id, day, status, stage, percent, created_at, \
         updated_at, seconds, clustered, reason) \
         VALUES ($1, $2, 'queued', 'queued', 0, $3, $3, $4, $5, $6) RETURNING id",
    )
    .bind(district)
    .bind(day)
    .bind(now)
    .bind(run.seconds)
    .bind(i64::from(run.clustered))
    .bind(run.reason.map(|r| r.code()))
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE plan_jobs SET status = 'cancelled', stage = 'cancelled', error = $1, \
         updated_at = $2 \
         WHERE district_id = $3 AND day = $4 AND status = 'queued' AND id <> $5 \
         AND kind = 'day' AND ($6 = 0 OR reason IS NOT NULL)",
    )
    .bind(format!("replaced by job {id}"))
    .bind(now)
    .bind(district)
    .bind(day)
    .bind(id)
    .bind(i64::from(run.reason.is_some()))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// What a job plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A day's plan (a draft plan when done).
    Day,
    /// Van stops (a proposal when done, kept with the job).
    Vans,
}

impl JobKind {
    /// As stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Day => "day",
            JobKind::Vans => "vans",
        }
    }
}

/// Where a planning job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Waiting for an instance.
    Queued,
    /// An instance holds its lease and solves.
    Running,
    /// Finished with a draft plan.
    Done,
    /// Finished without one (the reason is in `error`).
    Failed,
    /// Cancelled by a coordinator, or replaced by a newer run while it waited.
    Cancelled,
}

impl JobStatus {
    /// Every status.
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    /// As stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the job has ended (its stream ends with this status).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobStatus::Done | JobStatus::Failed | JobStatus::Cancelled
        )
    }

    fn parse(s: &str) -> Result<JobStatus> {
        JobStatus::ALL
            .into_iter()
            .find(|j| j.as_str() == s)
            .ok_or_else(|| StoreError::Database(format!("stored job status {s}")))
    }
}

/// A planning job as the coordinator follows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    /// Id.
    pub id: i64,
    /// District.
    pub district_id: i64,
    /// Day.
    pub day: String,
    /// `queued`, `running`, `done`, `failed`, `cancelled`.
    pub status: String,
    /// What it is doing (`queued`, `loading`, `matrix`, `clusters`, `joining`, …).
    pub stage: String,
    /// 0–100.
    pub percent: i64,
    /// Figures of the best plan so far (`best_served`, `best_cost`).
    pub best: Option<Value>,
    /// The draft plan, when done.
    pub plan_id: Option<i64>,
    /// Why it failed or was cancelled.
    pub error: Option<String>,
    /// Claims so far.
    pub attempts: i64,
    /// A coordinator asked to cancel it.
    pub cancel_requested: bool,
    /// `None` for a coordinator's run; for a repair, the event that asked for it.
    pub reason: Option<String>,
    /// `day` (a day's plan) or `vans` (van stops).
    pub kind: String,
}

impl JobView {
    /// The status, typed.
    pub fn state(&self) -> JobStatus {
        JobStatus::parse(&self.status).unwrap_or(JobStatus::Failed)
    }
}

/// A run to queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewJob {
    /// `None` for a coordinator's run; for a repair, the event that asks for it.
    pub reason: Option<ChangeReason>,
    /// Seconds of search.
    pub seconds: i64,
    /// Solve the clusters first.
    pub clustered: bool,
}

/// A job an instance claimed: what it needs to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    /// Id.
    pub id: i64,
    /// District.
    pub district_id: i64,
    /// Day.
    pub day: Day,
    /// The run asked for.
    pub run: NewJob,
    /// This claim's number (1 = the first).
    pub attempt: i64,
    /// What it plans.
    pub kind: JobKind,
    /// For van stops, the request it answers.
    pub request: Option<Value>,
}

/// A running job's progress, written by its lease holder.
#[derive(Debug, Clone, Copy)]
pub struct JobUpdate<'a> {
    /// What it does now (a pipeline stage's name, `loading`, `saving`).
    pub stage: &'a str,
    /// 0–100.
    pub percent: i64,
    /// The best solution so far (kept when `None`).
    pub best: Option<&'a Value>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JobEnd<'a> {
    /// A draft plan was saved.
    Done {
        /// The plan.
        plan_id: i64,
    },
    /// No plan, and why.
    Failed {
        /// The reason (no personal data).
        error: &'a str,
    },
    /// A coordinator cancelled it.
    Cancelled,
    /// Van stops were proposed.
    Answered {
        /// The proposal.
        result: &'a Value,
    },
}

/// What the lease holder learns when it renews the lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    /// Still ours: go on.
    Held,
    /// Still ours, but a coordinator asked to cancel: stop and end it as cancelled.
    CancelRequested,
    /// No longer ours (it lapsed and was reclaimed or failed): stop, write nothing.
    Lost,
}

const COLUMNS: &str = "id, district_id, day, status, stage, percent, best, plan_id, error, \
                       attempts, cancel_requested, reason, kind";

fn view(r: &sqlx::any::AnyRow) -> Result<JobView> {
    let best: Option<String> = r.try_get("best")?;
    Ok(JobView {
        id: r.try_get("id")?,
        district_id: r.try_get("district_id")?,
        day: r.try_get("day")?,
        status: r.try_get("status")?,
        stage: r.try_get("stage")?,
        percent: r.try_get("percent")?,
        best: best.and_then(|b| serde_json::from_str(&b).ok()),
        plan_id: r.try_get("plan_id")?,
        error: r.try_get("error")?,
        attempts: r.try_get("attempts")?,
        cancel_requested: r.try_get::<i64, _>("cancel_requested")? != 0,
        reason: r.try_get("reason")?,
        kind: r.try_get("kind")?,
    })
}

impl Store {
    /// Queues a run for `district` and `day`. A job of the same district and day still waiting
    /// is replaced (cancelled, naming the new one): at most one waits and one runs. A repair
    /// replaces only a waiting repair, and waits behind a waiting run (which plans the day as
    /// it will stand).
    pub async fn enqueue_job(
        &self,
        district: i64,
        day: &Day,
        run: NewJob,
        now: i64,
    ) -> Result<i64> {
        let mut tx = self.write().await?;
        let id = enqueue_in(&mut tx, district, day.as_str(), run, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Queues a van planning job for `district` answering `request`; `day` is the first day
    /// the vans work. A van planning job of the district still waiting is replaced (cancelled,
    /// naming the new one).
    pub async fn enqueue_vans_job(
        &self,
        district: i64,
        day: &Day,
        seconds: i64,
        request: &Value,
        now: i64,
    ) -> Result<i64> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_jobs (district_id, day, status, stage, percent, created_at, \
             updated_at, seconds, clustered, kind, request) \
             VALUES ($1, $2, 'queued', 'queued', 0, $3, $3, $4, 0, 'vans', $5) RETURNING id",
        )
        .bind(district)
        .bind(day.as_str())
        .bind(now)
        .bind(seconds)
        .bind(request.to_string())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE plan_jobs SET status = 'cancelled', stage = 'cancelled', error = $1, \
             updated_at = $2 \
             WHERE district_id = $3 AND status = 'queued' AND id <> $4 AND kind = 'vans'",
        )
        .bind(format!("replaced by job {id}"))
        .bind(now)
        .bind(district)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A van planning job the scope sees, with its proposal once done.
    pub async fn vans_job(&self, scope: Scope, id: i64) -> Result<(JobView, Option<Value>)> {
        let district = district_of(scope)?;
        let row = sqlx::query(sql!(
            "SELECT {COLUMNS}, result FROM plan_jobs WHERE id = $1 AND kind = 'vans' \
             AND ($2 = 0 OR district_id = $3)"
        ))
        .bind(id)
        .bind(i64::from(district.is_some()))
        .bind(district.unwrap_or(0))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let result: Option<String> = row.try_get("result")?;
        Ok((
            view(&row)?,
            result.and_then(|r| serde_json::from_str(&r).ok()),
        ))
    }

    /// Claims the oldest queued job for `owner` until `lease_until` (Unix seconds), unless one
    /// of the same district and day is already running (it waits for that one).
    pub async fn claim_job(
        &self,
        owner: &str,
        now: i64,
        lease_until: i64,
    ) -> Result<Option<ClaimedJob>> {
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = sql!(
            "UPDATE plan_jobs SET status = 'running', stage = 'starting', lease_owner = $1, \
             lease_until = $2, attempts = attempts + 1, updated_at = $3 \
             WHERE id = (SELECT q.id FROM plan_jobs q WHERE q.status = 'queued' \
               AND NOT EXISTS (SELECT 1 FROM plan_jobs r WHERE r.status = 'running' \
                 AND r.district_id = q.district_id AND r.day = q.day AND r.kind = q.kind) \
               ORDER BY q.id LIMIT 1{lock}) \
             AND status = 'queued' \
             RETURNING id, district_id, day, seconds, clustered, attempts, reason, kind, request"
        );
        let mut tx = self.write().await?;
        let row = sqlx::query(sql)
            .bind(owner)
            .bind(lease_until)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let day: String = r.try_get("day")?;
        Ok(Some(ClaimedJob {
            id: r.try_get("id")?,
            district_id: r.try_get("district_id")?,
            day: Day::parse(&day).map_err(|e| StoreError::Database(format!("stored day: {e}")))?,
            run: NewJob {
                reason: r
                    .try_get::<Option<String>, _>("reason")?
                    .and_then(|c| ChangeReason::from_code(&c)),
                seconds: r.try_get("seconds")?,
                clustered: r.try_get::<i64, _>("clustered")? != 0,
            },
            attempt: r.try_get("attempts")?,
            kind: match r.try_get::<String, _>("kind")?.as_str() {
                "vans" => JobKind::Vans,
                _ => JobKind::Day,
            },
            request: r
                .try_get::<Option<String>, _>("request")?
                .and_then(|b| serde_json::from_str(&b).ok()),
        }))
    }

    /// Renews `owner`'s lease on a running job and writes its progress.
    pub async fn renew_job(
        &self,
        id: i64,
        owner: &str,
        update: &JobUpdate<'_>,
        now: i64,
        lease_until: i64,
    ) -> Result<Lease> {
        let mut tx = self.write().await?;
        let cancel: Option<i64> = sqlx::query_scalar(
            "UPDATE plan_jobs SET lease_until = $1, stage = $2, percent = $3, \
             best = COALESCE($4, best), updated_at = $5 \
             WHERE id = $6 AND status = 'running' AND lease_owner = $7 \
             RETURNING cancel_requested",
        )
        .bind(lease_until)
        .bind(update.stage)
        .bind(update.percent)
        .bind(update.best.map(Value::to_string))
        .bind(now)
        .bind(id)
        .bind(owner)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(match cancel {
            None => Lease::Lost,
            Some(0) => Lease::Held,
            Some(_) => Lease::CancelRequested,
        })
    }

    /// Ends a running job `owner` holds; `false` when the lease was lost (nothing written).
    pub async fn finish_job(
        &self,
        id: i64,
        owner: &str,
        end: JobEnd<'_>,
        now: i64,
    ) -> Result<bool> {
        let (status, plan_id, error, result) = match end {
            JobEnd::Done { plan_id } => ("done", Some(plan_id), None, None),
            JobEnd::Failed { error } => ("failed", None, Some(error), None),
            JobEnd::Cancelled => (
                "cancelled",
                None,
                Some("cancelled by the coordinator"),
                None,
            ),
            JobEnd::Answered { result } => ("done", None, None, Some(result.to_string())),
        };
        let mut tx = self.write().await?;
        let n = sqlx::query(
            "UPDATE plan_jobs SET status = $1, stage = $1, percent = 100, \
             plan_id = COALESCE($2, plan_id), error = $3, lease_owner = NULL, \
             lease_until = NULL, updated_at = $4, result = COALESCE($7, result) \
             WHERE id = $5 AND status = 'running' AND lease_owner = $6",
        )
        .bind(status)
        .bind(plan_id)
        .bind(error)
        .bind(now)
        .bind(id)
        .bind(owner)
        .bind(result)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Running jobs whose lease lapsed before `now`, or that `owner` held (an instance
    /// starting again under the same name): queued again, or failed after [`MAX_ATTEMPTS`]
    /// claims; a job a coordinator asked to cancel ends cancelled. Returns how many.
    pub async fn recover_jobs(&self, owner: Option<&str>, now: i64) -> Result<u64> {
        let mut tx = self.write().await?;
        let lapsed = "status = 'running' AND (lease_until < $1 OR lease_owner = $2)";
        let mut n = sqlx::query(sql!(
            "UPDATE plan_jobs SET status = 'cancelled', stage = 'cancelled', \
             error = 'cancelled by the coordinator', lease_owner = NULL, lease_until = NULL, \
             updated_at = $1 WHERE {lapsed} AND cancel_requested <> 0"
        ))
        .bind(now)
        .bind(owner.unwrap_or(""))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        n += sqlx::query(sql!(
            "UPDATE plan_jobs SET status = 'failed', stage = 'failed', percent = 100, \
             error = 'the instance running it stopped, ' || attempts || ' times', \
             lease_owner = NULL, lease_until = NULL, updated_at = $1 \
             WHERE {lapsed} AND attempts >= $3"
        ))
        .bind(now)
        .bind(owner.unwrap_or(""))
        .bind(MAX_ATTEMPTS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        n += sqlx::query(sql!(
            "UPDATE plan_jobs SET status = 'queued', stage = 'queued', percent = 0, \
             lease_owner = NULL, lease_until = NULL, updated_at = $1 WHERE {lapsed}"
        ))
        .bind(now)
        .bind(owner.unwrap_or(""))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n)
    }

    /// Cancels a job the scope sees: a waiting one at once, a running one when its runner
    /// next renews its lease (within seconds). An ended job is left as it is.
    pub async fn cancel_job(&self, scope: Scope, id: i64, now: i64) -> Result<JobView> {
        let current = self.job(scope, id).await?;
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE plan_jobs SET status = 'cancelled', stage = 'cancelled', \
             error = 'cancelled by the coordinator', updated_at = $1 \
             WHERE id = $2 AND status = 'queued'",
        )
        .bind(now)
        .bind(current.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE plan_jobs SET cancel_requested = 1, updated_at = $1 \
             WHERE id = $2 AND status = 'running'",
        )
        .bind(now)
        .bind(current.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.job(scope, id).await
    }

    /// A job the scope sees.
    pub async fn job(&self, scope: Scope, id: i64) -> Result<JobView> {
        let district = district_of(scope)?;
        let row = sqlx::query(sql!(
            "SELECT {COLUMNS} FROM plan_jobs WHERE id = $1 AND ($2 = 0 OR district_id = $3)"
        ))
        .bind(id)
        .bind(i64::from(district.is_some()))
        .bind(district.unwrap_or(0))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        view(&row)
    }
}
