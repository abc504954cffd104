//! The community secretary's ledger (台账): a CSV file of bookings, one elder and one day a row,
//! imported as a batch, and the template she fills in.
//!
//! The import is all-or-nothing: [`parse_ledger`] either returns every row, checked and with its
//! home converted to WGS-84, or every problem of every row, each naming the row (1 = the first
//! data row under the header, 0 = the header or the file as a whole) and the column as written
//! in the header. Nothing is half-imported.
//!
//! Columns may be named in English or Chinese (`name` / `姓名`, …), in any order and letter
//! case; see [`template`] for the full set. Excel's usual habits are tolerated: a UTF-8 byte-order
//! mark, dates re-written as `2026/12/1`, rows left with every cell empty, and a trailing `*` on
//! a column name marking it as required.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::{FieldError, Problem};
use crate::model::{Day, Dose, Mobility, Point};
use crate::problems;
use crate::values::Window;

mod cells;
mod row;

use row::RowParser;

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 2000;

/// The most characters one cell may hold (after trimming).
pub const MAX_CELL_CHARS: usize = 200;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One booking read from the ledger, checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerRow {
    /// Data row number in the file (1 = the first row under the header).
    pub row: usize,
    /// Full name.
    pub name: String,
    /// Phone number, as written (trimmed).
    pub phone: String,
    /// Home address (may be empty).
    pub address: String,
    /// Home, converted to WGS-84; `None` when the row gives no coordinates (the caller decides
    /// whether the elder is already known).
    pub home: Option<Point>,
    /// How the elder moves (a bedridden elder's booking is a home visit).
    pub mobility: Mobility,
    /// Companions riding along, 0–3.
    pub companions: i64,
    /// Vaccination status.
    pub dose: Dose,
    /// Priority weight, 1–5.
    pub priority: i64,
    /// The day of the ride.
    pub day: Day,
    /// Pick-up window (checked as [`Window::pickup`]).
    pub window: Window,
    /// The site asked for by name; `None` = any site.
    pub site: Option<String>,
    /// Whether the elder wants a ride home.
    pub return_wanted: bool,
    /// Minutes of observation at the site after the shot, 0–240.
    pub dwell_minutes: i64,
    /// Notes (health notes: never shown to drivers).
    pub notes: String,
}

/// The language of a ledger template's header and examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Chinese column names and examples, with a UTF-8 byte-order mark for Excel.
    Zh,
    /// English column names and examples.
    En,
}

const TEMPLATE_ZH: &str = "\u{FEFF}姓名,电话,地址,经度,纬度,坐标系,行动能力,陪同人数,接种状态,优先级,日期,时段,接种点,是否接回,留观分钟,备注\n\
王秀英,13800000001,和平区南京南街12号3单元201,123.4105,41.7932,高德,可搀扶行走,1,第一针,3,2026-12-01,上午,,是,30,\"高血压，带好药和身份证\"\n\
李建国,024-23456789,沈河区青年大街88号,123.4631,41.8057,WGS-84,轮椅,1,已全程,2,2026-12-01,09:00-11:00,沈河区社区卫生服务中心,否,45,\n";

const TEMPLATE_EN: &str = "name,phone,address,lon,lat,crs,mobility,companions,dose,priority,day,time,site,return,dwell,notes\n\
Liu Fang,13800000002,\"12 Nanjing South St, Heping District\",123.4105,41.7932,gcj02,walks,0,none,3,2026-12-01,morning,,yes,30,\"hard of hearing, call twice\"\n\
Zhao Min,024-23456780,88 Qingnian Ave,123.4631,41.8057,wgs84,wheelchair,1,full,2,2026-12-01,13:30-16:00,Shenhe Health Centre,no,45,\n";

/// The ledger template: the header line and two example rows (LF line endings).
///
/// The Chinese one starts with a UTF-8 byte-order mark so that Excel opens it in the right
/// encoding. Both parse with [`parse_ledger`].
pub fn template(lang: Lang) -> String {
    match lang {
        Lang::Zh => TEMPLATE_ZH,
        Lang::En => TEMPLATE_EN,
    }
    .to_string()
}

/// A column of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Phone,
    Address,
    Lon,
    Lat,
    Crs,
    Mobility,
    Companions,
    Dose,
    Priority,
    Day,
    Time,
    Site,
    Return,
    Dwell,
    Notes,
}

