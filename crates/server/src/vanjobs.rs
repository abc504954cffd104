//! Van stops judged with the fleet, as a durable job (issue 16): the coordinator's request is
//! queued with a time budget and run by whichever instance claims it (see `jobs.rs`), which
//! proposes the stops by covering, then searches them by what the day's solver serves with the
//! fleet (`vanplan::riders`), on every core it plans with; the job keeps the proposal, which the
//! coordinator reads and accepts as `POST /api/vanplan` answers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use vaxride_dispatch::FieldError;
use vaxride_dispatch::planning::Budgets;
use vaxride_dispatch::vanplan::riders::{CoupledView, Search, plan_vans_coupled};
use vaxride_solver::Budget;
use vaxride_store::{ClaimedJob, Scope};

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::fleet::district;
use crate::jobs::{Shared, Stoppable};
use crate::planning::{Progress, WallClock};
use crate::problems;
use crate::vanplan::{VanPlanBody, booked_on, named_of, request_of, stops_of};

/// The covering search's swaps (as the quick proposal's).
const COVER_ITERATIONS: u64 = 3_000;
/// The day's solver's iterations for each day a set of stops is judged on.
const JUDGE_ITERATIONS: u64 = 1_000;
/// At most this many riders a van day is judged with (the day's bookings first).
const RIDERS_PER_DAY: usize = 300;
/// Seconds of search when the request names none, and the most it may name.
const SECONDS: u32 = 120;
const MAX_SECONDS: u32 = 600;

fn default_seconds() -> u32 {
    SECONDS
}

/// `POST /api/vanplan/jobs`'s body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VanJobBody {
    /// What `POST /api/vanplan` takes.
    request: VanPlanBody,
    /// Seconds of search (default 120).
    #[serde(default = "default_seconds")]
    #[schema(minimum = 5, maximum = 600)]
    seconds: u32,
}

/// `POST /api/vanplan/jobs`: queues van stops judged with the fleet.
#[utoipa::path(
    post,
    path = "/api/vanplan/jobs",
    tag = "fleet",
    request_body = VanJobBody,
    responses(
        (status = 202, description = "Queued; follow `events` (`GET /api/plans/jobs/{id}` and its events serve van jobs too), then read the proposal at `GET /api/vanplan/jobs/{id}`", body = crate::api::JobStarted),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn start(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<VanJobBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let body = body.into_inner();
    let request = request_of(&state, district, &body.request)
        .await
        .map_err(|mut e| {
            for f in &mut e.fields {
                f.field = format!("request.{}", f.field);
            }
            e
        })?;
    if !(5..=MAX_SECONDS).contains(&body.seconds) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "seconds",
            problems::range(5, MAX_SECONDS),
        )]));
    }
    let first = request
        .vans
        .iter()
        .flat_map(|v| &v.days)
        .min()
        .cloned()
        .ok_or_else(ApiError::internal)?;
    let stored = serde_json::to_value(&body.request).map_err(|_| ApiError::internal())?;
    let job = state
        .store
        .enqueue_vans_job(
            district,
            &first,
            i64::from(body.seconds),
            &stored,
            state.now(),
        )
        .await?;
    crate::jobs::Runner::start(&state);
    Ok(HttpResponse::Accepted().json(crate::api::JobStarted {
        job,
        events: format!("/api/plans/jobs/{job}/events"),
    }))
}

/// A van job: its progress, and the proposal once done.
#[derive(Serialize)]
struct VanJob {
    #[serde(flatten)]
    progress: Progress,
    proposal: Option<serde_json::Value>,
}

/// `GET /api/vanplan/jobs/{id}`.
#[utoipa::path(
    get,
    path = "/api/vanplan/jobs/{id}",
    tag = "fleet",
    params(
        ("id" = i64, Path, description = "Job id"),
    ),
    responses(
        (status = 200, description = "Its progress (as `GET /api/plans/jobs/{id}`: `best_served` elders served, `best_cost` the volunteers' driving seconds) and, once done, `proposal`: what `POST /api/vanplan` answers, with `cover` and `coupled` (what the covering proposal and the one found serve as the days would run: `served`, `weight`, `on_foot`, `by_ride`, `driving_minutes`)", body = Object),
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
    let (view, proposal) = state.store.vans_job(caller.0.scope(), *id).await?;
    Ok(HttpResponse::Ok().json(VanJob {
        progress: Progress::from(&view),
        proposal,
    }))
}

