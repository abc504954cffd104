//! VRPLIB VRPTW files (the CVRPLIB distribution of Solomon and Gehring–Homberger).
//!
//! ```text
//! NAME : C101
//! TYPE : CVRPTW
//! DIMENSION : 101
//! VEHICLES : 25
//! CAPACITY : 200
//! SERVICE_TIME : 90
//! EDGE_WEIGHT_TYPE : EUC_2D
//! NODE_COORD_SECTION
//! 1 40 50
//! …
//! DEMAND_SECTION
//! 1 0
//! …
//! TIME_WINDOW_SECTION
//! 1 0 1236
//! …
//! DEPOT_SECTION
//! 1
//! -1
//! EOF
//! ```
//!
//! Nodes are numbered from 1; location `i` of the matrix is node `i + 1`, and the stop of node
//! `k` has the identifier `k − 1`, the customer number `.sol` files use.

use std::collections::HashMap;

use crate::build::{self, Vrptw, VrptwNode};
use crate::error::{ErrorKind, FormatError, Src};
use crate::text::{self, Line};
use crate::{Instance, text::excerpt};

const SECTIONS: [&str; 5] = [
    "NODE_COORD_SECTION",
    "DEMAND_SECTION",
    "TIME_WINDOW_SECTION",
    "SERVICE_TIME_SECTION",
    "DEPOT_SECTION",
];

/// A section: its header line and data lines.
struct Section<'a> {
    line: usize,
    rows: Vec<Line<'a>>,
}

/// Header key → (line, value).
type Keys = HashMap<String, (usize, String)>;

pub(crate) fn read(src: Src<'_>, text: &str) -> Result<Instance, FormatError> {
    let last = text::last_line(text);
    let (keys, mut sections) = split(src, text)?;

    if let Some((line, v)) = keys.get("EDGE_WEIGHT_TYPE")
        && !v.eq_ignore_ascii_case("EUC_2D")
    {
        return Err(src.err(
            *line,
            ErrorKind::Unsupported(format!("EDGE_WEIGHT_TYPE {} (only EUC_2D)", excerpt(v))),
        ));
    }
    let mut take = |name: &str| sections.remove(name);
    let missing = |what: &str| src.err(last, ErrorKind::Missing(what.to_string()));

    // Coordinates fix the node count.
    let coords_sec = take("NODE_COORD_SECTION").ok_or_else(|| missing("NODE_COORD_SECTION"))?;
    let n = coords_sec.rows.len();
    if let Some((line, v)) = keys.get("DIMENSION") {
        let dim = text::count(src, *line, "DIMENSION", v)?;
        if dim != n {
            return Err(src.err(
                *line,
                ErrorKind::Inconsistent(format!(
                    "DIMENSION is {dim}, but NODE_COORD_SECTION has {n} nodes"
                )),
            ));
        }
    }
    if n == 0 {
        return Err(src.err(
            coords_sec.line,
            ErrorKind::Missing("nodes in NODE_COORD_SECTION".into()),
        ));
    }
    if let Some(row) = coords_sec.rows.get(crate::MAX_LOCATIONS) {
        build::check_locations(src, row.no, n)?;
    }
    let coords = table::<3>(src, &coords_sec, n, "node x y", "NODE_COORD_SECTION")?;
    let demand_sec = take("DEMAND_SECTION").ok_or_else(|| missing("DEMAND_SECTION"))?;
    let demands = table::<2>(src, &demand_sec, n, "node demand", "DEMAND_SECTION")?;
    let window_sec = take("TIME_WINDOW_SECTION").ok_or_else(|| missing("TIME_WINDOW_SECTION"))?;
    let windows = table::<3>(
        src,
        &window_sec,
        n,
        "node early late",
        "TIME_WINDOW_SECTION",
    )?;
    let services = match take("SERVICE_TIME_SECTION") {
        Some(sec) => Some(table::<2>(
            src,
            &sec,
            n,
            "node service",
            "SERVICE_TIME_SECTION",
        )?),
        None => None,
    };
    let depot_sec = take("DEPOT_SECTION").ok_or_else(|| missing("DEPOT_SECTION"))?;
    let depot = depot_of(src, &depot_sec, n)?;

    let global_service = match keys.get("SERVICE_TIME") {
        Some((line, v)) => Some((*line, text::number(src, *line, "SERVICE_TIME", v)?)),
        None => None,
    };
    let capacity = match keys.get("CAPACITY") {
        Some((line, v)) => {
            let c = text::integer(src, *line, "CAPACITY", v)?;
            text::non_negative(src, *line, "CAPACITY", c as f64)?;
            c
        }
        None => return Err(missing("CAPACITY")),
    };
    let vehicles = match keys.get("VEHICLES") {
        Some((line, v)) => {
            let k = text::count(src, *line, "VEHICLES", v)?;
            build::check_vehicles(src, *line, k)?;
            k
        }
        // No fleet size: one vehicle per customer is never binding.
        None => n - 1,
    };

    let mut nodes = Vec::with_capacity(n);
    for i in 0..n {
        let (c, _) = coords[i];
        let (d, demand_line) = demands[i];
        let (w, window_line) = windows[i];
        let (service, service_line) = match (&services, global_service) {
            (Some(s), _) => (s[i].0[1], s[i].1),
            (None, Some((line, s))) if i != depot => (s, line),
            _ => (0.0, window_line),
        };
        nodes.push(VrptwNode {
            id: i.to_string(),
            x: c[1],
            y: c[2],
            demand: text::whole(src, demand_line, "demand", &d[1].to_string(), d[1])?,
            demand_line,
            early: w[1],
            late: w[2],
            window_line,
            service,
            service_line,
        });
    }
    let name = match keys.get("NAME") {
        Some((_, v)) if !v.is_empty() => v.clone(),
        _ => text::stem(src.file),
    };
    build::vrptw(
        src,
        Vrptw {
            name,
            nodes,
            depot,
            vehicles,
            capacity,
        },
    )
}

