//! A coordinator's manual move of a ride on small days under way: the ride goes to the vehicle
//! asked for, nobody is picked up earlier than published, every other stop stays in its order,
//! slots within their capacity, checked like every plan; a ride begun stays where it is.

mod common;

use common::{H, day, first_plan};
use vaxride_dispatch::model::StopKind;
use vaxride_dispatch::moves::{MoveError, Ride, move_ride};
use vaxride_dispatch::travel::StraightLines;
use vaxride_dispatch::underway::StopState;
use vaxride_dispatch::underway::simulate::Sim;

#[test]
fn a_moved_ride_goes_to_the_vehicle_asked_for_and_nothing_else_moves() {
    let (mut moved, mut refused, mut begun) = (0, 0, 0);
    for seed in 0..5u64 {
        let input = day(seed, 12, 3);
        let plan = first_plan(&input);
        let mut sim = Sim::new(input.clone(), plan, 8 * H - 1800);
        sim.advance(9 * H);
        let day = sim.day(None);
        // Begun: done or under way, once a stop under way early is opened again (a driver
        // heading to the site for an elder not yet picked up at home).
        let settled = day.settled();
        let published: Vec<_> = settled.routes.iter().flat_map(|r| &r.stops).collect();
        let mut bookings: Vec<i64> = published.iter().map(|s| s.stop.booking_id).collect();
        bookings.sort_unstable();
        bookings.dedup();
        for &b in &bookings {
            let of = |kind: StopKind| {
                published
                    .iter()
                    .find(|s| s.stop.booking_id == b && s.stop.kind == kind)
            };
            for ride in Ride::ALL {
                let (pick, drop) = match ride {
                    Ride::Out => (StopKind::PickupHome, StopKind::DropSite),
                    Ride::Home => (StopKind::PickupSite, StopKind::DropHome),
                };
                let Some(first) = of(pick) else { continue };
                let started = first.state != StopState::Open;
                for v in &sim.input.vehicles {
                    let result = move_ride(&sim.input, &day, (b, ride), v.id, &StraightLines);
                    let plan = match result {
                        Err(MoveError::UnderWay) => {
                            assert!(started, "seed {seed}: booking {b} {ride:?} not begun");
                            begun += 1;
                            continue;
                        }
                        Err(MoveError::NoRoom | MoveError::NotAllowed) => {
                            refused += 1;
                            continue;
                        }
                        Err(e) => panic!("seed {seed}: booking {b} {ride:?}: {e}"),
                        Ok(plan) => plan,
                    };
                    assert!(!started, "seed {seed}: booking {b} {ride:?} had begun");
                    let r = plan.result();
                    let on = r
                        .routes
                        .iter()
                        .find(|x| x.vehicle_id == v.id)
                        .expect("trip");
                    for kind in [pick, drop] {
                        assert!(
                            on.stops.iter().any(|s| s.booking_id == b && s.kind == kind),
                            "seed {seed}: booking {b} {kind:?} not on vehicle {}",
                            v.id
                        );
                    }
                    for slot in &r.figures.slots {
                        assert!(slot.planned <= slot.capacity, "seed {seed}: {slot:?}");
                    }
                    for x in &r.routes {
                        for s in &x.stops {
                            let was = published.iter().find(|p| {
                                p.stop.booking_id == s.booking_id && p.stop.kind == s.kind
                            });
                            if let Some(was) = was
                                && matches!(s.kind, StopKind::PickupHome)
                                && was.state == StopState::Open
                            {
                                assert!(s.start >= was.stop.start, "seed {seed}: picked up early");
                            }
                        }
                    }
                    let moved_stop = |s: &(i64, StopKind)| s.0 == b && (s.1 == pick || s.1 == drop);
                    for before in &day.routes {
                        let was: Vec<_> = before
                            .stops
                            .iter()
                            .map(|s| (s.stop.booking_id, s.stop.kind))
                            .filter(|s| !moved_stop(s))
                            .collect();
                        let now: Vec<_> = r
                            .routes
                            .iter()
                            .find(|x| x.vehicle_id == before.vehicle_id)
                            .map(|x| {
                                x.stops
                                    .iter()
                                    .map(|s| (s.booking_id, s.kind))
                                    .filter(|s| !moved_stop(s))
                                    .collect()
                            })
                            .unwrap_or_default();
                        assert_eq!(now, was, "seed {seed}: vehicle {}", before.vehicle_id);
                    }
                    moved += 1;
                }
            }
        }
        let unknown = move_ride(&sim.input, &day, (424_242, Ride::Out), 1, &StraightLines);
        assert!(matches!(unknown, Err(MoveError::NotPlanned)), "seed {seed}");
    }
    assert!(
        moved >= 20 && begun >= 1,
        "moved {moved}, refused {refused}, begun {begun}"
    );
}
