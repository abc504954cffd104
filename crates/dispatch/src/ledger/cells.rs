//! The ledger's cell grammars: phone numbers, whole numbers, mobility, dates as Excel writes
//! them, time preferences or windows, yes or no (in Chinese or English). Coordinates and their
//! systems are read by `values::place`'s parsers, as everywhere.

use crate::error::Problem;
use crate::model::{Day, Mobility, TimePreference};
use crate::problems;
use crate::values::Window;

pub(super) fn lon_lat_both() -> Problem {
    problems::csv_lon_lat_both()
}

/// Lower-cases and trims a cell for matching against a list of words.
pub(super) fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

pub(super) fn parse_phone(s: &str) -> Result<String, Problem> {
    if s.contains(['e', 'E']) && s.contains('+') {
        return Err(problems::phone_scientific(s));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')')))
    {
        return Err(problems::phone_bad_char(s, c));
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    if !(5..=20).contains(&digits) {
        return Err(problems::phone_digits(s, digits));
    }
    Ok(s.to_string())
}

pub(super) fn parse_int(s: &str, min: i64, max: i64) -> Result<i64, Problem> {
    match s.parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(problems::not_a_whole_number(s, min, max)),
    }
}

pub(super) fn parse_mobility(s: &str) -> Result<Mobility, Problem> {
    Ok(match key(s).as_str() {
        "walks" | "walk" | "walking" | "可搀扶行走" | "需搀扶" | "搀扶" | "可行走" | "行走"
        | "能走" | "步行" | "自理" => Mobility::Walks,
        "wheelchair" | "轮椅" | "坐轮椅" | "需轮椅" => Mobility::Wheelchair,
        "bedridden" | "卧床" | "长期卧床" | "卧床不起" => Mobility::Bedridden,
        _ => {
            return Err(problems::csv_bad_mobility(s));
        }
    })
}

/// `YYYY-MM-DD`, also as Excel re-writes it (`2026/12/1`, `2026.12.1`, `2026年12月1日`).
pub(super) fn parse_day(s: &str) -> Result<Day, Problem> {
    let cleaned = s.trim_end_matches('日');
    let parts: Vec<&str> = cleaned.split(['-', '/', '.', '年', '月']).collect();
    if let [y, m, d] = parts.as_slice() {
        let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
        };
        if digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2) {
            return Day::parse(&format!("{y}-{m:0>2}-{d:0>2}")).map_err(|_| not_a_day(s));
        }
    }
    Day::parse(s).map_err(|_| not_a_day(s))
}

pub(super) fn not_a_day(s: &str) -> Problem {
    problems::not_a_day(s)
}

/// A time preference's words (`morning`, `上午`, …) or a window like `09:00-11:30`, as a
/// pick-up window.
pub(super) fn parse_window(s: &str) -> Result<Window, Problem> {
    let preference = match key(s).as_str() {
        "morning" | "am" | "上午" | "早上" => Some(TimePreference::Morning),
        "afternoon" | "pm" | "下午" => Some(TimePreference::Afternoon),
        "any" | "不限" | "全天" | "任意" | "都可以" => Some(TimePreference::Any),
        _ => None,
    };
    if let Some(p) = preference {
        return Ok(p.window());
    }
    let window = Window::parse_range(s).map_err(|e| match e.code {
        // The cell's own words: a preference is welcome too.
        "clock_time" | "not_a_window" => problems::csv_bad_time(s),
        _ => e,
    })?;
    window.pickup()
}

pub(super) fn parse_yes_no(s: &str) -> Result<bool, Problem> {
    match key(s).as_str() {
        "yes" | "y" | "true" | "1" | "是" | "要" | "需要" | "接回" => Ok(true),
        "no" | "n" | "false" | "0" | "否" | "不要" | "不需要" | "不接回" => Ok(false),
        _ => Err(problems::not_yes_no(s)),
    }
}