/// Header keys and sections, in one pass over the lines.
fn split<'a>(
    src: Src<'_>,
    text: &'a str,
) -> Result<(Keys, HashMap<&'static str, Section<'a>>), FormatError> {
    let mut keys = Keys::new();
    let mut sections: HashMap<&'static str, Section<'a>> = HashMap::new();
    let mut current: Option<&'static str> = None;
    for line in text::lines(text) {
        let first = line.tokens[0];
        if text::is_numeric(first) {
            match current.and_then(|c| sections.get_mut(c)) {
                Some(sec) => sec.rows.push(line),
                None => return Err(src.err(line.no, ErrorKind::Unexpected(excerpt(line.text)))),
            }
            continue;
        }
        if let Some((k, v)) = line.text.split_once(':') {
            let key = k.trim().to_ascii_uppercase();
            if keys
                .insert(key.clone(), (line.no, v.trim().to_string()))
                .is_some()
            {
                return Err(src.err(
                    line.no,
                    ErrorKind::Inconsistent(format!("{} is given twice", excerpt(&key))),
                ));
            }
            current = None;
            continue;
        }
        let word = first.to_ascii_uppercase();
        if line.tokens.len() == 1 && word == "EOF" {
            break;
        }
        if line.tokens.len() == 1 && word.ends_with("_SECTION") {
            let Some(name) = SECTIONS.iter().find(|s| **s == word) else {
                return Err(src.err(line.no, ErrorKind::Unsupported(excerpt(&word))));
            };
            if sections
                .insert(
                    name,
                    Section {
                        line: line.no,
                        rows: Vec::new(),
                    },
                )
                .is_some()
            {
                return Err(src.err(
                    line.no,
                    ErrorKind::Inconsistent(format!("{name} is given twice")),
                ));
            }
            current = Some(name);
            continue;
        }
        return Err(src.err(line.no, ErrorKind::Unexpected(excerpt(line.text))));
    }
    Ok((keys, sections))
}

/// A section with one row per node `1..=n` (any order): the values and their line, by
/// location (node − 1).
fn table<const N: usize>(
    src: Src<'_>,
    sec: &Section<'_>,
    n: usize,
    fields: &'static str,
    name: &str,
) -> Result<Vec<([f64; N], usize)>, FormatError> {
    let mut out: Vec<Option<([f64; N], usize)>> = vec![None; n];
    for line in &sec.rows {
        let values = text::row::<N>(src, line, fields)?;
        let id = text::whole(src, line.no, "node", line.tokens[0], values[0])?;
        let slot = usize::try_from(id - 1).ok().and_then(|i| out.get_mut(i));
        match slot {
            None => {
                return Err(src.err(
                    line.no,
                    ErrorKind::UnknownNode {
                        what: name.to_string(),
                        id,
                    },
                ));
            }
            Some(Some(_)) => return Err(src.err(line.no, ErrorKind::DuplicateNode(id))),
            Some(s) => *s = Some((values, line.no)),
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, v)| {
            v.ok_or_else(|| {
                src.err(
                    sec.line,
                    ErrorKind::Missing(format!("node {} in {name}", i + 1)),
                )
            })
        })
        .collect()
}

/// The one depot of `DEPOT_SECTION` (ids up to the closing `-1`), as a location.
fn depot_of(src: Src<'_>, sec: &Section<'_>, n: usize) -> Result<usize, FormatError> {
    let mut depot = None;
    'rows: for line in &sec.rows {
        for tok in &line.tokens {
            let id = text::integer(src, line.no, "depot", tok)?;
            if id == -1 {
                break 'rows;
            }
            let loc = usize::try_from(id - 1).ok().filter(|l| *l < n);
            let Some(loc) = loc else {
                return Err(src.err(
                    line.no,
                    ErrorKind::UnknownNode {
                        what: "DEPOT_SECTION".into(),
                        id,
                    },
                ));
            };
            if depot.replace(loc).is_some() {
                return Err(src.err(
                    line.no,
                    ErrorKind::Unsupported("more than one depot".into()),
                ));
            }
        }
    }
    depot.ok_or_else(|| {
        src.err(
            sec.line,
            ErrorKind::Missing("a depot in DEPOT_SECTION".into()),
        )
    })
}
