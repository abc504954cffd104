//! A coordinator's request for van stops, answered (issue 16): the walkers are the elders on
//! the roster who walk (with help) and whose dose status asks for a shot; the candidate points
//! are the coordinator's and vaxride's own — at the road in front of a walker's home, one per
//! cell of the map where walkers live, the busiest cells first; the walking reach and the
//! drives come from the caller's [`TravelTimes`]. Pure.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::propose::{Figures, Proposal, Unserved, VanPlanning, moving, propose};
use super::timetable::Van;
use crate::model::{Elder, Point, TimeOfDay};
use crate::travel::{TravelTimes, haversine_m};
use crate::values::{ClockTime, Day, Mobility};

/// How one van works in the proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct VanRequest {
    /// The van.
    pub van_id: i64,
    /// The days it works.
    pub days: Vec<Day>,
    /// The crew's day, seconds after midnight: from, until.
    pub hours: (TimeOfDay, TimeOfDay),
    /// The crew's break, seconds after midnight: from, until.
    pub rest: Option<(TimeOfDay, TimeOfDay)>,
    /// Minutes to set up at a stop.
    pub setup_minutes: u32,
    /// Minutes to pack up.
    pub packup_minutes: u32,
    /// Shots an hour.
    pub shots_per_hour: u32,
    /// Slot length, minutes.
    pub slot_minutes: u32,
    /// At most this many stops a day.
    pub stops_per_day: u32,
}

/// A candidate point the coordinator adds.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Where (WGS-84).
    pub location: Point,
    /// Its name.
    pub name: String,
}

/// What the proposal is asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct VanPlanRequest {
    /// The vans.
    pub vans: Vec<VanRequest>,
    /// How far a walker walks, along the roads, metres.
    pub walk_m: f64,
    /// The coordinator's candidates.
    pub candidates: Vec<Candidate>,
    /// At most this many candidates of vaxride's own.
    pub own_candidates: usize,
    /// Named places of the map where a van could stop (squares, estates, community centres:
    /// see [`named_candidates`]), candidates under their names.
    pub named: Vec<Candidate>,
}

/// A candidate point in the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateView {
    /// Where a van would stop (on the road).
    pub location: Point,
    /// The coordinator's name for it, or empty for vaxride's own (the caller names those).
    pub name: String,
    /// Whether the coordinator added it.
    pub added: bool,
    /// Walkers within reach.
    pub walkers: u32,
    /// Whether the proposal stops there.
    pub chosen: bool,
}

/// A stop of a van's day in the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StopView {
    /// Index into the candidates.
    pub candidate: u32,
    /// Arrives, `HH:MM`.
    pub arrive: String,
    /// The stretches of slots it vaccinates in, `[from, until]` (two when the break splits
    /// them).
    pub open: Vec<[String; 2]>,
    /// Leaves, `HH:MM`.
    pub leave: String,
    /// Shots it can give.
    pub capacity: u32,
    /// Walkers the proposal sends there.
    pub walkers: u32,
}

/// A van's day in the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayView {
    /// The van.
    pub van_id: i64,
    /// The day.
    pub day: Day,
    /// Its stops in order.
    pub stops: Vec<StopView>,
    /// Minutes driving between them.
    pub moving_minutes: u32,
}

/// The answer: candidates, the vans' days, the figures, and for each walker on the roster the
/// stop index `(day, stop)` or why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VanPlanView {
    /// Every candidate point.
    pub candidates: Vec<CandidateView>,
    /// The vans' days.
    pub days: Vec<DayView>,
    /// The figures.
    pub figures: Figures,
    /// Walkers by why they are not served.
    pub unserved: HashMap<String, u32>,
}

/// Whether an elder walks to a van stop: walks (with help) and needs a shot.
pub fn is_walker(e: &Elder) -> bool {
    e.mobility == Mobility::Walks && e.dose.next_shot().is_some()
}

