//! Li & Lim PDPTW text files.
//!
//! ```text
//! 25  200  1
//! 0  40  50  0  0  1236  0  0  0
//! 1  45  68  -10  912  967  90  11  0
//! 3  42  66  10  65  146  90  0  75
//! ```
//!
//! First line `K Q speed` (vehicles, capacity, and a speed that is ignored: travel time equals
//! distance, and ten of the 56 files write 0 there); then one task a line: `id x y demand early late service pickup delivery`. Task 0 is the depot. A
//! pick-up has `pickup = 0` and names its delivery; a delivery has `delivery = 0`, names its
//! pick-up and carries the negated demand. Tasks are numbered consecutively in file order.

use vaxride_solver::Problem;

use crate::build::{self, scaled};
use crate::error::{ErrorKind, FormatError, Src};
use crate::text::{self};
use crate::{DistanceConvention, Family, Instance};

const SCALE: f64 = 100.0;
const TASK_FIELDS: &str = "id x y demand early late service pickup delivery";

/// One parsed task line.
struct Task {
    line: usize,
    x: f64,
    y: f64,
    demand: i64,
    early: f64,
    late: f64,
    service: f64,
    pickup: i64,
    delivery: i64,
}

impl Task {
    fn is_pickup(&self) -> bool {
        self.pickup == 0 && self.delivery > 0
    }
    fn is_delivery(&self) -> bool {
        self.pickup > 0 && self.delivery == 0
    }
}

pub(crate) fn read(src: Src<'_>, text: &str) -> Result<Instance, FormatError> {
    let lines = text::lines(text);
    let Some((header, body)) = lines.split_first() else {
        return Err(src.err(1, ErrorKind::Empty));
    };
    if !(2..=3).contains(&header.tokens.len()) {
        return Err(src.err(
            header.no,
            ErrorKind::FieldCount {
                expected: 3,
                fields: "K Q speed",
                got: header.tokens.len(),
            },
        ));
    }
    let vehicles = text::count(src, header.no, "K", header.tokens[0])?;
    build::check_vehicles(src, header.no, vehicles)?;
    let capacity = text::integer(src, header.no, "Q", header.tokens[1])?;
    text::non_negative(src, header.no, "Q", capacity as f64)?;
    if let Some(speed) = header.tokens.get(2) {
        text::number(src, header.no, "speed", speed)?;
    }

    let mut tasks = Vec::with_capacity(body.len().min(crate::MAX_LOCATIONS));
    for line in body {
        let [id, x, y, demand, early, late, service, pickup, delivery] =
            text::row::<9>(src, line, TASK_FIELDS)?;
        let id = text::whole(src, line.no, "id", line.tokens[0], id)?;
        let expected = tasks.len() as i64;
        if id != expected {
            return Err(src.err(line.no, ErrorKind::NodeOrder { expected, got: id }));
        }
        build::check_locations(src, line.no, tasks.len() + 1)?;
        text::window(src, line.no, early, late)?;
        text::non_negative(src, line.no, "service", service)?;
        tasks.push(Task {
            line: line.no,
            x,
            y,
            demand: text::whole(src, line.no, "demand", line.tokens[3], demand)?,
            early,
            late,
            service,
            pickup: text::whole(src, line.no, "pickup", line.tokens[7], pickup)?,
            delivery: text::whole(src, line.no, "delivery", line.tokens[8], delivery)?,
        });
    }
    let Some(depot) = tasks.first() else {
        return Err(src.err(
            text::last_line(text),
            ErrorKind::Missing("the depot (task 0)".into()),
        ));
    };
    let get = |id: i64| {
        usize::try_from(id)
            .ok()
            .filter(|i| (1..tasks.len()).contains(i))
            .map(|i| (i, &tasks[i]))
    };

    let mut stops = Vec::new();
    let mut requests = Vec::new();
    for (i, t) in tasks.iter().enumerate().skip(1) {
        let err = |kind| src.err(t.line, kind);
        if t.is_pickup() {
            if t.demand < 0 {
                return Err(err(ErrorKind::NegativePickup(t.demand as f64)));
            }
            let Some((d, dt)) = get(t.delivery) else {
                return Err(err(ErrorKind::UnknownNode {
                    what: "delivery index".into(),
                    id: t.delivery,
                }));
            };
            if !dt.is_delivery() || dt.pickup != i as i64 {
                return Err(err(ErrorKind::Inconsistent(format!(
                    "pick-up {i} names delivery {d}, but task {d} (line {}) is not its delivery",
                    dt.line
                ))));
            }
            if dt.demand != -t.demand {
                return Err(err(ErrorKind::Inconsistent(format!(
                    "pick-up {i} has demand {}, but its delivery {d} (line {}) has {} instead of {}",
                    t.demand, dt.line, dt.demand, -t.demand
                ))));
            }
            let end = |node: usize, x: &Task| build::PairEnd {
                node,
                early: x.early,
                late: x.late,
                service: x.service,
            };
            build::push_pair(
                &mut stops,
                &mut requests,
                (end(i, t), end(d, dt)),
                t.demand,
                None,
                SCALE,
            );
        } else if t.is_delivery() {
            let Some((_, pt)) = get(t.pickup) else {
                return Err(err(ErrorKind::UnknownNode {
                    what: "pick-up index".into(),
                    id: t.pickup,
                }));
            };
            if !pt.is_pickup() || pt.delivery != i as i64 {
                return Err(err(ErrorKind::Inconsistent(format!(
                    "delivery {i} names pick-up {}, but task {} (line {}) is not its pick-up",
                    t.pickup, t.pickup, pt.line
                ))));
            }
        } else if t.pickup < 0 || t.delivery < 0 {
            let (what, id) = if t.pickup < 0 {
                ("pick-up index", t.pickup)
            } else {
                ("delivery index", t.delivery)
            };
            return Err(err(ErrorKind::UnknownNode {
                what: what.into(),
                id,
            }));
        } else {
            return Err(err(ErrorKind::Inconsistent(format!(
                "task {i} must name either its pick-up or its delivery (pickup {}, delivery {})",
                t.pickup, t.delivery
            ))));
        }
    }

    let coords: Vec<(f64, f64)> = tasks.iter().map(|t| (t.x, t.y)).collect();
    let matrix = build::matrix(src, &coords, DistanceConvention::DoubleEuclid)?;
    let shift = (scaled(depot.early, SCALE), scaled(depot.late, SCALE));
    let vehicles = build::fleet(vehicles, (0, 0), shift, capacity, None);
    Ok(Instance {
        name: text::stem(src.file),
        family: Family::LiLim,
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
