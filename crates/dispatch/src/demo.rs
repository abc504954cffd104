//! The demo street office the server seeds on first start: a small town's roads and a street
//! office with its communities, elders, sites, mobile vans, volunteer vehicles and drivers, a
//! day's bookings and the users of every role.
//!
//! Pure and deterministic: the same seed (and the same anchors) always gives the same office. No
//! I/O, no clock; randomness comes from [`StdRng`] seeded with the seed.
//!
//! Every generated location (homes, sites, vehicle starts, community centres) is one of the
//! given *anchors* or lies a few metres from one, so that it snaps to a road: for the built-in
//! town the anchors are its road nodes ([`road_anchors`] of [`town_roads`]); with a real extract
//! the server passes the nodes of that extract.
//!
//! The communities are those the two source articles name: 翠生, 西华, 平顺, 正义 and 帅府
//! (皇城街道, 沈河区, Shenyang), 富民 (南塔街道, Shenyang), and 红光太古山 and 京畿路 (金山街道,
//! Zhenjiang).

use std::collections::{HashMap, HashSet};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use vaxride_roadnet::CarProfile;
use vaxride_roadnet::osm::{CarWay, CarWays};

use crate::model::{Day, Dose, Mobility, Point, Site, SiteKind, TimeOfDay, Vehicle};
use crate::values::{Role, Shot, Weekdays, Window};

/// Centre of the built-in town, near Shenyang's old city (WGS-84).
pub const TOWN_CENTRE: Point = Point {
    lon: 123.43,
    lat: 41.80,
};

/// Street lines of the town's grid in each direction (26 blocks of [`BLOCK_M`]: 3.9 km).
const GRID: usize = 27;
/// Distance between parallel streets, metres.
const BLOCK_M: f64 = 150.0;
/// Largest displacement of a junction from its grid position, metres.
const JUNCTION_JITTER_M: f64 = 12.0;
/// Largest displacement of a mid-block shape node, metres.
const MID_JITTER_M: f64 = 5.0;
/// Share of residential blocks whose street segment is missing (a cul-de-sac, a school yard).
const REMOVED_SHARE: f64 = 0.08;
/// Metres per degree of latitude (spherical Earth).
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// Half the side of the square of anchors the office is placed in, metres.
const AREA_HALF_M: f64 = 2_200.0;
/// With fewer anchors than this in the square, all anchors are used.
const MIN_AREA_ANCHORS: usize = 30;
/// Elders in the office.
const ELDERS: usize = 300;
/// Elders living in the elderly-care institution.
const INSTITUTION_ELDERS: usize = 8;
/// Bookings for the demo day.
const BOOKINGS: usize = 220;
/// Largest offset of a home from its anchor, metres.
const HOME_OFFSET_M: f64 = 6.0;

/// Seeds are mixed with these so that roads and office draw from different streams.
const ROADS_SALT: u64 = 0x7a78_7269_6465_0001;
const OFFICE_SALT: u64 = 0x7a78_7269_6465_0002;

/// The communities named in the source articles (see the module documentation).
const COMMUNITIES: [&str; 8] = [
    "翠生社区",
    "西华社区",
    "平顺社区",
    "正义社区",
    "帅府社区",
    "富民社区",
    "红光太古山社区",
    "京畿路社区",
];

/// Communities that run a temporary vaccination point (疫苗加油站), by index.
const POINT_COMMUNITIES: [usize; 2] = [3, 4];

/// Street names for addresses, two per community.
const STREETS: [&str; 16] = [
    "正阳街",
    "朝阳街",
    "中街路",
    "北顺城路",
    "南顺城路",
    "东顺城街",
    "西顺城街",
    "大西路",
    "小西路",
    "小南街",
    "风雨坛街",
    "热闹路",
    "大南街",
    "北中街",
    "文艺路",
    "市府大路",
];

/// Housing estates, one per community besides the one named after it.
const ESTATES: [&str; 8] = [
    "和平里",
    "锦绣苑",
    "幸福家园",
    "新华小区",
    "光明里",
    "建设小区",
    "友谊小区",
    "春和苑",
];

/// Family names, the most frequent first.
const FAMILY: [&str; 60] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "肖", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "叶", "阎", "关", "佟", "白", "崔", "姜", "范", "田", "任", "石", "金",
];

/// Given names of women born in the 1930s–1960s.
const ELDER_WOMEN: [&str; 34] = [
    "秀英", "桂英", "秀兰", "玉兰", "桂兰", "淑珍", "凤兰", "玉珍", "秀珍", "淑兰", "桂芝", "素珍",
    "凤英", "玉梅", "淑华", "丽华", "玉华", "桂珍", "淑琴", "秀云", "凤琴", "玉芬", "秀芳", "淑贤",
    "翠兰", "金凤", "宝珍", "兰英", "桂荣", "玉霞", "敏", "英", "兰", "珍",
];

/// Given names of men born in the 1930s–1960s.
const ELDER_MEN: [&str; 34] = [
    "德明", "国庆", "建国", "志刚", "振华", "福生", "玉林", "长顺", "永和", "宝山", "德胜", "凤山",
    "文彬", "树林", "殿臣", "广田", "洪喜", "玉祥", "德福", "国栋", "春生", "景山", "庆林", "连生",
    "忠义", "成林", "保国", "学文", "世杰", "长林", "军", "林", "山", "海",
];

