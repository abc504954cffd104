//! The demo day's bookings: the institution's residents together, then others at random.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use vaxride_dispatch::model::{Mobility, Site};
use vaxride_dispatch::values::Window;

use super::elders::Elders;
use super::{DemoBooking, DemoElder, hm};

/// Bookings for the demo day.
pub(crate) const BOOKINGS: usize = 220;

/// `count` ride bookings (the demo's [`BOOKINGS`]; fewer when fewer elders can book) of elders
/// who can travel and still need a dose; windows in the morning, the afternoon or an hour; some
/// ask for a site that gives their dose.
pub(super) fn draw(
    elders: &Elders,
    sites: &[Site],
    count: usize,
    rng: &mut StdRng,
) -> Vec<DemoBooking> {
    let (care_home_elders, elders) = (&elders.care_home, &elders.list);
    let can_book =
        |e: &DemoElder| e.mobility != Mobility::Bedridden && e.dose.next_shot().is_some();
    let mut chosen: Vec<usize> = care_home_elders
        .iter()
        .copied()
        .filter(|&i| can_book(&elders[i]))
        .collect();
    let mut others: Vec<usize> = (0..elders.len())
        .filter(|i| can_book(&elders[*i]) && !chosen.contains(i))
        .collect();
    others.shuffle(rng);
    let room = count.saturating_sub(chosen.len());
    chosen.extend(others.into_iter().take(room));
    chosen.sort_unstable();
    let mut bookings = Vec::with_capacity(chosen.len());
    for i in chosen {
        let elder = &elders[i];
        let care_home = care_home_elders.contains(&i);
        let u: f64 = rng.random();
        let (from, to) = if care_home || u < 0.45 {
            (hm(8, 0), hm(11, 0))
        } else if u < 0.80 {
            (hm(13, 0), hm(16, 0))
        } else {
            let starts = [
                hm(8, 0),
                hm(8, 30),
                hm(9, 0),
                hm(9, 30),
                hm(10, 0),
                hm(13, 0),
                hm(13, 30),
                hm(14, 0),
                hm(14, 30),
                hm(15, 0),
            ];
            let s = starts[rng.random_range(0..starts.len())];
            (s, s + 3600)
        };
        let window = Window::try_from((from, to)).expect("the demo's windows are in order");
        let site = if care_home {
            Some(0)
        } else if rng.random_bool(0.15) {
            let fits: Vec<usize> = sites
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.gives(elder.dose)
                        && s.open_from <= window.from()
                        && s.open_to >= window.to() + 3600
                })
                .map(|(j, _)| j)
                .collect();
            (!fits.is_empty()).then(|| fits[rng.random_range(0..fits.len())])
        } else {
            None
        };
        bookings.push(DemoBooking {
            elder: i,
            window,
            site,
            return_wanted: rng.random_bool(0.85),
            dwell_minutes: 30 + 5 * rng.random_range(0..=3),
        });
    }
    bookings
}

/// Home visits a demo home-visit team is booked for.
pub(crate) const VISITS_PER_TEAM: usize = 8;

/// Up to `count` home visits for bedridden elders who still need a dose, in the morning or the
/// afternoon, drawn after everything else (so the rides stay as they were).
pub(super) fn visits(elders: &Elders, count: usize, rng: &mut StdRng) -> Vec<DemoBooking> {
    let mut due: Vec<usize> = (0..elders.list.len())
        .filter(|&i| {
            let e = &elders.list[i];
            e.mobility == Mobility::Bedridden && e.dose.next_shot().is_some()
        })
        .collect();
    due.shuffle(rng);
    due.truncate(count);
    due.sort_unstable();
    due.into_iter()
        .map(|elder| {
            let (from, to) = if rng.random_bool(0.5) {
                (hm(8, 30), hm(12, 0))
            } else {
                (hm(13, 30), hm(16, 0))
            };
            DemoBooking {
                elder,
                window: Window::try_from((from, to)).expect("the demo's windows are in order"),
                site: None,
                return_wanted: false,
                dwell_minutes: 30,
            }
        })
        .collect()
}
