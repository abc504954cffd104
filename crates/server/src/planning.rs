//! Planning runs: a background job per request (matrix, clusters in parallel, the joined
//! whole), its progress streamed to the coordinator, the draft plan stored, then published.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use vaxride_dispatch::model::Day;
use vaxride_dispatch::planning::{Budgets, PlanStage, plan_day};
use vaxride_dispatch::solve::PlanOptions;
use vaxride_dispatch::values::Role;
use vaxride_solver::{Budget, Cost};
use vaxride_store::{JobStatus, JobUpdate, Scope, Store};

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
    /// `queued`, `running`, `done`, `failed`.
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
    /// Why it failed.
    pub error: Option<String>,
}

/// Progress of the jobs this instance runs.
#[derive(Default, Clone)]
pub struct Jobs(Arc<Mutex<HashMap<i64, Progress>>>);

impl Jobs {
    fn set(&self, p: Progress) {
        self.0.lock().expect("jobs lock").insert(p.job, p);
    }
    fn get(&self, id: i64) -> Option<Progress> {
        self.0.lock().expect("jobs lock").get(&id).cloned()
    }
    fn update(&self, id: i64, f: impl FnOnce(&mut Progress)) {
        if let Some(p) = self.0.lock().expect("jobs lock").get_mut(&id) {
            f(p);
        }
    }
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

/// A job's progress, written to this instance's [`Jobs`].
struct JobProgress {
    jobs: Jobs,
    job: i64,
}

impl vaxride_dispatch::planning::Progress for JobProgress {
    fn stage(&self, stage: PlanStage, percent: i64) {
        self.jobs.update(self.job, |p| {
            p.status = "running".into();
            p.stage = stage.as_str().into();
            p.percent = p.percent.max(percent);
        });
    }
    fn percent(&self, percent: i64) {
        self.jobs
            .update(self.job, |p| p.percent = p.percent.max(percent));
    }
    fn improved(&self, served: usize, cost: Cost) {
        self.jobs.update(self.job, |p| {
            p.best_served = Some(served);
            p.best_cost = Some(cost);
        });
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunBody {
    day: String,
    /// Seconds of search (default: the server's setting; at most 300).
    #[serde(default)]
    seconds: Option<u64>,
    /// Solve clusters first (default true).
    #[serde(default)]
    clustered: Option<bool>,
}

fn district(caller: &Caller) -> Result<i64, ApiError> {
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
    body: web::Json<RunBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let day = Day::parse(&body.day).map_err(|m| ApiError::field("day", m))?;
    let seconds = body
        .seconds
        .map_or(state.plan_time, Duration::from_secs)
        .min(Duration::from_secs(300));
    if seconds.is_zero() {
        return Err(ApiError::field("seconds", problems::at_least(1)));
    }
    let job = state.store.create_job(district, &day, state.now()).await?;
    state.jobs.set(Progress {
        job,
        status: "queued".into(),
        stage: "queued".into(),
        ..Progress::default()
    });
    let st = state.clone();
    let clustered = body.clustered.unwrap_or(true);
    tokio::spawn(async move {
        let outcome = plan_job(&st, job, district, day, seconds, clustered).await;
        let now = st.now();
        match outcome {
            Ok(plan_id) => {
                st.jobs.update(job, |p| {
                    p.status = "done".into();
                    p.stage = "done".into();
                    p.percent = 100;
                    p.plan_id = Some(plan_id);
                });
                let best = st.jobs.get(job).map(|p| json!(p));
                let _ = st
                    .store
                    .update_job(
                        job,
                        &JobUpdate {
                            status: JobStatus::Done,
                            stage: "done",
                            percent: 100,
                            best: best.as_ref(),
                            plan_id: Some(plan_id),
                            error: None,
                        },
                        now,
                    )
                    .await;
            }
            Err(e) => {
                tracing::error!(job, error = %e, "planning failed");
                st.jobs.update(job, |p| {
                    p.status = "failed".into();
                    p.error = Some(e.clone());
                });
                let _ = st
                    .store
                    .update_job(
                        job,
                        &JobUpdate {
                            status: JobStatus::Failed,
                            stage: "failed",
                            percent: 100,
                            best: None,
                            plan_id: None,
                            error: Some(&e),
                        },
                        now,
                    )
                    .await;
            }
        }
    });
    Ok(HttpResponse::Accepted().json(crate::api::JobStarted {
        job,
        events: format!("/api/plans/jobs/{job}/events"),
    }))
}

async fn plan_job(
    state: &web::Data<AppState>,
    job: i64,
    district: i64,
    day: Day,
    seconds: Duration,
    clustered: bool,
) -> Result<i64, String> {
    let store: &Store = &state.store;
    let _permit = state
        .planning
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| "shutting down".to_string())?;
    let stage = |name: &str, pct: i64| {
        state.jobs.update(job, |p| {
            p.status = "running".into();
            p.stage = name.into();
            p.percent = p.percent.max(pct);
        });
    };
    stage("loading", 1);
    let _ = store
        .update_job(
            job,
            &JobUpdate {
                status: JobStatus::Running,
                stage: "loading",
                percent: 1,
                best: None,
                plan_id: None,
                error: None,
            },
            state.now(),
        )
        .await;
    let input = store
        .plan_input(district, &day)
        .await
        .map_err(|e| e.to_string())?;
    let net = state.network.clone();
    let progress = JobProgress {
        jobs: state.jobs.clone(),
        job,
    };
    let checked = tokio::task::spawn_blocking(move || {
        let options = PlanOptions {
            clustered,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            ..PlanOptions::default()
        };
        crate::with_travel(net.as_deref(), |times| {
            plan_day(&input, times, options, &WallClock(seconds), &progress)
        })
    })
    .await
    .map_err(|_| "the planning task stopped".to_string())?
    .map_err(|e| e.to_string())?;
    stage("saving", 96);
    store
        .save_plan(district, &day, &checked, state.now())
        .await
        .map_err(|e| e.to_string())
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
    Ok(HttpResponse::Ok().json(current(&state, &stored)))
}

fn current(state: &AppState, stored: &vaxride_store::JobView) -> Progress {
    state.jobs.get(stored.id).unwrap_or_else(|| Progress {
        job: stored.id,
        status: stored.status.clone(),
        stage: stored.stage.clone(),
        percent: stored.percent,
        plan_id: stored.plan_id,
        error: stored.error.clone(),
        ..Progress::default()
    })
}

/// `GET /api/plans/jobs/{id}/events`: Server-Sent Events `progress` until `done` or `failed`.
#[utoipa::path(
    get,
    path = "/api/plans/jobs/{id}/events",
    tag = "planning",
    params(
        ("id" = i64, Path, description = "Job id"),
    ),
    responses(
        (status = 200, description = "Server-Sent Events: `progress` (data: Progress) until `done` or `failed`", body = String, content_type = "text/event-stream"),
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
            let p = current(&state, &stored);
            let end = p.status == "done" || p.status == "failed";
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
