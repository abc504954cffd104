//! # vaxride-formats
//!
//! Readers for the benchmark families the solver is measured on, each turning one file into a
//! [`vaxride_solver::Problem`] plus what is needed to report a result in the file's own units:
//!
//! * Solomon and Gehring–Homberger VRPTW, in VRPLIB form ([`Format::Vrplib`]) or in Solomon's
//!   original text layout ([`Format::Solomon`]);
//! * Li & Lim PDPTW ([`Format::LiLim`]);
//! * Cordeau (2006) dial-a-ride ([`Format::Cordeau`]);
//! * the best-known-solution tables (`bks.csv`, [`read_bks_csv`]) and VRPLIB `.sol` route files
//!   ([`read_vrplib_solution`]).
//!
//! The solver works on integers, so every reader fixes a scale and a rounding, the same ones the
//! peer-solver harness uses so that all solvers see the same numbers (`docs/formats.md`):
//! Solomon-type files use `floor(10 · euclid)` and are reported as that sum divided by 10 (the
//! DIMACS convention of the best-known solutions); Li & Lim and Cordeau use `round(100 · euclid)`
//! costs and `ceil(100 · euclid)` durations and are reported as the double-precision Euclidean
//! length of the routes, recomputed from the coordinates ([`Instance::reported_distance`]).
//!
//! **Pure:** the crate takes text and returns values; it opens no files (tests aside). Readers
//! never panic: anything malformed is a [`FormatError`] naming the line and what is wrong
//! (a property test feeds random bytes and mutated files to every reader).

mod bks;
mod build;
mod cordeau;
mod error;
pub mod generate;
pub mod json;
mod lilim;
mod solomon;
mod solution;
mod text;
mod vrplib;

pub use bks::{Bks, read_bks_csv};
pub use error::{ErrorKind, FormatError};
pub use solution::{VrplibSolution, read_vrplib_solution};
pub use text::{MAX_LOCATIONS, MAX_VEHICLES};

use vaxride_solver::Problem;

/// The benchmark family an instance belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Solomon VRPTW (at most 100 customers).
    Solomon,
    /// Gehring–Homberger VRPTW (the extended Solomon sets, more than 100 customers).
    GehringHomberger,
    /// Li & Lim pick-up and delivery with time windows.
    LiLim,
    /// Cordeau dial-a-ride (ride times, route durations).
    Cordeau,
    /// vaxride's own JSON: elders' rides to site slots and home ([`json`]).
    Vaxride,
}

/// How the best-known solutions of a family measure a route's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DistanceConvention {
    /// Every arc is the Euclidean distance truncated to one decimal (DIMACS / CVRPLIB): the sum
    /// of the matrix costs divided by [`Instance::scale`].
    Truncated1Decimal,
    /// Every arc is the Euclidean distance in double precision, recomputed from the coordinates.
    DoubleEuclid,
    /// The matrix costs as given (divided by [`Instance::scale`], 1 for JSON problems).
    MatrixCost,
}

/// The layout of an instance file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// VRPLIB (`NAME : …`, `NODE_COORD_SECTION`, `DEMAND_SECTION`, `TIME_WINDOW_SECTION`,
    /// `DEPOT_SECTION`), as the Solomon and Gehring–Homberger sets are distributed by CVRPLIB.
    Vrplib,
    /// Solomon's original text layout (`VEHICLE` / `NUMBER CAPACITY` / `CUSTOMER` table).
    Solomon,
    /// Li & Lim PDPTW text (`K Q speed`, then nine numbers a task).
    LiLim,
    /// Cordeau DARP text (`m 2n T Q L`, then seven numbers a node).
    Cordeau,
    /// vaxride's own JSON problem ([`json`]).
    Json,
}

