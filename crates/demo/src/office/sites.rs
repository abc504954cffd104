//! The sites: the fixed sites (two in the demo), two temporary community points, and the vans'
//! stops (two vans in the demo).

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use vaxride_dispatch::model::{Day, Point, Site, SiteKind, TimeOfDay};
use vaxride_dispatch::values::{Shot, Weekdays};

use super::{DemoCommunity, OfficeSize, hm};
use crate::area::Area;
use crate::names::{DISTRICTS, POINT_COMMUNITIES};

/// Places a day (slots × the booked share of their capacity, on average over the capacities
/// drawn) of a fixed site spread over the area: 18 half-hours × 0.8 × 8–12.
pub(super) const SPREAD_SITE_PLACES: usize = 137;

/// About how many places a day the sites offer with `fixed` fixed sites (at least the health
/// centre and the plaza), `stations` stations and `vans` vans: the health centre 150 (18 ×
/// 0.8 × 10–12), the plaza 126 (18 × 0.8 × 8–10), the others as spread, the two community
/// points 24 each (6 × 0.8 × 6), a station 72 (18 × 0.8 × 5–6), a van 48 (3 stops × 4 × 0.8
/// × 5).
pub(super) fn places(fixed: usize, stations: usize, vans: usize) -> usize {
    150 + 126
        + fixed.saturating_sub(2) * SPREAD_SITE_PLACES
        + POINT_COMMUNITIES.len() * 24
        + stations * 72
        + vans * 48
}

/// A site with the demo's slot rules.
fn site(
    name: String,
    kind: SiteKind,
    location: Point,
    hours: (TimeOfDay, TimeOfDay),
    capacity: i64,
    doses: &[Shot],
    day: Option<Day>,
) -> Site {
    Site {
        id: 0,
        name,
        kind,
        location,
        open_days: Weekdays::EVERY_DAY,
        open_from: hours.0,
        open_to: hours.1,
        slot_minutes: 30,
        capacity_per_slot: capacity,
        booked_share: 0.8,
        doses: doses.to_vec(),
        day,
    }
}

/// The sites on `day` and the vans' names: the fixed sites (the health centre in the middle,
/// a plaza 1.2 km away, any others spread over the area), the stations at their communities'
/// centres, a temporary point in each of two communities, and each van touring three
/// communities without a point.
pub(super) fn draw(
    area: &Area,
    clusters: &[Vec<usize>],
    communities: &[DemoCommunity],
    district: &str,
    size: OfficeSize,
    day: &Day,
    rng: &mut StdRng,
) -> (Vec<Site>, Vec<String>) {
    let short = district.trim_end_matches("街道");
    let hub = area.nearest([0.0, 0.0]);
    let angle = rng.random_range(0.0..std::f64::consts::TAU);
    let plaza = area.nearest([1200.0 * angle.cos(), 1200.0 * angle.sin()]);
    let plaza_name = if district == DISTRICTS[0] {
        "协信广场接种点（老年人绿色通道）".to_string()
    } else {
        format!("{short}文化广场接种点（老年人绿色通道）")
    };
    let all_doses = Shot::ALL;
    // A fixed site: open all day, every dose.
    let fixed = |name: String, location: Point, capacity: i64| {
        site(
            name,
            SiteKind::Fixed,
            location,
            (hm(8, 0), hm(17, 0)),
            capacity,
            &all_doses,
            None,
        )
    };
    let mut sites = vec![
        fixed(
            format!("{short}社区卫生服务中心"),
            area.points[hub],
            rng.random_range(10..=12),
        ),
        fixed(plaza_name, area.points[plaza], rng.random_range(8..=10)),
    ];
    // More fixed sites where people live: spread over the anchors like the communities.
    let others = size.fixed_sites.saturating_sub(2);
    let spread = if others > 0 {
        area.spread(others, rng)
    } else {
        Vec::new()
    };
    for (j, &at) in spread.iter().enumerate() {
        sites.push(fixed(
            format!("{short}{}号接种门诊", j + 1),
            area.points[at],
            rng.random_range(8..=12),
        ));
    }
    // A community health station (社区卫生服务站) in each of the first communities.
    for community in communities.iter().take(size.stations) {
        sites.push(fixed(
            format!("{}卫生服务站", community.name),
            community.centre,
            rng.random_range(5..=6),
        ));
    }
    for &c in &POINT_COMMUNITIES {
        sites.push(site(
            format!("{}疫苗加油站", communities[c].name),
            SiteKind::CommunityPoint,
            communities[c].centre,
            (hm(8, 30), hm(11, 30)),
            6,
            &[Shot::Second, Shot::Booster],
            None,
        ));
    }
    let vans: Vec<String> = (1..=size.vans)
        .map(|v| format!("{v}号流动疫苗接种车"))
        .collect();
    let mut toured: Vec<usize> = (0..communities.len())
        .filter(|c| !POINT_COMMUNITIES.contains(c))
        .collect();
    toured.shuffle(rng);
    let legs = [
        (hm(8, 0), hm(10, 0)),
        (hm(10, 30), hm(12, 30)),
        (hm(14, 0), hm(16, 0)),
    ];
    for (v, van) in vans.iter().enumerate() {
        for (leg, &hours) in legs.iter().enumerate() {
            // The first two vans share the toured communities out; later ones start a step
            // further on, so that no two vans stand in the same community at the same time
            // (up to as many vans as toured communities).
            let Some(&c) = toured.get((v * legs.len() + leg + v / 2) % toured.len().max(1)) else {
                continue;
            };
            let cluster = &clusters[c];
            let square = cluster[rng.random_range(0..cluster.len().min(12))];
            sites.push(site(
                format!("{van}·{}广场", communities[c].name),
                SiteKind::VanStop,
                area.points[square],
                hours,
                5,
                &all_doses,
                Some(day.clone()),
            ));
        }
    }
    (sites, vans)
}
