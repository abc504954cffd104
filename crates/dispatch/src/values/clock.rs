//! Clock times and windows of the day.

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::model::TimeOfDay;
use crate::problems;

/// A clock time, 00:00 to 24:00, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(TimeOfDay);

impl ClockTime {
    /// [`ClockTime::parse`] as a regular expression (for OpenAPI's `pattern`).
    pub const PATTERN: &str = "^\\s*(([01]?[0-9]|2[0-3])[:：][0-5][0-9]|24[:：]00)\\s*$";

    /// Parses `H:MM` or `HH:MM` (an ASCII or a full-width colon), `00:00` to `24:00`.
    pub fn parse(s: &str) -> Result<ClockTime, Problem> {
        let bad = || problems::clock_time(s.trim());
        let (h, m) = s.trim().split_once([':', '：']).ok_or_else(bad)?;
        let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(h, 1..=2) || !digits(m, 2..=2) {
            return Err(bad());
        }
        let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if m >= 60 || h * 60 + m > 24 * 60 {
            return Err(bad());
        }
        Ok(ClockTime(h * 3600 + m * 60))
    }

    /// A time from seconds since midnight, if it lies in `0..=86400`.
    pub fn from_seconds(seconds: TimeOfDay) -> Option<ClockTime> {
        (0..=86_400)
            .contains(&seconds)
            .then_some(ClockTime(seconds))
    }

    /// `h:m`, for constants; panics outside the day.
    pub const fn hm(h: i64, m: i64) -> ClockTime {
        assert!(h >= 0 && m >= 0 && m < 60 && h * 60 + m <= 24 * 60);
        ClockTime(h * 3600 + m * 60)
    }

    /// Seconds since midnight.
    pub fn seconds(self) -> TimeOfDay {
        self.0
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 3600, self.0 % 3600 / 60)
    }
}

/// A part of one day, `from` strictly before `to`: a pick-up window, opening hours, a shift.
///
/// Serialized as `[from, to]` in seconds since midnight (what the API has always sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "(TimeOfDay, TimeOfDay)", into = "(TimeOfDay, TimeOfDay)")]
pub struct Window {
    from: TimeOfDay,
    to: TimeOfDay,
}

impl Window {
    /// A pick-up window starts no earlier than this.
    pub const PICKUP_EARLIEST: ClockTime = ClockTime::hm(5, 0);
    /// A pick-up window ends no later than this.
    pub const PICKUP_LATEST: ClockTime = ClockTime::hm(22, 0);

    /// The window from `from` to `to`; refused (`window_empty`) unless `from < to`.
    pub fn new(from: ClockTime, to: ClockTime) -> Result<Window, Problem> {
        if from >= to {
            return Err(problems::window_empty());
        }
        Ok(Window {
            from: from.0,
            to: to.0,
        })
    }

    /// Parses two clock times (`["08:00", "10:00"]` in the API).
    pub fn parse(from: &str, to: &str) -> Result<Window, Problem> {
        Window::new(ClockTime::parse(from)?, ClockTime::parse(to)?)
    }

    /// Parses one text `08:00-10:00` (also with `–`, `~`, `至`, `到` and full-width signs).
    pub fn parse_range(s: &str) -> Result<Window, Problem> {
        let (from, to) = s
            .split_once(['-', '－', '–', '—', '~', '～', '至', '到'])
            .ok_or_else(|| not_a_range(s))?;
        Window::parse(from, to)
    }

    /// This window as a pick-up window: refused (`window_outside_day`) unless it lies between
    /// [`Window::PICKUP_EARLIEST`] and [`Window::PICKUP_LATEST`].
    pub fn pickup(self) -> Result<Window, Problem> {
        if self.from < Window::PICKUP_EARLIEST.0 || self.to > Window::PICKUP_LATEST.0 {
            return Err(problems::window_outside_day(
                Window::PICKUP_EARLIEST,
                Window::PICKUP_LATEST,
            ));
        }
        Ok(self)
    }

    /// Start, seconds since midnight.
    pub fn from(self) -> TimeOfDay {
        self.from
    }

    /// End, seconds since midnight.
    pub fn to(self) -> TimeOfDay {
        self.to
    }

    /// `(from, to)`, seconds since midnight.
    pub fn seconds(self) -> (TimeOfDay, TimeOfDay) {
        (self.from, self.to)
    }
}

fn not_a_range(s: &str) -> Problem {
    problems::not_a_window(s.trim())
}

impl TryFrom<(TimeOfDay, TimeOfDay)> for Window {
    type Error = Problem;
    fn try_from((from, to): (TimeOfDay, TimeOfDay)) -> Result<Window, Problem> {
        let clock = |s| ClockTime::from_seconds(s).ok_or_else(|| problems::clock_time(s));
        Window::new(clock(from)?, clock(to)?)
    }
}

impl From<Window> for (TimeOfDay, TimeOfDay) {
    fn from(w: Window) -> (TimeOfDay, TimeOfDay) {
        (w.from, w.to)
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", ClockTime(self.from), ClockTime(self.to))
    }
}
