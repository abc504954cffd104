//! The campaign's progress, as a street office reports it every day (issue 16): per community,
//! how many elders are on the roster and how many still need a first dose, a second, a
//! booster; the shots given per day and site against what the site can give that day; and the
//! trend over the campaign. Pure: the store hands in the rows, the pages and the CSV export
//! read the figures.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ledger::Lang;
use crate::model::{Day, Dose, Site};
use crate::values::Shot;

/// An elder on the roster: their community and dose status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnRoster {
    /// Community id.
    pub community: i64,
    /// Dose status.
    pub dose: Dose,
}

/// A shot recorded in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    /// The day (`YYYY-MM-DD`).
    pub day: String,
    /// Where, if known.
    pub site: Option<i64>,
    /// Which shot.
    pub shot: Shot,
}

/// One community's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityFigures {
    /// Community id (0 for the whole area).
    pub community_id: i64,
    /// Its name.
    pub name: String,
    /// Elders on the roster.
    pub elders: u32,
    /// Not vaccinated: they need a first dose.
    pub none: u32,
    /// Had the first dose: they need the second.
    pub first: u32,
    /// Fully vaccinated: they may have a booster.
    pub full: u32,
    /// Had the booster.
    pub booster: u32,
    /// Share with at least the first dose (0–1; 0 for no elders).
    pub first_rate: f64,
    /// Share fully vaccinated, booster included.
    pub full_rate: f64,
    /// Share with the booster.
    pub booster_rate: f64,
}

impl CommunityFigures {
    fn new(community_id: i64, name: &str) -> Self {
        CommunityFigures {
            community_id,
            name: name.to_string(),
            elders: 0,
            none: 0,
            first: 0,
            full: 0,
            booster: 0,
            first_rate: 0.0,
            full_rate: 0.0,
            booster_rate: 0.0,
        }
    }

    fn count(&mut self, dose: Dose) {
        self.elders += 1;
        match dose {
            Dose::None => self.none += 1,
            Dose::First => self.first += 1,
            Dose::Full => self.full += 1,
            Dose::Booster => self.booster += 1,
        }
    }

    fn rates(mut self) -> Self {
        let share = |n: u32| {
            if self.elders == 0 {
                0.0
            } else {
                f64::from(n) / f64::from(self.elders)
            }
        };
        self.first_rate = share(self.elders - self.none);
        self.full_rate = share(self.full + self.booster);
        self.booster_rate = share(self.booster);
        self
    }
}

/// Shots given at one site on one day, against what it can give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteDay {
    /// The day.
    pub day: String,
    /// Site id (0: place not recorded).
    pub site_id: i64,
    /// Its name.
    pub site: String,
    /// Shots recorded.
    pub shots: u32,
    /// Shots the site can give that day (its slots × shots per slot; 0 when closed).
    pub capacity: u32,
}

/// One day of the campaign: the shots given, by shot, and the total since the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendDay {
    /// The day.
    pub day: String,
    /// First shots given that day.
    pub first: u32,
    /// Second shots.
    pub second: u32,
    /// Boosters.
    pub booster: u32,
    /// Shots given up to and including that day.
    pub total: u32,
}

/// The progress of an area (a district, or one community).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The whole area.
    pub total: CommunityFigures,
    /// Each community of the area, by name.
    pub communities: Vec<CommunityFigures>,
    /// Shots per day and site against capacity, for every day with a shot: each site open
    /// that day, and each place a shot was given.
    pub sites: Vec<SiteDay>,
    /// Shots per day over the campaign, oldest first.
    pub trend: Vec<TrendDay>,
}