/// Given names of younger adults (drivers, community workers).
const YOUNGER: [&str; 36] = [
    "伟", "磊", "浩", "洋", "勇", "杰", "涛", "斌", "鹏", "超", "婷", "静", "丽", "娜", "晶", "颖",
    "丹", "晓东", "海涛", "志强", "丽娜", "春雨", "晓燕", "建华", "海波", "宏伟", "雪梅", "红梅",
    "晓光", "立新", "明辉", "佳怡", "思远", "文博", "欣悦", "俊峰",
];

/// Chronic conditions that raise the priority.
const CONDITIONS: [&str; 6] = [
    "高血压",
    "糖尿病",
    "冠心病",
    "慢阻肺",
    "脑梗后遗症",
    "关节炎",
];

/// Letters used on Chinese number plates (no I, no O).
const PLATE_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

/// A community of the demo office.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCommunity {
    /// Name, e.g. `翠生社区`.
    pub name: String,
    /// The community office: one of the anchors.
    pub centre: Point,
}

/// An elder in a community's ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoElder {
    /// Index into [`DemoOffice::communities`].
    pub community: usize,
    /// Full name (family name first).
    pub name: String,
    /// Phone number, 11 digits (fake).
    pub phone: String,
    /// Home address.
    pub address: String,
    /// Home: an anchor or a few metres from one.
    pub home: Point,
    /// How the elder moves.
    pub mobility: Mobility,
    /// Companions riding along (0–2).
    pub companions: i64,
    /// Vaccination status.
    pub dose: Dose,
    /// Priority 1–5, from the age and chronic conditions.
    pub priority: i64,
    /// Health notes (age, conditions): never shown to drivers.
    pub notes: String,
}

/// A volunteer driver and the vehicle they drive.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoDriver {
    /// Full name.
    pub name: String,
    /// Phone number, 11 digits (fake).
    pub phone: String,
    /// Index into [`DemoOffice::vehicles`].
    pub vehicle: usize,
}

/// A ride request for the demo day.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoBooking {
    /// Index into [`DemoOffice::elders`] (never a bedridden elder).
    pub elder: usize,
    /// Pick-up window.
    pub window: Window,
    /// Index into [`DemoOffice::sites`] when the elder asked for a site, else any site.
    pub site: Option<usize>,
    /// Whether a ride home is wanted.
    pub return_wanted: bool,
    /// Minutes at the site (queue, shot, observation).
    pub dwell_minutes: i64,
}

/// A login of the demo office.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoUser {
    /// Login name.
    pub username: String,
    /// Password (demo only).
    pub password: String,
    /// `admin`, `coordinator`, `secretary` or `driver`.
    pub role: Role,
    /// Name shown in the interface (Chinese).
    pub display_name: String,
    /// For a secretary: index into [`DemoOffice::communities`].
    pub community: Option<usize>,
    /// For a driver: index into [`DemoOffice::drivers`].
    pub driver: Option<usize>,
}

/// Everything the server seeds for the demo street office.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOffice {
    /// The street office (街道).
    pub district: String,
    /// Its communities.
    pub communities: Vec<DemoCommunity>,
    /// Elders over 60, grouped by community.
    pub elders: Vec<DemoElder>,
    /// Fixed sites, temporary community points and the vans' stops on the demo day (ids are 0:
    /// the store sets them). A van stop's name starts with its van's name.
    pub sites: Vec<Site>,
    /// Names of the mobile vaccination vans.
    pub vans: Vec<String>,
    /// Volunteer and partner vehicles (ids are 0).
    pub vehicles: Vec<Vehicle>,
    /// One driver per vehicle.
    pub drivers: Vec<DemoDriver>,
    /// Ride requests for the demo day.
    pub bookings: Vec<DemoBooking>,
    /// Logins: an admin, a coordinator, a secretary per community, a driver login per driver.
    pub users: Vec<DemoUser>,
}

/// A local flat projection around an origin, metres east (`x`) and north (`y`).
#[derive(Debug, Clone, Copy)]
struct Frame {
    origin: Point,
    m_per_deg_lon: f64,
}

impl Frame {
    fn new(origin: Point) -> Frame {
        Frame {
            origin,
            m_per_deg_lon: M_PER_DEG * origin.lat.to_radians().cos().max(1e-6),
        }
    }

    fn xy(&self, p: Point) -> [f64; 2] {
        [
            (p.lon - self.origin.lon) * self.m_per_deg_lon,
            (p.lat - self.origin.lat) * M_PER_DEG,
        ]
    }

    fn point(&self, xy: [f64; 2]) -> Point {
        Point {
            lon: self.origin.lon + xy[0] / self.m_per_deg_lon,
            lat: self.origin.lat + xy[1] / M_PER_DEG,
        }
    }
}

fn dist2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// `p` moved by at most `max_m` metres in a random direction.
fn nudge(p: Point, max_m: f64, rng: &mut StdRng) -> Point {
    let angle = rng.random_range(0.0..std::f64::consts::TAU);
    let r = rng.random_range(0.0..max_m);
    Frame::new(p).point([r * angle.cos(), r * angle.sin()])
}

