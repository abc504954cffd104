//! The solver on random problems: every solution passes the independent checker, tiny problems
//! match brute force, and the same seed gives the same solution.

mod common;

use common::{brute_force, random_problem};
use vaxride_solver::{IterationBudget, SolveParams, check, solve};

fn solve_checked(
    problem: &vaxride_solver::Problem,
    seed: u64,
    iterations: u64,
) -> vaxride_solver::Solution {
    let solution = solve(
        problem,
        SolveParams {
            seed,
            ..SolveParams::default()
        },
        &mut IterationBudget(iterations),
    );
    if let Err(errors) = check(problem, &solution) {
        panic!("seed {seed}: the checker refuses the solution: {errors:#?}");
    }
    solution
}

#[test]
fn every_solution_on_random_vrptw_pdptw_and_darp_problems_passes_the_checker() {
    for seed in 0..30u64 {
        let p = random_problem(seed, 15 + seed as usize % 10, 8, 4, seed % 3 == 0);
        p.validate().expect("valid problem");
        let s = solve_checked(&p, seed, 300);
        let (o, reported) = (check(&p, &s).expect("checked"), s.objective(&p));
        // Durations depend on the schedule chosen (the solver may delay pick-ups); the rest not.
        assert_eq!(
            (o.served, o.vehicles, o.cost),
            (reported.served, reported.vehicles, reported.cost),
            "seed {seed}: reported objective differs from the checker's"
        );
    }
}