impl Format {
    /// Guesses the format from the file's name and content; `None` when neither tells.
    ///
    /// The content decides: VRPLIB section or header keywords, Solomon's `VEHICLE`/`CUSTOMER`
    /// headings, or the number of fields on the first two lines (3 then 9: Li & Lim; 5 then 7:
    /// Cordeau). The extension `.vrp` is the fallback for VRPLIB.
    pub fn guess(name: &str, text: &str) -> Option<Format> {
        if text.trim_start().starts_with('{') {
            return Some(Format::Json);
        }
        let lines = text::lines(text);
        let has = |word: &str| {
            lines.iter().any(|l| {
                l.tokens
                    .first()
                    .is_some_and(|t| t.eq_ignore_ascii_case(word))
            })
        };
        if lines
            .iter()
            .any(|l| l.text.to_ascii_uppercase().ends_with("_SECTION"))
            || lines.first().is_some_and(|l| {
                l.text.to_ascii_uppercase().starts_with("NAME") && l.text.contains(':')
            })
        {
            return Some(Format::Vrplib);
        }
        if has("VEHICLE") && has("CUSTOMER") {
            return Some(Format::Solomon);
        }
        let numeric: Vec<usize> = lines
            .iter()
            .take(2)
            .filter(|l| l.tokens.iter().all(|t| text::is_numeric(t)))
            .map(|l| l.tokens.len())
            .collect();
        match numeric.as_slice() {
            [2 | 3, 9] => return Some(Format::LiLim),
            [5, 7] => return Some(Format::Cordeau),
            _ => {}
        }
        name.to_ascii_lowercase()
            .ends_with(".vrp")
            .then_some(Format::Vrplib)
    }
}

/// One benchmark instance: the solver's problem and what is needed to report results the way
/// the family's best-known solutions do.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Instance name (`NAME` in VRPLIB, the first line of a Solomon file, else the file stem).
    pub name: String,
    /// Benchmark family.
    pub family: Family,
    /// The problem, in scaled integer units.
    pub problem: Problem,
    /// Coordinates of every matrix location, in the file's own units.
    pub coords: Vec<(f64, f64)>,
    /// Divide matrix costs and times by this to get the file's units (10 or 100).
    pub scale: f64,
    /// How the family's best-known solutions measure distance.
    pub distance: DistanceConvention,
}

impl Instance {
    /// The total distance of `routes` (stop indices, depots left out; route `i` driven by
    /// vehicle `vehicles[i]`) as the family's best-known solutions count it: the matrix costs
    /// divided by [`scale`](Self::scale) for [`DistanceConvention::Truncated1Decimal`], the
    /// double-precision Euclidean length from the vehicle's start through every stop to its end
    /// for [`DistanceConvention::DoubleEuclid`]. Empty routes count nothing.
    ///
    /// # Panics
    ///
    /// If `routes` and `vehicles` differ in length, or an index is out of range.
    pub fn reported_distance(&self, routes: &[Vec<usize>], vehicles: &[usize]) -> f64 {
        assert_eq!(routes.len(), vehicles.len(), "one vehicle per route");
        let p = &self.problem;
        let mut cost: i64 = 0;
        let mut euclid = 0.0;
        for (route, &v) in routes.iter().zip(vehicles) {
            if route.is_empty() {
                continue;
            }
            let vehicle = &p.vehicles[v];
            let locs: Vec<usize> = std::iter::once(vehicle.start)
                .chain(route.iter().map(|&s| p.stops[s].loc))
                .chain(std::iter::once(vehicle.end))
                .collect();
            for w in locs.windows(2) {
                cost += p.matrix.cost(w[0], w[1]);
                if self.distance == DistanceConvention::DoubleEuclid {
                    euclid += build::euclid(self.coords[w[0]], self.coords[w[1]]);
                }
            }
        }
        match self.distance {
            DistanceConvention::Truncated1Decimal | DistanceConvention::MatrixCost => {
                cost as f64 / self.scale
            }
            DistanceConvention::DoubleEuclid => euclid,
        }
    }

    /// The index of the stop with identifier `id` (the node number the file uses; for VRPLIB
    /// files the customer number of `.sol` files, i.e. the node number minus one).
    pub fn stop_index(&self, id: &str) -> Option<usize> {
        self.problem.stops.iter().position(|s| s.id == id)
    }
}

/// Reads `text` as `format`. `path_name_for_messages` names the file in errors and gives the
/// instance its name when the format carries none.
pub fn read(
    path_name_for_messages: &str,
    text: &str,
    format: Format,
) -> Result<Instance, FormatError> {
    let src = error::Src {
        file: path_name_for_messages,
    };
    if text::lines(text).is_empty() {
        return Err(src.err(1, ErrorKind::Empty));
    }
    match format {
        Format::Vrplib => vrplib::read(src, text),
        Format::Solomon => solomon::read(src, text),
        Format::LiLim => lilim::read(src, text),
        Format::Cordeau => cordeau::read(src, text),
        Format::Json => json::read(path_name_for_messages, text),
    }
}
