//! A city district: several street offices side by side, each placed in its own region of the
//! anchors, each sized to its day's requests.

use rand::SeedableRng;
use rand::rngs::StdRng;
use vaxride_dispatch::model::{Day, Point};

use super::{DemoOffice, OfficeSize, draw};
use crate::area::Area;

/// Seeds are mixed with this for the sharing of the anchors among the offices.
const CITY_SALT: u64 = 0x7a78_7269_6465_0003;
/// Half the side of the square of anchors one office of a city takes, metres: the city's
/// square is this times the square root of the number of offices on a side (ten offices:
/// 6.3 km × 6.3 km, about the size of Shenyang's 沈河区 or 和平区 with their 10–13 street
/// offices).
const OFFICE_HALF_M: f64 = 1_000.0;

/// `offices` street offices (at least one), each of `size`, side by side among `anchors`.
///
/// The anchors within the city's square around the anchor nearest to their median (all of
/// them when that leaves too few) are shared out into one region per office: as many
/// centres spread over them as there are offices, each anchor to its nearest centre. Each
/// office is then drawn in its region as [`office`](super::office) draws the demo's
/// (communities, elders, sites, fleet, bookings, users), from a seed of its own, so the
/// offices' places never share an anchor. Office 0 has the demo's names and logins; office `k`
/// is the city's street office `k`, its logins prefixed with `o{k+1}-`.
///
/// One office is exactly the demo's placement: `city(seed, day, anchors, 1, OfficeSize::DEMO)`
/// is `[office(seed, day, anchors)]`.
pub fn city(
    seed: u64,
    day: &Day,
    anchors: &[Point],
    offices: usize,
    size: OfficeSize,
) -> Vec<DemoOffice> {
    if offices <= 1 {
        return vec![draw(seed, day, anchors, 0, size)];
    }
    regions(seed, anchors, offices)
        .iter()
        .enumerate()
        .map(|(k, region)| draw(office_seed(seed, k), day, region, k, size))
        .collect()
}

/// The anchors of each of `offices` (≥ 2) regions of the city: disjoint, none empty.
pub(crate) fn regions(seed: u64, anchors: &[Point], offices: usize) -> Vec<Vec<Point>> {
    let mut rng = StdRng::seed_from_u64(seed ^ CITY_SALT);
    let area = Area::around(anchors, OFFICE_HALF_M * (offices as f64).sqrt());
    let centres = area.spread(offices, &mut rng);
    area.clusters(&centres)
        .iter()
        .map(|region| region.iter().map(|&i| area.points[i]).collect())
        .collect()
}

/// Office `k`'s seed: the city's own for office 0.
fn office_seed(seed: u64, k: usize) -> u64 {
    seed.wrapping_add((k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}
