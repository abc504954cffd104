//! "Which slots can still take this elder?" on small days under way: every slot offered can be
//! chosen, and choosing it gives the plan with the elder in that slot at the offered pick-up
//! time, nothing else reordered, every slot within its capacity, checked like every plan.

mod common;

use common::{H, day, first_plan};
use vaxride_dispatch::model::StopKind;
use vaxride_dispatch::offer::{OfferError, insert_booking, slot_offers};
use vaxride_dispatch::plan::PlanBooking;
use vaxride_dispatch::travel::StraightLines;
use vaxride_dispatch::underway::simulate::Sim;

#[test]
fn every_slot_offered_takes_the_elder_at_the_time_offered_and_moves_nobody_else() {
    let mut offered = 0;
    for seed in 0..6u64 {
        let input = day(seed, 12, 3);
        let plan = first_plan(&input);
        let mut sim = Sim::new(input.clone(), plan, 8 * H - 1800);
        sim.advance(9 * H);
        let urgent = PlanBooking {
            booking_id: 9000,
            window: (9 * H, 12 * H),
            ..input.bookings[seed as usize].clone()
        };
        let mut with = sim.input.clone();
        with.bookings.push(urgent);
        let day = sim.day(None);
        let offers = slot_offers(&with, &day, 9000, &StraightLines);
        assert!(offers.refused.is_none(), "seed {seed}: {offers:?}");
        for o in &offers.offers {
            assert!(
                o.slot_start >= day.now - 1800,
                "seed {seed}: a slot gone by"
            );
            let plan = insert_booking(&with, &day, 9000, (o.site_id, o.slot_start), &StraightLines)
                .unwrap_or_else(|e| panic!("seed {seed}: {o:?}: {e}"));
            let r = plan.result();
            let stops: Vec<_> = r.routes.iter().flat_map(|x| &x.stops).collect();
            let pickup = stops
                .iter()
                .find(|s| s.booking_id == 9000 && s.kind == StopKind::PickupHome)
                .expect("picked up");
            assert_eq!(pickup.start, o.pickup, "seed {seed}: the time offered");
            let drop = stops
                .iter()
                .find(|s| s.booking_id == 9000 && s.kind == StopKind::DropSite)
                .expect("dropped at the site");
            assert_eq!(
                (drop.site_id, drop.slot),
                (Some(o.site_id), Some(o.slot_start)),
                "seed {seed}: the slot chosen"
            );
            for slot in &r.figures.slots {
                assert!(slot.planned <= slot.capacity, "seed {seed}: {slot:?}");
            }
            // Every vehicle's other stops are in the order they were published.
            for before in &day.routes {
                let was: Vec<_> = before
                    .stops
                    .iter()
                    .map(|s| (s.stop.booking_id, s.stop.kind))
                    .collect();
                let now: Vec<_> = r
                    .routes
                    .iter()
                    .find(|x| x.vehicle_id == before.vehicle_id)
                    .map(|x| {
                        x.stops
                            .iter()
                            .filter(|s| s.booking_id != 9000)
                            .map(|s| (s.booking_id, s.kind))
                            .collect()
                    })
                    .unwrap_or_default();
                assert_eq!(now, was, "seed {seed}: vehicle {}", before.vehicle_id);
            }
            offered += 1;
        }
        // A slot not offered cannot be chosen.
        let taken = insert_booking(&with, &day, 9000, (100, 3 * H), &StraightLines);
        assert!(matches!(taken, Err(OfferError::Gone)), "seed {seed}");
    }
    assert!(offered >= 6, "too few offers to say anything ({offered})");
}
