//! The elders: age, sex, name, mobility, dose, companions, priority and health notes.

use rand::Rng;
use rand::rngs::StdRng;
use vaxride_dispatch::model::{Dose, Mobility};

use crate::names::{ELDER_MEN, ELDER_WOMEN, family_name};

/// Chronic conditions that raise the priority.
pub(crate) const CONDITIONS: [&str; 6] = [
    "高血压",
    "糖尿病",
    "冠心病",
    "慢阻肺",
    "脑梗后遗症",
    "关节炎",
];

/// Everything an elder's record needs but the home and the address.
pub(crate) struct Person {
    pub(crate) name: String,
    pub(crate) mobility: Mobility,
    pub(crate) companions: i64,
    pub(crate) dose: Dose,
    pub(crate) priority: i64,
    pub(crate) notes: String,
    pub(crate) high_floor_ok: bool,
}

/// An elder 60–95 years old; `care_home` elders move less well and come alone.
pub(crate) fn person(rng: &mut StdRng, care_home: bool) -> Person {
    let woman = rng.random_bool(0.55);
    let given = if woman {
        ELDER_WOMEN[rng.random_range(0..ELDER_WOMEN.len())]
    } else {
        ELDER_MEN[rng.random_range(0..ELDER_MEN.len())]
    };
    let name = format!("{}{}", family_name(rng), given);
    let u: f64 = rng.random();
    let age = if care_home {
        rng.random_range(75..=95)
    } else {
        60 + (35.0 * u.powf(1.6)) as i64
    };
    let m: f64 = rng.random();
    let (walk, wheel) = if care_home {
        (0.55, 0.90)
    } else {
        (0.80, 0.95)
    };
    let mobility = if m < walk {
        Mobility::Walks
    } else if m < wheel {
        Mobility::Wheelchair
    } else {
        Mobility::Bedridden
    };
    let c: f64 = rng.random();
    let companions = if care_home || c < 0.70 {
        0
    } else if c < 0.94 {
        1
    } else {
        2
    };
    let d: f64 = rng.random();
    let dose = if d < 0.45 {
        Dose::None
    } else if d < 0.75 {
        Dose::First
    } else if d < 0.93 {
        Dose::Full
    } else {
        Dose::Booster
    };
    let mut conditions: Vec<&str> = Vec::new();
    let chronic = rng.random_bool(if age >= 75 { 0.45 } else { 0.3 });
    if chronic {
        conditions.push(CONDITIONS[rng.random_range(0..CONDITIONS.len())]);
    }
    let by_age = match age {
        ..65 => 1,
        65..72 => 2,
        72..80 => 3,
        80..87 => 4,
        _ => 5,
    };
    let risky = conditions.iter().any(|c| *c != "关节炎");
    let priority = (by_age + i64::from(risky)).min(5);
    let mut notes = vec![format!("{age}岁")];
    notes.extend(conditions.iter().map(|c| c.to_string()));
    match mobility {
        Mobility::Walks if age >= 85 => notes.push("行动需搀扶".into()),
        Mobility::Wheelchair => notes.push("轮椅出行".into()),
        Mobility::Bedridden => notes.push("长期卧床，需上门接种".into()),
        _ => {}
    }
    if rng.random_bool(0.08) {
        notes.push("听力较差，请大声说话".into());
    }
    Person {
        name,
        mobility,
        companions,
        dose,
        priority,
        notes: notes.join("；"),
        high_floor_ok: mobility == Mobility::Walks,
    }
}