/// The figures of an area: its communities (`(id, name)`), the elders on their roster, the
/// shots recorded for those elders, the district's sites (for names and capacity) and the names
/// of places no longer open (`retired`: sites closed since a shot was given there).
pub fn progress(
    communities: &[(i64, String)],
    elders: &[OnRoster],
    shots: &[Given],
    sites: &[Site],
    retired: &[(i64, String)],
) -> Progress {
    let mut total = CommunityFigures::new(0, "");
    let mut per: BTreeMap<i64, CommunityFigures> = communities
        .iter()
        .map(|(id, name)| (*id, CommunityFigures::new(*id, name)))
        .collect();
    for e in elders {
        total.count(e.dose);
        if let Some(c) = per.get_mut(&e.community) {
            c.count(e.dose);
        }
    }
    let mut communities: Vec<CommunityFigures> =
        per.into_values().map(CommunityFigures::rates).collect();
    communities.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then(a.community_id.cmp(&b.community_id))
    });

    let mut given: BTreeMap<(String, i64), u32> = BTreeMap::new();
    let mut daily: BTreeMap<String, [u32; 3]> = BTreeMap::new();
    for s in shots {
        *given
            .entry((s.day.clone(), s.site.unwrap_or(0)))
            .or_default() += 1;
        let i = match s.shot {
            Shot::First => 0,
            Shot::Second => 1,
            Shot::Booster => 2,
        };
        daily.entry(s.day.clone()).or_default()[i] += 1;
    }
    let mut rows = Vec::new();
    for day in daily.keys() {
        let parsed = Day::parse(day).ok();
        let mut seen = BTreeSet::new();
        for site in sites {
            let capacity = parsed.as_ref().map_or(0, |d| capacity(site, d));
            let shots = given.get(&(day.clone(), site.id)).copied().unwrap_or(0);
            if capacity > 0 || shots > 0 {
                seen.insert(site.id);
                rows.push(SiteDay {
                    day: day.clone(),
                    site_id: site.id,
                    site: site.name.clone(),
                    shots,
                    capacity,
                });
            }
        }
        // Shots at a place no longer listed (a site retired since), or not recorded.
        for ((_, id), &shots) in given.range((day.clone(), i64::MIN)..=(day.clone(), i64::MAX)) {
            if !seen.contains(id) {
                rows.push(SiteDay {
                    day: day.clone(),
                    site_id: *id,
                    site: retired
                        .iter()
                        .find(|(r, _)| r == id)
                        .map(|(_, name)| name.clone())
                        .unwrap_or_default(),
                    shots,
                    capacity: 0,
                });
            }
        }
    }
    let mut sum = 0;
    let trend = daily
        .into_iter()
        .map(|(day, [first, second, booster])| {
            sum += first + second + booster;
            TrendDay {
                day,
                first,
                second,
                booster,
                total: sum,
            }
        })
        .collect();
    Progress {
        total: total.rates(),
        communities,
        sites: rows,
        trend,
    }
}

/// The shots a site can give on `day`: every slot at its full capacity (walk-ins included).
pub fn capacity(site: &Site, day: &Day) -> u32 {
    let slots = site.slots(day).len() as u32;
    slots * u32::try_from(site.capacity_per_slot).unwrap_or(0)
}

/// Which table of the progress a CSV export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// One row per community, and the area's total last.
    Communities,
    /// One row per day and site.
    Sites,
}

/// The progress as CSV (LF line endings), with Chinese headers (and a UTF-8 byte-order mark
/// for Excel) or English ones. Rates are percentages with one decimal.
pub fn to_csv(progress: &Progress, table: Table, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let pct = |x: f64| format!("{:.1}", x * 100.0);
    // Writing into a Vec cannot fail.
    let mut row = |cells: Vec<String>| {
        let _ = w.write_record(&cells);
    };
    match table {
        Table::Communities => {
            let head: [&str; 10] = if zh {
                [
                    "社区",
                    "老人数",
                    "未接种",
                    "已打第一针",
                    "已全程",
                    "已加强",
                    "第一针覆盖率%",
                    "全程接种率%",
                    "加强针接种率%",
                    "社区编号",
                ]
            } else {
                [
                    "community",
                    "elders",
                    "none",
                    "first",
                    "full",
                    "booster",
                    "first_rate_pct",
                    "full_rate_pct",
                    "booster_rate_pct",
                    "community_id",
                ]
            };
            row(head.iter().map(|s| s.to_string()).collect());
            let all = if zh { "合计" } else { "total" };
            for c in progress.communities.iter().chain([&progress.total]) {
                let name = if c.community_id == 0 { all } else { &c.name };
                row(vec![
                    csv_text(name),
                    c.elders.to_string(),
                    c.none.to_string(),
                    c.first.to_string(),
                    c.full.to_string(),
                    c.booster.to_string(),
                    pct(c.first_rate),
                    pct(c.full_rate),
                    pct(c.booster_rate),
                    if c.community_id == 0 {
                        String::new()
                    } else {
                        c.community_id.to_string()
                    },
                ]);
            }
        }
        Table::Sites => {
            let head: [&str; 5] = if zh {
                ["日期", "接种点", "接种人数", "当日容量", "接种点编号"]
            } else {
                ["day", "site", "shots", "capacity", "site_id"]
            };
            row(head.iter().map(|s| s.to_string()).collect());
            for s in &progress.sites {
                row(vec![
                    s.day.clone(),
                    csv_text(&s.site),
                    s.shots.to_string(),
                    s.capacity.to_string(),
                    if s.site_id == 0 {
                        String::new()
                    } else {
                        s.site_id.to_string()
                    },
                ]);
            }
        }
    }
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    if zh { format!("\u{FEFF}{body}") } else { body }
}

