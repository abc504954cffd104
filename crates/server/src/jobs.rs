//! The planning jobs' runner: every instance claims queued jobs from the database (see
//! `vaxride_store`'s `jobs` module), at most as many at once as it has permits, and runs them
//! off the async threads.
//!
//! While a job runs, a heartbeat renews its lease and writes its progress every
//! [`HEARTBEAT`]; a lease not renewed for [`LEASE_SECONDS`] lapses, and any instance then
//! queues the job again (or fails it after its last attempt). The heartbeat also learns of a
//! coordinator's cancel, and of a lost lease: either stops the search at once. Nothing of a job
//! lives only in this process's memory: every instance answers for every job.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web;
use serde_json::json;
use vaxride_dispatch::planning::{Budgets, PlanStage, plan_day, plan_under_way};
use vaxride_dispatch::solve::PlanOptions;
use vaxride_dispatch::underway::changes;
use vaxride_solver::{Budget, Cost};
use vaxride_store::TELL_AFTER;
use vaxride_store::{ClaimedJob, JobEnd, JobKind, JobUpdate, Lease};

use crate::AppState;
use crate::planning::WallClock;

/// How long a claim holds without a heartbeat, seconds.
pub const LEASE_SECONDS: i64 = 15;
/// How often a running job's lease is renewed and its progress written.
pub const HEARTBEAT: Duration = Duration::from_millis(1000);
/// How often an idle instance looks for queued jobs and lapsed leases.
const POLL: Duration = Duration::from_millis(1000);

/// This instance's runner: started once, woken when a job is queued here.
#[derive(Default)]
pub struct Runner {
    started: AtomicBool,
    wake: tokio::sync::Notify,
}

impl Runner {
    /// Starts the claim loop for `state` (once; later calls only wake it).
    pub fn start(state: &web::Data<AppState>) {
        if !state.runner.started.swap(true, Ordering::SeqCst) {
            tokio::spawn(claim_loop(state.clone()));
        }
        state.runner.wake.notify_one();
    }
}

async fn claim_loop(state: web::Data<AppState>) {
    // What this instance ran before it stopped (same name) is queued again at once.
    if let Err(e) = state
        .store
        .recover_jobs(Some(&state.instance), state.now())
        .await
    {
        tracing::warn!(error = %e, "recovering planning jobs");
    }
    loop {
        if let Err(e) = state.store.recover_jobs(None, state.now()).await {
            tracing::warn!(error = %e, "recovering planning jobs");
        }
        // Trips not answered in the district's time go to the others.
        match state.store.lapse_unanswered(state.now()).await {
            Ok(lapsed) if !lapsed.is_empty() => {
                tracing::info!(trips = lapsed.len(), "trips not answered in time");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "lapsing unanswered trips"),
        }
        while let Ok(permit) = state.planning.clone().try_acquire_owned() {
            let now = state.now();
            match state
                .store
                .claim_job(&state.instance, now, now + LEASE_SECONDS)
                .await
            {
                Ok(Some(job)) => {
                    tracing::info!(job = job.id, attempt = job.attempt, "planning job claimed");
                    let st = state.clone();
                    tokio::spawn(async move {
                        run(&st, job).await;
                        drop(permit);
                        st.runner.wake.notify_one();
                    });
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "claiming a planning job");
                    break;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = state.runner.wake.notified() => {}
        }
    }
}

/// What the search reports, for the heartbeat to write.
#[derive(Debug, Clone, Default)]
pub(crate) struct Snapshot {
    pub(crate) stage: &'static str,
    pub(crate) percent: i64,
    /// Served and driving seconds.
    pub(crate) best: Option<(usize, Cost)>,
}

/// The search's progress, kept for the heartbeat.
#[derive(Clone)]
pub(crate) struct Shared(Arc<Mutex<Snapshot>>);

impl Shared {
    pub(crate) fn update(&self, f: impl FnOnce(&mut Snapshot)) {
        f(&mut self.0.lock().expect("progress lock"));
    }
    fn get(&self) -> Snapshot {
        self.0.lock().expect("progress lock").clone()
    }
}

impl vaxride_dispatch::planning::Progress for Shared {
    fn stage(&self, stage: PlanStage, percent: i64) {
        self.update(|s| {
            s.stage = stage.as_str();
            s.percent = s.percent.max(percent);
        });
    }
    fn percent(&self, percent: i64) {
        self.update(|s| s.percent = s.percent.max(percent));
    }
    fn improved(&self, served: usize, cost: Cost) {
        self.update(|s| s.best = Some((served, cost)));
    }
}

/// A wall-clock budget that also stops when `stop` is set (cancelled, or the lease lost).
pub(crate) struct Stoppable {
    pub(crate) clock: WallClock,
    pub(crate) stop: Arc<AtomicBool>,
}

impl Budgets for Stoppable {
    fn budget(&self, share: f64) -> Box<dyn Budget + Send> {
        Box::new(StopOr {
            inner: self.clock.budget(share),
            stop: self.stop.clone(),
        })
    }
}

struct StopOr {
    inner: Box<dyn Budget + Send>,
    stop: Arc<AtomicBool>,
}

impl Budget for StopOr {
    fn progress(&mut self, iteration: u64) -> Option<f64> {
        if self.stop.load(Ordering::Relaxed) {
            return None;
        }
        self.inner.progress(iteration)
    }
}

/// What a run made.
enum Outcome {
    /// A day's draft plan, and the drivers a repair disturbs.
    Plan((i64, Option<usize>)),
    /// Van stops proposed.
    Vans(serde_json::Value),
}

/// Why a run stopped before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Halt {
    Cancelled,
    Lost,
}

