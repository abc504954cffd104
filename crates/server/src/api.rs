//! The shapes the API answers in, shared by the handlers and the OpenAPI document: the
//! handlers build these types and the document is generated from them, so the two cannot
//! drift. The repeated error answers (400, 403, 404) are declared once as reusable responses.
//!
//! The domain's enums and points live in crates without `ToSchema`; they are mirrored at the end
//! for the document only, and `tests/api_meta.rs` checks that every value the mirror names is one
//! the domain type accepts. A leaf module: it uses no handler.

use serde::Serialize;
use utoipa::{ToResponse, ToSchema};

pub(crate) use crate::error::Body as ErrorBody;

/// The input is wrong (`invalid_input`; `fields` name what, each with a stable `code`).
#[derive(ToResponse)]
#[allow(dead_code)]
pub(crate) struct Invalid(ErrorBody<'static>);

/// The role may not do this (`forbidden`).
#[derive(ToResponse)]
#[allow(dead_code)]
pub(crate) struct Forbidden(ErrorBody<'static>);

/// Missing, or not the caller's to see (`not_found`).
#[derive(ToResponse)]
#[allow(dead_code)]
pub(crate) struct NotFound(ErrorBody<'static>);

/// `{"status": …}`.
#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    /// `ok` or `database unavailable`.
    pub(crate) status: &'static str,
}

/// A new session.
#[derive(Serialize, ToSchema)]
pub(crate) struct LoginAnswer {
    /// Send as `Authorization: Bearer <token>`.
    pub(crate) token: String,
    /// Who logged in: `user_id`, `role`, `district_id`, `community_id`, ….
    #[schema(value_type = Object)]
    pub(crate) user: vaxride_store::Principal,
}

/// Bookings saved.
#[derive(Serialize, ToSchema)]
pub(crate) struct Created {
    /// Their ids, in the order given.
    pub(crate) created: Vec<i64>,
}

/// A dry run's answer.
#[derive(Serialize, ToSchema)]
pub(crate) struct DryRun {
    /// Rows read.
    pub(crate) rows: usize,
    /// Whether the file can be imported as it is.
    pub(crate) ok: bool,
    /// When not: the problems, each with its `row` and `column` (the `error` of a 400 answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::error::Inner<'static>>, nullable = false)]
    pub(crate) error: Option<serde_json::Value>,
    /// Rows without coordinates whose address was found on the map, for the secretary to
    /// confirm (a new elder's home is put there; an elder on the roster keeps theirs).
    pub(crate) matches: Vec<AddressMatch>,
}

/// A ledger row's address and the place it was matched to.
#[derive(Serialize, ToSchema)]
pub(crate) struct AddressMatch {
    /// Row in the file (1 = the first row after the header).
    pub(crate) row: usize,
    /// The address as written.
    pub(crate) address: String,
    /// The place found: a house number or named place, or only the street (`exact: false`).
    pub(crate) label: String,
    /// Whether the address names the place exactly.
    pub(crate) exact: bool,
    /// WGS-84 longitude.
    pub(crate) lon: f64,
    /// WGS-84 latitude.
    pub(crate) lat: f64,
}

/// The id of what was made.
#[derive(Serialize, ToSchema)]
pub(crate) struct NewId {
    /// Its id.
    pub(crate) id: i64,
}

/// A planning job was queued.
#[derive(Serialize, ToSchema)]
pub(crate) struct JobStarted {
    /// Job id.
    pub(crate) job: i64,
    /// Where its progress streams (Server-Sent Events).
    pub(crate) events: String,
}

/// A report was recorded.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReportAnswer {
    /// The stop.
    pub(crate) stop: i64,
    /// What was reported.
    #[schema(value_type = Report)]
    pub(crate) event: vaxride_dispatch::model::Report,
    /// The booking's status now (`booked`, `planned`, `confirmed`, `picked_up`, …).
    pub(crate) booking_status: String,
}

// Mirrors of other crates' types, for the document only (never built).

/// A WGS-84 position (or in `crs`, where the body has one).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Point {
    /// Longitude, degrees east.
    #[schema(minimum = -180, maximum = 180)]
    lon: f64,
    /// Latitude, degrees north.
    #[schema(minimum = -90, maximum = 90)]
    lat: f64,
}

/// The coordinate system a position is given in (default `wgs84`).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum Crs {
    /// GPS, OpenStreetMap.
    Wgs84,
    /// AMap (Gaode), Tencent Maps.
    Gcj02,
    /// Baidu Maps.
    Bd09,
}