/// A name as a spreadsheet cell: one that starts like a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return) is led by an apostrophe, so that opening the export runs nothing.
fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SiteKind;
    use crate::values::{Point, Weekdays};

    fn site(id: i64, name: &str, days: &str) -> Site {
        Site {
            id,
            name: name.into(),
            kind: SiteKind::Fixed,
            location: Point { lon: 0.0, lat: 0.0 },
            open_days: Weekdays::parse(days).unwrap(),
            open_from: 8 * 3600,
            open_to: 12 * 3600,
            slot_minutes: 60,
            capacity_per_slot: 10,
            booked_share: 0.5,
            doses: vec![Shot::First, Shot::Second, Shot::Booster],
            day: None,
        }
    }

    fn given(day: &str, site: Option<i64>, shot: Shot) -> Given {
        Given {
            day: day.into(),
            site,
            shot,
        }
    }

    #[test]
    fn the_figures_count_every_elder_once_and_every_shot_on_its_day_and_site() {
        let communities = vec![(2, "Xinhua".to_string()), (1, "Anle".to_string())];
        let e = |community, dose| OnRoster { community, dose };
        let elders = [
            e(1, Dose::None),
            e(1, Dose::First),
            e(1, Dose::Full),
            e(1, Dose::Booster),
            e(2, Dose::None),
        ];
        // 2026-12-07 is a Monday; site 2 opens on weekends only.
        let sites = [site(1, "Centre", "1234567"), site(2, "Weekend", "67")];
        let shots = [
            given("2026-12-07", Some(1), Shot::First),
            given("2026-12-07", Some(1), Shot::Second),
            given("2026-12-08", Some(9), Shot::Booster),
            given("2026-12-07", None, Shot::First),
        ];
        let p = progress(
            &communities,
            &elders,
            &shots,
            &sites,
            &[(9, "Old school".into())],
        );
        assert_eq!(
            p.communities
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["Anle", "Xinhua"]
        );
        let anle = &p.communities[0];
        assert_eq!(
            (anle.elders, anle.none, anle.first, anle.full, anle.booster),
            (4, 1, 1, 1, 1)
        );
        assert_eq!(
            (anle.first_rate, anle.full_rate, anle.booster_rate),
            (0.75, 0.5, 0.25)
        );
        assert_eq!(p.total.elders, 5);
        assert_eq!(p.total.none, 2);
        let rows: Vec<_> = p
            .sites
            .iter()
            .map(|s| {
                (
                    s.day.as_str(),
                    s.site_id,
                    s.site.as_str(),
                    s.shots,
                    s.capacity,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("2026-12-07", 1, "Centre", 2, 40),
                ("2026-12-07", 0, "", 1, 0),
                ("2026-12-08", 1, "Centre", 0, 40),
                ("2026-12-08", 9, "Old school", 1, 0),
            ]
        );
        let trend: Vec<_> = p
            .trend
            .iter()
            .map(|d| (d.day.as_str(), d.first, d.second, d.booster, d.total))
            .collect();
        assert_eq!(
            trend,
            [("2026-12-07", 2, 1, 0, 3), ("2026-12-08", 0, 0, 1, 4)]
        );
    }

    #[test]
    fn an_area_without_elders_has_rates_of_zero_not_nan() {
        let p = progress(&[(1, "Empty".into())], &[], &[], &[], &[]);
        assert_eq!(p.communities[0].first_rate, 0.0);
        assert_eq!(p.total.full_rate, 0.0);
        assert!(p.sites.is_empty() && p.trend.is_empty());
    }

    #[test]
    fn the_csv_reads_back_with_its_headers_and_runs_no_formula() {
        let p = progress(
            &[(1, "=SUM(A1)".into())],
            &[OnRoster {
                community: 1,
                dose: Dose::First,
            }],
            &[given("2026-12-07", Some(1), Shot::Second)],
            &[site(1, "Centre, east gate", "1234567")],
            &[],
        );
        let en = to_csv(&p, Table::Communities, Lang::En);
        assert_eq!(
            en,
            "community,elders,none,first,full,booster,first_rate_pct,full_rate_pct,booster_rate_pct,community_id\n\
             '=SUM(A1),1,0,1,0,0,100.0,0.0,0.0,1\n\
             total,1,0,1,0,0,100.0,0.0,0.0,\n"
        );
        let zh = to_csv(&p, Table::Sites, Lang::Zh);
        assert!(
            zh.starts_with("\u{FEFF}日期,接种点,接种人数,当日容量,接种点编号\n"),
            "{zh}"
        );
        assert!(
            zh.ends_with("2026-12-07,\"Centre, east gate\",1,40,1\n"),
            "{zh}"
        );
    }
}
