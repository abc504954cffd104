//! The demo street office: its records and [`office`], which draws them in a fixed order from
//! one random stream (communities, elders, sites, fleet, bookings, users), so that the same
//! seed and anchors always give the same office; [`OfficeSize`] scales an office to a day's
//! requests, and [`city`] places several offices side by side.

pub(crate) mod bookings;
pub(crate) mod city;
pub(crate) mod elders;
mod fleet;
mod sites;
mod users;

pub use city::city;

use rand::SeedableRng;
use rand::rngs::StdRng;
use vaxride_dispatch::model::{Day, Dose, Mobility, Point, Site, TimeOfDay, Vehicle};
use vaxride_dispatch::values::{Role, Window};
use vaxride_roadnet::Gazetteer;

use crate::area::Area;
use crate::names;

/// Seeds are mixed with this so that the roads and the office draw from different streams.
const OFFICE_SALT: u64 = 0x7a78_7269_6465_0002;
/// And with this for the home-visit teams and their visits.
const VISIT_SALT: u64 = 0x7a78_7269_6465_0003;

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
    /// Index into [`DemoOffice::elders`] (a bedridden elder's booking is a home visit).
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
    /// Volunteer and partner vehicles, then the home-visit teams (ids are 0).
    pub vehicles: Vec<Vehicle>,
    /// One driver per vehicle.
    pub drivers: Vec<DemoDriver>,
    /// Ride requests for the demo day, then home visits.
    pub bookings: Vec<DemoBooking>,
    /// Logins: an admin (the demo's own office only), a coordinator, a secretary per community,
    /// a driver login per driver.
    pub users: Vec<DemoUser>,
}

/// Farthest a home may be from the house whose number it takes, metres.
pub const HOUSE_MATCH_M: f64 = 40.0;

impl DemoOffice {
    /// Gives each elder the street and number of the nearest numbered house within
    /// [`HOUSE_MATCH_M`] of their home (the part of the address before the estate), where the
    /// network has numbered houses: the demo town numbers all of them, a real extract those it
    /// has. An elder with no house near keeps the drawn street and number.
    pub fn address_homes(&mut self, places: &Gazetteer) {
        for e in &mut self.elders {
            if let Some((house, _)) = places.address_at(e.home.lon, e.home.lat, HOUSE_MATCH_M) {
                let rest = e.address.split_once(' ').map_or("", |(_, rest)| rest);
                e.address = if rest.is_empty() {
                    house.label.clone()
                } else {
                    format!("{} {rest}", house.label)
                };
            }
        }
    }
}

/// How big a street office is: the demo's own size, or one scaled to a day's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeSize {
    /// Elders in the ledger.
    pub elders: usize,
    /// Bookings on the day (fewer only when too few elders can travel and need a dose).
    pub bookings: usize,
    /// Vehicles, one driver each.
    pub vehicles: usize,
    /// Fixed sites open all day: the health centre in the middle, a plaza, and any more spread
    /// over the area (at least the first two).
    pub fixed_sites: usize,
    /// Community health stations (社区卫生服务站, small, open all day), one in each of as many
    /// communities (at most eight).
    pub stations: usize,
    /// Mobile vaccination vans, three stops each on the day.
    pub vans: usize,
    /// Home-visit teams, each booked for up to eight bedridden elders' visits on the day.
    pub teams: usize,
}

impl OfficeSize {
    /// The demo office: 300 elders, 220 ride bookings, 25 vehicles, two fixed sites, no
    /// station, two vans, one home-visit team.
    pub const DEMO: OfficeSize = OfficeSize {
        elders: elders::ELDERS,
        bookings: bookings::BOOKINGS,
        vehicles: fleet::VEHICLES,
        fixed_sites: 2,
        stations: 0,
        vans: 2,
        teams: 1,
    };