const COLS: [Col; 16] = [
    Col::Name,
    Col::Phone,
    Col::Address,
    Col::Lon,
    Col::Lat,
    Col::Crs,
    Col::Mobility,
    Col::Companions,
    Col::Dose,
    Col::Priority,
    Col::Day,
    Col::Time,
    Col::Site,
    Col::Return,
    Col::Dwell,
    Col::Notes,
];

impl Col {
    /// English name, Chinese name, and further accepted spellings (all lower case).
    fn names(self) -> (&'static str, &'static str, &'static [&'static str]) {
        match self {
            Col::Name => ("name", "姓名", &["full name"]),
            Col::Phone => (
                "phone",
                "电话",
                &["telephone", "mobile", "手机", "联系电话"],
            ),
            Col::Address => ("address", "地址", &["家庭住址", "住址"]),
            Col::Lon => ("lon", "经度", &["lng", "longitude"]),
            Col::Lat => ("lat", "纬度", &["latitude"]),
            Col::Crs => ("crs", "坐标系", &[]),
            Col::Mobility => ("mobility", "行动能力", &[]),
            Col::Companions => ("companions", "陪同人数", &["陪同"]),
            Col::Dose => ("dose", "接种状态", &["接种情况"]),
            Col::Priority => ("priority", "优先级", &[]),
            Col::Day => ("day", "日期", &["date", "接种日期"]),
            Col::Time => ("time", "时段", &["时间"]),
            Col::Site => ("site", "接种点", &["接种地点"]),
            Col::Return => ("return", "是否接回", &["接回"]),
            Col::Dwell => ("dwell", "留观分钟", &["留观"]),
            Col::Notes => ("notes", "备注", &["note"]),
        }
    }

    fn required(self) -> bool {
        matches!(
            self,
            Col::Name | Col::Phone | Col::Mobility | Col::Dose | Col::Day
        )
    }

    fn label(self) -> String {
        let (en, zh, _) = self.names();
        format!("{en} / {zh}")
    }

    fn from_header(text: &str) -> Option<Col> {
        let key = normalise_header(text);
        COLS.into_iter().find(|c| {
            let (en, zh, more) = c.names();
            key == en || key == zh || more.contains(&key.as_str())
        })
    }
}

/// Trims, drops a trailing required-marker `*`, and lower-cases a header cell.
fn normalise_header(text: &str) -> String {
    text.trim()
        .trim_end_matches(['*', '＊'])
        .trim()
        .to_lowercase()
}

/// An error about the file as a whole (row 0, no column).
fn file_error(problem: Problem) -> FieldError {
    FieldError {
        field: "file".to_string(),
        problem,
        row: Some(0),
        column: None,
    }
}

/// An error about a whole data row (no column).
fn row_error(row: usize, problem: Problem) -> FieldError {
    FieldError {
        field: format!("row {row}"),
        problem,
        row: Some(row),
        column: None,
    }
}

/// Checks the encoding and drops a byte-order mark.
fn decode(bytes: &[u8]) -> Result<&str, Problem> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(problems::csv_utf16());
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|_| problems::csv_not_utf8())
}

/// Where each column is in the file.
struct Header {
    /// Field index of each [`Col`], by `Col as usize`.
    pos: [Option<usize>; COLS.len()],
    /// The header cells as written (trimmed).
    names: Vec<String>,
}

impl Header {
    /// The column's name for errors: as written in the header, or `#3` for an unnamed third column.
    fn name_at(&self, index: usize) -> String {
        match self.names.get(index) {
            Some(n) if !n.is_empty() => n.clone(),
            _ => format!("#{}", index + 1),
        }
    }
}

