//! The elders of the eight communities, one community with an elderly-care institution.

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;

use super::DemoElder;
use crate::area::Area;
use crate::frame::nudge;
use crate::names::{ESTATES, STREETS, phone};
use crate::people::person;

/// Elders in the office.
pub(crate) const ELDERS: usize = 300;
/// Elders living in the elderly-care institution.
pub(crate) const INSTITUTION_ELDERS: usize = 8;
/// Largest offset of a home from its anchor, metres.
pub(crate) const HOME_OFFSET_M: f64 = 6.0;

/// The elders drawn, and what the later draws need of them.
pub(crate) struct Elders {
    /// Every elder, grouped by community.
    pub(super) list: Vec<DemoElder>,
    /// Indices of the institution's residents.
    pub(super) care_home: Vec<usize>,
    /// Phone numbers given out so far (drivers' numbers must differ).
    pub(super) phones: HashSet<String>,
}

impl Elders {
    /// `total` elders (the demo's [`ELDERS`]), about the same number in each of the
    /// communities `names` (sizes drawn around the mean), homes among the community's anchors;
    /// one community drawn to hold the institution.
    pub(super) fn draw(
        area: &Area,
        clusters: &[Vec<usize>],
        names: &[&str],
        total: usize,
        rng: &mut StdRng,
    ) -> Elders {
        let weights: Vec<f64> = (0..names.len())
            .map(|_| rng.random_range(0.75..1.25))
            .collect();
        let weight: f64 = weights.iter().sum();
        let mut counts: Vec<usize> = weights
            .iter()
            .map(|w| (total as f64 * w / weight) as usize)
            .collect();
        let short = total - counts.iter().sum::<usize>();
        for c in counts.iter_mut().take(short) {
            *c += 1;
        }
        let care_community = rng.random_range(0..names.len());
        let mut phones = HashSet::new();
        let mut elders = Vec::with_capacity(total);
        let mut care_home_elders = Vec::new();
        for (c, (&count, cluster)) in counts.iter().zip(clusters).enumerate() {
            let short_name = names[c].trim_end_matches("社区");
            let estates = [format!("{short_name}小区"), ESTATES[c].to_string()];
            let streets = [STREETS[2 * c], STREETS[2 * c + 1]];
            let reach = cluster.len().min((count * 4).max(30));
            let regular = if c == care_community {
                count.saturating_sub(INSTITUTION_ELDERS)
            } else {
                count
            };
            for _ in 0..regular {
                let p = person(rng, false);
                let anchor = cluster[rng.random_range(0..reach)];
                let floors = if p.high_floor_ok { 7 } else { 3 };
                let address = format!(
                    "{}{}号 {}{}号楼{}单元{}0{}室",
                    streets[rng.random_range(0..2)],
                    rng.random_range(1..=260),
                    estates[rng.random_range(0..2)],
                    rng.random_range(1..=24),
                    rng.random_range(1..=4),
                    rng.random_range(1..=floors),
                    rng.random_range(1..=3)
                );
                elders.push(DemoElder {
                    community: c,
                    name: p.name,
                    phone: phone(rng, &mut phones),
                    address,
                    home: nudge(area.points[anchor], HOME_OFFSET_M, rng),
                    mobility: p.mobility,
                    companions: p.companions,
                    dose: p.dose,
                    priority: p.priority,
                    notes: p.notes,
                });
            }
            if c == care_community {
                let anchor = cluster[rng.random_range(0..reach)];
                let address = format!(
                    "{}{}号 颐养家园养老院",
                    streets[0],
                    rng.random_range(1..=260)
                );
                let home = area.points[anchor];
                let desk = phone(rng, &mut phones);
                for _ in 0..count.min(INSTITUTION_ELDERS) {
                    let p = person(rng, true);
                    care_home_elders.push(elders.len());
                    elders.push(DemoElder {
                        community: c,
                        name: p.name,
                        // The institution's desk answers for its residents.
                        phone: desk.clone(),
                        address: address.clone(),
                        home,
                        mobility: p.mobility,
                        companions: p.companions,
                        dose: p.dose,
                        priority: p.priority,
                        notes: format!("{}；颐养家园养老院入住", p.notes),
                    });
                }
            }
        }
        Elders {
            list: elders,
            care_home: care_home_elders,
            phones,
        }
    }
}