    /// An office sized for `requests` bookings (at least 1): elders `requests / 0.7` (about
    /// nine in ten can travel and still need a dose, so the bookings are a choice among them);
    /// a vehicle per 8 requests (the 500-request, 60-vehicle day of the solver's benchmark;
    /// the demo has one per 8.8); a van per 250 requests (at least two); a health station in
    /// every community; and as many fixed sites as it takes for the slots to offer about 1.9
    /// places per request, as the demo's do (420 for 220).
    ///
    /// The stations are what keeps a larger office servable: an elder is offered the four
    /// nearest sites that give the dose, open or not at the time asked for, and in a dense
    /// office without them those four are often the community points and van stops of the
    /// morning (measured on Heidelberg's roads: up to 28 of 500 bookings left without an open
    /// slot; with a station in each community, none). No home-visit team: the benchmarks'
    /// days are rides.
    pub fn for_requests(requests: usize) -> OfficeSize {
        let requests = requests.max(1);
        let vans = ((requests + 125) / 250).max(2);
        let stations = names::COMMUNITIES.len();
        let places = sites::places(2, stations, vans);
        let wanted = 19 * requests / 10;
        OfficeSize {
            elders: (requests as f64 / 0.7).ceil() as usize,
            bookings: requests,
            vehicles: requests.div_ceil(8).max(4),
            fixed_sites: 2 + wanted
                .saturating_sub(places)
                .div_ceil(sites::SPREAD_SITE_PLACES),
            stations,
            vans,
            teams: 0,
        }
    }
}

/// The demo street office on `day`, placed among `anchors` (see the module documentation).
///
/// About 300 elders in the eight communities of the source articles (eight of them in one
/// elderly-care institution), two fixed sites, two temporary community points, two vans with
/// three stops each on `day`, 25 vehicles with one driver each, about 220 bookings on `day` of
/// elders who can travel and still need a dose, a home-visit team (its doctor a driver) booked
/// for up to eight bedridden elders, and the users of every role. Only the anchors
/// within about 2.2 km of the anchor nearest to their median are used (all of them when that
/// leaves fewer than 30); an empty or invalid list falls back to [`TOWN_CENTRE`].
///
/// [`TOWN_CENTRE`]: crate::TOWN_CENTRE
pub fn office(seed: u64, day: &Day, anchors: &[Point]) -> DemoOffice {
    draw(seed, day, anchors, 0, OfficeSize::DEMO)
}

/// Street office number `k` of a city (0: the demo's own names and logins), of `size`, on
/// `day` among `anchors`.
pub(crate) fn draw(
    seed: u64,
    day: &Day,
    anchors: &[Point],
    k: usize,
    size: OfficeSize,
) -> DemoOffice {
    let mut rng = StdRng::seed_from_u64(seed ^ OFFICE_SALT);
    let area = Area::new(anchors);
    let names = names::communities(k);
    let centres = area.spread(names.len(), &mut rng);
    let clusters = area.clusters(&centres);
    let communities: Vec<DemoCommunity> = names
        .iter()
        .zip(&centres)
        .map(|(name, &c)| DemoCommunity {
            name: name.to_string(),
            centre: area.points[c],
        })
        .collect();
    let district = names::district(k);
    let mut elders = elders::Elders::draw(&area, &clusters, &names, size.elders, &mut rng);
    let (sites, vans) = sites::draw(
        &area,
        &clusters,
        &communities,
        &district,
        size,
        day,
        &mut rng,
    );
    let (mut vehicles, mut drivers) =
        fleet::draw(&area, size.vehicles, &mut elders.phones, &mut rng);
    let mut bookings = bookings::draw(&elders, &sites, size.bookings, &mut rng);
    // The home-visit teams and their visits, from a stream of their own: what came before
    // stays as it was without them.
    let mut visits = StdRng::seed_from_u64(seed ^ VISIT_SALT ^ k as u64);
    let count = size.teams;
    let base = sites.first().map_or(area.points[0], |s| s.location);
    let (teams, doctors) =
        fleet::teams(base, count, vehicles.len(), &mut elders.phones, &mut visits);
    vehicles.extend(teams);
    drivers.extend(doctors);
    bookings.extend(bookings::visits(
        &elders,
        count * bookings::VISITS_PER_TEAM,
        &mut visits,
    ));
    let users = users::draw(k, &district, &communities, &drivers, &mut rng);
    DemoOffice {
        district,
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