/// Runs one claimed job to its end, renewing the lease meanwhile.
async fn run(state: &web::Data<AppState>, job: ClaimedJob) {
    let shared = Shared(Arc::new(Mutex::new(Snapshot {
        stage: "loading",
        percent: 1,
        best: None,
    })));
    let stop = Arc::new(AtomicBool::new(false));
    let halted: Arc<Mutex<Option<Halt>>> = Arc::default();
    let heartbeat = tokio::spawn(beat(
        state.clone(),
        job.id,
        shared.clone(),
        stop.clone(),
        halted.clone(),
    ));
    let outcome = match job.kind {
        JobKind::Day => plan_and_save(state, &job, shared, stop.clone())
            .await
            .map(Outcome::Plan),
        JobKind::Vans => crate::vanjobs::propose(state, &job, shared, stop.clone())
            .await
            .map(Outcome::Vans),
    };
    heartbeat.abort();
    let halt = *halted.lock().expect("halt lock");
    let now = state.now();
    let end = match (halt, &outcome) {
        (Some(Halt::Lost), _) => {
            tracing::warn!(
                job = job.id,
                "planning job lost its lease: another instance has it"
            );
            return;
        }
        (Some(Halt::Cancelled), _) => JobEnd::Cancelled,
        (None, Ok(Outcome::Plan((plan_id, _)))) => JobEnd::Done { plan_id: *plan_id },
        (None, Ok(Outcome::Vans(result))) => JobEnd::Answered { result },
        (None, Err(e)) => {
            tracing::error!(job = job.id, error = %e, "planning failed");
            JobEnd::Failed { error: e }
        }
    };
    match state
        .store
        .finish_job(job.id, &state.instance, end, now)
        .await
    {
        Ok(true) => {
            tracing::info!(job = job.id, "planning job ended");
            if let (Some(_), Ok(Outcome::Plan((plan, Some(disturbed))))) =
                (job.run.reason, &outcome)
            {
                apply_if_small(state, &job, *plan, *disturbed).await;
            }
        }
        Ok(false) => tracing::warn!(job = job.id, "planning job ended elsewhere"),
        Err(e) => tracing::error!(job = job.id, error = %e, "ending a planning job"),
    }
}

/// Publishes a repair by itself when the district lets repairs that disturb so few drivers
/// apply without the coordinator.
async fn apply_if_small(
    state: &web::Data<AppState>,
    job: &ClaimedJob,
    plan: i64,
    disturbed: usize,
) {
    let most = match state.store.auto_repair(job.district_id).await {
        Ok(Some(most)) => most,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(job = job.id, error = %e, "reading the repair setting");
            return;
        }
    };
    if disturbed as i64 > most {
        return;
    }
    let scope = vaxride_store::Scope::District(job.district_id);
    match state.store.publish_plan(scope, plan, state.now()).await {
        Ok(_) => tracing::info!(job = job.id, plan, disturbed, "repair applied by itself"),
        Err(e) => tracing::warn!(job = job.id, plan, error = %e, "applying a repair"),
    }
}

