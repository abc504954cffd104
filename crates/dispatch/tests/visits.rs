//! Home visits (issue 16): a bedridden elder's booking is a visit by a home-visit team, planned
//! in the same day's plan by the same solver: the team's route holds only visits, each at the
//! home inside the booking's window, 45 minutes long, at most the team's shots a day; cars
//! never visit and teams never carry anyone. Every plan passes the solver's independent checker
//! (inside `plan_day` and `plan_under_way`, which refuse a plan failing it).

use std::collections::HashMap;

use vaxride_dispatch::model::{Mobility, StopKind, Team, Vehicle};
use vaxride_dispatch::plan::{PlanInput, PlanResult, VISIT};
use vaxride_dispatch::planning::{Iterations, Silent, plan_day};
use vaxride_dispatch::solve::PlanOptions;
use vaxride_dispatch::travel::StraightLines;
use vaxride_dispatch::underway::{DayUnderWay, RouteUnderWay, StopState, StopUnderWay};

mod common;

use common::{H, day, replan};

const TEAM: i64 = 99;

/// A generated day whose every fourth booking is bedridden, with one team of `shots`.
fn day_with_visits(seed: u64, n: usize, shots: i64) -> PlanInput {
    let mut input = day(seed, n, 3);
    for (i, b) in input.bookings.iter_mut().enumerate() {
        if i % 4 == 0 {
            b.mobility = Mobility::Bedridden;
            b.return_wanted = false;
        }
    }
    let start = input.vehicles[0].start;
    input.vehicles.push(Vehicle {
        id: TEAM,
        name: "home-visit team".into(),
        seats: 2,
        wheelchairs: 0,
        features: Vec::new(),
        shift_from: 8 * H,
        shift_to: 17 * H,
        start,
        team: Some(Team {
            shots_per_day: shots,
        }),
    });
    input
}

fn plan(input: &PlanInput, clustered: bool) -> PlanResult {
    let options = PlanOptions {
        clustered,
        ..PlanOptions::default()
    };
    plan_day(input, &StraightLines, options, &Iterations(3000), &Silent)
        .expect("a checked plan")
        .result()
        .clone()
}