/// One street of the town: its junctions in order and its tags.
struct Line {
    nodes: Vec<(usize, usize)>,
    tags: Vec<(&'static str, &'static str)>,
    /// Residential two-way street: segments may be missing, blocks get a mid-block node.
    minor: bool,
}

/// The car ways of a plausible small city around [`TOWN_CENTRE`], about 4 km × 4 km.
///
/// A grid of residential streets 150 m apart with jittered junctions, a mid-block node on each
/// residential block and about 8 % of residential blocks missing; two primary avenues crossing
/// in the centre, four secondary streets, a diagonal secondary avenue from the south-west to the
/// north-east corner, a tertiary ring along the edge and three one-way streets. Attributes come
/// from [`CarProfile::default`] for the tags such a way would carry in OpenStreetMap, so the
/// speeds are the ones a real extract would get. Node ids are positive; coordinates are WGS-84.
pub fn town_roads(seed: u64) -> CarWays {
    let mut rng = StdRng::seed_from_u64(seed ^ ROADS_SALT);
    let profile = CarProfile::default();
    let frame = Frame::new(TOWN_CENTRE);
    let n = GRID;
    let half = (n - 1) as f64 * BLOCK_M / 2.0;
    let junction_id = |(i, j): (usize, usize)| (1 + j * n + i) as i64;

    let mut xy = vec![[0.0; 2]; n * n];
    for j in 0..n {
        for i in 0..n {
            let jitter = |rng: &mut StdRng| rng.random_range(-JUNCTION_JITTER_M..JUNCTION_JITTER_M);
            xy[j * n + i] = [
                i as f64 * BLOCK_M - half + jitter(&mut rng),
                j as f64 * BLOCK_M - half + jitter(&mut rng),
            ];
        }
    }

    let street = |k: usize| -> (Vec<(&'static str, &'static str)>, bool) {
        match k {
            13 => (vec![("highway", "primary")], false),
            4 | 22 => (vec![("highway", "secondary")], false),
            0 | 26 => (vec![("highway", "tertiary")], false),
            _ => (vec![("highway", "residential")], true),
        }
    };
    let mut lines = Vec::new();
    for j in 0..n {
        let (mut tags, mut minor) = street(j);
        // Two one-way streets running in opposite directions (a couplet).
        if j == 9 || j == 17 {
            tags.push(("oneway", if j == 9 { "yes" } else { "-1" }));
            minor = false;
        }
        let nodes = (0..n).map(|i| (i, j)).collect();
        lines.push(Line { nodes, tags, minor });
    }
    for i in 0..n {
        let (mut tags, mut minor) = street(i);
        if i == 9 {
            tags.push(("oneway", "yes"));
            minor = false;
        }
        let nodes = (0..n).map(|j| (i, j)).collect();
        lines.push(Line { nodes, tags, minor });
    }
    lines.push(Line {
        nodes: (0..n).map(|k| (k, k)).collect(),
        tags: vec![("highway", "secondary")],
        minor: false,
    });

    // Missing blocks: never on a main or one-way street, never leaving a junction with fewer than
    // two roads.
    let mut degree = vec![0usize; n * n];
    for line in &lines {
        for w in line.nodes.windows(2) {
            degree[w[0].1 * n + w[0].0] += 1;
            degree[w[1].1 * n + w[1].0] += 1;
        }
    }
    let mut kept: Vec<Vec<bool>> = lines
        .iter()
        .map(|l| vec![true; l.nodes.len() - 1])
        .collect();
    for (line, keep) in lines.iter().zip(kept.iter_mut()) {
        if !line.minor {
            continue;
        }
        for (s, w) in line.nodes.windows(2).enumerate() {
            let (a, b) = (w[0].1 * n + w[0].0, w[1].1 * n + w[1].0);
            if rng.random_bool(REMOVED_SHARE) && degree[a] >= 3 && degree[b] >= 3 {
                keep[s] = false;
                degree[a] -= 1;
                degree[b] -= 1;
            }
        }
    }

    let mut coords = HashMap::new();
    for j in 0..n {
        for i in 0..n {
            let p = frame.point(xy[j * n + i]);
            coords.insert(junction_id((i, j)), (p.lon, p.lat));
        }
    }
    let mut ways = Vec::new();
    let mut next_mid = 100_001i64;
    for (line, keep) in lines.iter().zip(&kept) {
        let attrs = profile.way(&line.tags).expect("town streets are routable");
        let mut runs: Vec<Vec<i64>> = Vec::new();
        let mut refs: Vec<i64> = Vec::new();
        for (s, w) in line.nodes.windows(2).enumerate() {
            if !keep[s] {
                if refs.len() >= 2 {
                    runs.push(std::mem::take(&mut refs));
                }
                refs.clear();
                continue;
            }
            if refs.is_empty() {
                refs.push(junction_id(w[0]));
            }
            if line.minor {
                let (a, b) = (xy[w[0].1 * n + w[0].0], xy[w[1].1 * n + w[1].0]);
                let jitter = |rng: &mut StdRng| rng.random_range(-MID_JITTER_M..MID_JITTER_M);
                let mid = [
                    (a[0] + b[0]) / 2.0 + jitter(&mut rng),
                    (a[1] + b[1]) / 2.0 + jitter(&mut rng),
                ];
                let p = frame.point(mid);
                coords.insert(next_mid, (p.lon, p.lat));
                refs.push(next_mid);
                next_mid += 1;
            }
            refs.push(junction_id(w[1]));
        }
        if refs.len() >= 2 {
            runs.push(refs);
        }
        for refs in runs {
            ways.push(CarWay {
                id: ways.len() as i64 + 1,
                refs,
                attrs,
            });
        }
    }
    CarWays {
        ways_read: ways.len(),
        ways,
        coords,
        missing_refs: 0,
    }
}

