//! vaxride's own JSON problem: elders' rides to vaccination site slots and home again, on a
//! travel matrix the caller provides (from `vaxride-roadnet`, or any other source).
//!
//! Each request becomes one solver *choice* per candidate slot. A choice's outbound leg picks
//! the elder up at home inside the pick-up window and drops them at the slot's site inside the
//! slot; the return leg (when asked for) picks them up at the same site after the dwell time
//! (health check, shot, observation) and takes them home. The return pick-up window is the one
//! valid for *every* arrival the outbound window allows: arrival is limited to
//! `[slot start, min(slot end, slot start + max wait)]`, and the return pick-up to
//! `[latest arrival + dwell, slot start + dwell + max wait]`, so the elder never waits longer
//! than `max_wait` after the observation, whichever vehicle comes. Units: seconds.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use vaxride_solver::{Choice, Load, Matrix, Problem, Request, Slot, Stop, StopKind, Vehicle};

use crate::error::{ErrorKind, FormatError};
use crate::{DistanceConvention, Family, Instance};

/// A vaxride JSON problem as written (see `docs/formats.md`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Doc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub matrix: MatrixDoc,
    pub vehicles: Vec<VehicleDoc>,
    #[serde(default)]
    pub slots: Vec<SlotDoc>,
    pub requests: Vec<RequestDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub visits: Vec<VisitDoc>,
}

/// A home visit: a team comes to the elder (bedridden) inside a window and stays `service`
/// seconds (assessment, the shot, the observation); each visit uses one of the team's shots
/// (the first load dimension, loaded at the start like a VRPTW delivery).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct VisitDoc {
    pub id: String,
    pub home: usize,
    pub window: [i64; 2],
    pub service: i64,
    #[serde(default)]
    pub needs: Vec<String>,
    #[serde(default = "default_priority")]
    pub priority: i64,
}

/// The travel matrix: durations, and costs (default: durations).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct MatrixDoc {
    pub durations: Vec<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Vec<Vec<i64>>>,
}

/// A vehicle: start and end locations, shift, capacity, features.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct VehicleDoc {
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub shift: [i64; 2],
    pub seats: i64,
    #[serde(default)]
    pub wheelchairs: i64,
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<i64>,
    #[serde(default)]
    pub fixed_cost: i64,
}

/// A site's time slot: location, arrival window, capacity.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SlotDoc {
    pub id: String,
    pub location: usize,
    pub window: [i64; 2],
    pub capacity: u32,
}

/// One elder's request: home, pick-up window, load, candidate slots, ride home.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct RequestDoc {
    pub id: String,
    pub home: usize,
    pub pickup_window: [i64; 2],
    #[serde(default = "default_boarding")]
    pub boarding: i64,
    pub seats: i64,
    #[serde(default)]
    pub wheelchair: bool,
    #[serde(default)]
    pub needs: Vec<String>,
    pub slots: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ride: Option<i64>,
    #[serde(default = "default_priority")]
    pub priority: i64,
    #[serde(default, rename = "return", skip_serializing_if = "Option::is_none")]
    pub ride_home: Option<ReturnDoc>,
}

/// The ride home: dwell at the site, longest wait after it, home by.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ReturnDoc {
    pub dwell: i64,
    pub max_wait: i64,
    pub home_by: i64,
}

/// Default boarding time, seconds.
pub fn default_boarding() -> i64 {
    120
}

/// Default priority.
pub fn default_priority() -> i64 {
    1
}

/// Reads a vaxride JSON problem. Errors name the JSON line for syntax and type errors, and the
/// field path (`requests[3].slots[1]`) for everything else.
pub fn read(name: &str, text: &str) -> Result<Instance, FormatError> {
    let err = |line: usize, what: String| FormatError {
        file: name.to_string(),
        line,
        kind: ErrorKind::Json(what),
    };
    let doc: Doc = serde_json::from_str(text).map_err(|e| err(e.line(), e.to_string()))?;
    build(name, &doc)
}

