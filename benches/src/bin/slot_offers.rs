//! "Which slots can still take this elder?" (issue 15): a street office's day planned and under
//! way at 09:00, then 20 same-day bookings (elders of the day again, each alone) each offered
//! the slots it can be inserted into with nothing else moved (`dispatch::offer::slot_offers`:
//! the matrix on the roads, the day under way, every insertion), timed; and the plan with the
//! first offer taken (`insert_booking`, checked), timed.
//!
//! `cargo run --release -p vaxride-benches --bin slot_offers -- [SEED] [--osm FILE]
//! [--requests N] [--first 20]` prints one JSON object: offer wall time p50/p99/max, insert
//! p50/p99/max, slots offered per booking (median), bookings with no slot.

use std::time::{Duration, Instant};

use vaxride_dispatch::offer::{insert_booking, slot_offers};
use vaxride_dispatch::plan::PlanBooking;
use vaxride_dispatch::planning::{Silent, plan_day};
use vaxride_dispatch::solve::PlanOptions;
use vaxride_dispatch::travel::Roads;
use vaxride_dispatch::underway::simulate::Sim;
use vaxride_server::WallClock;

/// The id the bench's new booking has.
const NEW: i64 = -1;

fn main() {
    let args = vaxride_benches::Args::from_env();
    let seed = args.seed(2022);
    let flag = |name: &str| args.flag(name);
    let number = |name: &str, or: f64| args.number(name, or);
    let (net, input) = vaxride_benches::office(
        seed,
        flag("--osm"),
        flag("--requests").and_then(|s| s.parse().ok()),
        1,
        0,
        true,
    );
    let roads = Roads(&net);
    let options = PlanOptions {
        seed: 1,
        threads: 2,
        ..PlanOptions::default()
    };
    let first = plan_day(
        &input,
        &roads,
        options,
        &WallClock(Duration::from_secs_f64(number("--first", 20.0))),
        &Silent,
    )
    .expect("a checked plan");
    let mut sim = Sim::new(input.clone(), first.result().clone(), 7 * 3600 + 1800);
    sim.advance(9 * 3600);
    let day = sim.day(None);
    let (mut offer_ms, mut insert_ms, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    let step = (input.bookings.len() / 20).max(1);
    for b in input.bookings.iter().step_by(step).take(20) {
        let mut with = sim.input.clone();
        with.bookings.push(PlanBooking {
            booking_id: NEW,
            window: (9 * 3600, 12 * 3600),
            ..b.clone()
        });
        let t = Instant::now();
        let offers = slot_offers(&with, &day, NEW, &roads);
        offer_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        counts.push(offers.offers.len());
        if let Some(o) = offers.offers.first() {
            let t = Instant::now();
            insert_booking(&with, &day, NEW, (o.site_id, o.slot_start), &roads)
                .expect("an offered slot takes the elder");
            insert_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let q = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let at = |p: f64| {
            v.get(((v.len() as f64 - 1.0) * p).round() as usize)
                .copied()
        };
        serde_json::json!({"p50": at(0.5), "p99": at(0.99), "max": v.last()})
    };
    counts.sort_unstable();
    println!(
        "{}",
        serde_json::json!({
            "seed": seed,
            "bookings": input.bookings.len(),
            "vehicles": input.vehicles.len(),
            "offer_ms": q(&mut offer_ms),
            "insert_ms": q(&mut insert_ms),
            "slots_offered_median": counts.get(counts.len() / 2),
            "without_slot": counts.iter().filter(|&&c| c == 0).count(),
        })
    );
}
