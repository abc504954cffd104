//! The demo street office: its records and [`office`], which draws them in a fixed order from
//! one random stream (communities, elders, sites, fleet, bookings, users), so that the same
//! seed and anchors always give the same office.

pub(crate) mod bookings;
pub(crate) mod elders;
mod fleet;
mod sites;
mod users;

use rand::SeedableRng;
use rand::rngs::StdRng;
use vaxride_dispatch::model::{Day, Dose, Mobility, Point, Site, TimeOfDay, Vehicle};
use vaxride_dispatch::values::{Role, Window};

use crate::area::Area;
use crate::names::COMMUNITIES;

/// Seeds are mixed with this so that the roads and the office draw from different streams.
const OFFICE_SALT: u64 = 0x7a78_7269_6465_0002;

/// Hours and minutes as seconds since midnight.
pub(crate) const fn hm(h: i64, m: i64) -> TimeOfDay {
    h * 3600 + m * 60
}

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
    let centres = area.spread(COMMUNITIES.len(), &mut rng);
    let clusters = area.clusters(&centres);
    let communities: Vec<DemoCommunity> = COMMUNITIES
        .iter()
        .zip(&centres)
        .map(|(name, &c)| DemoCommunity {
            name: name.to_string(),
            centre: area.points[c],
        })
        .collect();
    let mut elders = elders::Elders::draw(&area, &clusters, &mut rng);
    let (sites, vans) = sites::draw(&area, &clusters, &communities, day, &mut rng);
    let (vehicles, drivers) = fleet::draw(&area, &mut elders.phones, &mut rng);
    let bookings = bookings::draw(&elders, &sites, &mut rng);
    let users = users::draw(&drivers, &mut rng);
    DemoOffice {
        district: "皇城街道".into(),
        communities,
        elders: elders.list,
        sites,
        vans,
        vehicles,
        drivers,
        bookings,
        users,
    }
}
