//! Several searches on one problem, one per core, that meet every few iterations: each brings
//! its best solution, and a search whose best is worse than the team's best carries on from
//! that one. Independent searches only keep the luckiest seed; meeting lets every core work on
//! the best plan found so far, with its own random choices.
//!
//! Meetings happen at fixed iteration counts, in two steps (all bring, then all take), so with
//! an iteration budget the result depends on the seed and the thread count only. A search that
//! has run out of budget leaves the team and nobody waits for it.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use crate::problem::{Cost, Problem};
use crate::search::{Budget, SearchStats, SolveParams};
use crate::solution::{Route, Solution};

/// Iterations between the meetings of a team of searches ([`solve_threads`]).
const MEET_EVERY: u64 = 100;

/// [`super::solve_from`] on `threads` cores: one search per core (seeds `seed`, `seed + 1`, ...), all
/// on the caller's budget, meeting every hundred iterations so that a search behind carries on
/// from the best plan found so far. With an [`super::IterationBudget`] each search runs that many
/// iterations and the result depends only on the seed and the thread count. One thread is
/// [`super::solve_from`] itself. Returns the best plan and the counters of all searches together.
pub fn solve_threads(
    problem: &Problem,
    initial: &[Route],
    params: SolveParams,
    threads: usize,
    budget: &mut (dyn Budget + Send),
) -> (Solution, SearchStats) {
    if threads <= 1 {
        return super::search(problem, params, budget, initial, None);
    }
    let meeting = Meeting::new(threads, MEET_EVERY);
    let shared = std::sync::Mutex::new(budget);
    let results: Vec<(Solution, SearchStats)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|index| {
                let (meeting, shared) = (&meeting, &shared);
                scope.spawn(move || {
                    let seat = Seat { meeting, index };
                    let mut budget = SharedBudget {
                        budget: shared,
                        meeting,
                    };
                    let params = SolveParams {
                        seed: params.seed.wrapping_add(index as u64),
                        ..params
                    };
                    super::search(problem, params, &mut budget, initial, Some(seat))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a search thread panicked"))
            .collect()
    });
    let mut stats = SearchStats::default();
    for (_, s) in &results {
        stats.iterations += s.iterations;
        stats.accepted += s.accepted;
        stats.improved += s.improved;
    }
    let best = results
        .into_iter()
        .map(|(s, _)| {
            let o = s.objective(problem);
            ((std::cmp::Reverse(o.served_priority), o.cost), s)
        })
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, s)| s)
        .expect("at least two searches");
    (best, stats)
}

/// The best solution brought to a meeting: cost, the search that found it, routes, unserved.
pub(crate) struct Posted {
    pub cost: Cost,
    pub by: usize,
    pub routes: Vec<Vec<usize>>,
    pub left: Vec<usize>,
}

struct Table {
    /// Searches still running.
    present: usize,
    /// Searches waiting at the current step.
    arrived: usize,
    /// Steps completed (wakes the waiting).
    step: u64,
    best: Option<Posted>,
    /// The best served count and cost told to the caller's budget so far.
    reported: Option<(usize, Cost)>,
}

/// Where the searches of a team meet.
pub(crate) struct Meeting {
    table: Mutex<Table>,
    turn: Condvar,
    /// Iterations between meetings.
    pub every: u64,
}

impl Meeting {
    pub fn new(searches: usize, every: u64) -> Meeting {
        Meeting {
            table: Mutex::new(Table {
                present: searches,
                arrived: 0,
                step: 0,
                best: None,
                reported: None,
            }),
            turn: Condvar::new(),
            every: every.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until every search still running has arrived.
    fn wait<'a>(&'a self, mut t: MutexGuard<'a, Table>) -> MutexGuard<'a, Table> {
        t.arrived += 1;
        if t.arrived >= t.present {
            t.arrived = 0;
            t.step += 1;
            self.turn.notify_all();
            return t;
        }
        let step = t.step;
        while t.step == step {
            t = self.turn.wait(t).unwrap_or_else(PoisonError::into_inner);
        }
        t
    }

    /// Brings search `by`'s best (`cost`, `routes`, `left`); returns the team's best when it is
    /// cheaper, for the search to carry on from.
    pub fn exchange(
        &self,
        by: usize,
        cost: Cost,
        routes: &[Vec<usize>],
        left: &[usize],
    ) -> Option<(Cost, Vec<Vec<usize>>, Vec<usize>)> {
        let mut t = self.lock();
        if t.best.as_ref().is_none_or(|b| (cost, by) < (b.cost, b.by)) {
            t.best = Some(Posted {
                cost,
                by,
                routes: routes.to_vec(),
                left: left.to_vec(),
            });
        }
        let t = self.wait(t);
        let better = t
            .best
            .as_ref()
            .filter(|b| b.cost < cost)
            .map(|b| (b.cost, b.routes.clone(), b.left.clone()));
        drop(self.wait(t));
        better
    }

    /// A search stops coming (its budget ran out, or it failed).
    fn leave(&self) {
        let mut t = self.lock();
        t.present -= 1;
        if t.arrived > 0 && t.arrived >= t.present {
            t.arrived = 0;
            t.step += 1;
            self.turn.notify_all();
        }
    }

    /// Whether `served` requests at `cost` beat what was reported so far (and records it).
    fn report(&self, served: usize, cost: Cost) -> bool {
        let mut t = self.lock();
        let better = t
            .reported
            .is_none_or(|(s, c)| (std::cmp::Reverse(served), cost) < (std::cmp::Reverse(s), c));
        if better {
            t.reported = Some((served, cost));
        }
        better
    }
}

/// One search's seat at the meeting: leaves it when dropped, even on a panic, so that the
/// others never wait for a search that is gone.
pub(crate) struct Seat<'a> {
    pub meeting: &'a Meeting,
    pub index: usize,
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        self.meeting.leave();
    }
}

/// The caller's budget shared by the team: asked by every search, told of the team's
/// improvements only.
pub(crate) struct SharedBudget<'a, 'b> {
    pub budget: &'a Mutex<&'b mut (dyn Budget + Send)>,
    pub meeting: &'a Meeting,
}

impl Budget for SharedBudget<'_, '_> {
    fn progress(&mut self, iteration: u64) -> Option<f64> {
        self.budget
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .progress(iteration)
    }

    fn improved(&mut self, served: usize, cost: Cost) {
        if self.meeting.report(served, cost) {
            self.budget
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .improved(served, cost);
        }
    }
}
