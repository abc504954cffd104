//! # vaxride-solver
//!
//! Vehicle routing for elders' rides to vaccination, and the classic families it generalises
//! (VRPTW, PDPTW, DARP). Pure: the solver sees a travel matrix and requests, never roads, files
//! or clocks. Randomness comes from a seed, time from a [`Budget`] the caller implements.
//!
//! * [`problem`]: the model.
//! * [`solution`]: routes, their schedules and the objective.
//! * [`schedule`]: exact scheduling of a stop sequence (windows, shift, duration, ride times).
//! * [`check`]: the independent checker every test runs on every solution.
//! * [`search`]: construction and ruin-and-recreate (SISR) with simulated annealing.

pub mod check;
pub mod problem;
pub mod schedule;
pub mod search;
pub mod solution;

pub use check::{CheckError, check};
pub use problem::{
    Choice, Cost, Keep, Leg, Load, Matrix, Problem, ProblemError, Request, Slot, Stop, StopKind,
    Time, Vehicle,
};
pub use search::{
    Budget, Insertion, IterationBudget, MoveRefused, SearchStats, SolveParams, cheapest_insertion,
    insertions, move_leg, solve, solve_from, solve_threads, solve_with_stats,
};
pub use solution::{Objective, Route, Solution, Unassigned, UnassignedReason};