/// The nodes used by `ways`, in ascending id order (deterministic, unlike the map): the anchors
/// to pass to [`office`] for a road network.
pub fn road_anchors(ways: &CarWays) -> Vec<Point> {
    let mut ids: Vec<i64> = ways
        .ways
        .iter()
        .flat_map(|w| w.refs.iter().copied())
        .filter(|r| ways.coords.contains_key(r))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.iter()
        .map(|r| {
            let (lon, lat) = ways.coords[r];
            Point { lon, lat }
        })
        .collect()
}

/// The anchors the office is placed among, in metres around the busiest spot.
struct Area {
    points: Vec<Point>,
    xy: Vec<[f64; 2]>,
}

impl Area {
    /// The anchors within [`AREA_HALF_M`] (east-west and north-south) of the anchor nearest to
    /// the median of all anchors; all anchors when that leaves too few. Invalid anchors are
    /// ignored; without any, [`TOWN_CENTRE`] is the only anchor.
    fn new(anchors: &[Point]) -> Area {
        let mut valid: Vec<Point> = anchors
            .iter()
            .copied()
            .filter(|p| {
                p.lon.is_finite()
                    && p.lat.is_finite()
                    && (-180.0..=180.0).contains(&p.lon)
                    && (-85.0..=85.0).contains(&p.lat)
            })
            .collect();
        if valid.is_empty() {
            valid.push(TOWN_CENTRE);
        }
        let median = |f: fn(&Point) -> f64| {
            let mut v: Vec<f64> = valid.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let rough = Frame::new(Point {
            lon: median(|p| p.lon),
            lat: median(|p| p.lat),
        });
        let hub = valid
            .iter()
            .map(|p| dist2(rough.xy(*p), [0.0, 0.0]))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(i, _)| i);
        let frame = Frame::new(valid[hub]);
        let near: Vec<Point> = valid
            .iter()
            .copied()
            .filter(|p| {
                let [x, y] = frame.xy(*p);
                x.abs() <= AREA_HALF_M && y.abs() <= AREA_HALF_M
            })
            .collect();
        let points = if near.len() >= MIN_AREA_ANCHORS {
            near
        } else {
            valid
        };
        let xy = points.iter().map(|p| frame.xy(*p)).collect();
        Area { points, xy }
    }

    /// The anchor nearest to a local position.
    fn nearest(&self, at: [f64; 2]) -> usize {
        self.xy
            .iter()
            .map(|p| dist2(*p, at))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(i, _)| i)
    }

    /// Index of the centre nearest to anchor `i` (the first on a tie).
    fn nearest_centre(&self, i: usize, centres: &[usize]) -> usize {
        centres
            .iter()
            .map(|&c| dist2(self.xy[i], self.xy[c]))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(0, |(k, _)| k)
    }

    /// `k` anchors spread over the area: farthest-point selection from a random start, then a
    /// few rounds of k-means with the centres kept on anchors.
    fn spread(&self, k: usize, rng: &mut StdRng) -> Vec<usize> {
        let mut centres = vec![rng.random_range(0..self.points.len())];
        let mut gap: Vec<f64> = self
            .xy
            .iter()
            .map(|p| dist2(*p, self.xy[centres[0]]))
            .collect();
        while centres.len() < k {
            let far = gap
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i);
            centres.push(far);
            for (g, p) in gap.iter_mut().zip(&self.xy) {
                *g = g.min(dist2(*p, self.xy[far]));
            }
        }
        for _ in 0..12 {
            let mut sums = vec![[0.0f64; 3]; k];
            for (i, p) in self.xy.iter().enumerate() {
                let c = self.nearest_centre(i, &centres);
                sums[c][0] += p[0];
                sums[c][1] += p[1];
                sums[c][2] += 1.0;
            }
            let moved: Vec<usize> = sums
                .iter()
                .zip(&centres)
                .map(|(s, &old)| {
                    if s[2] > 0.0 {
                        self.nearest([s[0] / s[2], s[1] / s[2]])
                    } else {
                        old
                    }
                })
                .collect();
            if moved == centres {
                break;
            }
            centres = moved;
        }
        centres
    }

    /// The anchors nearest to each centre, each list sorted by distance to its centre (never
    /// empty: a centre that wins no anchor keeps itself).
    fn clusters(&self, centres: &[usize]) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); centres.len()];
        for i in 0..self.points.len() {
            out[self.nearest_centre(i, centres)].push(i);
        }
        for (list, &c) in out.iter_mut().zip(centres) {
            if list.is_empty() {
                list.push(c);
            }
            let at = self.xy[c];
            list.sort_by(|a, b| {
                dist2(self.xy[*a], at)
                    .total_cmp(&dist2(self.xy[*b], at))
                    .then(a.cmp(b))
            });
        }
        out
    }
}