/// Renews the lease and writes the progress until aborted; sets `stop` on a cancel or a lost
/// lease.
async fn beat(
    state: web::Data<AppState>,
    job: i64,
    shared: Shared,
    stop: Arc<AtomicBool>,
    halted: Arc<Mutex<Option<Halt>>>,
) {
    loop {
        let s = shared.get();
        let best = s
            .best
            .map(|(served, cost)| json!({ "best_served": served, "best_cost": cost }));
        let update = JobUpdate {
            stage: s.stage,
            percent: s.percent,
            best: best.as_ref(),
        };
        let now = state.now();
        match state
            .store
            .renew_job(job, &state.instance, &update, now, now + LEASE_SECONDS)
            .await
        {
            Ok(Lease::Held) => {}
            Ok(Lease::CancelRequested) => {
                *halted.lock().expect("halt lock") = Some(Halt::Cancelled);
                stop.store(true, Ordering::SeqCst);
            }
            Ok(Lease::Lost) => {
                *halted.lock().expect("halt lock") = Some(Halt::Lost);
                stop.store(true, Ordering::SeqCst);
                return;
            }
            // The database did not answer: keep solving; the lease may lapse meanwhile.
            Err(e) => tracing::warn!(job, error = %e, "renewing a planning job's lease"),
        }
        tokio::time::sleep(HEARTBEAT).await;
    }
}

/// What moving a stop still to come off its vehicle costs when a day under way is planned
/// again (seconds of driving): the new plan changes drivers' trips only where that saves more.
const REPLAN_KEEP_COST: i64 = 300;
/// The same for a repair after an event (seconds of driving): a repair changes as little as it
/// must.
const REPAIR_KEEP_COST: i64 = 1200;

/// Loads the day (as it stands, when a plan of it is published), plans it off the async
/// threads and saves the draft plan.
async fn plan_and_save(
    state: &web::Data<AppState>,
    job: &ClaimedJob,
    shared: Shared,
    stop: Arc<AtomicBool>,
) -> Result<(i64, Option<usize>), String> {
    let under_way = state
        .store
        .day_under_way(job.district_id, &job.day, state.now())
        .await
        .map_err(|e| e.to_string())?;
    let based_on = under_way.as_ref().map(|u| u.plan_id);
    let (input, under_way) = match under_way {
        Some(u) => {
            let mut day = u.day;
            day.keep_cost = Some(match job.run.reason {
                Some(_) => REPAIR_KEEP_COST,
                None => REPLAN_KEEP_COST,
            });
            (u.input, Some(day))
        }
        None if job.run.reason.is_some() => {
            return Err("nothing published to repair".into());
        }
        None => (
            state
                .store
                .plan_input(job.district_id, &job.day)
                .await
                .map_err(|e| e.to_string())?,
            None,
        ),
    };
    let net = state.network.clone();
    let budgets = Stoppable {
        clock: WallClock(Duration::from_secs(job.run.seconds.max(1) as u64)),
        stop: stop.clone(),
    };
    let clustered = job.run.clustered;
    let threads = state.plan_threads;
    let progress = shared.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let options = PlanOptions {
            clustered,
            threads,
            ..PlanOptions::default()
        };
        crate::with_travel(net.as_deref(), |times| match &under_way {
            Some(day) => {
                plan_under_way(&input, day, times, options, &budgets, &progress).map(|plan| {
                    let changes = changes(day, plan.result(), TELL_AFTER);
                    (plan, Some(changes))
                })
            }
            None => plan_day(&input, times, options, &budgets, &progress).map(|p| (p, None)),
        })
    })
    .await
    .map_err(|_| "the planning task stopped".to_string())?
    .map_err(|e| e.to_string())?;
    let (checked, changes) = checked;
    if stop.load(Ordering::SeqCst) {
        return Err("stopped".into());
    }
    shared.update(|s| {
        s.stage = "saving";
        s.percent = s.percent.max(96);
    });
    let id = state
        .store
        .save_plan(job.district_id, &job.day, &checked, based_on, state.now())
        .await
        .map_err(|e| e.to_string())?;
    let Some(changes) = changes else {
        return Ok((id, None));
    };
    let described = serde_json::to_value(&changes).expect("changes serialise");
    state
        .store
        .describe_plan(id, job.run.reason, &described)
        .await
        .map_err(|e| e.to_string())?;
    Ok((id, Some(changes.disturbed)))
}
