//! Planning runs: a coordinator queues a job (run by whichever instance claims it: see
//! `jobs.rs`), follows its progress (read from the database), may cancel it, then reads and
//! publishes the draft plan.

use std::time::{Duration, Instant};

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use vaxride_dispatch::model::Day;
use vaxride_dispatch::planning::Budgets;
use vaxride_dispatch::values::Role;
use vaxride_solver::{Budget, Cost};
use vaxride_store::{JobView, NewJob, Scope};

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::problems;
use crate::sse;

/// A job's progress as streamed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Progress {
    /// Job id.
    pub job: i64,
    /// `queued`, `running`, `done`, `failed`, `cancelled`.
    pub status: String,
    /// What it does now.
    pub stage: String,
    /// 0–100.
    pub percent: i64,
    /// Best so far: requests served (in the current stage's problem).
    pub best_served: Option<usize>,
    /// Best so far: driving time, seconds.
    #[schema(value_type = Option<i64>)]
    pub best_cost: Option<Cost>,
    /// The draft plan, when done.
    pub plan_id: Option<i64>,
    /// Why it failed or was cancelled.
    pub error: Option<String>,
    /// A coordinator asked to cancel it (a running job stops within seconds).
    pub cancel_requested: bool,
    /// `null` for a coordinator's run; for a repair, the event that asked for it (a change
    /// reason: `cancelled`, `no_show`, `health_check_failed`, `declined`, `urgent_booking`).
    pub reason: Option<String>,
    /// `day` (a day's plan: `plan_id` when done) or `vans` (van stops: the proposal at
    /// `GET /api/vanplan/jobs/{id}` when done).
    pub kind: String,
}

/// A wall-clock budget for a whole planning run, shared out by the pipeline's stages.
#[derive(Debug, Clone, Copy)]
pub struct WallClock(pub Duration);

impl Budgets for WallClock {
    fn budget(&self, share: f64) -> Box<dyn Budget + Send> {
        Box::new(Deadline {
            start: Instant::now(),
            limit: self.0.mul_f64(share),
        })
    }
}

/// Stops at `limit` after `start`.
struct Deadline {
    start: Instant,
    limit: Duration,
}

impl Budget for Deadline {
    fn progress(&mut self, _iteration: u64) -> Option<f64> {
        let f = self.start.elapsed().as_secs_f64() / self.limit.as_secs_f64().max(1e-3);
        (f < 1.0).then_some(f)
    }
}

/// The longest search a run may ask for, seconds.
const MAX_SECONDS: u64 = 300;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunBody {
    day: String,
    /// Seconds of search (default: the server's setting).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 300)]
    seconds: Option<u64>,
    /// Solve clusters first (default true).
    #[serde(default)]
    clustered: Option<bool>,
}

pub(crate) fn district(caller: &Caller) -> Result<i64, ApiError> {
    caller.require(&[Role::Coordinator])?;
    caller.0.district_id.ok_or_else(ApiError::forbidden)
}

/// `POST /api/plans/run`: starts planning a day; answers 202 with the job.
#[utoipa::path(
    post,
    path = "/api/plans/run",
    tag = "planning",
    request_body = RunBody,
    responses(
        (status = 202, description = "Queued; follow `events`", body = crate::api::JobStarted),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<RunBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let day = Day::parse(&body.day).map_err(|m| ApiError::field("day", m))?;
    let seconds = match body.seconds {
        None => state.plan_time.min(Duration::from_secs(MAX_SECONDS)),
        Some(s @ 1..=MAX_SECONDS) => Duration::from_secs(s),
        Some(_) => {
            return Err(ApiError::field(
                "seconds",
                problems::range(1, MAX_SECONDS as i64),
            ));
        }
    };
    let input = state.store.plan_input(district, &day).await?;
    if input.bookings.len() > state.max_plan_bookings {
        return Err(ApiError::field(
            "day",
            problems::plan_too_large(input.bookings.len(), state.max_plan_bookings),
        ));
    }
    let run = NewJob {
        reason: None,
        seconds: seconds.as_secs() as i64,
        clustered: body.clustered.unwrap_or(true),
    };
    let job = state
        .store
        .enqueue_job(district, &day, run, state.now())
        .await?;
    crate::jobs::Runner::start(&state);
    Ok(HttpResponse::Accepted().json(crate::api::JobStarted {
        job,
        events: format!("/api/plans/jobs/{job}/events"),
    }))
}

