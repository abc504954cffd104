//! The sites: two fixed sites, two temporary community points, and the two vans' stops.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use vaxride_dispatch::model::{Day, Point, Site, SiteKind, TimeOfDay};
use vaxride_dispatch::values::{Shot, Weekdays};

use super::{DemoCommunity, hm};
use crate::area::Area;
use crate::names::{COMMUNITIES, POINT_COMMUNITIES};

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

/// The sites on `day` and the vans' names: each van tours three communities without a point.
pub(super) fn draw(
    area: &Area,
    clusters: &[Vec<usize>],
    communities: &[DemoCommunity],
    day: &Day,
    rng: &mut StdRng,
) -> (Vec<Site>, Vec<String>) {
    // Sites: two fixed, two community points, the vans' stops.
    let hub = area.nearest([0.0, 0.0]);
    let angle = rng.random_range(0.0..std::f64::consts::TAU);
    let plaza = area.nearest([1200.0 * angle.cos(), 1200.0 * angle.sin()]);
    let all_doses = Shot::ALL;
    let mut sites = vec![
        site(
            "皇城社区卫生服务中心".into(),
            SiteKind::Fixed,
            area.points[hub],
            (hm(8, 0), hm(17, 0)),
            rng.random_range(10..=12),
            &all_doses,
            None,
        ),
        site(
            "协信广场接种点（老年人绿色通道）".into(),
            SiteKind::Fixed,
            area.points[plaza],
            (hm(8, 0), hm(17, 0)),
            rng.random_range(8..=10),
            &all_doses,
            None,
        ),
    ];
    for &c in &POINT_COMMUNITIES {
        sites.push(site(
            format!("{}疫苗加油站", COMMUNITIES[c]),
            SiteKind::CommunityPoint,
            communities[c].centre,
            (hm(8, 30), hm(11, 30)),
            6,
            &[Shot::Second, Shot::Booster],
            None,
        ));
    }
    let vans = vec!["1号流动疫苗接种车".to_string(), "2号流动疫苗接种车".into()];
    let mut toured: Vec<usize> = (0..COMMUNITIES.len())
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
            let Some(&c) = toured.get(v * legs.len() + leg) else {
                continue;
            };
            let cluster = &clusters[c];
            let square = cluster[rng.random_range(0..cluster.len().min(12))];
            sites.push(site(
                format!("{van}·{}广场", COMMUNITIES[c]),
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
