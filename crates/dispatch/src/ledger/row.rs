//! One data row of the ledger: every cell read, checked and converted; every problem kept.

use vaxride_roadnet::Crs;

use super::cells::*;
use super::{COLS, Col, Header, LedgerRow, MAX_CELL_CHARS};
use crate::error::{FieldError, Problem};
use crate::model::{Dose, Point, TimePreference};
use crate::problems;

/// Reads the cells of one data row.
pub(super) struct RowParser<'a> {
    pub(super) row: usize,
    pub(super) header: &'a Header,
    pub(super) record: &'a csv::StringRecord,
    pub(super) errors: Vec<FieldError>,
    /// Columns whose cell was already reported (too long): not parsed further.
    pub(super) bad: [bool; COLS.len()],
}

impl<'a> RowParser<'a> {
    pub(super) fn error(&mut self, col: Col, message: Problem) {
        let name = match self.header.pos[col as usize] {
            Some(i) => self.header.name_at(i),
            None => col.label(),
        };
        self.errors.push(FieldError::cell(self.row, &name, message));
    }

    /// The trimmed cell of `col`, `None` when the file has no such column.
    fn raw(&self, col: Col) -> Option<&'a str> {
        let record: &'a csv::StringRecord = self.record;
        self.header.pos[col as usize]
            .and_then(|i| record.get(i))
            .map(str::trim)
    }

    /// Parses the cell of `col`: `default` when it is empty or the column is absent (an error
    /// when there is no default), else `parse`'s value (an error when it fails).
    fn field<T>(
        &mut self,
        col: Col,
        default: Option<T>,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        if self.bad[col as usize] {
            return None;
        }
        match self.raw(col).filter(|s| !s.is_empty()) {
            None => {
                if default.is_none() {
                    self.error(col, problems::csv_required());
                }
                default
            }
            Some(text) => match parse(text) {
                Ok(v) => Some(v),
                Err(message) => {
                    self.error(col, message);
                    None
                }
            },
        }
    }

    pub(super) fn parse(&mut self) -> Option<LedgerRow> {
        for (i, cell) in self.record.iter().enumerate() {
            let cell = cell.trim();
            let chars = cell.chars().count();
            let col = COLS
                .into_iter()
                .find(|c| self.header.pos[*c as usize] == Some(i));
            if chars > MAX_CELL_CHARS {
                let name = self.header.name_at(i);
                self.errors.push(FieldError::cell(
                    self.row,
                    &name,
                    problems::too_long(chars, MAX_CELL_CHARS),
                ));
                if let Some(col) = col {
                    self.bad[col as usize] = true;
                }
            } else if col.is_none() && !cell.is_empty() {
                let name = self.header.name_at(i);
                self.errors.push(FieldError::cell(
                    self.row,
                    &name,
                    problems::csv_unnamed_column(),
                ));
            }
        }

        let name = self.field(Col::Name, None, |s| Ok(s.to_string()));
        let phone = self.field(Col::Phone, None, parse_phone);
        let address = self.field(Col::Address, Some(String::new()), |s| Ok(s.to_string()));
        let lon = self.field(Col::Lon, Some(None), |s| {
            crate::values::parse_coordinate(s).map(Some)
        });
        let lat = self.field(Col::Lat, Some(None), |s| {
            crate::values::parse_coordinate(s).map(Some)
        });
        let crs = self.field(Col::Crs, Some(Crs::Wgs84), crate::values::parse_crs);
        let mobility = self.field(Col::Mobility, None, parse_mobility);
        let companions = self.field(Col::Companions, Some(0), |s| parse_int(s, 0, 3));
        let dose = self.field(Col::Dose, None, Dose::parse);
        let priority = self.field(Col::Priority, Some(1), |s| parse_int(s, 1, 5));
        let day = self.field(Col::Day, None, parse_day);
        let window = self.field(Col::Time, Some(TimePreference::Any.window()), parse_window);
        let site = self.field(Col::Site, Some(None), |s| Ok(Some(s.to_string())));
        let return_wanted = self.field(Col::Return, Some(true), parse_yes_no);
        let dwell = self.field(Col::Dwell, Some(30), |s| parse_int(s, 0, 240));
        let notes = self.field(Col::Notes, Some(String::new()), |s| Ok(s.to_string()));
        let home = self.home(lon, lat, crs);

        match (
            name,
            phone,
            address,
            home,
            mobility,
            companions,
            dose,
            priority,
            day,
            window,
            site,
            return_wanted,
            dwell,
            notes,
        ) {
            (
                Some(name),
                Some(phone),
                Some(address),
                Some(home),
                Some(mobility),
                Some(companions),
                Some(dose),
                Some(priority),
                Some(day),
                Some(window),
                Some(site),
                Some(return_wanted),
                Some(dwell_minutes),
                Some(notes),
            ) if self.errors.is_empty() => Some(LedgerRow {
                row: self.row,
                name,
                phone,
                address,
                home,
                mobility,
                companions,
                dose,
                priority,
                day,
                window,
                site,
                return_wanted,
                dwell_minutes,
                notes,
            }),
            _ => None,
        }
    }

    /// Checks the coordinates together and converts them to WGS-84.
    /// `Some(None)`: no coordinates; `None`: an error was reported.
    fn home(
        &mut self,
        lon: Option<Option<f64>>,
        lat: Option<Option<f64>>,
        crs: Option<Crs>,
    ) -> Option<Option<Point>> {
        let (lon, lat, crs) = match (lon?, lat?, crs?) {
            (None, None, _) => return Some(None),
            (Some(_), None, _) => {
                self.error(Col::Lat, lon_lat_both());
                return None;
            }
            (None, Some(_), _) => {
                self.error(Col::Lon, lon_lat_both());
                return None;
            }
            (Some(lon), Some(lat), crs) => (lon, lat, crs),
        };
        let mut ok = true;
        if let Err(e) = Point::parse(lon, lat) {
            for (col, problem) in [(Col::Lon, e.lon), (Col::Lat, e.lat)] {
                if let Some(problem) = problem {
                    self.error(col, problem);
                }
            }
            ok = false;
        }
        if ok && lon == 0.0 && lat == 0.0 {
            self.error(Col::Lon, problems::zero_zero_home());
            ok = false;
        }
        if !ok {
            return None;
        }
        let (lon, lat) = crs.to_wgs84(lon, lat);
        if !lon.is_finite() || !lat.is_finite() {
            self.error(Col::Lon, problems::crs_unconvertible());
            return None;
        }
        Some(Some(Point { lon, lat }))
    }
}