/// What a vehicle has for elders who cannot climb in.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum Feature {
    /// A ramp or lift for a wheelchair.
    Ramp,
    /// A low step or step stool.
    LowStep,
}

/// How an elder moves.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum Mobility {
    /// Walks with help.
    Walks,
    /// In a wheelchair.
    Wheelchair,
    /// Cannot travel (home visit).
    Bedridden,
}

/// Vaccination status.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum Dose {
    /// Not vaccinated.
    None,
    /// One dose.
    First,
    /// Fully vaccinated.
    Full,
    /// Booster given.
    Booster,
}

/// When the elder wants to be picked up.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum TimePreference {
    /// 08:00–12:00.
    Morning,
    /// 13:00–17:30.
    Afternoon,
    /// 07:00–18:00.
    Any,
}

/// A dose a site gives.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum Shot {
    /// The first dose.
    First,
    /// The second dose.
    Second,
    /// A booster.
    Booster,
}

/// A GeoJSON Polygon: rings of at least 4 positions `[lon, lat]` (at most 10,000), the first
/// ring the outline.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Polygon {
    /// `Polygon`.
    r#type: PolygonType,
    /// The rings.
    #[schema(min_items = 1)]
    coordinates: Vec<Ring>,
}

/// A ring of a [`Polygon`]: 4 to 10,000 positions `[lon, lat]`.
#[derive(ToSchema)]
#[schema(min_items = 4, max_items = 10_000)]
#[allow(dead_code)]
pub(crate) struct Ring(Vec<[f64; 2]>);

/// The GeoJSON type of a [`Polygon`].
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) enum PolygonType {
    /// The only one taken.
    Polygon,
}

/// A user's role.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum RoleName {
    /// Runs the service: districts and their coordinators.
    Admin,
    /// Runs a street office's campaign.
    Coordinator,
    /// Books rides for a community's elders.
    Secretary,
    /// Drives elders.
    Driver,
}

/// What kind of vaccination site.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum SiteKind {
    /// A fixed site.
    Fixed,
    /// A temporary community point.
    CommunityPoint,
    /// A mobile van's stop on one day.
    VanStop,
}

/// What a driver reports at a stop.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum Report {
    /// At the pick-up address.
    Arrived,
    /// The elder is on board.
    PickedUp,
    /// The elder was not there.
    NoShow,
    /// Dropped at the site.
    DroppedAtSite,
    /// Picked up at the site for the ride home.
    ReturnPickedUp,
    /// Home again.
    Home,
    /// At the site, the health check failed: not vaccinated, the elder goes home early (said
    /// at the ride home's stop, which stays open).
    HealthCheckFailed,
    /// At the site, the elder got the shot due: the campaign's ledger records it and the
    /// elder's dose status moves on (said at the ride home's stop, which stays open).
    Vaccinated,
}

/// A trip as its driver (or the coordinator) sees it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Trip {
    /// Id.
    id: i64,
    /// The plan it belongs to.
    plan_id: i64,
    /// Day, YYYY-MM-DD.
    day: String,
    /// Vehicle id.
    vehicle_id: i64,
    /// Vehicle name.
    vehicle: String,
    /// The driver it is offered to (none when the vehicle has no driver).
    driver_id: Option<i64>,
    /// Where it stands.
    status: TripStatus,
    /// Whether it is part of the day's published plan.
    active: bool,
    /// The stops to make, in order.
    stops: Vec<TripStop>,
    /// The stops taken off the trip since it was offered, in order.
    removed: Vec<RemovedStop>,
    /// What changed on it after it was published, oldest first; its driver acknowledges each.
    changes: Vec<TripChange>,
    /// Only with `geometry=true`: the line along the roads through the stops (`[lon, lat]`,
    /// WGS-84), or `null` when a leg cannot follow the roads.
    geometry: Option<Vec<[f64; 2]>>,
}

/// One stop of a trip: the least personal data that does the job.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct TripStop {
    /// Stop id (reports name it).
    id: i64,
    /// Its place in the trip's order.
    position: i64,
    /// What to do there.
    kind: StopKind,
    /// Booking.
    booking_id: i64,
    /// The elder's first name.
    first_name: String,
    /// The home's address, or the site's name at a site.
    address: String,
    /// The elder's phone, only while the trip is accepted and the stop not done.
    phone: Option<String>,
    /// Longitude (WGS-84).
    lon: f64,
    /// Latitude (WGS-84).
    lat: f64,
    /// Planned time, seconds of the day.
    planned: i64,
    /// The report that closed the stop.
    done: Option<String>,
    /// What was said at the stop without closing it (`arrived`, `health_check_failed`,
    /// `vaccinated`), oldest first.
    said: Vec<String>,
    /// Family companions riding along.
    companions: i64,
    /// Whether the elder travels in a wheelchair.
    wheelchair: bool,
    /// Links that open the stop in a navigation app.
    nav: NavLinks,
}

