//! From parsed nodes to a `Problem`: matrices under each convention, scaled times, and the
//! VRPTW assembly shared by the VRPLIB and Solomon readers.

use vaxride_solver::{Load, Matrix, Problem, Request, Stop, StopKind, Vehicle};

use crate::error::{ErrorKind, FormatError, Src};
use crate::text::{self, MAX_LOCATIONS, MAX_VEHICLES};
use crate::{DistanceConvention, Family, Instance};

/// Euclidean distance, `sqrt(dx² + dy²)` (the formula the peer harness uses).
pub(crate) fn euclid(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (a.0 - b.0, a.1 - b.1);
    (dx * dx + dy * dy).sqrt()
}

/// A time, window bound or service duration in scaled integer units (half to even, like
/// Python's `round`).
pub(crate) fn scaled(v: f64, scale: f64) -> i64 {
    (v * scale).round_ties_even() as i64
}

/// The full matrix over `coords`:
/// * [`DistanceConvention::Truncated1Decimal`]: cost = duration = `floor(10 · d)`;
/// * [`DistanceConvention::DoubleEuclid`]: cost = `round(100 · d)` (half to even), duration =
///   `ceil(100 · d)` (less 1e-9 against noise), so that schedules feasible in exact arithmetic
///   stay feasible in integers.
pub(crate) fn matrix(
    src: Src<'_>,
    coords: &[(f64, f64)],
    conv: DistanceConvention,
) -> Result<Matrix, FormatError> {
    let n = coords.len();
    let mut duration = Vec::with_capacity(n * n);
    let mut cost = Vec::with_capacity(n * n);
    for &a in coords {
        for &b in coords {
            let d = euclid(a, b);
            match conv {
                // (MatrixCost problems come with their own matrix and never get here.)
                DistanceConvention::Truncated1Decimal | DistanceConvention::MatrixCost => {
                    let v = (10.0 * d).floor() as i64;
                    duration.push(v);
                    cost.push(v);
                }
                DistanceConvention::DoubleEuclid => {
                    duration.push((100.0 * d - 1e-9).ceil().max(0.0) as i64);
                    cost.push((100.0 * d).round_ties_even() as i64);
                }
            }
        }
    }
    Matrix::new(n, duration, cost).map_err(|e| src.err(1, ErrorKind::Unsupported(e.to_string())))
}

/// One end of a pick-up-and-drop-off pair as a file gives it, in the file's units; its node
/// number is also its matrix location.
pub(crate) struct PairEnd {
    pub node: usize,
    pub early: f64,
    pub late: f64,
    pub service: f64,
}

/// Appends a pick-up/drop-off request (Li & Lim, Cordeau) with its two stops, scaling times.
pub(crate) fn push_pair(
    stops: &mut Vec<Stop>,
    requests: &mut Vec<Request>,
    (pickup, dropoff): (PairEnd, PairEnd),
    load: i64,
    max_ride: Option<i64>,
    scale: f64,
) {
    let (r, s) = (requests.len(), stops.len());
    for (end, kind) in [(pickup, StopKind::Pickup), (dropoff, StopKind::Dropoff)] {
        stops.push(Stop {
            id: end.node.to_string(),
            loc: end.node,
            window: (scaled(end.early, scale), scaled(end.late, scale)),
            service: scaled(end.service, scale),
            load: Load::seats(load),
            kind,
            request: r,
            keep: None,
        });
    }
    requests.push(Request::single(
        stops[s].id.clone(),
        vec![s, s + 1],
        1,
        max_ride,
        0,
    ));
}

/// Fails when a file has more locations than a full matrix can hold.
pub(crate) fn check_locations(src: Src<'_>, line: usize, count: usize) -> Result<(), FormatError> {
    if count > MAX_LOCATIONS {
        return Err(src.err(
            line,
            ErrorKind::TooMany {
                what: "locations",
                count,
                max: MAX_LOCATIONS,
            },
        ));
    }
    Ok(())
}

/// Fails when a file asks for more vehicles than the readers accept.
pub(crate) fn check_vehicles(src: Src<'_>, line: usize, count: usize) -> Result<(), FormatError> {
    if count > MAX_VEHICLES {
        return Err(src.err(
            line,
            ErrorKind::TooMany {
                what: "vehicles",
                count,
                max: MAX_VEHICLES,
            },
        ));
    }
    Ok(())
}

/// `count` identical vehicles numbered from 1.
pub(crate) fn fleet(
    count: usize,
    depot: (usize, usize),
    shift: (i64, i64),
    capacity: i64,
    max_duration: Option<i64>,
) -> Vec<Vehicle> {
    (1..=count)
        .map(|k| Vehicle {
            id: k.to_string(),
            start: depot.0,
            end: depot.1,
            shift,
            capacity: Load::seats(capacity),
            max_duration,
            features: 0,
            fixed_cost: 0,
        })
        .collect()
}

/// One node of a VRPTW file, in the file's units, with the lines its values came from.
#[derive(Debug, Clone)]
pub(crate) struct VrptwNode {
    /// Stop identifier to report.
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub demand: i64,
    pub demand_line: usize,
    pub early: f64,
    pub late: f64,
    pub window_line: usize,
    pub service: f64,
    pub service_line: usize,
}

/// A VRPTW file after parsing: nodes in location order, which one is the depot, the fleet.
#[derive(Debug, Clone)]
pub(crate) struct Vrptw {
    pub name: String,
    pub nodes: Vec<VrptwNode>,
    pub depot: usize,
    pub vehicles: usize,
    pub capacity: i64,
}

/// Scale 10, `floor(10 · d)` matrix, one delivery request per customer.
pub(crate) fn vrptw(src: Src<'_>, v: Vrptw) -> Result<Instance, FormatError> {
    const SCALE: f64 = 10.0;
    let mut stops = Vec::new();
    let mut requests = Vec::new();
    for (loc, node) in v.nodes.iter().enumerate() {
        text::window(src, node.window_line, node.early, node.late)?;
        text::non_negative(src, node.service_line, "service time", node.service)?;
        if loc == v.depot {
            continue;
        }
        let demand = node.demand;
        text::non_negative(src, node.demand_line, "demand", demand as f64)?;
        let r = requests.len();
        requests.push(Request::single(
            node.id.clone(),
            vec![stops.len()],
            1,
            None,
            0,
        ));
        stops.push(Stop {
            id: node.id.clone(),
            loc,
            window: (scaled(node.early, SCALE), scaled(node.late, SCALE)),
            service: scaled(node.service, SCALE),
            load: Load::seats(demand),
            kind: StopKind::Delivery,
            request: r,
            keep: None,
        });
    }
    let Some(depot) = v.nodes.get(v.depot) else {
        return Err(src.err(1, ErrorKind::Missing("depot".into())));
    };
    let coords: Vec<(f64, f64)> = v.nodes.iter().map(|n| (n.x, n.y)).collect();
    let matrix = matrix(src, &coords, DistanceConvention::Truncated1Decimal)?;
    let shift = (scaled(depot.early, SCALE), scaled(depot.late, SCALE));
    let vehicles = fleet(v.vehicles, (v.depot, v.depot), shift, v.capacity, None);
    let family = if requests.len() > 100 {
        Family::GehringHomberger
    } else {
        Family::Solomon
    };
    Ok(Instance {
        name: v.name,
        family,
        problem: Problem {
            matrix,
            vehicles,
            stops,
            requests,
            slots: Vec::new(),
        },
        coords,
        scale: SCALE,
        distance: DistanceConvention::Truncated1Decimal,
    })
}
