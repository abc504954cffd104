//! Cordeau (2006) dial-a-ride text files.
//!
//! ```text
//! 2 32 480 3 30
//!   0   0.000   0.000   0   0    0 1440
//!   1  -1.198  -5.164   3   1    0 1440
//!   …
//!  17   6.687   6.731   3  -1  402  417
//! ```
//!
//! First line `m 2n T Q L`: vehicles, node count, maximum route duration, capacity, maximum
//! ride time. Some copies write `n` instead of `2n`, so the reader derives `n` from the node
//! lines and accepts either. Then one node a line, `id x y service load early late`, numbered
//! consecutively: 0 the depot, `1..=n` pick-ups, `n+1..=2n` their drop-offs (load negated), and
//! in some copies a final `2n+1`, the depot again as the end of every route (recognised by the
//! odd node count). The end copy is merged with the depot when it stands at the same place.

use vaxride_solver::Problem;

use crate::build::{self, scaled};
use crate::error::{ErrorKind, FormatError, Src};
use crate::text::{self};
use crate::{DistanceConvention, Family, Instance};

const SCALE: f64 = 100.0;
const HEADER_FIELDS: &str = "m 2n T Q L";
const NODE_FIELDS: &str = "id x y service load early late";

/// One parsed node line.
struct Node {
    line: usize,
    x: f64,
    y: f64,
    service: f64,
    load: i64,
    early: f64,
    late: f64,
}

pub(crate) fn read(src: Src<'_>, text: &str) -> Result<Instance, FormatError> {
    let lines = text::lines(text);
    let Some((header, body)) = lines.split_first() else {
        return Err(src.err(1, ErrorKind::Empty));
    };
    let [_, second, t_max, _, l_max] = text::row::<5>(src, header, HEADER_FIELDS)?;
    let h = header.no;
    let vehicles = text::count(src, h, "m", header.tokens[0])?;
    build::check_vehicles(src, h, vehicles)?;
    let second = text::whole(src, h, "2n", header.tokens[1], second)?;
    let max_duration = text::non_negative(src, h, "T", t_max)?;
    let capacity = text::integer(src, h, "Q", header.tokens[3])?;
    text::non_negative(src, h, "Q", capacity as f64)?;
    let max_ride = text::non_negative(src, h, "L", l_max)?;

    let mut nodes = Vec::with_capacity(body.len().min(crate::MAX_LOCATIONS));
    for line in body {
        let [id, x, y, service, load, early, late] = text::row::<7>(src, line, NODE_FIELDS)?;
        let id = text::whole(src, line.no, "id", line.tokens[0], id)?;
        let expected = nodes.len() as i64;
        if id != expected {
            return Err(src.err(line.no, ErrorKind::NodeOrder { expected, got: id }));
        }
        build::check_locations(src, line.no, nodes.len() + 1)?;
        text::window(src, line.no, early, late)?;
        text::non_negative(src, line.no, "service", service)?;
        let load = text::whole(src, line.no, "load", line.tokens[4], load)?;
        nodes.push(Node {
            line: line.no,
            x,
            y,
            service,
            load,
            early,
            late,
        });
    }
    let Some(depot) = nodes.first() else {
        return Err(src.err(
            text::last_line(text),
            ErrorKind::Missing("the depot (node 0)".into()),
        ));
    };
    // An odd number of non-depot nodes: the last one is the end depot.
    let end_copy = if nodes.len() % 2 == 0 {
        nodes.last()
    } else {
        None
    };
    let n = (nodes.len() - 1) / 2;
    if second != n as i64 && second != 2 * n as i64 {
        return Err(src.err(
            h,
            ErrorKind::Inconsistent(format!(
                "the header gives {second} as the node count, but the file has {n} requests ({} nodes)",
                2 * n
            )),
        ));
    }
    let mut coords: Vec<(f64, f64)> = nodes[..=2 * n].iter().map(|v| (v.x, v.y)).collect();
    let mut end = 0;
    if let Some(e) = end_copy {
        if e.load != 0 {
            return Err(src.err(
                e.line,
                ErrorKind::Inconsistent(format!(
                    "with {} nodes after the depot the last one is the end depot, but it has load {}",
                    2 * n + 1,
                    e.load
                )),
            ));
        }
        if (e.x, e.y) != (depot.x, depot.y) {
            end = coords.len();
            coords.push((e.x, e.y));
        }
    }

    let mut stops = Vec::with_capacity(2 * n);
    let mut requests = Vec::with_capacity(n);
    for i in 1..=n {
        let (p, d) = (&nodes[i], &nodes[n + i]);
        if p.load < 0 {
            return Err(src.err(p.line, ErrorKind::NegativePickup(p.load as f64)));
        }
        if d.load != -p.load {
            return Err(src.err(
                d.line,
                ErrorKind::Inconsistent(format!(
                    "drop-off {} has load {}, but its pick-up {i} (line {}) has {}: expected {}",
                    n + i,
                    d.load,
                    p.line,
                    p.load,
                    -p.load
                )),
            ));
        }
        let end = |node: usize, x: &Node| build::PairEnd {
            node,
            early: x.early,
            late: x.late,
            service: x.service,
        };
        build::push_pair(
            &mut stops,
            &mut requests,
            (end(i, p), end(n + i, d)),
            p.load,
            Some(scaled(max_ride, SCALE)),
            SCALE,
        );
    }

    let matrix = build::matrix(src, &coords, DistanceConvention::DoubleEuclid)?;
    let shift = (scaled(depot.early, SCALE), scaled(depot.late, SCALE));
    let vehicles = build::fleet(
        vehicles,
        (0, end),
        shift,
        capacity,
        Some(scaled(max_duration, SCALE)),
    );
    Ok(Instance {
        name: text::stem(src.file),
        family: Family::Cordeau,
        problem: Problem {
            matrix,
            vehicles,
            stops,
            requests,
            slots: Vec::new(),
        },
        coords,
        scale: SCALE,
        distance: DistanceConvention::DoubleEuclid,
    })
}
