//! The small values every input carries, each parsed in one place with one error code: a clock
//! time ([`ClockTime`]), a window of the day ([`Window`]), a day ([`Day`]) and the days of the
//! week a site opens ([`Weekdays`]), a position ([`Point`]), how an elder moves ([`Mobility`]),
//! their vaccination status ([`Dose`]), the shot a site gives ([`Shot`]) and a user's role
//! ([`Role`]).
//!
//! The API, the community ledger and the store all call these parsers, so a rule (a pick-up
//! window lies between 05:00 and 22:00) and its words exist once. A value of these types has
//! passed its parser: code that holds one need not check it again.

mod calendar;
mod clock;
mod people;
mod place;
mod text;

pub use calendar::{Day, Weekdays};
pub use clock::{ClockTime, Window};
pub use people::{Dose, Feature, Mobility, Role, Shot};
pub use place::{Point, PointErrors, parse_coordinate, parse_crs};
pub use text::{REQUIRED_TEXT_PATTERN, TEXT_PATTERN, check_text};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_shot_is_the_next_of_the_status_before_it() {
        for shot in Shot::ALL {
            assert_eq!(shot.before().next_shot(), Some(shot));
        }
    }

    /// The patterns the API document gives agree with the parsers.
    #[test]
    fn patterns_agree_with_parsers() {
        let day = regex::Regex::new(Day::PATTERN).unwrap();
        let mut d = 1_999 * 10_000;
        while d < 2_201 * 10_000 {
            for s in [
                format!("{:04}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100),
                format!("{:04}-{:02}-{:02} ", d / 10_000, d / 100 % 100, d % 100),
            ] {
                assert_eq!(day.is_match(&s), Day::parse(&s).is_ok(), "{s:?}");
            }
            d += 1;
        }
        let clock = regex::Regex::new(ClockTime::PATTERN).unwrap();
        let weekdays = regex::Regex::new(Weekdays::PATTERN).unwrap();
        for h in [
            "", "0", "00", "8", "08", "19", "23", "24", "25", "99", "+8", "008", "٨",
        ] {
            for m in ["", "0", "00", "05", "59", "60", "5"] {
                for sep in [":", "：", ".", ""] {
                    for pad in ["", " ", "\u{3000}"] {
                        let s = format!("{pad}{h}{sep}{m}{pad}");
                        assert_eq!(clock.is_match(&s), ClockTime::parse(&s).is_ok(), "{s:?}");
                    }
                }
            }
        }
        for s in ["1", "1234567", " 135 ", "", "0", "8", "12 3", "1,2", "١"] {
            assert_eq!(weekdays.is_match(s), Weekdays::parse(s).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn clock_times() {
        for (s, want) in [
            ("08:30", Some(8 * 3600 + 1800)),
            ("8:30", Some(8 * 3600 + 1800)),
            (" 09：05 ", Some(9 * 3600 + 300)),
            ("00:00", Some(0)),
            ("24:00", Some(86_400)),
            ("24:01", None),
            ("12:60", None),
            ("8:5", None),
            ("+8:30", None),
            ("0830", None),
            ("", None),
            ("123:00", None),
        ] {
            assert_eq!(
                ClockTime::parse(s).ok().map(ClockTime::seconds),
                want,
                "{s}"
            );
        }
        assert_eq!(ClockTime::parse("x").unwrap_err().code, "clock_time");
        assert_eq!(ClockTime::hm(7, 5).to_string(), "07:05");
    }

    #[test]
    fn windows() {
        let w = Window::parse("08:00", "10:00").unwrap();
        assert_eq!(w.seconds(), (8 * 3600, 10 * 3600));
        assert_eq!(w.to_string(), "08:00-10:00");
        assert_eq!(
            Window::parse("10:00", "10:00").unwrap_err().code,
            "window_empty"
        );
        assert_eq!(
            Window::parse("10:00", "ten").unwrap_err().code,
            "clock_time"
        );
        assert_eq!(
            Window::parse_range("09:00～11:30").unwrap(),
            Window::parse("9:00", "11:30").unwrap()
        );
        assert_eq!(
            Window::parse_range("0900").unwrap_err().code,
            "not_a_window"
        );
        assert_eq!(
            Window::parse_range("25:00-26:00").unwrap_err().code,
            "clock_time"
        );
        assert!(Window::parse("05:00", "22:00").unwrap().pickup().is_ok());
        let late = Window::parse("21:00", "22:30")
            .unwrap()
            .pickup()
            .unwrap_err();
        assert_eq!(late.code, "window_outside_day");
        assert_eq!(late.message, "must lie between 05:00 and 22:00");
        let json = serde_json::to_string(&w).unwrap();
        assert_eq!(json, "[28800,36000]");
        assert_eq!(serde_json::from_str::<Window>(&json).unwrap(), w);
        assert!(serde_json::from_str::<Window>("[36000,28800]").is_err());
        assert!(serde_json::from_str::<Window>("[-1,28800]").is_err());
    }

    /// A day's start and the day of a Unix time agree, across leap years and centuries.
    #[test]
    fn a_day_starts_where_its_unix_times_begin() {
        assert_eq!(Day::parse("2000-01-02").unwrap().start_unix(), 946_771_200);
        for t in [
            0i64,
            951_782_400,
            1_650_000_000,
            4_102_444_800,
            7_258_118_399,
        ] {
            let Some(d) = Day::from_unix(t) else { continue };
            let start = d.start_unix();
            assert!(start <= t && t < start + 86_400, "{t}: {}", d.as_str());
            assert_eq!(Day::from_unix(start), Some(d.clone()));
            assert_ne!(Day::from_unix(start - 1).as_ref(), Some(&d));
        }
    }

    #[test]
    fn weekdays_shots_roles() {
        let w = Weekdays::parse("531").unwrap();
        assert_eq!(w.to_string(), "135");
        assert!(w.contains(1) && !w.contains(2) && !w.contains(0) && !w.contains(8));
        for bad in ["", "8", "12a", "0", "1 2"] {
            assert_eq!(Weekdays::parse(bad).unwrap_err().code, "weekdays", "{bad}");
        }
        assert_eq!(Weekdays::EVERY_DAY.to_string(), "1234567");
        for s in Shot::ALL {
            assert_eq!(Shot::parse(s.code()), Ok(s));
        }
        assert_eq!(Shot::parse("fourth").unwrap_err().code, "unknown_shot");
        // Each shot due moves the status on by one, to the booster and no further.
        let mut dose = Dose::None;
        for want in [Dose::First, Dose::Full, Dose::Booster] {
            dose = dose.next_shot().expect("a shot is due").gives();
            assert_eq!(dose, want);
        }
        assert_eq!(dose.next_shot(), None);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Ok(r));
        }
        assert_eq!(Role::parse("root").unwrap_err().code, "unknown_role");
        assert!(serde_json::from_str::<Role>("\"root\"").is_err());
    }

    proptest! {
        #[test]
        fn clock_round_trips(h in 0i64..24, m in 0i64..60) {
            let t = ClockTime::hm(h, m);
            prop_assert_eq!(ClockTime::parse(&t.to_string()), Ok(t));
        }

        #[test]
        fn window_parse_agrees_with_order(a in 0i64..=1440, b in 0i64..=1440) {
            let (fa, fb) = (ClockTime::hm(a / 60, a % 60), ClockTime::hm(b / 60, b % 60));
            prop_assert_eq!(Window::new(fa, fb).is_ok(), a < b);
            if let Ok(w) = Window::parse_range(&format!("{fa}-{fb}")) {
                prop_assert_eq!(w.seconds(), (a * 60, b * 60));
            }
        }
    }
}