fn parse_header(record: &csv::StringRecord) -> Result<Header, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut pos = [None; COLS.len()];
    let names: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
    let expected = || COLS.map(|c| c.label()).join(", ");
    // No known column at all: the file has no header (its first row is data, maybe an elder's
    // phone and address): say so, and echo none of it.
    if !names.iter().any(|n| Col::from_header(n).is_some()) {
        let problem = if names.len() == 1 && names[0].contains(['\t', ';', '，']) {
            problems::csv_not_commas(expected())
        } else {
            problems::csv_no_header(expected())
        };
        return Err(vec![file_error(problem)]);
    }
    for (i, text) in names.iter().enumerate() {
        if text.is_empty() {
            continue; // an unnamed column: its cells must stay empty (checked per row)
        }
        match Col::from_header(text) {
            // Named by position: a header cell may hold anything, even a phone number.
            None => errors.push(FieldError::cell(
                0,
                &format!("#{}", i + 1),
                problems::csv_unknown_column(i + 1, expected()),
            )),
            Some(col) => match pos[col as usize] {
                Some(first) => errors.push(FieldError::cell(
                    0,
                    text,
                    problems::csv_column_twice(
                        col.label(),
                        names.get(first).map(String::as_str).unwrap_or_default(),
                    ),
                )),
                None => pos[col as usize] = Some(i),
            },
        }
    }
    for col in COLS {
        if col.required() && pos[col as usize].is_none() {
            let (en, zh, _) = col.names();
            errors.push(FieldError::cell(
                0,
                &col.label(),
                problems::csv_missing_column(zh, en),
            ));
        }
    }
    for (have, lacks) in [(Col::Lon, Col::Lat), (Col::Lat, Col::Lon)] {
        if let (Some(i), None) = (pos[have as usize], pos[lacks as usize]) {
            let (en, zh, _) = lacks.names();
            errors.push(FieldError::cell(
                0,
                names.get(i).map(String::as_str).unwrap_or_default(),
                problems::csv_lon_lat_pair(zh, en),
            ));
        }
    }
    if errors.is_empty() {
        Ok(Header { pos, names })
    } else {
        Err(errors)
    }
}