/// The answer kept with the job.
#[derive(Serialize)]
struct Proposed {
    #[serde(flatten)]
    view: CoupledView,
    sites: Vec<serde_json::Value>,
}

/// Reports the search's share of its budget as the job's percent.
struct Reported {
    inner: Box<dyn Budget + Send>,
    shared: Shared,
}

impl Budget for Reported {
    fn progress(&mut self, iteration: u64) -> Option<f64> {
        let p = self.inner.progress(iteration)?;
        self.shared.update(|s| {
            s.stage = "coupling";
            s.percent = s.percent.max(10 + (p * 85.0) as i64);
        });
        Some(p)
    }
}

/// Runs a claimed van job: the proposal, or why there is none.
pub(crate) async fn propose(
    state: &web::Data<AppState>,
    job: &ClaimedJob,
    shared: Shared,
    stop: Arc<AtomicBool>,
) -> Result<serde_json::Value, String> {
    let body: VanPlanBody = job
        .request
        .clone()
        .and_then(|r| serde_json::from_value(r).ok())
        .ok_or("the stored request could not be read")?;
    let district = job.district_id;
    let mut request = request_of(state, district, &body)
        .await
        .map_err(|e| format!("the request no longer holds: {e}"))?;
    let elders = state
        .store
        .elders(Scope::District(district), None)
        .await
        .map_err(|e| e.to_string())?;
    request.named = named_of(state, &elders, request.walk_m);
    let booked = booked_on(state, district, &request)
        .await
        .map_err(|e| e.to_string())?;
    let mut days: Vec<_> = request.vans.iter().flat_map(|v| v.days.clone()).collect();
    days.sort();
    days.dedup();
    let mut inputs = Vec::new();
    for day in &days {
        inputs.push(
            state
                .store
                .plan_input(district, day)
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    shared.update(|s| {
        s.stage = "covering";
        s.percent = s.percent.max(5);
    });
    let net = state.network.clone();
    let budget = Stoppable {
        clock: WallClock(Duration::from_secs(job.run.seconds.max(1) as u64)),
        stop: stop.clone(),
    };
    let search = Search {
        seed: body.seed,
        threads: state.plan_threads,
        cover_iterations: COVER_ITERATIONS,
        iterations: JUDGE_ITERATIONS,
        riders_per_day: RIDERS_PER_DAY,
    };
    let progress = shared.clone();
    // A judgement of the search stops short at the deadline or a cancel (the covering
    // proposal's own is always made).
    let deadline = std::time::Instant::now() + Duration::from_secs(job.run.seconds.max(1) as u64);
    let halted = stop.clone();
    let halt: vaxride_dispatch::vanplan::couple::Halt =
        Arc::new(move || halted.load(Ordering::Relaxed) || std::time::Instant::now() >= deadline);
    let (mut found, request) = tokio::task::spawn_blocking(move || {
        let mut budget = Reported {
            inner: budget.budget(1.0),
            shared: progress.clone(),
        };
        let found = crate::with_travel(net.as_deref(), |travel| {
            plan_vans_coupled(
                &request,
                &elders,
                &booked,
                &inputs,
                travel,
                search,
                &mut budget,
                Some(halt),
                &mut |j| progress.update(|s| s.best = Some((j.served, j.driving))),
            )
        });
        (found, request)
    })
    .await
    .map_err(|_| "the van planning task stopped".to_string())?;
    if stop.load(Ordering::SeqCst) {
        return Err("stopped".into());
    }
    shared.update(|s| {
        s.stage = "saving";
        s.percent = s.percent.max(96);
    });
    let sites = stops_of(state, &request, body.walk_m(), &mut found.view);
    serde_json::to_value(Proposed { view: found, sites }).map_err(|e| e.to_string())
}