/// A family name, the frequent ones more often.
fn family_name(rng: &mut StdRng) -> &'static str {
    let u: f64 = rng.random();
    FAMILY[((u * u) * FAMILY.len() as f64) as usize % FAMILY.len()]
}

/// A fake mobile number, unique within `used`.
fn phone(rng: &mut StdRng, used: &mut HashSet<String>) -> String {
    const PREFIXES: [&str; 12] = [
        "130", "131", "133", "135", "136", "138", "139", "150", "152", "158", "186", "189",
    ];
    loop {
        let p = format!(
            "{}{:08}",
            PREFIXES[rng.random_range(0..PREFIXES.len())],
            rng.random_range(0..100_000_000u32)
        );
        if used.insert(p.clone()) {
            return p;
        }
    }
}

/// A younger adult's name (driver, community worker).
fn younger_name(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        family_name(rng),
        YOUNGER[rng.random_range(0..YOUNGER.len())]
    )
}

/// A plate of Shenyang (辽A).
fn plate(rng: &mut StdRng) -> String {
    let chars: String = (0..5)
        .map(|_| PLATE_CHARS[rng.random_range(0..PLATE_CHARS.len())] as char)
        .collect();
    format!("辽A·{chars}")
}

/// Hours and minutes as seconds since midnight.
const fn hm(h: i64, m: i64) -> TimeOfDay {
    h * 3600 + m * 60
}

/// Everything an elder's record needs but the home and the address.
struct Person {
    name: String,
    mobility: Mobility,
    companions: i64,
    dose: Dose,
    priority: i64,
    notes: String,
    high_floor_ok: bool,
}