/// Parses a ledger CSV file (UTF-8, with or without a byte-order mark).
///
/// Returns every row, or every problem found in the file: the header's, then each row's in
/// order. Rows whose cells are all empty are skipped (they still count in the numbering). The
/// file is refused when it is not UTF-8, has no data rows or more than [`MAX_ROWS`], or when any
/// row is wrong; see the module docs and [`LedgerRow`] for what each column takes.
pub fn parse_ledger(bytes: &[u8]) -> Result<Vec<LedgerRow>, Vec<FieldError>> {
    let text = decode(bytes).map_err(|e| vec![file_error(e)])?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return Err(vec![file_error(problems::csv_empty())]);
        }
        Some(Err(e)) => {
            return Err(vec![file_error(problems::csv_unreadable_header(e))]);
        }
        Some(Ok(r)) => r,
    };
    if header.iter().all(|c| c.trim().is_empty()) {
        return Err(vec![file_error(problems::csv_empty_header())]);
    }
    let header = parse_header(&header)?;

    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, String, Day), usize> = HashMap::new();
    let mut data_rows = 0usize;
    for (i, record) in records.enumerate() {
        let row = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(row_error(row, problems::csv_unreadable_row(e)));
                break;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        data_rows += 1;
        if data_rows > MAX_ROWS {
            return Err(vec![file_error(problems::csv_too_many_rows(MAX_ROWS))]);
        }
        if record.len() != header.names.len() {
            errors.push(row_error(
                row,
                problems::csv_cell_count(record.len(), header.names.len()),
            ));
            continue;
        }
        let mut parser = RowParser {
            row,
            header: &header,
            record: &record,
            errors: Vec::new(),
            bad: [false; COLS.len()],
        };
        if let Some(parsed) = parser.parse() {
            let key = (
                parsed.name.clone(),
                parsed.phone.chars().filter(char::is_ascii_digit).collect(),
                parsed.day.clone(),
            );
            match seen.get(&key) {
                Some(first) => {
                    parser.error(Col::Name, problems::csv_duplicate_elder(parsed.day, first))
                }
                None => {
                    seen.insert(key, row);
                    rows.push(parsed);
                }
            }
        }
        errors.append(&mut parser.errors);
    }
    if data_rows == 0 && errors.is_empty() {
        errors.push(file_error(problems::csv_no_rows()));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimePreference;
    use proptest::prelude::*;

    const EN_HEADER: &str = "name,phone,address,lon,lat,crs,mobility,companions,dose,priority,day,time,site,return,dwell,notes";

    fn good_en(name: &str) -> String {
        format!(
            "{name},13800000009,1 Main St,123.41,41.80,wgs84,walks,0,none,1,2026-12-01,morning,,yes,30,"
        )
    }

    fn file(rows: &[String]) -> Vec<u8> {
        let mut s = String::from(EN_HEADER);
        for r in rows {
            s.push('\n');
            s.push_str(r);
        }
        s.push('\n');
        s.into_bytes()
    }

    fn places(errors: &[FieldError]) -> Vec<(usize, String)> {
        let mut v: Vec<_> = errors
            .iter()
            .map(|e| {
                (
                    e.row.unwrap_or(usize::MAX),
                    e.column.clone().unwrap_or_default(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn both_templates_parse_back() {
        let zh = template(Lang::Zh);
        assert!(zh.as_bytes().starts_with(BOM));
        let rows = parse_ledger(zh.as_bytes()).expect("zh template parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "王秀英");
        assert_eq!(rows[0].row, 1);
        assert_eq!(rows[0].mobility, Mobility::Walks);
        assert_eq!(rows[0].dose, Dose::First);
        assert_eq!(rows[0].window, TimePreference::Morning.window());
        assert_eq!(rows[0].site, None);
        assert!(rows[0].return_wanted);
        assert_eq!(rows[0].notes, "高血压，带好药和身份证");
        // 高德 = GCJ-02: converted to WGS-84, a few hundred metres away.
        let home = rows[0].home.expect("home");
        let (dx, dy) = (home.lon - 123.4105, home.lat - 41.7932);
        assert!(
            dx.abs() > 1e-4 && dx.abs() < 0.02 && dy.abs() < 0.02,
            "{home:?}"
        );
        assert_eq!(rows[1].mobility, Mobility::Wheelchair);
        assert_eq!(
            rows[1].home,
            Some(Point {
                lon: 123.4631,
                lat: 41.8057
            })
        );
        assert_eq!(rows[1].window.seconds(), (9 * 3600, 11 * 3600));
        assert_eq!(rows[1].site.as_deref(), Some("沈河区社区卫生服务中心"));
        assert!(!rows[1].return_wanted);
        assert_eq!((rows[1].dwell_minutes, rows[1].companions), (45, 1));

        let en = template(Lang::En);
        let rows = parse_ledger(en.as_bytes()).expect("en template parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].address, "12 Nanjing South St, Heping District");
        assert_eq!(rows[0].notes, "hard of hearing, call twice");
        assert_eq!(rows[1].window.seconds(), (13 * 3600 + 1800, 16 * 3600));
        assert_eq!(rows[1].dose, Dose::Full);
    }

    #[test]
    fn one_broken_row_among_good_ones_is_named_exactly() {
        let bad = good_en("Bad Row").replace(",1,2026-12-01", ",9,2026-12-01");
        let bytes = file(&[good_en("A"), bad, good_en("C")]);
        let errors = parse_ledger(&bytes).expect_err("refused");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].row, Some(2));
        assert_eq!(errors[0].column.as_deref(), Some("priority"));
        assert_eq!(errors[0].field, "row 2, column priority");

        // The column is named as written in the file, Chinese header and all.
        let zh = template(Lang::Zh).replace(",3,2026-12-01", ",七,2026-12-01");
        let errors = parse_ledger(zh.as_bytes()).expect_err("refused");
        assert_eq!(places(&errors), vec![(1, "优先级".to_string())]);
    }

    #[test]
    fn every_error_of_every_row_is_reported() {
        let rows = [
            good_en("A")
                .replace("13800000009", "1.38E+10")
                .replace("2026-12-01", "2026-02-30"),
            good_en("B"),
            good_en("C").replace("walks", "bedridden"), // fine: a home visit
            good_en("D").replace("morning", "11:00-09:00"),
            good_en("E").replace("morning", "04:30-09:00"),
            good_en("F").replace("123.41,41.80", "123.41,"),
            good_en("G").replace("123.41,41.80", "41.80,123.41"),
            good_en("H").replace(",0,none", ",4,maybe"),
            good_en("A").replace(",30,", ",,"), // fine: dwell defaults
            good_en("B"),                       // duplicate of row 2
            good_en("J") + ",extra",
        ];
        let errors = parse_ledger(&file(&rows)).expect_err("refused");
        let s = |r: usize, c: &str| (r, c.to_string());
        assert_eq!(
            places(&errors),
            vec![
                s(1, "day"),
                s(1, "phone"),
                s(4, "time"),
                s(5, "time"),
                s(6, "lat"),
                s(7, "lat"),
                s(8, "companions"),
                s(8, "dose"),
                s(10, "name"),
                s(11, ""),
            ],
            "{errors:#?}"
        );
        let find = |r: usize, c: &str| {
            errors
                .iter()
                .find(|e| e.row == Some(r) && e.column.as_deref() == Some(c))
                .map(|e| e.message().to_string())
                .unwrap_or_default()
        };
        assert!(find(1, "phone").contains("Excel"));
        assert!(find(7, "lat").contains("swapped"));
        assert!(find(10, "name").contains("row 2"));
        assert!(
            errors
                .iter()
                .any(|e| e.field == "row 11" && e.message().contains("17 cells"))
        );
    }

    #[test]
    fn byte_order_mark_is_optional_and_headers_are_case_insensitive() {
        let plain = file(&[good_en("A")]);
        let mut with_bom = BOM.to_vec();
        with_bom.extend_from_slice(&plain);
        let a = parse_ledger(&plain).expect("plain");
        let b = parse_ledger(&with_bom).expect("bom");
        assert_eq!(a, b);

        let shuffled = "\u{FEFF} Day ,PHONE,姓名*,Mobility,接种状态\n2026/12/1,13800000009,王秀英,轮椅,加强针\n";
        let rows = parse_ledger(shuffled.as_bytes()).expect("parses");
        assert_eq!(rows[0].day.as_str(), "2026-12-01");
        assert_eq!(rows[0].name, "王秀英");
        assert_eq!(rows[0].home, None);
        assert_eq!(rows[0].window, TimePreference::Any.window());
        assert_eq!((rows[0].priority, rows[0].dwell_minutes), (1, 30));
        assert!(rows[0].return_wanted);

        let utf16 = b"\xFF\xFEn\0a\0";
        let errors = parse_ledger(utf16).expect_err("utf-16");
        assert!(errors[0].message().contains("UTF-16"));
    }

    #[test]
    fn gbk_bytes_are_refused_naming_the_file() {
        // "姓名,电话\n王秀英,13800000001\n" in GBK.
        let mut gbk = hex("d0d5c3fb2cb5e7bbb00a");
        gbk.extend(hex("cdf5d0e3d3a2"));
        gbk.extend_from_slice(b",13800000001\n");
        let errors = parse_ledger(&gbk).expect_err("refused");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, Some(0));
        assert_eq!(errors[0].field, "file");
        assert!(errors[0].message().contains("not UTF-8"));
        assert!(errors[0].message().contains("CSV UTF-8"));
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    #[test]
    fn unknown_missing_and_repeated_columns_are_refused() {
        let errors = parse_ledger(
            b"name,phone,day,mobility,dose,Colour\nA,13800000009,2026-12-01,walks,none,red\n",
        )
        .expect_err("unknown");
        assert_eq!(places(&errors), vec![(0, "#6".to_string())]);
        assert!(errors[0].message().contains("column 6 of the header"));
        assert!(
            !errors[0].message().contains("Colour"),
            "a cell is not echoed"
        );

        // No header at all: one problem for the file, none of the row's contents echoed.
        let errors = parse_ledger(
            "王秀英,13800000009,和平路1号,2026-12-01\n李桂兰,13800000002,和平路2号,2026-12-01\n"
                .as_bytes(),
        )
        .expect_err("no header");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].problem.code, "csv_no_header");
        let said = format!("{errors:?}");
        for secret in ["王秀英", "13800000009", "和平路"] {
            assert!(!said.contains(secret), "{said}");
        }

        let errors = parse_ledger("姓名,day,mobility,dose\nA,2026-12-01,walks,none\n".as_bytes())
            .expect_err("missing");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, Some(0));
        assert!(errors[0].message().contains("电话") && errors[0].message().contains("phone"));

        let errors =
            parse_ledger("name,姓名,phone,day,mobility,dose,lon\n".as_bytes()).expect_err("twice");
        assert_eq!(
            places(&errors),
            vec![(0, "lon".to_string()), (0, "姓名".to_string())]
        );

        let errors = parse_ledger(b"name;phone;day\n").expect_err("semicolons");
        assert!(
            errors
                .iter()
                .any(|e| e.message().contains("separated by commas"))
        );
    }

    #[test]
    fn quoted_cells_keep_commas_and_newlines() {
        let rows = [
            good_en("A").trim_end_matches(',').to_string() + ",\"pills, twice\na day\"",
            "\"Li, Na\",13800000009,\"Flat 3,\nBlock 2\",,,,wheelchair,2,full,5,2026-12-02,pm,\"Site \"\"A\"\"\",no,0,".to_string(),
            good_en("C").replace("morning", "08:00～10:00"),
        ];
        let parsed = parse_ledger(&file(&rows)).expect("parses");
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[0].notes, "pills, twice\na day");
        assert_eq!(parsed[1].row, 2);
        assert_eq!(parsed[1].name, "Li, Na");
        assert_eq!(parsed[1].address, "Flat 3,\nBlock 2");
        assert_eq!(parsed[1].site.as_deref(), Some("Site \"A\""));
        assert_eq!(parsed[1].window, TimePreference::Afternoon.window());
        assert!(!parsed[1].return_wanted);
        assert_eq!(parsed[2].row, 3);
        assert_eq!(parsed[2].window.seconds(), (8 * 3600, 10 * 3600));

        // The row numbering is by record, not by line, and survives the multi-line cells.
        let mut broken = rows.to_vec();
        broken[2] = broken[2].replace("2026-12-01", "tomorrow");
        let errors = parse_ledger(&file(&broken)).expect_err("refused");
        assert_eq!(places(&errors), vec![(3, "day".to_string())]);
    }

    #[test]
    fn file_level_limits() {
        let errors = parse_ledger(b"").expect_err("empty");
        assert_eq!(errors[0].row, Some(0));
        let errors = parse_ledger(BOM).expect_err("bom only");
        assert_eq!(errors.len(), 1);
        let errors = parse_ledger(format!("{EN_HEADER}\n,,,\n\n").as_bytes()).expect_err("no rows");
        assert!(errors[0].message().contains("no rows"));

        // Blank rows are skipped but counted.
        let rows = [
            good_en("A"),
            ",".repeat(15),
            good_en("B").replace("walks", "flies"),
        ];
        let errors = parse_ledger(&file(&rows)).expect_err("refused");
        assert_eq!(places(&errors), vec![(3, "mobility".to_string())]);

        let many: Vec<String> = (0..MAX_ROWS).map(|i| good_en(&format!("P{i}"))).collect();
        assert_eq!(
            parse_ledger(&file(&many)).expect("2000 rows").len(),
            MAX_ROWS
        );
        let too_many: Vec<String> = (0..=MAX_ROWS).map(|i| good_en(&format!("P{i}"))).collect();
        let errors = parse_ledger(&file(&too_many)).expect_err("2001 rows");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message().contains("more than 2000"));

        let long = "x".repeat(MAX_CELL_CHARS + 1);
        let rows = [good_en("A").trim_end_matches(',').to_string() + "," + &long];
        let errors = parse_ledger(&file(&rows)).expect_err("long");
        assert_eq!(places(&errors), vec![(1, "notes".to_string())]);
        let long_name = [good_en(&"王".repeat(MAX_CELL_CHARS + 1))];
        let errors = parse_ledger(&file(&long_name)).expect_err("long");
        assert_eq!(places(&errors), vec![(1, "name".to_string())]);
        let ok_name = [good_en(&"王".repeat(MAX_CELL_CHARS))];
        assert!(parse_ledger(&file(&ok_name)).is_ok());
    }

    #[test]
    fn coordinates_and_windows_are_checked() {
        for (coords, col) in [
            ("NaN,41.8", "lon"),
            ("inf,41.8", "lon"),
            ("190,41.8", "lon"),
            ("123.4,-91", "lat"),
            ("0,0", "lon"),
            (",41.8", "lon"),
        ] {
            let rows = [good_en("A").replace("123.41,41.80", coords)];
            let errors = parse_ledger(&file(&rows)).expect_err(coords);
            assert_eq!(places(&errors), vec![(1, col.to_string())], "{coords}");
        }
        let bd = [good_en("A").replace("wgs84", "百度")];
        let home = parse_ledger(&file(&bd)).expect("bd09")[0]
            .home
            .expect("home");
        let (lon, lat) = vaxride_roadnet::crs::bd09_to_wgs84(123.41, 41.80);
        assert_eq!(home, Point { lon, lat });

        for (time, ok) in [
            ("05:00-22:00", true),
            ("9:05-9:35", true),
            ("09:00-09:00", false),
            ("21:00-22:01", false),
            ("04:59-06:00", false),
            ("09:00-", false),
            ("9-11", false),
            ("25:00-26:00", false),
        ] {
            let rows = [good_en("A").replace("morning", time)];
            assert_eq!(parse_ledger(&file(&rows)).is_ok(), ok, "{time}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse_ledger(&bytes);
            let mut with_header = format!("{EN_HEADER}\n").into_bytes();
            with_header.extend_from_slice(&bytes);
            let _ = parse_ledger(&with_header);
        }

        #[test]
        fn arbitrary_cells_never_panic(
            cells in proptest::collection::vec("[ -~王：至年月日\"\n,]{0,12}", 16..=34)
        ) {
            let mut text = format!("{EN_HEADER}\n");
            for (i, c) in cells.iter().enumerate() {
                text.push_str(c);
                text.push(if i % 16 == 15 { '\n' } else { ',' });
            }
            if let Ok(rows) = parse_ledger(text.as_bytes()) {
                for r in rows {
                    prop_assert!(r.window.from() < r.window.to());
                }
            }
        }
    }
}