/// `GET /api/plans/jobs/{id}`.
#[utoipa::path(
    get,
    path = "/api/plans/jobs/{id}",
    tag = "planning",
    params(
        ("id" = i64, Path, description = "Job id"),
    ),
    responses(
        (status = 200, description = "Its progress", body = Progress),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    district(&caller)?;
    let stored = state.store.job(caller.0.scope(), *id).await?;
    Ok(HttpResponse::Ok().json(Progress::from(&stored)))
}

impl From<&JobView> for Progress {
    fn from(j: &JobView) -> Progress {
        let best = |k: &str| {
            j.best
                .as_ref()
                .and_then(|b| b.get(k))
                .and_then(|v| v.as_i64())
        };
        Progress {
            job: j.id,
            status: j.status.clone(),
            stage: j.stage.clone(),
            percent: j.percent,
            best_served: best("best_served").map(|v| v as usize),
            best_cost: best("best_cost").map(|v| v as Cost),
            plan_id: j.plan_id,
            error: j.error.clone(),
            cancel_requested: j.cancel_requested,
            reason: j.reason.clone(),
            kind: j.kind.clone(),
        }
    }
}

/// `POST /api/plans/jobs/{id}/cancel`: a waiting job ends at once, a running one within
/// seconds (its stream then ends with `cancelled`); an ended job is left as it is.
#[utoipa::path(
    post,
    path = "/api/plans/jobs/{id}/cancel",
    tag = "planning",
    params(
        ("id" = i64, Path, description = "Job id"),
    ),
    responses(
        (status = 200, description = "The job now", body = Progress),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    district(&caller)?;
    let job = state
        .store
        .cancel_job(caller.0.scope(), *id, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(Progress::from(&job)))
}

/// `GET /api/plans/jobs/{id}/events`: Server-Sent Events `progress` until `done`, `failed` or `cancelled`,
/// read from the database (so any instance serves any job).
#[utoipa::path(
    get,
    path = "/api/plans/jobs/{id}/events",
    tag = "planning",
    params(
        ("id" = i64, Path, description = "Job id"),
    ),
    responses(
        (status = 200, description = "Server-Sent Events: `progress` (data: Progress) until `done`, `failed` or `cancelled`", body = String, content_type = "text/event-stream"),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn job_events(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    district(&caller)?;
    let scope: Scope = caller.0.scope();
    let id = *id;
    state.store.job(scope, id).await?;
    let stream = futures_util::stream::unfold(
        (state, 0u64, false),
        move |(state, n, finished)| async move {
            if finished {
                return None;
            }
            if n > 0 {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            let stored = state.store.job(scope, id).await.ok()?;
            let end = stored.state().is_final();
            let p = Progress::from(&stored);
            let name = if end {
                p.status.clone()
            } else {
                "progress".to_string()
            };
            let frame = sse::frame(Some(&(n + 1).to_string()), &name, &json!(p));
            Some((Ok::<_, actix_web::Error>(frame), (state, n + 1, end)))
        },
    );
    Ok(sse::response(stream))
}

/// `GET /api/plans?day=YYYY-MM-DD`.
#[utoipa::path(
    get,
    path = "/api/plans",
    tag = "planning",
    operation_id = "list_plans",
    params(
        crate::bookings::DayQuery,
    ),
    responses(
        (status = 200, description = "The day's plans in the caller's district, newest version first: id, version, status, figures, created_at, published_at (no routes)", body = [Object]),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<crate::bookings::DayQuery>,
) -> Result<HttpResponse, ApiError> {
    district(&caller)?;
    let day = q.day()?;
    Ok(HttpResponse::Ok().json(state.store.plans(caller.0.scope(), &day).await?))
}

/// `GET /api/plans/{id}`.
#[utoipa::path(
    get,
    path = "/api/plans/{id}",
    tag = "planning",
    operation_id = "get_plan",
    params(
        ("id" = i64, Path, description = "Plan id"),
    ),
    responses(
        (status = 200, description = "The plan: routes, figures, GeoJSON", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    district(&caller)?;
    Ok(HttpResponse::Ok().json(state.store.plan(caller.0.scope(), *id).await?))
}

/// `POST /api/plans/{id}/publish`.
#[utoipa::path(
    post,
    path = "/api/plans/{id}/publish",
    tag = "planning",
    operation_id = "publish_plan",
    params(
        ("id" = i64, Path, description = "Plan id"),
    ),
    responses(
        (status = 200, description = "Published: trips sent to the drivers", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    district(&caller)?;
    let plan = state
        .store
        .publish_plan(caller.0.scope(), *id, state.now())
        .await?;
    tracing::info!(plan = plan.id, "plan published");
    Ok(HttpResponse::Ok().json(plan))
}