/// The named places worth a candidate: those with walkers living within `walk_m` of them in a
/// straight line (the walk along the roads is longer), the most walkers first, one per name,
/// at most `max`.
pub fn named_candidates(
    places: &[Candidate],
    homes: &[Point],
    walk_m: f64,
    max: usize,
) -> Vec<Candidate> {
    let cell = walk_m.max(1.0);
    // One scale for every point (the area's), so that the cells line up.
    let per_lon = 111_320.0
        * homes
            .first()
            .map_or(1.0, |h| h.lat.to_radians().cos())
            .max(0.1);
    let key = |p: Point| {
        (
            (p.lon * per_lon / cell).floor() as i64,
            (p.lat * 111_320.0 / cell).floor() as i64,
        )
    };
    let mut grid: HashMap<(i64, i64), Vec<Point>> = HashMap::new();
    for &h in homes {
        grid.entry(key(h)).or_default().push(h);
    }
    let mut counted: Vec<(usize, &Candidate)> = places
        .iter()
        .map(|c| {
            let (x, y) = key(c.location);
            let near = (-1..=1)
                .flat_map(|dx| (-1..=1).map(move |dy| (x + dx, y + dy)))
                .filter_map(|k| grid.get(&k))
                .flatten()
                .filter(|&&h| haversine_m(h, c.location) <= walk_m)
                .count();
            (near, c)
        })
        .filter(|(n, _)| *n > 0)
        .collect();
    counted.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    let mut names = HashSet::new();
    counted
        .into_iter()
        .filter(|(_, c)| names.insert(c.name.clone()))
        .take(max)
        .map(|(_, c)| c.clone())
        .collect()
}

/// vaxride's own candidates: the walkers' homes gathered in square cells of `cell_m`, the
/// busiest cells first, each at the home nearest its cell's centre of walkers; at most `max`.
pub fn own_candidates(homes: &[Point], cell_m: f64, max: usize) -> Vec<Point> {
    let Some(first) = homes.first() else {
        return Vec::new();
    };
    let per_lon = haversine_m(
        *first,
        Point {
            lon: first.lon + 1.0,
            lat: first.lat,
        },
    );
    let per_lat = haversine_m(
        *first,
        Point {
            lon: first.lon,
            lat: first.lat + 1.0,
        },
    );
    let cell_of = |p: &Point| {
        (
            (p.lon * per_lon / cell_m).floor() as i64,
            (p.lat * per_lat / cell_m).floor() as i64,
        )
    };
    let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, h) in homes.iter().enumerate() {
        cells.entry(cell_of(h)).or_default().push(i);
    }
    let mut cells: Vec<((i64, i64), Vec<usize>)> = cells.into_iter().collect();
    cells.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    cells
        .into_iter()
        .take(max)
        .map(|(_, members)| {
            let n = members.len() as f64;
            let centre = Point {
                lon: members.iter().map(|&i| homes[i].lon).sum::<f64>() / n,
                lat: members.iter().map(|&i| homes[i].lat).sum::<f64>() / n,
            };
            let nearest = members
                .iter()
                .min_by(|&&a, &&b| {
                    haversine_m(homes[a], centre).total_cmp(&haversine_m(homes[b], centre))
                })
                .copied()
                .unwrap_or(members[0]);
            homes[nearest]
        })
        .collect()
}

fn minutes(t: TimeOfDay) -> u32 {
    (t.max(0) / 60) as u32
}

fn clock(minutes: u32) -> String {
    ClockTime::from_seconds(i64::from(minutes) * 60)
        .map_or_else(|| format!("{minutes}"), |c| c.to_string())
}

/// A request made ready for a search: the candidate points (where, name, added by the
/// coordinator), the walkers, the covering part's input and the days (sorted; `VanDay::day`
/// indexes them).
pub struct Prepared<'e> {
    /// The candidate points: where (on the road), the coordinator's name, whether added.
    pub points: Vec<(Point, String, bool)>,
    /// The walkers, in the order of the covering part's.
    pub walkers: Vec<&'e Elder>,
    /// The covering part's input.
    pub input: VanPlanning,
    /// The days the vans work.
    pub days: Vec<Day>,
}