#[test]
fn tiny_problems_are_solved_to_optimality() {
    for seed in 0..40u64 {
        let (deliveries, pairs) = if seed % 2 == 0 { (5, 0) } else { (1, 2) };
        let p = random_problem(1000 + seed, deliveries, pairs, 2, seed % 4 == 1);
        let (served, cost) = brute_force(&p);
        let s = solve_checked(&p, seed, 2000);
        let o = check(&p, &s).expect("checked");
        assert_eq!(
            (o.served, o.cost),
            (served, cost),
            "seed {}: solver vs brute force",
            1000 + seed
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_solution() {
    let p = random_problem(7, 30, 10, 5, true);
    let a = solve_checked(&p, 42, 500);
    let b = solve_checked(&p, 42, 500);
    assert_eq!(a, b);
}

#[test]
fn unserved_requests_carry_a_reason() {
    // Far too many requests for one small vehicle.
    let mut p = random_problem(3, 40, 0, 1, false);
    p.vehicles[0].capacity = vaxride_solver::Load::seats(10);
    let s = solve_checked(&p, 1, 200);
    assert!(!s.unassigned.is_empty());
    for u in &s.unassigned {
        assert!(!u.reason.code().is_empty());
    }
}

#[test]
fn exact_scheduling_the_quick_test_and_the_checker_agree_on_random_stop_sequences() {
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use vaxride_solver::{Load, Route, Solution, Unassigned, UnassignedReason, schedule};
    let mut agree_feasible = 0;
    let (mut unsure, mut seen) = (0, [0; 3]);
    for seed in 0..600u64 {
        let mut p = random_problem(5000 + seed, 2, 3, 1, true);
        p.vehicles[0].capacity = Load::seats(100);
        if seed % 2 == 0 {
            p.vehicles[0].max_duration = Some(600);
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut requests: Vec<usize> = (0..p.requests.len()).collect();
        requests.shuffle(&mut rng);
        requests.truncate(rng.random_range(1..=p.requests.len()));
        // A random order that keeps each pick-up before its drop-off.
        let mut stops: Vec<usize> = Vec::new();
        for &r in &requests {
            let s = &p.requests[r].choices[0].legs[0];
            let i = rng.random_range(0..=stops.len());
            stops.insert(i, s[0]);
            if s.len() == 2 {
                let j = rng.random_range(i + 1..=stops.len());
                stops.insert(j, s[1]);
            }
        }
        let solution = Solution {
            routes: vec![Route {
                vehicle: 0,
                stops: stops.clone(),
            }],
            unassigned: (0..p.requests.len())
                .filter(|r| !requests.contains(r))
                .map(|request| Unassigned {
                    request,
                    reason: UnassignedReason::FleetBusy,
                })
                .collect(),
        };
        let exact = schedule::earliest(&p, 0, &stops).is_some();
        let quick = schedule::quick(&p, 0, stops.iter().copied());
        match quick {
            schedule::Quick::Feasible => assert!(exact, "seed {seed}: quick says feasible"),
            schedule::Quick::Infeasible => assert!(!exact, "seed {seed}: quick says infeasible"),
            schedule::Quick::Unsure => unsure += 1,
        }
        seen[quick as usize] += 1;
        assert_eq!(
            schedule::feasible(&p, 0, stops.iter().copied()),
            exact,
            "seed {seed}"
        );
        assert_eq!(
            exact,
            check(&p, &solution).is_ok(),
            "seed {seed}: scheduler and checker disagree on {stops:?}"
        );
        agree_feasible += usize::from(exact);
    }
    assert!(
        agree_feasible > 10,
        "the test should see feasible sequences too ({agree_feasible})"
    );
    // The quick test's three answers all occur (feasible, infeasible, unsure).
    assert!(
        seen.iter().all(|&n| n > 5),
        "quick answers {seen:?}, unsure {unsure}"
    );
}

#[test]
fn elder_days_with_site_slots_and_rides_home_pass_the_checker() {
    for seed in 0..12u64 {
        let p = common::random_elder_day(seed, 12 + seed as usize, 2, 3, 3, 3);
        p.validate().expect("valid problem");
        let s = solve_checked(&p, seed, 400);
        assert!(s.objective(&p).served > 0, "seed {seed}: nobody served");
    }
}

#[test]
fn a_full_slot_leaves_the_extra_elders_out_with_the_reason_slot_full() {
    // One site, one slot for 2 elders, 5 elders and plenty of vehicles.
    let p = common::random_elder_day(9, 5, 1, 1, 2, 5);
    let s = solve_checked(&p, 1, 300);
    assert_eq!(s.objective(&p).served, 2);
    assert_eq!(s.unassigned.len(), 3);
    for u in &s.unassigned {
        assert_eq!(
            u.reason,
            vaxride_solver::UnassignedReason::SlotFull,
            "{u:?}"
        );
    }
}

#[test]
fn tiny_elder_days_match_brute_force_on_priority_then_cost() {
    // Three elders, one site with two slots for one elder each: someone is left out, and the
    // priorities decide who; most of them want the ride home, possibly by another vehicle.
    let mut compared = 0;
    for seed in 0..12u64 {
        let p = common::random_elder_day(500 + seed, 3, 1, 2, 1, 2);
        p.validate().expect("valid problem");
        let (priority, cost) = common::brute_force_elders(&p);
        let s = solve_checked(&p, seed, 1500);
        let o = check(&p, &s).expect("checked");
        assert_eq!(
            (o.served_priority, o.cost),
            (priority, cost),
            "seed {}: solver vs brute force",
            500 + seed
        );
        compared += usize::from(priority > 0);
    }
    assert!(compared >= 6, "too few instances serve anyone ({compared})");
}

#[test]
fn a_team_of_searches_is_checked_and_repeatable_and_one_thread_is_the_plain_search() {
    use vaxride_solver::{Budget, solve_threads};
    /// An iteration budget that keeps what the team reports.
    struct Watch {
        iterations: u64,
        told: Vec<(usize, i64)>,
    }
    impl Budget for Watch {
        fn progress(&mut self, iteration: u64) -> Option<f64> {
            (iteration < self.iterations).then(|| iteration as f64 / self.iterations as f64)
        }
        fn improved(&mut self, served: usize, cost: i64) {
            self.told.push((served, cost));
        }
    }
    for seed in 0..6u64 {
        let p = random_problem(900 + seed, 25, 15, 4, seed % 2 == 0);
        let params = SolveParams {
            seed,
            ..SolveParams::default()
        };
        let run = |threads: usize| {
            let mut watch = Watch {
                iterations: 350,
                told: Vec::new(),
            };
            let (solution, stats) = solve_threads(&p, &[], params, threads, &mut watch);
            if let Err(errors) = check(&p, &solution) {
                panic!("seed {seed}, {threads} threads: the checker refuses: {errors:#?}");
            }
            assert_eq!(stats.iterations, 350 * threads as u64, "seed {seed}");
            assert!(!watch.told.is_empty(), "seed {seed}: nothing reported");
            solution
        };
        let one = run(1);
        assert_eq!(
            one,
            solve_checked(&p, seed, 350),
            "seed {seed}: one thread is solve"
        );
        assert_eq!(
            run(3),
            run(3),
            "seed {seed}: same seed and threads, same plan"
        );
    }
}