/// Links that open a stop in a navigation app, each in the app's own coordinate system. A
/// home is given by its coordinates only; a site also by its name.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct NavLinks {
    /// AMap (高德) route planning, GCJ-02: `https://uri.amap.com/navigation?to=lon,lat[,name]&mode=car…`.
    amap: String,
    /// Baidu (百度) route planning, BD-09: `https://api.map.baidu.com/direction?[origin=…&]destination=latlng:lat,lng[|name:…]&mode=driving&coord_type=bd09ll…`.
    baidu: String,
    /// Apple Maps driving directions, WGS-84: `https://maps.apple.com/?daddr=lat,lon&dirflg=d`.
    apple: String,
    /// `geo:lat,lon?q=lat,lon`, WGS-84.
    geo: String,
}

/// A stop taken off its trip after the trip was offered: which one, and why; no phone, no
/// home address, no coordinates.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct RemovedStop {
    /// Stop id.
    id: i64,
    /// Its place in the trip's order.
    position: i64,
    /// What it was.
    kind: StopKind,
    /// Booking.
    booking_id: i64,
    /// The elder's first name.
    first_name: String,
    /// The site's name at a site; `null` at a home.
    site: Option<String>,
    /// Planned time, seconds of the day.
    planned: i64,
    /// Why: `cancelled` (by the community's secretary), `no_show` (the elder was not there,
    /// so the booking's later stops are off) or `replanned` (a new plan gave it to another
    /// vehicle, or to none).
    reason: ChangeReason,
    /// When (Unix seconds).
    at: i64,
}

/// Why a trip changed.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum ChangeReason {
    /// The booking was cancelled.
    Cancelled,
    /// The elder was not there.
    NoShow,
    /// The coordinator published a new plan of the day.
    Replanned,
    /// An elder's health check at the site failed: they go home early.
    HealthCheckFailed,
    /// A driver declined their trip: its stops went to others.
    Declined,
    /// An urgent booking for the day was added.
    UrgentBooking,
}

/// One change of a trip after it was published: stops added, taken off, re-timed (by five
/// minutes or more), and whether its driver acknowledged it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct TripChange {
    /// Id (acknowledging names it).
    id: i64,
    /// Why.
    reason: ChangeReason,
    /// When (Unix seconds).
    at: i64,
    /// Stops added.
    added: Vec<ChangedStop>,
    /// Stops taken off.
    removed: Vec<ChangedStop>,
    /// Stops re-timed.
    retimed: Vec<ChangedStop>,
    /// When the driver acknowledged it (Unix seconds), or `null`.
    acknowledged_at: Option<i64>,
}

/// A stop named in a change: no address, no phone.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct ChangedStop {
    /// Stop id.
    id: i64,
    /// What it is.
    kind: StopKind,
    /// The elder's first name.
    first_name: String,
    /// Planned time, seconds of the day (a re-timed stop's new time).
    planned: i64,
    /// A re-timed stop's former time, or `null`.
    from: Option<i64>,
}

/// A home-visit team's day (a vehicle body's `team`).
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TeamBody {
    /// Shots the team carries for a day: at most this many visits.
    #[schema(minimum = 1, maximum = 500)]
    pub(crate) shots_per_day: i64,
}

/// A trip's state.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum TripStatus {
    /// Waiting for the driver's answer.
    Offered,
    /// The driver takes it.
    Accepted,
    /// The driver cannot; the coordinator reassigns it.
    Declined,
    /// Every stop made.
    Done,
    /// Withdrawn (a newer plan replaced it).
    Cancelled,
}

/// What to do at a stop.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum StopKind {
    /// Pick the elder up at home.
    PickupHome,
    /// Drop the elder at the site.
    DropSite,
    /// Pick the elder up at the site for the ride home.
    PickupSite,
    /// Bring the elder home.
    DropHome,
    /// A home-visit team at a bedridden elder's home (assessment, shot, observation).
    HomeVisit,
}