/// Makes a request ready over `elders` (the caller's area): the walkers are those who need a
/// dose and are not `booked` for a ride on one of the days (their ride serves them).
pub fn prepare<'e>(
    request: &VanPlanRequest,
    elders: &'e [Elder],
    booked: &HashSet<i64>,
    travel: &dyn TravelTimes,
) -> Prepared<'e> {
    let walkers: Vec<&Elder> = elders
        .iter()
        .filter(|e| is_walker(e) && !booked.contains(&e.id))
        .collect();
    let homes: Vec<Point> = walkers.iter().map(|e| e.home).collect();
    let cell = (request.walk_m / 2.0).max(50.0);
    let mut points: Vec<(Point, String, bool)> = request
        .candidates
        .iter()
        .map(|c| (travel.road_point(c.location), c.name.clone(), true))
        .collect();
    points.extend(
        request
            .named
            .iter()
            .map(|c| (travel.road_point(c.location), c.name.clone(), false)),
    );
    points.extend(
        own_candidates(&homes, cell, request.own_candidates)
            .into_iter()
            .map(|p| (travel.road_point(p), String::new(), false)),
    );
    let locations: Vec<Point> = points.iter().map(|p| p.0).collect();
    let reach = travel.walkable(&locations, &homes, request.walk_m);
    let drive: Vec<Vec<u32>> = travel
        .durations(&locations)
        .iter()
        .map(|row| {
            row.iter()
                .map(|s| s.map_or(24 * 60, |s| ((s.max(0) + 59) / 60) as u32))
                .collect()
        })
        .collect();
    let mut days: Vec<Day> = request.vans.iter().flat_map(|v| v.days.clone()).collect();
    days.sort();
    days.dedup();
    let day_index = |d: &Day| days.iter().position(|x| x == d).unwrap_or(0) as u32;
    let vans: Vec<Van> = request
        .vans
        .iter()
        .map(|v| {
            let slot = v.slot_minutes.max(1);
            Van {
                days: v.days.iter().map(day_index).collect(),
                start: minutes(v.hours.0),
                end: minutes(v.hours.1),
                setup: v.setup_minutes,
                packup: v.packup_minutes,
                slot_minutes: slot,
                shots_per_slot: v.shots_per_hour * slot / 60,
                rest: v
                    .rest
                    .map(|(from, to)| (minutes(from), minutes(to).saturating_sub(minutes(from)))),
                stops_per_day: v.stops_per_day,
            }
        })
        .collect();
    let input = VanPlanning {
        weights: walkers
            .iter()
            .map(|e| e.priority.clamp(1, 1_000) as u32)
            .collect(),
        reach,
        vans,
        drive,
    };
    Prepared {
        points,
        walkers,
        input,
        days,
    }
}

/// Answers a request for van stops over `elders` (the caller's area) with the covering
/// proposal; `seed` and `iterations` steer its search.
pub fn plan_vans(
    request: &VanPlanRequest,
    elders: &[Elder],
    booked: &HashSet<i64>,
    travel: &dyn TravelTimes,
    seed: u64,
    iterations: u64,
) -> VanPlanView {
    let prepared = prepare(request, elders, booked, travel);
    let proposal = propose(&prepared.input, seed, iterations);
    view(request, &prepared, &proposal)
}

