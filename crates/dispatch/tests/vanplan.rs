//! The coordinator's van proposal judged with the fleet (issue 16): every elder who needs a
//! dose counts once — walkers at a stop, riders on one day —, a booked elder rides as booked,
//! and the coupled search keeps what serves the most.

use std::collections::HashSet;

use vaxride_dispatch::model::{Elder, Point, Site, SiteKind, Vehicle};
use vaxride_dispatch::plan::{PlanBooking, PlanInput};
use vaxride_dispatch::travel::StraightLines;
use vaxride_dispatch::values::{Day, Dose, Mobility, Shot, Weekdays};
use vaxride_dispatch::vanplan::request::{Candidate, VanPlanRequest, VanRequest, prepare};
use vaxride_dispatch::vanplan::riders::{Search, WOULD_RIDE, plan_vans_coupled, riding};
use vaxride_solver::IterationBudget;

fn at(x: f64, y: f64) -> Point {
    Point {
        lon: 116.40 + x / 85_400.0,
        lat: 39.90 + y / 111_200.0,
    }
}

fn elder(id: i64, home: Point, mobility: Mobility) -> Elder {
    Elder {
        id,
        community_id: 1,
        name: format!("E{id}"),
        phone: String::new(),
        address: String::new(),
        home,
        mobility,
        companions: 0,
        dose: Dose::None,
        priority: 1 + id % 3,
        notes: String::new(),
    }
}

fn days() -> [Day; 2] {
    [
        Day::parse("2026-12-08").expect("a day"),
        Day::parse("2026-12-09").expect("a day"),
    ]
}

/// Twelve walkers in block A (id 1 booked for a ride on the first day), six in wheelchairs in
/// block B 1.5 km away, one bedridden; one ramp van of the fleet and a small fixed site.
fn district() -> (Vec<Elder>, HashSet<i64>, Vec<PlanInput>, VanPlanRequest) {
    let mut elders: Vec<Elder> = (0..12)
        .map(|i| elder(i + 1, at(-800.0 + 15.0 * i as f64, 0.0), Mobility::Walks))
        .collect();
    elders.extend((0..6).map(|i| {
        elder(
            20 + i,
            at(700.0 + 15.0 * i as f64, 0.0),
            Mobility::Wheelchair,
        )
    }));
    elders.push(elder(40, at(0.0, 300.0), Mobility::Bedridden));
    let every = Weekdays::parse("1234567").expect("every day");
    let site = Site {
        id: 1,
        name: "centre".into(),
        kind: SiteKind::Fixed,
        location: at(0.0, 0.0),
        open_days: every,
        open_from: 8 * 3600,
        open_to: 12 * 3600,
        slot_minutes: 60,
        capacity_per_slot: 1,
        booked_share: 1.0,
        doses: vec![Shot::First, Shot::Second, Shot::Booster],
        day: None,
    };
    let vehicle = Vehicle {
        id: 1,
        name: "ramp van".into(),
        seats: 2,
        wheelchairs: 2,
        features: vec!["ramp".into()],
        shift_from: 7 * 3600,
        team: None,
        shift_to: 18 * 3600,
        start: at(0.0, 0.0),
    };
    let booked_ride = PlanBooking {
        booking_id: 500,
        community_id: 1,
        home: elders[0].home,
        mobility: Mobility::Walks,
        companions: 0,
        dose: Dose::None,
        priority: 2,
        window: (8 * 3600, 10 * 3600),
        site_id: None,
        return_wanted: true,
        dwell_minutes: 30,
    };
    let [d1, d2] = days();
    let inputs = vec![
        PlanInput {
            day: d1.clone(),
            bookings: vec![booked_ride],
            sites: vec![site.clone()],
            vehicles: vec![vehicle.clone()],
        },
        PlanInput {
            day: d2.clone(),
            bookings: Vec::new(),
            sites: vec![site],
            vehicles: vec![vehicle],
        },
    ];
    let request = VanPlanRequest {
        vans: vec![VanRequest {
            van_id: 7,
            days: vec![d1, d2],
            hours: (8 * 3600, 12 * 3600),
            rest: None,
            setup_minutes: 15,
            packup_minutes: 15,
            shots_per_hour: 4,
            slot_minutes: 30,
            stops_per_day: 1,
        }],
        walk_m: 500.0,
        candidates: vec![Candidate {
            location: at(750.0, 0.0),
            name: "Block B gate".into(),
        }],
        own_candidates: 20,
        named: Vec::new(),
    };
    (elders, HashSet::from([1]), inputs, request)
}

#[test]
fn each_elder_who_needs_a_dose_rides_on_one_day_and_a_booked_one_as_booked() {
    let (elders, booked, inputs, request) = district();
    let prepared = prepare(&request, &elders, &booked, &StraightLines);
    assert_eq!(
        prepared.walkers.len(),
        11,
        "the booked walker is served by the ride"
    );
    let r = riding(&prepared, &elders, &booked, &inputs, 100);
    assert_eq!(r.days.len(), 2);
    let ids: Vec<i64> = r
        .days
        .iter()
        .flat_map(|d| d.elders.iter().map(|b| b.booking_id))
        .collect();
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "nobody twice: {ids:?}");
    // The booked ride, 11 walkers and 6 in wheelchairs; not the bedridden elder (a team's).
    assert_eq!(ids.len(), 1 + 11 + 6, "{ids:?}");
    assert!(ids.contains(&500));
    assert!(!ids.contains(&(WOULD_RIDE + 40)));
    assert!(!ids.contains(&(WOULD_RIDE + 1)));
    for d in &r.days {
        assert_eq!(d.walker.len(), d.elders.len());
        for (b, w) in d.elders.iter().zip(&d.walker) {
            assert_eq!(
                w.is_some(),
                b.mobility == Mobility::Walks && b.booking_id != 500
            );
        }
    }
    let per_day: Vec<usize> = r.days.iter().map(|d| d.elders.len()).collect();
    assert!(
        per_day[0].abs_diff(per_day[1]) <= 2,
        "spread in turn: {per_day:?}"
    );
}

#[test]
fn the_coupled_proposal_serves_at_least_what_covering_does_and_repeats_itself() {
    let (elders, booked, inputs, request) = district();
    let run = |threads: usize| {
        let mut heard = 0;
        let view = plan_vans_coupled(
            &request,
            &elders,
            &booked,
            &inputs,
            &StraightLines,
            Search {
                seed: 3,
                threads,
                cover_iterations: 200,
                iterations: 300,
                riders_per_day: 100,
            },
            &mut IterationBudget(6),
            None,
            &mut |_| heard += 1,
        );
        assert!(heard >= 1, "the start is heard");
        view
    };
    let one = run(1);
    assert!(one.coupled.weight >= one.cover.weight, "{one:?}");
    assert!(one.coupled.served >= one.cover.served || one.coupled.weight > one.cover.weight);
    assert_eq!(one.view.figures.walkers, 11);
    for d in &one.view.days {
        assert_eq!(d.van_id, 7);
        for s in &d.stops {
            assert!(
                s.arrive.as_str() >= "08:00" && s.leave.as_str() <= "12:00",
                "{s:?}"
            );
        }
    }
    let two = run(2);
    assert!(two.coupled.weight >= two.cover.weight, "{two:?}");
    assert_eq!(run(2), two, "the same seed and threads, the same answer");
}