/// Builds the solver's problem from a parsed (or programmatically made) document; errors name
/// the field path, with line 0.
pub fn build(name: &str, doc: &Doc) -> Result<Instance, FormatError> {
    let err = |line: usize, what: String| FormatError {
        file: name.to_string(),
        line,
        kind: ErrorKind::Json(what),
    };
    let field = |path: String, what: &str| err(0, format!("{path}: {what}"));

    let n = doc.matrix.durations.len();
    let flat = |rows: &Vec<Vec<i64>>, what: &str| -> Result<Vec<i64>, FormatError> {
        let mut out = Vec::with_capacity(n * n);
        for (i, row) in rows.iter().enumerate() {
            if row.len() != n {
                return Err(field(
                    format!("matrix.{what}[{i}]"),
                    &format!("has {} cells, the matrix is {n} × {n}", row.len()),
                ));
            }
            if let Some(j) = row.iter().position(|v| *v < 0) {
                return Err(field(format!("matrix.{what}[{i}][{j}]"), "is negative"));
            }
            out.extend_from_slice(row);
        }
        if rows.len() != n {
            return Err(field(
                format!("matrix.{what}"),
                &format!("has {} rows, expected {n}", rows.len()),
            ));
        }
        Ok(out)
    };
    let durations = flat(&doc.matrix.durations, "durations")?;
    let costs = match &doc.matrix.costs {
        Some(c) => flat(c, "costs")?,
        None => durations.clone(),
    };
    let matrix =
        Matrix::new(n, durations, costs).map_err(|e| field("matrix".into(), &e.to_string()))?;
    let loc = |path: String, l: usize| {
        if l < n {
            Ok(l)
        } else {
            Err(field(
                path,
                &format!("location {l} is outside the {n}-location matrix"),
            ))
        }
    };
    let window = |path: String, w: [i64; 2]| {
        if w[0] <= w[1] {
            Ok((w[0], w[1]))
        } else {
            Err(field(
                path,
                &format!("window [{}, {}] closes before it opens", w[0], w[1]),
            ))
        }
    };

    // Features by name, one bit each.
    let mut feature_bits: HashMap<String, u64> = HashMap::new();
    let mut bit = |name: &str, path: String| -> Result<u64, FormatError> {
        let next = feature_bits.len();
        if next >= 64 && !feature_bits.contains_key(name) {
            return Err(field(path, "more than 64 distinct features"));
        }
        Ok(*feature_bits.entry(name.to_string()).or_insert(1 << next))
    };

    let mut vehicles = Vec::with_capacity(doc.vehicles.len());
    for (i, v) in doc.vehicles.iter().enumerate() {
        let p = |f: &str| format!("vehicles[{i}].{f}");
        if v.seats < 0 || v.wheelchairs < 0 {
            return Err(field(
                p("seats"),
                "seats and wheelchairs must not be negative",
            ));
        }
        let mut features = 0;
        for (k, f) in v.features.iter().enumerate() {
            features |= bit(f, p(&format!("features[{k}]")))?;
        }
        vehicles.push(Vehicle {
            id: v.id.clone(),
            start: loc(p("start"), v.start)?,
            end: loc(p("end"), v.end)?,
            shift: window(p("shift"), v.shift)?,
            capacity: Load([v.seats, v.wheelchairs]),
            max_duration: v.max_duration,
            features,
            fixed_cost: v.fixed_cost,
        });
    }

    let mut slots = Vec::with_capacity(doc.slots.len());
    let mut slot_index: HashMap<&str, usize> = HashMap::new();
    for (i, s) in doc.slots.iter().enumerate() {
        let p = |f: &str| format!("slots[{i}].{f}");
        loc(p("location"), s.location)?;
        window(p("window"), s.window)?;
        if slot_index.insert(s.id.as_str(), i).is_some() {
            return Err(field(p("id"), &format!("slot id {:?} is used twice", s.id)));
        }
        slots.push(Slot {
            id: s.id.clone(),
            capacity: s.capacity,
        });
    }

    let mut stops: Vec<Stop> = Vec::new();
    let mut requests = Vec::with_capacity(doc.requests.len());
    let mut seen_ids: HashMap<&str, usize> = HashMap::new();
    for (i, r) in doc.requests.iter().enumerate() {
        let p = |f: &str| format!("requests[{i}].{f}");
        if seen_ids.insert(r.id.as_str(), i).is_some() {
            return Err(field(
                p("id"),
                &format!("request id {:?} is used twice", r.id),
            ));
        }
        let home = loc(p("home"), r.home)?;
        let pickup = window(p("pickup_window"), r.pickup_window)?;
        if r.seats < 0 || r.boarding < 0 {
            return Err(field(
                p("seats"),
                "seats and boarding time must not be negative",
            ));
        }
        if r.slots.is_empty() {
            return Err(field(
                p("slots"),
                "names no slot: a ride needs somewhere to go",
            ));
        }
        let mut needs = 0;
        for (k, f) in r.needs.iter().enumerate() {
            needs |= bit(f, p(&format!("needs[{k}]")))?;
        }
        if let Some(h) = &r.ride_home
            && (h.dwell < 0 || h.max_wait < 0)
        {
            return Err(field(
                p("return"),
                "dwell and max_wait must not be negative",
            ));
        }
        let load = Load([r.seats, i64::from(r.wheelchair)]);
        let mut choices = Vec::with_capacity(r.slots.len());
        for (k, sid) in r.slots.iter().enumerate() {
            let Some(&si) = slot_index.get(sid.as_str()) else {
                return Err(field(
                    p(&format!("slots[{k}]")),
                    &format!("no slot has the id {sid:?}"),
                ));
            };
            let slot = &doc.slots[si];
            let (start, end) = (slot.window[0], slot.window[1]);
            let mut stop = |id: String, loc: usize, window: (i64, i64), kind: StopKind| {
                stops.push(Stop {
                    id,
                    loc,
                    window,
                    service: r.boarding,
                    load,
                    kind,
                    request: i,
                    keep: None,
                });
                stops.len() - 1
            };
            let arrive_by = match &r.ride_home {
                Some(h) => end.min(start + h.max_wait),
                None => end,
            };
            let out = vec![
                stop(format!("{}/home", r.id), home, pickup, StopKind::Pickup),
                stop(
                    format!("{}/{}", r.id, slot.id),
                    slot.location,
                    (start, arrive_by),
                    StopKind::Dropoff,
                ),
            ];
            let mut legs = vec![out];
            if let Some(h) = &r.ride_home {
                let back_open = arrive_by + h.dwell;
                let back_close = start + h.dwell + h.max_wait;
                if h.home_by < back_open {
                    return Err(field(
                        p("return.home_by"),
                        "is before the earliest ride home can start",
                    ));
                }
                legs.push(vec![
                    stop(
                        format!("{}/{}/return", r.id, slot.id),
                        slot.location,
                        (back_open, back_close),
                        StopKind::Pickup,
                    ),
                    stop(
                        format!("{}/home/return", r.id),
                        home,
                        (back_open, h.home_by),
                        StopKind::Dropoff,
                    ),
                ]);
            }
            choices.push(Choice {
                legs,
                slot: Some(si),
            });
        }
        requests.push(Request {
            id: r.id.clone(),
            choices,
            priority: r.priority,
            max_ride: r.max_ride,
            needs,
            vehicle: None,
        });
    }
    for (i, v) in doc.visits.iter().enumerate() {
        let p = |f: &str| format!("visits[{i}].{f}");
        if seen_ids.insert(v.id.as_str(), usize::MAX).is_some() {
            return Err(field(
                p("id"),
                &format!("request id {:?} is used twice", v.id),
            ));
        }
        let home = loc(p("home"), v.home)?;
        let window = window(p("window"), v.window)?;
        if v.service < 0 {
            return Err(field(p("service"), "must not be negative"));
        }
        let mut needs = 0;
        for (k, f) in v.needs.iter().enumerate() {
            needs |= bit(f, p(&format!("needs[{k}]")))?;
        }
        stops.push(Stop {
            id: format!("{}/visit", v.id),
            loc: home,
            window,
            service: v.service,
            load: Load::seats(1),
            kind: StopKind::Delivery,
            request: requests.len(),
            keep: None,
        });
        let stop = stops.len() - 1;
        requests.push(Request::single(
            v.id.clone(),
            vec![stop],
            v.priority,
            None,
            needs,
        ));
    }
    let problem = Problem {
        matrix,
        vehicles,
        stops,
        requests,
        slots,
    };
    if let Err(errors) = problem.validate() {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        return Err(err(0, list.join("; ")));
    }
    Ok(Instance {
        name: doc.name.clone().unwrap_or_else(|| name.to_string()),
        family: Family::Vaxride,
        problem,
        coords: Vec::new(),
        scale: 1.0,
        distance: DistanceConvention::MatrixCost,
    })
}