/// The answer for a proposal of a prepared request.
pub fn view(request: &VanPlanRequest, prepared: &Prepared, proposal: &Proposal) -> VanPlanView {
    let Prepared {
        points,
        input,
        days,
        ..
    } = prepared;
    let mut at_stop: HashMap<(u32, u32), u32> = HashMap::new();
    for (d, s) in proposal.assigned.iter().flatten() {
        *at_stop.entry((*d, *s)).or_default() += 1;
    }
    let mut chosen = vec![false; points.len()];
    let day_views: Vec<DayView> = proposal
        .days
        .iter()
        .enumerate()
        .map(|(d, vd)| DayView {
            van_id: request.vans[vd.van as usize].van_id,
            day: days[vd.day as usize].clone(),
            moving_minutes: moving(vd),
            stops: vd
                .stops
                .iter()
                .enumerate()
                .map(|(s, st)| {
                    chosen[st.candidate as usize] = true;
                    StopView {
                        candidate: st.candidate,
                        arrive: clock(st.arrive),
                        open: stretches(&st.slots)
                            .into_iter()
                            .map(|(f, u)| [clock(f), clock(u)])
                            .collect(),
                        leave: clock(st.leave),
                        capacity: st.capacity,
                        walkers: at_stop.get(&(d as u32, s as u32)).copied().unwrap_or(0),
                    }
                })
                .collect(),
        })
        .collect();
    let candidates = points
        .iter()
        .enumerate()
        .map(|(j, (location, name, added))| CandidateView {
            location: *location,
            name: name.clone(),
            added: *added,
            walkers: input.reach[j].len() as u32,
            chosen: chosen[j],
        })
        .collect();
    let mut unserved: HashMap<String, u32> = HashMap::new();
    for why in proposal.unserved.iter().flatten() {
        let key = match why {
            Unserved::NoStopInReach => "no_stop_in_reach",
            Unserved::NoRoom => "no_room",
        };
        *unserved.entry(key.to_string()).or_default() += 1;
    }
    VanPlanView {
        candidates,
        days: day_views,
        figures: proposal.figures.clone(),
        unserved,
    }
}

