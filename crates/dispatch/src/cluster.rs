//! Clusters of bookings by community and nearness, and a share of the fleet for each.
//!
//! A community is the natural unit (drivers and secretaries know it). Communities with many
//! bookings are cut into pieces of nearby homes; small ones join their nearest neighbour. Each
//! cluster gets vehicles in proportion to its seats needed, nearest first.

use crate::model::{Point, Vehicle};
use crate::plan::PlanBooking;
use crate::travel::haversine_m;

/// Sizes the clusters aim for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterParams {
    /// A cluster above this many bookings is cut.
    pub max_bookings: usize,
    /// A cluster below this many joins its nearest neighbour (if the sum stays ≤ max).
    pub min_bookings: usize,
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            max_bookings: 120,
            min_bookings: 30,
        }
    }
}

/// A cluster: indices into the bookings and vehicles given to [`clusters`].
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Communities in the cluster.
    pub communities: Vec<i64>,
    /// Bookings (indices).
    pub bookings: Vec<usize>,
    /// Vehicles (indices).
    pub vehicles: Vec<usize>,
    /// Centre of the homes.
    pub centre: Point,
}

fn centre(points: impl Iterator<Item = Point>) -> Point {
    let (mut lon, mut lat, mut n) = (0.0, 0.0, 0.0);
    for p in points {
        lon += p.lon;
        lat += p.lat;
        n += 1.0;
    }
    if n == 0.0 {
        Point { lon: 0.0, lat: 0.0 }
    } else {
        Point {
            lon: lon / n,
            lat: lat / n,
        }
    }
}

/// Splits the bookings into clusters and shares the vehicles among them. Deterministic: the
/// same input gives the same clusters. Every booking and every vehicle is in exactly one
/// cluster (a cluster may get no vehicle when there are fewer vehicles than clusters).
pub fn clusters(
    bookings: &[PlanBooking],
    vehicles: &[Vehicle],
    params: ClusterParams,
) -> Vec<Cluster> {
    let max = params.max_bookings.max(1);
    // One group per community, in order of community id.
    let mut by_community: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
    for (i, b) in bookings.iter().enumerate() {
        by_community.entry(b.community_id).or_default().push(i);
    }
    let mut out: Vec<Cluster> = Vec::new();
    for (community, members) in by_community {
        for part in cut(bookings, members, max) {
            out.push(Cluster {
                communities: vec![community],
                centre: centre(part.iter().map(|&i| bookings[i].home)),
                bookings: part,
                vehicles: Vec::new(),
            });
        }
    }
    // Small clusters join their nearest neighbour while the sum stays within the maximum.
    loop {
        let small = (0..out.len())
            .filter(|&i| out[i].bookings.len() < params.min_bookings)
            .min_by_key(|&i| (out[i].bookings.len(), i));
        let Some(i) = small else { break };
        let partner = (0..out.len())
            .filter(|&j| j != i && out[i].bookings.len() + out[j].bookings.len() <= max)
            .min_by(|&a, &b| {
                let da = haversine_m(out[i].centre, out[a].centre);
                let db = haversine_m(out[i].centre, out[b].centre);
                da.total_cmp(&db).then(a.cmp(&b))
            });
        let Some(j) = partner else { break };
        let taken = out.remove(i);
        let j = if j > i { j - 1 } else { j };
        out[j].bookings.extend(taken.bookings);
        out[j].bookings.sort_unstable();
        for c in taken.communities {
            if !out[j].communities.contains(&c) {
                out[j].communities.push(c);
            }
        }
        out[j].communities.sort_unstable();
        out[j].centre = centre(out[j].bookings.iter().map(|&k| bookings[k].home));
    }
    share_vehicles(bookings, vehicles, &mut out);
    out
}

