//! VRPLIB solution files (`.sol`).
//!
//! ```text
//! Route #1: 5 3 7 8 10 11 9 6 4 2 1 75
//! Route #2: 13 17 18 19 15 16 14 12
//! Cost 827.3
//! ```
//!
//! Customers are numbered from 1 with the depot as 0 and left out: customer `c` is node `c + 1`
//! of the `.vrp` file (and stop identifier `c` of the instance read from it).

use crate::error::{ErrorKind, FormatError, Src};
use crate::text::{self, excerpt};

/// The routes and the cost line of a VRPLIB solution file.
#[derive(Debug, Clone, PartialEq)]
pub struct VrplibSolution {
    /// One list of customer numbers a route, in visiting order (depot left out).
    pub routes: Vec<Vec<usize>>,
    /// The `Cost` line, if present.
    pub cost: Option<f64>,
}

/// Reads a VRPLIB `.sol` file: `Route #k: c1 c2 …` lines and an optional `Cost x` line; other
/// lines (comments, solver names, times) are ignored.
pub fn read_vrplib_solution(text: &str) -> Result<VrplibSolution, FormatError> {
    let src = Src { file: "" };
    let mut routes = Vec::new();
    let mut cost = None;
    for line in text::lines(text) {
        let first = line.tokens[0].to_ascii_lowercase();
        if first == "route" || first.starts_with("route#") {
            let Some((_, rest)) = line.text.split_once(':') else {
                return Err(src.err(line.no, ErrorKind::Unexpected(excerpt(line.text))));
            };
            let route = rest
                .split_whitespace()
                .map(|tok| text::count(src, line.no, "customer", tok))
                .collect::<Result<Vec<_>, _>>()?;
            routes.push(route);
        } else if first == "cost" || first == "cost:" {
            if cost.is_some() {
                return Err(src.err(
                    line.no,
                    ErrorKind::Inconsistent("Cost is given twice".into()),
                ));
            }
            let rest = line.text[line.tokens[0].len()..]
                .trim()
                .trim_start_matches(':')
                .trim();
            cost = Some(text::number(src, line.no, "Cost", rest)?);
        }
    }
    if routes.is_empty() {
        return Err(src.err(
            text::last_line(text),
            ErrorKind::Missing("Route lines".into()),
        ));
    }
    Ok(VrplibSolution { routes, cost })
}