/// Consecutive slots joined into stretches `(from, until)`.
pub fn stretches(slots: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for &(f, u) in slots {
        match out.last_mut() {
            Some(last) if last.1 == f => last.1 = u,
            _ => out.push((f, u)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::travel::StraightLines;
    use crate::values::Dose;

    fn elder(id: i64, lon: f64, lat: f64, mobility: Mobility, dose: Dose) -> Elder {
        Elder {
            id,
            community_id: 1,
            name: format!("E{id}"),
            phone: String::new(),
            address: String::new(),
            home: Point { lon, lat },
            mobility,
            companions: 0,
            dose,
            priority: 1,
            notes: String::new(),
        }
    }

    #[test]
    fn walkers_near_each_other_get_a_stop_the_others_are_counted_out() {
        // Twelve walkers in one block, one far away, one in a wheelchair, one with a booster.
        let mut elders: Vec<Elder> = (0..12)
            .map(|i| {
                elder(
                    i,
                    116.40 + f64::from(i as i32) * 0.0002,
                    39.90,
                    Mobility::Walks,
                    Dose::None,
                )
            })
            .collect();
        elders.push(elder(20, 116.50, 39.95, Mobility::Walks, Dose::First));
        elders.push(elder(21, 116.40, 39.90, Mobility::Wheelchair, Dose::None));
        elders.push(elder(22, 116.40, 39.90, Mobility::Walks, Dose::Booster));
        let day = Day::parse("2026-12-08").expect("a day");
        let request = VanPlanRequest {
            vans: vec![VanRequest {
                van_id: 7,
                days: vec![day.clone()],
                hours: (8 * 3600, 12 * 3600),
                rest: None,
                setup_minutes: 15,
                packup_minutes: 15,
                shots_per_hour: 12,
                slot_minutes: 30,
                stops_per_day: 1,
            }],
            walk_m: 500.0,
            candidates: vec![Candidate {
                location: Point {
                    lon: 116.45,
                    lat: 39.92,
                },
                name: "Square".into(),
            }],
            own_candidates: 10,
            named: Vec::new(),
        };
        let view = plan_vans(&request, &elders, &HashSet::new(), &StraightLines, 1, 100);
        assert_eq!(view.figures.walkers, 13);
        assert_eq!(view.figures.served, 12);
        assert_eq!(view.days.len(), 1);
        assert_eq!(view.days[0].van_id, 7);
        assert_eq!(view.days[0].day, day);
        let stop = &view.days[0].stops[0];
        assert_eq!(stop.walkers, 12);
        assert_eq!(stop.arrive, "08:00");
        assert_eq!(stop.open, vec![["08:15".to_string(), "11:45".to_string()]]);
        assert!(view.candidates[0].added && view.candidates[0].name == "Square");
        assert!(view.candidates[stop.candidate as usize].chosen);
        // The far walker has vaxride's own candidate at home, which the one stop cannot be.
        assert_eq!(
            view.unserved.get("no_room"),
            Some(&1),
            "{:?}",
            view.unserved
        );
    }

    #[test]
    fn named_places_near_walkers_are_candidates_the_busiest_first() {
        let at = |x: f64, y: f64| Point {
            lon: 116.40 + x / 85_400.0,
            lat: 39.90 + y / 111_200.0,
        };
        let place = |x: f64, y: f64, name: &str| Candidate {
            location: at(x, y),
            name: name.into(),
        };
        // Five walkers by the square, two by the estate, none near the park.
        let mut homes: Vec<Point> = (0..5).map(|i| at(20.0 * f64::from(i), 100.0)).collect();
        homes.extend([at(2000.0, 0.0), at(2050.0, 30.0)]);
        let places = vec![
            place(2000.0, 60.0, "Estate gate"),
            place(5000.0, 5000.0, "Park"),
            place(0.0, 0.0, "Square"),
            place(2010.0, 50.0, "Estate gate"),
        ];
        let named = named_candidates(&places, &homes, 500.0, 10);
        let names: Vec<&str> = named.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Square", "Estate gate"]);
        assert_eq!(named_candidates(&places, &homes, 500.0, 1).len(), 1);
        // Brute force agrees: the places near walkers, ranked by how many.
        let mut brute: Vec<(usize, &str)> = places
            .iter()
            .map(|c| {
                let n = homes
                    .iter()
                    .filter(|&&h| haversine_m(h, c.location) <= 500.0)
                    .count();
                (n, c.name.as_str())
            })
            .filter(|(n, _)| *n > 0)
            .collect();
        brute.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        brute.dedup_by(|a, b| a.1 == b.1);
        let brute: Vec<&str> = brute.into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, brute);
        // North of a place as well as east of it, far from the prime meridian.
        let ring: Vec<Point> = (0..36)
            .map(|k| {
                let a = f64::from(k) * std::f64::consts::TAU / 36.0;
                at(5000.0 + 450.0 * a.cos(), 5000.0 + 450.0 * a.sin())
            })
            .collect();
        let park = named_candidates(&places[1..2], &ring, 500.0, 1);
        assert_eq!(park.len(), 1);
        let cells = named_candidates(&places[1..2], &ring[9..10], 500.0, 1);
        assert_eq!(cells.len(), 1, "the walker due north is found");
        // A named place is a candidate under its name.
        let elders: Vec<Elder> = homes
            .iter()
            .enumerate()
            .map(|(i, h)| elder(i as i64, h.lon, h.lat, Mobility::Walks, Dose::None))
            .collect();
        let request = VanPlanRequest {
            vans: Vec::new(),
            walk_m: 500.0,
            candidates: Vec::new(),
            own_candidates: 0,
            named,
        };
        let prepared = prepare(&request, &elders, &HashSet::new(), &StraightLines);
        assert_eq!(prepared.points.len(), 2);
        assert_eq!(prepared.points[0].1, "Square");
        assert!(!prepared.points[0].2, "not the coordinator's");
        assert_eq!(prepared.input.reach[0].len(), 5);
    }

    #[test]
    fn slots_broken_by_the_break_are_two_stretches() {
        assert_eq!(
            stretches(&[(480, 510), (510, 540), (600, 630)]),
            vec![(480, 540), (600, 630)]
        );
        assert!(stretches(&[]).is_empty());
    }
}