/// The published plan as a day under way at `now`, each stop in the state `state` gives it
/// (by vehicle and position).
fn under_way(
    plan: &PlanResult,
    now: i64,
    keep_cost: Option<i64>,
    state: impl Fn(i64, usize) -> StopState,
) -> DayUnderWay {
    DayUnderWay {
        now,
        keep_cost,
        ended_early: Vec::new(),
        routes: plan
            .routes
            .iter()
            .map(|r| RouteUnderWay {
                vehicle_id: r.vehicle_id,
                departure: r.departure,
                stops: r
                    .stops
                    .iter()
                    .enumerate()
                    .map(|(i, s)| StopUnderWay {
                        stop: s.clone(),
                        state: state(r.vehicle_id, i),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// What every plan with visits must hold.
fn assert_visits_hold(input: &PlanInput, plan: &PlanResult, shots: usize) {
    let booking: HashMap<i64, _> = input.bookings.iter().map(|b| (b.booking_id, b)).collect();
    let mut visited = 0;
    for r in &plan.routes {
        let team = r.vehicle_id == TEAM;
        for (k, s) in r.stops.iter().enumerate() {
            let b = booking[&s.booking_id];
            let visit = b.mobility == Mobility::Bedridden;
            assert_eq!(
                visit, team,
                "only the team visits, and it only visits: {s:?}"
            );
            assert_eq!(visit, s.kind == StopKind::HomeVisit, "{s:?}");
            if visit {
                visited += 1;
                assert_eq!(s.point, b.home, "the visit is at home");
                assert!(b.window.0 <= s.start && s.start <= b.window.1, "{s:?}");
                assert_eq!(s.site_id, None);
                if let Some(next) = r.stops.get(k + 1) {
                    assert!(next.arrival >= s.start + VISIT, "45 minutes at each home");
                }
            }
        }
        if team {
            assert!(r.arrival >= r.stops.last().map_or(0, |s| s.start + VISIT));
            assert!(r.arrival <= 17 * H, "the team's shift");
        }
    }
    assert!(visited <= shots, "{visited} visits, {shots} shots");
    let visits = input
        .bookings
        .iter()
        .filter(|b| b.mobility == Mobility::Bedridden)
        .count();
    let unserved_visits = plan
        .unserved
        .iter()
        .filter(|u| booking[&u.booking_id].mobility == Mobility::Bedridden)
        .count();
    assert_eq!(
        visited + unserved_visits,
        visits,
        "each visit planned or named"
    );
}

#[test]
fn visits_go_to_the_team_within_windows_shifts_and_shots() {
    for seed in 0..4 {
        for clustered in [false, true] {
            let input = day_with_visits(seed, 24, 10);
            let plan = plan(&input, clustered);
            assert_visits_hold(&input, &plan, 10);
            let visited = plan
                .routes
                .iter()
                .flat_map(|r| &r.stops)
                .filter(|s| s.kind == StopKind::HomeVisit)
                .count();
            assert!(visited >= 4, "seed {seed}: {visited} of 6 visited");
        }
    }
}

#[test]
fn a_team_makes_no_more_visits_than_it_has_shots() {
    let input = day_with_visits(7, 24, 2);
    let plan = plan(&input, false);
    assert_visits_hold(&input, &plan, 2);
    assert!(plan.unserved.len() >= 4, "four visits wait for another day");
}

#[test]
fn without_a_team_visits_are_unserved_and_rides_still_planned() {
    let mut input = day_with_visits(3, 16, 10);
    input.vehicles.retain(|v| v.team.is_none());
    let plan = plan(&input, false);
    assert_eq!(plan.unserved.len(), 4, "{:?}", plan.unserved);
    assert!(
        plan.unserved
            .iter()
            .all(|u| u.reason == "no_home_visit_team")
    );
    assert!(plan.figures.served >= 8);
}

#[test]
fn a_visit_under_way_stays_and_the_rest_of_the_day_is_planned_again() {
    let input = day_with_visits(5, 24, 10);
    let first = plan(&input, false);
    let team = first
        .routes
        .iter()
        .find(|r| r.vehicle_id == TEAM)
        .expect("the team has visits");
    assert!(team.stops.len() >= 2);
    // The first visit done, the second under way; everything else open.
    let now = team.stops[1].start + 60;
    let day = under_way(&first, now, Some(600), |v, i| match (v == TEAM, i) {
        (true, 0) => StopState::Done {
            at: team.stops[0].start,
        },
        (true, 1) => StopState::UnderWay,
        _ => StopState::Open,
    });
    let again = replan(&input, &day, 2000).expect("a checked plan");
    let again = again.result();
    let route = again
        .routes
        .iter()
        .find(|r| r.vehicle_id == TEAM)
        .expect("the team");
    assert_eq!(
        route.stops[..2],
        team.stops[..2],
        "done and under way stay first"
    );
    if let Some(next) = route.stops.get(2) {
        assert!(next.arrival >= now.max(team.stops[1].start) + VISIT);
        assert_eq!(next.kind, StopKind::HomeVisit);
    }
    assert_visits_hold(&input, again, 10);
}

#[test]
fn a_home_visit_is_offered_no_slot() {
    let input = day_with_visits(2, 12, 10);
    let first = plan(&input, false);
    let day = under_way(&first, 7 * H, None, |_, _| StopState::Open);
    let visit = input.bookings[0].booking_id;
    let offers = vaxride_dispatch::offer::slot_offers(&input, &day, visit, &StraightLines);
    assert!(offers.offers.is_empty());
    assert_eq!(offers.refused.as_deref(), Some("home_visit"));
    let ride = input.bookings[1].booking_id;
    let offers = vaxride_dispatch::offer::slot_offers(&input, &day, ride, &StraightLines);
    assert_eq!(offers.refused, None);
}

#[test]
fn visits_made_use_the_team_s_shots_when_the_day_is_planned_again() {
    // Three shots, three visits planned; one made. Planned again, the team still makes three
    // in all, not three more.
    let input = day_with_visits(5, 24, 3);
    let first = plan(&input, false);
    let team = first
        .routes
        .iter()
        .find(|r| r.vehicle_id == TEAM)
        .expect("the team has visits");
    assert_eq!(team.stops.len(), 3, "{:?}", team.stops);
    let day = under_way(&first, team.stops[0].start + VISIT, Some(600), |v, i| {
        if v == TEAM && i == 0 {
            StopState::Done {
                at: team.stops[0].start + VISIT,
            }
        } else {
            StopState::Open
        }
    });
    let again = replan(&input, &day, 2000).expect("a checked plan");
    assert_visits_hold(&input, again.result(), 3);
    // Nobody is visited earlier than published.
    let route = again
        .result()
        .routes
        .iter()
        .find(|r| r.vehicle_id == TEAM)
        .expect("the team");
    for s in &route.stops {
        let published = team.stops.iter().find(|p| p.booking_id == s.booking_id);
        assert!(published.is_none_or(|p| s.start >= p.start), "{s:?}");
    }
}
