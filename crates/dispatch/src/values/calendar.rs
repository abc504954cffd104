//! Days of the calendar and of the week.

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::problems;

/// A calendar day, `YYYY-MM-DD`, checked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day(String);

impl Day {
    /// [`Day::parse`] as a regular expression (for OpenAPI's `pattern`): the real dates of the
    /// years 2000–2199.
    pub const PATTERN: &str = "^(2[01][0-9]{2}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))|2[01](0[48]|[2468][048]|[13579][26])-02-29|2000-02-29)$";

    /// Parses `YYYY-MM-DD` (a real date of the Gregorian calendar, years 2000–2199).
    pub fn parse(s: &str) -> Result<Day, Problem> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            s.get(r.clone())
                .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|t| t.parse().ok())
        };
        let bad = || problems::not_a_day(s);
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let (y, m, d) = match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            _ => return Err(bad()),
        };
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(1..=12).contains(&m) || d < 1 || d > days[m as usize - 1] {
            return Err(bad());
        }
        if !(2000..2200).contains(&y) {
            return Err(problems::day_out_of_range(s, 2000, 2199));
        }
        Ok(Day(s.to_string()))
    }

    /// The UTC calendar day of a Unix time, when it lies in the years [`Day::parse`] takes.
    pub fn from_unix(seconds: i64) -> Option<Day> {
        // Civil date from days since 1970-01-01 (proleptic Gregorian).
        let z = seconds.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Day::parse(&format!("{y:04}-{m:02}-{d:02}")).ok()
    }

    /// The date as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// ISO weekday, 1 = Monday … 7 = Sunday.
    pub fn weekday(&self) -> u32 {
        // 1970-01-01 was a Thursday.
        ((self.days_since_epoch() + 3).rem_euclid(7) + 1) as u32
    }

    /// The Unix time of the day's start (00:00 UTC): a Unix time minus it is the time of day
    /// the plans use.
    pub fn start_unix(&self) -> i64 {
        self.days_since_epoch() * 86_400
    }

    /// Days since 1970-01-01, by the civil-from-days inverse.
    fn days_since_epoch(&self) -> i64 {
        let y: i64 = self.0[0..4].parse().expect("checked");
        let m: i64 = self.0[5..7].parse().expect("checked");
        let d: i64 = self.0[8..10].parse().expect("checked");
        let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl TryFrom<String> for Day {
    type Error = Problem;
    fn try_from(s: String) -> Result<Day, Problem> {
        Day::parse(&s)
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.0
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The ISO weekdays a site opens: `12345` is Monday to Friday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Weekdays(u8);

impl Weekdays {
    /// Monday to Sunday.
    pub const EVERY_DAY: Weekdays = Weekdays(0b111_1111);

    /// [`Weekdays::parse`] as a regular expression (for OpenAPI's `pattern`).
    pub const PATTERN: &str = "^\\s*[1-7]+\\s*$";

    /// Parses ISO weekday digits (`1` = Monday … `7` = Sunday), at least one, in any order.
    pub fn parse(s: &str) -> Result<Weekdays, Problem> {
        let mut bits = 0u8;
        for c in s.trim().chars() {
            match c.to_digit(10) {
                Some(d @ 1..=7) => bits |= 1 << (d - 1),
                _ => bits = 0x80,
            }
        }
        if bits == 0 || bits & 0x80 != 0 {
            return Err(problems::weekdays(s.trim()));
        }
        Ok(Weekdays(bits))
    }

    /// Whether it holds ISO weekday `day` (1 = Monday … 7 = Sunday).
    pub fn contains(self, day: u32) -> bool {
        (1..=7).contains(&day) && self.0 & (1 << (day - 1)) != 0
    }
}

impl std::fmt::Display for Weekdays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (1..=7)
            .filter(|d| self.contains(*d))
            .try_for_each(|d| write!(f, "{d}"))
    }
}

impl TryFrom<String> for Weekdays {
    type Error = Problem;
    fn try_from(s: String) -> Result<Weekdays, Problem> {
        Weekdays::parse(&s)
    }
}

impl From<Weekdays> for String {
    fn from(w: Weekdays) -> String {
        w.to_string()
    }
}
