//! What vaxride knows of people: how an elder moves, their vaccination status, the shot they
//! need next, and a user's role.

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::problems;

/// How an elder moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mobility {
    /// Walks, with help: takes a seat.
    Walks,
    /// Travels in a wheelchair: takes a wheelchair place and needs a vehicle with a ramp.
    Wheelchair,
    /// Cannot travel: gets a home visit, never a ride.
    Bedridden,
}

impl Mobility {
    /// Every value, in order.
    pub const ALL: [Mobility; 3] = [Mobility::Walks, Mobility::Wheelchair, Mobility::Bedridden];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Mobility::Walks => "walks",
            Mobility::Wheelchair => "wheelchair",
            Mobility::Bedridden => "bedridden",
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<Mobility> {
        Mobility::ALL.into_iter().find(|m| m.code() == s)
    }
}

/// Vaccination status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dose {
    /// Not vaccinated: needs a first dose.
    None,
    /// One dose: needs the second.
    First,
    /// Fully vaccinated: may get a booster.
    Full,
    /// Booster given.
    Booster,
}

impl Dose {
    /// Every value, in order.
    pub const ALL: [Dose; 4] = [Dose::None, Dose::First, Dose::Full, Dose::Booster];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Dose::None => "none",
            Dose::First => "first",
            Dose::Full => "full",
            Dose::Booster => "booster",
        }
    }
    /// From the stored code.
    pub fn from_code(s: &str) -> Option<Dose> {
        Dose::ALL.into_iter().find(|d| d.code() == s)
    }
    /// The shot this elder would get next, if any.
    pub fn next_shot(self) -> Option<Shot> {
        match self {
            Dose::None => Some(Shot::First),
            Dose::First => Some(Shot::Second),
            Dose::Full => Some(Shot::Booster),
            Dose::Booster => None,
        }
    }

    /// Parses a vaccination status: its code, the words of the interface in either language,
    /// or the words a community ledger uses (`未接种`, `第一针`, `已全程`, `加强针`, …); case
    /// and spaces do not matter. A shot's name alone is the shot the elder has had (`第二针`:
    /// two doses, the full course); with `需`/`待`/`needs` it is the shot still to come
    /// (`需第二针`: one dose so far) — the words a site's dose is given in read the same.
    pub fn parse(s: &str) -> Result<Dose, Problem> {
        let key: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let needs = ["需要", "需打", "需", "待打", "待", "要打", "needs", "need"]
            .iter()
            .find_map(|p| key.strip_prefix(p));
        if let Some(shot) = needs {
            return match shot {
                "第一针" | "一针" | "first" | "firstdose" => Ok(Dose::None),
                "第二针" | "二针" | "second" | "seconddose" => Ok(Dose::First),
                "加强针" | "booster" => Ok(Dose::Full),
                _ => Err(problems::not_a_dose(s.trim())),
            };
        }
        match key.as_str() {
            "none" | "未接种" | "没打" | "未打" | "0针" | "零针" | "notvaccinated" => {
                Ok(Dose::None)
            }
            "first" | "第一针" | "已接种第一针" | "已打第一针" | "已打一针" | "一针" | "1针"
            | "已接种1针" | "firstdose" => Ok(Dose::First),
            "full" | "已全程" | "全程" | "全程接种" | "已全程接种" | "已接种两针" | "已打两针"
            | "两针" | "二针" | "2针" | "第二针" | "已打第二针" | "已接种第二针" | "second"
            | "seconddose" | "fullyvaccinated" => Ok(Dose::Full),
            "booster" | "加强针" | "已加强" | "已接种加强针" | "已打加强针" | "三针" | "3针" => {
                Ok(Dose::Booster)
            }
            _ => Err(problems::not_a_dose(s.trim())),
        }
    }
}

/// What a vehicle has for elders who cannot climb in: a fixed list, so that every page names
/// each in its own language and the planning knows what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// A ramp or lift for a wheelchair: a wheelchair user rides only in a vehicle with one.
    Ramp,
    /// A low step or a step stool: easier for elders who walk with difficulty.
    LowStep,
}

impl Feature {
    /// Every feature, in order.
    pub const ALL: [Feature; 2] = [Feature::Ramp, Feature::LowStep];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Feature::Ramp => "ramp",
            Feature::LowStep => "low_step",
        }
    }

    /// From its code: `ramp` or `low_step`.
    pub fn parse(s: &str) -> Result<Feature, Problem> {
        Feature::ALL
            .into_iter()
            .find(|f| f.code() == s.trim())
            .ok_or_else(|| problems::unknown_feature(s.trim()))
    }
}

/// Which shot: what a site gives, and what an elder needs next
/// ([`Dose::next_shot`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Shot {
    /// The first dose.
    First,
    /// The second dose.
    Second,
    /// A booster.
    Booster,
}

impl Shot {
    /// Every shot, in order.
    pub const ALL: [Shot; 3] = [Shot::First, Shot::Second, Shot::Booster];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Shot::First => "first",
            Shot::Second => "second",
            Shot::Booster => "booster",
        }
    }

    /// The vaccination status once this shot is given: a first dose, the full course, a
    /// booster.
    pub fn gives(self) -> Dose {
        match self {
            Shot::First => Dose::First,
            Shot::Second => Dose::Full,
            Shot::Booster => Dose::Booster,
        }
    }

    /// The vaccination status before this shot: the one whose next shot it is.
    pub fn before(self) -> Dose {
        match self {
            Shot::First => Dose::None,
            Shot::Second => Dose::First,
            Shot::Booster => Dose::Full,
        }
    }

    /// From its code: `first`, `second` or `booster`.
    pub fn parse(s: &str) -> Result<Shot, Problem> {
        Shot::ALL
            .into_iter()
            .find(|d| d.code() == s.trim())
            .ok_or_else(|| problems::unknown_shot(s.trim()))
    }
}

impl TryFrom<String> for Shot {
    type Error = Problem;
    fn try_from(s: String) -> Result<Shot, Problem> {
        Shot::parse(&s)
    }
}

impl From<Shot> for &'static str {
    fn from(s: Shot) -> &'static str {
        s.code()
    }
}

/// Who a user is to vaxride.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Role {
    /// Everything.
    Admin,
    /// A street office's coordinator: sites, fleet, planning.
    Coordinator,
    /// A community's secretary: elders and bookings of that community.
    Secretary,
    /// A volunteer driver: their own trips.
    Driver,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Coordinator,
        Role::Secretary,
        Role::Driver,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Secretary => "secretary",
            Role::Driver => "driver",
        }
    }

    /// From its code (`admin`, `coordinator`, `secretary`, `driver`).
    pub fn parse(s: &str) -> Result<Role, Problem> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s.trim())
            .ok_or_else(|| problems::unknown_role(s.trim()))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Role {
    type Error = Problem;
    fn try_from(s: String) -> Result<Role, Problem> {
        Role::parse(&s)
    }
}

impl From<Role> for &'static str {
    fn from(r: Role) -> &'static str {
        r.code()
    }
}