/// An elder 60–95 years old; `care_home` elders move less well and come alone.
fn person(rng: &mut StdRng, care_home: bool) -> Person {
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

/// The demo street office on `day`, placed among `anchors` (see the module documentation).
///
/// About 300 elders in the eight communities of the source articles (eight of them in one
/// elderly-care institution), two fixed sites, two temporary community points, two vans with
/// three stops each on `day`, 25 vehicles with one driver each, about 220 bookings on `day` of
/// elders who can travel and still need a dose, and the users of every role. Only the anchors
/// within about 2.2 km of the anchor nearest to their median are used (all of them when that
/// leaves fewer than 30); an empty or invalid list falls back to [`TOWN_CENTRE`].
pub fn office(seed: u64, day: &Day, anchors: &[Point]) -> DemoOffice {
    let mut rng = StdRng::seed_from_u64(seed ^ OFFICE_SALT);
    let area = Area::new(anchors);
    let k = COMMUNITIES.len();
    let centres = area.spread(k, &mut rng);
    let clusters = area.clusters(&centres);
    let communities: Vec<DemoCommunity> = COMMUNITIES
        .iter()
        .zip(&centres)
        .map(|(name, &c)| DemoCommunity {
            name: name.to_string(),
            centre: area.points[c],
        })
        .collect();

    // Elders: community sizes around 300 / 8, one community with the care home.
    let weights: Vec<f64> = (0..k).map(|_| rng.random_range(0.75..1.25)).collect();
    let total: f64 = weights.iter().sum();
    let mut counts: Vec<usize> = weights
        .iter()
        .map(|w| (ELDERS as f64 * w / total) as usize)
        .collect();
    let short = ELDERS - counts.iter().sum::<usize>();
    for c in counts.iter_mut().take(short) {
        *c += 1;
    }
    let care_community = rng.random_range(0..k);
    let mut phones = HashSet::new();
    let mut elders = Vec::with_capacity(ELDERS);
    let mut care_home_elders = Vec::new();
    for (c, (&count, cluster)) in counts.iter().zip(&clusters).enumerate() {
        let short_name = COMMUNITIES[c].trim_end_matches("社区");
        let estates = [format!("{short_name}小区"), ESTATES[c].to_string()];
        let streets = [STREETS[2 * c], STREETS[2 * c + 1]];
        let reach = cluster.len().min((count * 4).max(30));
        let regular = if c == care_community {
            count.saturating_sub(INSTITUTION_ELDERS)
        } else {
            count
        };
        for _ in 0..regular {
            let p = person(&mut rng, false);
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
                phone: phone(&mut rng, &mut phones),
                address,
                home: nudge(area.points[anchor], HOME_OFFSET_M, &mut rng),
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
            let desk = phone(&mut rng, &mut phones);
            for _ in 0..count.min(INSTITUTION_ELDERS) {
                let p = person(&mut rng, true);
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
    let mut toured: Vec<usize> = (0..k).filter(|c| !POINT_COMMUNITIES.contains(c)).collect();
    toured.shuffle(&mut rng);
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

    // Vehicles and drivers.
    let morning = (hm(7, 30), hm(12, 30));
    let afternoon = (hm(13, 0), hm(18, 0));
    let full = (hm(7, 30), hm(17, 30));
    let mut vehicles = Vec::new();
    let mut drivers = Vec::new();
    for v in 0..25 {
        let (kind, seats, wheelchairs) = match v {
            0..4 => ("无障碍车", 5, 1),
            4..9 => ("合作单位七座车", 7, 0),
            _ => ("私家车", 4, 0),
        };
        let shift = match v {
            0 | 3 => full,
            1 => morning,
            2 => afternoon,
            _ => {
                let u: f64 = rng.random();
                if u < 0.4 {
                    morning
                } else if u < 0.7 {
                    afternoon
                } else {
                    full
                }
            }
        };
        let start = area.points[rng.random_range(0..area.points.len())];
        vehicles.push(Vehicle {
            id: 0,
            name: format!("{}（{kind}）", plate(&mut rng)),
            seats,
            wheelchairs,
            features: if wheelchairs > 0 {
                vec!["ramp".into()]
            } else {
                Vec::new()
            },
            shift_from: shift.0,
            shift_to: shift.1,
            start,
        });
        drivers.push(DemoDriver {
            name: younger_name(&mut rng),
            phone: phone(&mut rng, &mut phones),
            vehicle: v,
        });
    }

    // Bookings: the care home's residents together, then others at random.
    let can_book =
        |e: &DemoElder| e.mobility != Mobility::Bedridden && e.dose.next_shot().is_some();
    let mut chosen: Vec<usize> = care_home_elders
        .iter()
        .copied()
        .filter(|&i| can_book(&elders[i]))
        .collect();
    let mut others: Vec<usize> = (0..elders.len())
        .filter(|i| can_book(&elders[*i]) && !chosen.contains(i))
        .collect();
    others.shuffle(&mut rng);
    let room = BOOKINGS.saturating_sub(chosen.len());
    chosen.extend(others.into_iter().take(room));
    chosen.sort_unstable();
    let mut bookings = Vec::with_capacity(chosen.len());
    for i in chosen {
        let elder = &elders[i];
        let care_home = care_home_elders.contains(&i);
        let u: f64 = rng.random();
        let (from, to) = if care_home || u < 0.45 {
            (hm(8, 0), hm(11, 0))
        } else if u < 0.80 {
            (hm(13, 0), hm(16, 0))
        } else {
            let starts = [
                hm(8, 0),
                hm(8, 30),
                hm(9, 0),
                hm(9, 30),
                hm(10, 0),
                hm(13, 0),
                hm(13, 30),
                hm(14, 0),
                hm(14, 30),
                hm(15, 0),
            ];
            let s = starts[rng.random_range(0..starts.len())];
            (s, s + 3600)
        };
        let window = Window::try_from((from, to)).expect("the demo's windows are in order");
        let site = if care_home {
            Some(0)
        } else if rng.random_bool(0.15) {
            let fits: Vec<usize> = sites
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.gives(elder.dose)
                        && s.open_from <= window.from()
                        && s.open_to >= window.to() + 3600
                })
                .map(|(j, _)| j)
                .collect();
            (!fits.is_empty()).then(|| fits[rng.random_range(0..fits.len())])
        } else {
            None
        };
        bookings.push(DemoBooking {
            elder: i,
            window,
            site,
            return_wanted: rng.random_bool(0.85),
            dwell_minutes: 30 + 5 * rng.random_range(0..=3),
        });
    }

    // Users.
    let mut users = vec![
        DemoUser {
            username: "admin".into(),
            password: "admin-demo".into(),
            role: Role::Admin,
            display_name: "系统管理员".into(),
            community: None,
            driver: None,
        },
        DemoUser {
            username: "coordinator".into(),
            password: "coord-demo".into(),
            role: Role::Coordinator,
            display_name: format!("{}（皇城街道调度员）", younger_name(&mut rng)),
            community: None,
            driver: None,
        },
    ];
    for (c, name) in COMMUNITIES.iter().enumerate() {
        users.push(DemoUser {
            username: format!("sec-{}", c + 1),
            password: "sec-demo".into(),
            role: Role::Secretary,
            display_name: format!("{}（{name}书记）", younger_name(&mut rng)),
            community: Some(c),
            driver: None,
        });
    }
    for (d, driver) in drivers.iter().enumerate() {
        users.push(DemoUser {
            username: format!("driver-{}", d + 1),
            password: "driver-demo".into(),
            role: Role::Driver,
            display_name: driver.name.clone(),
            community: None,
            driver: Some(d),
        });
    }

    DemoOffice {
        district: "皇城街道".into(),
        communities,
        elders,
        sites,
        vans,
        vehicles,
        drivers,
        bookings,
        users,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaxride_roadnet::snap::haversine_m;
    use vaxride_roadnet::{DEFAULT_MAX_SNAP_M, RoadNetwork};

    fn day() -> Day {
        Day::parse("2022-04-18").expect("a date")
    }

    fn town_office(seed: u64) -> (CarWays, Vec<Point>, DemoOffice) {
        let roads = town_roads(seed);
        let anchors = road_anchors(&roads);
        let office = office(seed, &day(), &anchors);
        (roads, anchors, office)
    }

    fn metres(a: Point, b: Point) -> f64 {
        haversine_m([a.lon, a.lat], [b.lon, b.lat])
    }

    fn near_anchor(p: Point, anchors: &[Point]) -> f64 {
        anchors
            .iter()
            .map(|a| metres(p, *a))
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn demo_roads_are_deterministic() {
        let (a, b, c) = (town_roads(7), town_roads(7), town_roads(8));
        assert_eq!(format!("{:?}", a.ways), format!("{:?}", b.ways));
        assert_eq!(road_anchors(&a), road_anchors(&b));
        assert_ne!(road_anchors(&a), road_anchors(&c));
    }

    #[test]
    fn demo_roads_cover_a_small_city_with_faster_arterials_and_one_way_streets() {
        let roads = town_roads(1);
        let anchors = road_anchors(&roads);
        assert!((1500..4000).contains(&anchors.len()), "{}", anchors.len());
        let (lon, lat): (Vec<f64>, Vec<f64>) = anchors.iter().map(|p| (p.lon, p.lat)).unzip();
        let span = |v: &[f64]| {
            v.iter().copied().fold(f64::MIN, f64::max) - v.iter().copied().fold(f64::MAX, f64::min)
        };
        let width = span(&lon) * M_PER_DEG * TOWN_CENTRE.lat.to_radians().cos();
        let height = span(&lat) * M_PER_DEG;
        assert!((3700.0..4200.0).contains(&width), "{width}");
        assert!((3700.0..4200.0).contains(&height), "{height}");
        let speed = |class: &str| {
            roads
                .ways
                .iter()
                .find(|w| w.attrs.class.as_str() == class)
                .map(|w| w.attrs.speed_kmh)
                .expect("class present")
        };
        assert!(speed("primary") > speed("secondary"));
        assert!(speed("secondary") > speed("residential"));
        let oneway = roads
            .ways
            .iter()
            .filter(|w| w.attrs.forward != w.attrs.backward)
            .count();
        assert_eq!(oneway, 3);
    }

    #[test]
    fn demo_roads_build_a_strongly_connected_network() {
        let roads = town_roads(42);
        let net = RoadNetwork::from_car_ways(&roads).expect("a network");
        let r = net.report();
        let share = r.nodes as f64 / (r.nodes + r.dropped_nodes) as f64;
        assert!(share >= 0.95, "{r:?}");
        let mut rng = StdRng::seed_from_u64(3);
        let points: Vec<_> = (0..20)
            .map(|_| {
                let [lon, lat] = net
                    .graph()
                    .node(rng.random_range(0..net.graph().node_count() as u32));
                net.snap(lon, lat, DEFAULT_MAX_SNAP_M).expect("snaps")
            })
            .collect();
        let m = net.matrix(&points, &points);
        for i in 0..20 {
            for j in 0..20 {
                assert!(m.duration_s(i, j).is_some(), "{i} -> {j}");
            }
        }
        // The office's places snap to roads close by.
        let office = office(42, &day(), &road_anchors(&roads));
        let places = office
            .elders
            .iter()
            .map(|e| e.home)
            .chain(office.sites.iter().map(|s| s.location))
            .chain(office.vehicles.iter().map(|v| v.start));
        for p in places {
            let s = net.snap(p.lon, p.lat, DEFAULT_MAX_SNAP_M).expect("snaps");
            assert!(s.snap_m < 50.0, "{p:?} {}", s.snap_m);
        }
    }

    #[test]
    fn demo_office_is_deterministic() {
        let (_, anchors, a) = town_office(5);
        assert_eq!(a, office(5, &day(), &anchors));
        assert_eq!(
            format!("{a:?}"),
            format!("{:?}", office(5, &day(), &anchors))
        );
        assert_ne!(a, office(6, &day(), &anchors));
    }

    #[test]
    fn demo_office_counts_are_in_range() {
        for seed in [1, 2, 3] {
            let (_, _, o) = town_office(seed);
            assert_eq!(o.communities.len(), COMMUNITIES.len());
            assert_eq!(o.communities[0].name, "翠生社区");
            assert_eq!(o.elders.len(), ELDERS);
            for c in 0..o.communities.len() {
                let n = o.elders.iter().filter(|e| e.community == c).count();
                assert!((20..60).contains(&n), "community {c}: {n}");
            }
            let share = |m: Mobility| {
                o.elders.iter().filter(|e| e.mobility == m).count() as f64 / ELDERS as f64
            };
            assert!((0.70..0.90).contains(&share(Mobility::Walks)));
            assert!((0.08..0.25).contains(&share(Mobility::Wheelchair)));
            assert!((0.01..0.10).contains(&share(Mobility::Bedridden)));
            assert!(o.elders.iter().all(|e| (1..=5).contains(&e.priority)));
            assert!(o.elders.iter().all(|e| (0..=2).contains(&e.companions)));
            assert!(
                o.elders
                    .iter()
                    .all(|e| e.phone.len() == 11 && e.phone.starts_with('1'))
            );
            let care_home = o
                .elders
                .iter()
                .filter(|e| e.address.contains("养老院"))
                .collect::<Vec<_>>();
            assert_eq!(care_home.len(), INSTITUTION_ELDERS);
            assert!(care_home.iter().all(|e| e.home == care_home[0].home));
            let kinds = |k: SiteKind| o.sites.iter().filter(|s| s.kind == k).count();
            assert_eq!(
                (
                    kinds(SiteKind::Fixed),
                    kinds(SiteKind::CommunityPoint),
                    kinds(SiteKind::VanStop)
                ),
                (2, 2, 6)
            );
            for s in &o.sites {
                assert_eq!(s.id, 0);
                assert!((5..=12).contains(&s.capacity_per_slot));
                assert!(!s.slots(&day()).is_empty(), "{}", s.name);
                if s.kind == SiteKind::VanStop {
                    assert_eq!(s.day, Some(day()));
                    assert!(o.vans.iter().any(|v| s.name.starts_with(v.as_str())));
                }
            }
            assert_eq!(o.vans.len(), 2);
            assert_eq!(o.vehicles.len(), 25);
            assert_eq!(
                o.vehicles
                    .iter()
                    .filter(|v| v.wheelchairs == 1 && v.features == ["ramp"])
                    .count(),
                4
            );
            assert!(o.vehicles.iter().all(|v| v.shift_from < v.shift_to));
            assert_eq!(o.drivers.len(), o.vehicles.len());
            assert!(o.drivers.iter().enumerate().all(|(i, d)| d.vehicle == i));
            assert!(
                (200..=BOOKINGS).contains(&o.bookings.len()),
                "{}",
                o.bookings.len()
            );
            let returns = o.bookings.iter().filter(|b| b.return_wanted).count() as f64;
            assert!((0.75..0.95).contains(&(returns / o.bookings.len() as f64)));
            assert_eq!(o.users.len(), 2 + o.communities.len() + o.drivers.len());
        }
    }

    #[test]
    fn demo_locations_are_at_anchors() {
        let (_, anchors, o) = town_office(9);
        let places = o
            .communities
            .iter()
            .map(|c| c.centre)
            .chain(o.elders.iter().map(|e| e.home))
            .chain(o.sites.iter().map(|s| s.location))
            .chain(o.vehicles.iter().map(|v| v.start));
        for p in places {
            assert!(near_anchor(p, &anchors) <= 10.0, "{p:?}");
        }
        // Communities are spread: no two centres closer than 500 m.
        for (i, a) in o.communities.iter().enumerate() {
            for b in &o.communities[i + 1..] {
                assert!(metres(a.centre, b.centre) > 500.0, "{} {}", a.name, b.name);
            }
        }
    }

    #[test]
    fn demo_bookings_fit_their_elders_and_sites() {
        let (_, _, o) = town_office(11);
        let mut seen = HashSet::new();
        for b in &o.bookings {
            assert!(seen.insert(b.elder), "elder {} twice", b.elder);
            let e = &o.elders[b.elder];
            assert_ne!(e.mobility, Mobility::Bedridden);
            assert!(e.dose.next_shot().is_some());
            assert!(b.window.from() >= hm(8, 0) && b.window.to() <= hm(16, 0));
            assert!((30..=45).contains(&b.dwell_minutes));
            if let Some(s) = b.site {
                let site = &o.sites[s];
                assert!(site.gives(e.dose), "{} {:?}", site.name, e.dose);
                assert!(site.open_from <= b.window.from() && site.open_to > b.window.to());
            }
        }
        assert!(o.bookings.iter().any(|b| b.site.is_some()));
    }

    #[test]
    fn demo_users_have_every_role() {
        let (_, _, o) = town_office(2);
        let find = |u: &str| o.users.iter().find(|x| x.username == u).expect(u);
        assert_eq!(
            (find("admin").role, find("admin").password.as_str()),
            (Role::Admin, "admin-demo")
        );
        assert_eq!(find("coordinator").password, "coord-demo");
        let sec = find("sec-3");
        assert_eq!(
            (sec.role, sec.community, sec.password.as_str()),
            (Role::Secretary, Some(2), "sec-demo")
        );
        let drv = find("driver-25");
        assert_eq!(
            (drv.role, drv.driver, drv.password.as_str()),
            (Role::Driver, Some(24), "driver-demo")
        );
        assert!(o.users.iter().all(|u| !u.display_name.is_ascii()));
    }

    #[test]
    fn a_large_extract_is_cut_to_a_street_office() {
        // Anchors over 30 km × 30 km: the office stays within a few kilometres.
        let mut rng = StdRng::seed_from_u64(1);
        let frame = Frame::new(TOWN_CENTRE);
        let anchors: Vec<Point> = (0..20_000)
            .map(|_| {
                frame.point([
                    rng.random_range(-15_000.0..15_000.0),
                    rng.random_range(-15_000.0..15_000.0),
                ])
            })
            .collect();
        let o = office(1, &day(), &anchors);
        let hub = o.sites[0].location;
        for e in &o.elders {
            assert!(metres(e.home, hub) < 3_300.0);
        }
        // Degenerate inputs still give an office.
        let lonely = office(1, &day(), &[]);
        assert_eq!(lonely.elders.len(), ELDERS);
        assert!(metres(lonely.elders[0].home, TOWN_CENTRE) <= HOME_OFFSET_M + 0.1);
        let nan = Point {
            lon: f64::NAN,
            lat: 1.0,
        };
        assert_eq!(office(1, &day(), &[nan]).communities[0].centre, TOWN_CENTRE);
    }
}
