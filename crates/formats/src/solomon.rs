//! Solomon's original VRPTW text layout.
//!
//! ```text
//! C101
//!
//! VEHICLE
//! NUMBER     CAPACITY
//!   25         200
//!
//! CUSTOMER
//! CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME
//!
//!     0      40         50          0          0       1236          0
//!     1      45         68         10        912        967         90
//! ```
//!
//! Customer 0 is the depot; customers are numbered consecutively in file order and keep their
//! number as stop identifier.

use crate::build::{self, Vrptw, VrptwNode};
use crate::error::{ErrorKind, FormatError, Src};
use crate::text::{self, excerpt};
use crate::{Instance, MAX_LOCATIONS};

const CUSTOMER_FIELDS: &str = "id x y demand ready due service";

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Start,
    Vehicle,
    Customer,
}

pub(crate) fn read(src: Src<'_>, text: &str) -> Result<Instance, FormatError> {
    let last = text::last_line(text);
    let mut part = Part::Start;
    let mut name = None;
    let mut fleet: Option<(usize, i64)> = None;
    let mut customer_line = None;
    let mut nodes: Vec<VrptwNode> = Vec::new();
    for line in text::lines(text) {
        let first = line.tokens[0].to_ascii_uppercase();
        if !text::is_numeric(&first) {
            match (part, first.as_str()) {
                (_, "VEHICLE") if fleet.is_none() && part != Part::Customer => part = Part::Vehicle,
                (_, "CUSTOMER") if customer_line.is_none() => {
                    part = Part::Customer;
                    customer_line = Some(line.no);
                }
                (Part::Vehicle, "NUMBER") | (Part::Customer, "CUST") => {}
                (Part::Start, _) if name.is_none() => name = Some(line.text.to_string()),
                _ => return Err(src.err(line.no, ErrorKind::Unexpected(excerpt(line.text)))),
            }
            continue;
        }
        match part {
            Part::Vehicle if fleet.is_none() => {
                let [k, q] = text::row::<2>(src, &line, "NUMBER CAPACITY")?;
                let k = text::whole(src, line.no, "NUMBER", line.tokens[0], k)?;
                let k = usize::try_from(k).map_err(|_| {
                    src.err(
                        line.no,
                        ErrorKind::Negative {
                            what: "NUMBER".into(),
                            value: k as f64,
                        },
                    )
                })?;
                build::check_vehicles(src, line.no, k)?;
                let q = text::whole(src, line.no, "CAPACITY", line.tokens[1], q)?;
                text::non_negative(src, line.no, "CAPACITY", q as f64)?;
                fleet = Some((k, q));
            }
            Part::Customer => {
                let [id, x, y, demand, ready, due, service] =
                    text::row::<7>(src, &line, CUSTOMER_FIELDS)?;
                let id = text::whole(src, line.no, "id", line.tokens[0], id)?;
                let expected = nodes.len() as i64;
                if id != expected {
                    return Err(src.err(line.no, ErrorKind::NodeOrder { expected, got: id }));
                }
                build::check_locations(src, line.no, nodes.len() + 1)?;
                let demand = text::whole(src, line.no, "demand", line.tokens[3], demand)?;
                nodes.push(VrptwNode {
                    id: id.to_string(),
                    x,
                    y,
                    demand,
                    demand_line: line.no,
                    early: ready,
                    late: due,
                    window_line: line.no,
                    service,
                    service_line: line.no,
                });
            }
            _ => return Err(src.err(line.no, ErrorKind::Unexpected(excerpt(line.text)))),
        }
    }
    let Some((vehicles, capacity)) = fleet else {
        return Err(src.err(
            last,
            ErrorKind::Missing("VEHICLE section with NUMBER and CAPACITY".into()),
        ));
    };
    let Some(customer_line) = customer_line else {
        return Err(src.err(last, ErrorKind::Missing("CUSTOMER section".into())));
    };
    if nodes.is_empty() {
        return Err(src.err(
            customer_line,
            ErrorKind::Missing("the depot (customer 0)".into()),
        ));
    }
    debug_assert!(nodes.len() <= MAX_LOCATIONS);
    let name = name.unwrap_or_else(|| text::stem(src.file));
    build::vrptw(
        src,
        Vrptw {
            name,
            nodes,
            depot: 0,
            vehicles,
            capacity,
        },
    )
}