/// Cuts a group into pieces of at most `max` nearby bookings: sorts by angle around the
/// group's centre, then by distance, and cuts the sweep into equal pieces.
fn cut(bookings: &[PlanBooking], members: Vec<usize>, max: usize) -> Vec<Vec<usize>> {
    if members.len() <= max {
        return vec![members];
    }
    let c = centre(members.iter().map(|&i| bookings[i].home));
    let mut sorted = members;
    sorted.sort_by(|&a, &b| {
        let angle = |i: usize| {
            let p = bookings[i].home;
            (p.lat - c.lat).atan2(p.lon - c.lon)
        };
        angle(a).total_cmp(&angle(b)).then(a.cmp(&b))
    });
    let pieces = sorted.len().div_ceil(max);
    let size = sorted.len().div_ceil(pieces);
    sorted.chunks(size).map(<[usize]>::to_vec).collect()
}

/// Gives each cluster vehicles in proportion to the seats its bookings need: clusters take
/// turns (the one furthest below its share first) picking their nearest free vehicle, with
/// wheelchair places going first to clusters with wheelchair users. Cars go by the rides, and
/// home-visit teams by the visits (bedridden elders), each kind on its own.
fn share_vehicles(bookings: &[PlanBooking], vehicles: &[Vehicle], out: &mut [Cluster]) {
    if out.is_empty() {
        return;
    }
    let visit = |i: usize| bookings[i].mobility == crate::model::Mobility::Bedridden;
    for teams in [false, true] {
        let free: Vec<usize> = (0..vehicles.len())
            .filter(|&v| vehicles[v].team.is_some() == teams)
            .collect();
        share_kind(bookings, vehicles, out, free, &|i| visit(i) == teams);
    }
    for c in out.iter_mut() {
        c.vehicles.sort_unstable();
    }
}

/// [`share_vehicles`] for one kind: the `free` vehicles, by the demand of the bookings `counts`
/// takes.
fn share_kind(
    bookings: &[PlanBooking],
    vehicles: &[Vehicle],
    out: &mut [Cluster],
    mut free: Vec<usize>,
    counts: &dyn Fn(usize) -> bool,
) {
    let demand: Vec<f64> = out
        .iter()
        .map(|c| {
            c.bookings
                .iter()
                .filter(|&&i| counts(i))
                .map(|&i| 1.0 + bookings[i].companions as f64)
                .sum()
        })
        .collect();
    let total: f64 = demand.iter().sum::<f64>().max(1.0);
    let wants_ramp: Vec<bool> = out
        .iter()
        .map(|c| {
            c.bookings
                .iter()
                .any(|&i| bookings[i].mobility == crate::model::Mobility::Wheelchair)
        })
        .collect();
    let all = free.len();
    let mut given = vec![0usize; out.len()];
    while !free.is_empty() {
        // The cluster furthest below its share of the vehicles handed out so far.
        let handed = (all - free.len()) as f64 + 1.0;
        let c = (0..out.len())
            .max_by(|&a, &b| {
                let gap = |k: usize| demand[k] / total * handed - given[k] as f64;
                gap(a).total_cmp(&gap(b)).then(b.cmp(&a))
            })
            .expect("clusters exist");
        let ramp_first = wants_ramp[c]
            && !out[c]
                .vehicles
                .iter()
                .any(|&v| vehicles[v].features.iter().any(|f| f == "ramp"));
        let pick = free
            .iter()
            .enumerate()
            .min_by(|&(_, &a), &(_, &b)| {
                let score = |v: usize| {
                    let ramp = vehicles[v].features.iter().any(|f| f == "ramp");
                    let penalty = if ramp_first && !ramp { 1e9 } else { 0.0 };
                    penalty + haversine_m(vehicles[v].start, out[c].centre)
                };
                score(a).total_cmp(&score(b)).then(a.cmp(&b))
            })
            .map(|(k, _)| k)
            .expect("free is not empty");
        out[c].vehicles.push(free.remove(pick));
        given[c] += 1;
    }
}
