//! Planning where and when the vans stop (issue 16): a coordinator asks for a proposal — the
//! vans, their days and hours, the walking limit, candidate points of their own — and gets the
//! vans' days with the stops' hours and shots, the candidates, the figures, and the stops as
//! site bodies; accepting sends those back and creates the van stops, all or none.

use actix_web::{HttpResponse, web};
use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use vaxride_dispatch::FieldError;
use vaxride_dispatch::model::Elder;
use vaxride_dispatch::model::Point;
use vaxride_dispatch::values::{Day, Window, check_text};
use vaxride_dispatch::vanplan::request::{
    Candidate, VanPlanRequest, VanPlanView, VanRequest, is_walker, named_candidates, plan_vans,
};
use vaxride_roadnet::Crs;
use vaxride_store::Scope;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::fleet::{SiteBody, district, site_of};
use crate::problems;

/// How many swaps the covering search tries (about 10 s at 300 candidates × 5,000 walkers).
const ITERATIONS: u64 = 3_000;
/// vaxride's own candidates at most.
const OWN_CANDIDATES: usize = 300;
/// Named places of the map as candidates at most.
const NAMED_CANDIDATES: usize = 100;

fn default_walk() -> f64 {
    500.0
}
fn default_setup() -> u32 {
    20
}
fn default_packup() -> u32 {
    15
}
fn default_slot() -> u32 {
    30
}
fn default_stops() -> u32 {
    2
}

/// How one van works in the proposal.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VanWork {
    /// The van (`POST /api/vans`).
    van_id: i64,
    /// The days it works, `YYYY-MM-DD`.
    #[schema(min_items = 1, max_items = 31)]
    days: Vec<String>,
    /// The crew's day, `["08:00", "17:00"]`.
    hours: [String; 2],
    /// The crew's break, `["12:00", "13:00"]`: no shots then.
    #[serde(default, rename = "break")]
    rest: Option<[String; 2]>,
    #[serde(default = "default_setup")]
    #[schema(maximum = 120)]
    setup_minutes: u32,
    #[serde(default = "default_packup")]
    #[schema(maximum = 120)]
    packup_minutes: u32,
    #[schema(minimum = 1, maximum = 200)]
    shots_per_hour: u32,
    #[serde(default = "default_slot")]
    #[schema(minimum = 5, maximum = 240)]
    slot_minutes: u32,
    #[serde(default = "default_stops")]
    #[schema(minimum = 1, maximum = 6)]
    stops_per_day: u32,
}

/// A candidate point the coordinator adds (tapped on the map).
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CandidateBody {
    #[schema(value_type = crate::api::Point)]
    location: Point,
    #[serde(default)]
    #[schema(value_type = crate::api::Crs)]
    crs: Crs,
    #[serde(default)]
    #[schema(max_length = 100)]
    name: String,
}

/// `POST /api/vanplan`'s body.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VanPlanBody {
    #[schema(min_items = 1, max_items = 20)]
    vans: Vec<VanWork>,
    /// How far a walker walks along the roads, metres (default 500).
    #[serde(default = "default_walk")]
    #[schema(minimum = 50, maximum = 2000)]
    walk_m: f64,
    #[serde(default)]
    #[schema(max_items = 300)]
    candidates: Vec<CandidateBody>,
    /// Seeds the search (the same seed, the same proposal).
    #[serde(default)]
    pub(crate) seed: u64,
}

impl VanPlanBody {
    /// The walking limit, whole metres.
    pub(crate) fn walk_m(&self) -> i64 {
        self.walk_m.round() as i64
    }
}

/// The answer: the proposal, with the candidates named and the stops as site bodies.
#[derive(Serialize)]
struct Proposed {
    #[serde(flatten)]
    view: VanPlanView,
    /// The stops as `POST /api/vanplan/accept` takes them (one per stretch of slots).
    sites: Vec<serde_json::Value>,
}

fn count(field: &str, n: usize, min: usize, max: usize, errors: &mut Vec<FieldError>) {
    if !(min..=max).contains(&n) {
        errors.push(FieldError::new(field, problems::list_size(min, max)));
    }
}

fn within(field: &str, v: u32, min: u32, max: u32, errors: &mut Vec<FieldError>) {
    if !(min..=max).contains(&v) {
        errors.push(FieldError::new(field, problems::range(min, max)));
    }
}

/// Checks a request body and converts it.
pub(crate) async fn request_of(
    state: &AppState,
    district: i64,
    b: &VanPlanBody,
) -> Result<VanPlanRequest, ApiError> {
    let mut errors = Vec::new();
    count("vans", b.vans.len(), 1, 20, &mut errors);
    count("candidates", b.candidates.len(), 0, 300, &mut errors);
    if !(50.0..=2000.0).contains(&b.walk_m) {
        errors.push(FieldError::new("walk_m", problems::range(50, 2000)));
    }
    let mut vans = Vec::new();
    for (k, v) in b.vans.iter().enumerate() {
        let at = |f: &str| format!("vans[{k}].{f}");
        count(&at("days"), v.days.len(), 1, 31, &mut errors);
        let days: Vec<Day> = v
            .days
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                Day::parse(d)
                    .map_err(|p| errors.push(FieldError::new(at(&format!("days[{i}]")), p)))
                    .ok()
            })
            .collect();
        let hours = Window::parse(&v.hours[0], &v.hours[1])
            .map_err(|p| errors.push(FieldError::new(at("hours"), p)))
            .ok();
        let rest = match (&v.rest, hours) {
            (Some(r), Some(h)) => match Window::parse(&r[0], &r[1]) {
                Ok(w) if w.from() >= h.from() && w.to() <= h.to() => Some((w.from(), w.to())),
                Ok(_) => {
                    errors.push(FieldError::new(
                        at("break"),
                        problems::window_outside_day(&v.hours[0], &v.hours[1]),
                    ));
                    None
                }
                Err(p) => {
                    errors.push(FieldError::new(at("break"), p));
                    None
                }
            },
            _ => None,
        };
        within(&at("setup_minutes"), v.setup_minutes, 0, 120, &mut errors);
        within(&at("packup_minutes"), v.packup_minutes, 0, 120, &mut errors);
        within(&at("shots_per_hour"), v.shots_per_hour, 1, 200, &mut errors);
        within(&at("slot_minutes"), v.slot_minutes, 5, 240, &mut errors);
        // At least one shot a slot (the shots of a slot are rounded down).
        if (5..=240).contains(&v.slot_minutes)
            && (1..=200).contains(&v.shots_per_hour)
            && v.shots_per_hour * v.slot_minutes < 60
        {
            errors.push(FieldError::new(
                at("shots_per_hour"),
                problems::at_least(60_u32.div_ceil(v.slot_minutes)),
            ));
        }
        within(&at("stops_per_day"), v.stops_per_day, 1, 6, &mut errors);
        if !state.store.van_in(district, v.van_id).await? {
            errors.push(FieldError::new(at("van_id"), problems::no_such_van()));
        }
        if b.vans[..k].iter().any(|o| o.van_id == v.van_id) {
            errors.push(FieldError::new(at("van_id"), problems::van_twice()));
        }
        if let Some(h) = hours {
            vans.push(VanRequest {
                van_id: v.van_id,
                days,
                hours: (h.from(), h.to()),
                rest,
                setup_minutes: v.setup_minutes,
                packup_minutes: v.packup_minutes,
                shots_per_hour: v.shots_per_hour,
                slot_minutes: v.slot_minutes,
                stops_per_day: v.stops_per_day,
            });
        }
    }
    let mut candidates = Vec::new();
    for (k, c) in b.candidates.iter().enumerate() {
        let before = errors.len();
        c.location
            .validate(&format!("candidates[{k}].location"), &mut errors);
        if let Err(p) = check_text(c.name.trim(), false, 100) {
            errors.push(FieldError::new(format!("candidates[{k}].name"), p));
        }
        if errors.len() == before {
            let (lon, lat) = c.crs.to_wgs84(c.location.lon, c.location.lat);
            candidates.push(Candidate {
                location: Point { lon, lat },
                name: c.name.trim().to_string(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(VanPlanRequest {
        vans,
        walk_m: b.walk_m,
        candidates,
        own_candidates: OWN_CANDIDATES,
        named: Vec::new(),
    })
}

/// The map's named gathering places (squares, estates, community centres, markets, parks)
/// that walkers among `elders` live near, as candidates under their names.
pub(crate) fn named_of(state: &AppState, elders: &[Elder], walk_m: f64) -> Vec<Candidate> {
    let Some(net) = state.network.as_deref() else {
        return Vec::new();
    };
    let homes: Vec<Point> = elders
        .iter()
        .filter(|e| is_walker(e))
        .map(|e| e.home)
        .collect();
    let Some(first) = homes.first() else {
        return Vec::new();
    };
    let mut bbox = [first.lon, first.lat, first.lon, first.lat];
    for h in &homes {
        bbox = [
            bbox[0].min(h.lon),
            bbox[1].min(h.lat),
            bbox[2].max(h.lon),
            bbox[3].max(h.lat),
        ];
    }
    let pad = walk_m / 111_320.0;
    let lon_pad = pad / first.lat.to_radians().cos().max(0.1);
    let bbox = [
        bbox[0] - lon_pad,
        bbox[1] - pad,
        bbox[2] + lon_pad,
        bbox[3] + pad,
    ];
    let places: Vec<Candidate> = net
        .places()
        .gatherings(bbox)
        .map(|p| Candidate {
            location: Point {
                lon: p.lon,
                lat: p.lat,
            },
            name: p.label.clone(),
        })
        .collect();
    named_candidates(&places, &homes, walk_m, NAMED_CANDIDATES)
}

/// `POST /api/vanplan`: proposes the vans' stops over the district's walkers.
#[utoipa::path(
    post,
    path = "/api/vanplan",
    tag = "fleet",
    request_body = VanPlanBody,
    responses(
        (status = 200, description = "The proposal: `candidates` (where, name, added by the coordinator, walkers within reach, chosen), `days` (per van and day, the stops in order: candidate, arrive, open stretches, leave, shots, walkers sent), `figures` (walkers, served, their weight, out of reach, no room, shots, minutes vaccinating and driving), `unserved` (walkers by why), `sites` (the stops as `POST /api/vanplan/accept` takes them)", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn propose(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<VanPlanBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let body = body.into_inner();
    let mut request = request_of(&state, district, &body).await?;
    let elders = state.store.elders(Scope::District(district), None).await?;
    let booked = booked_on(&state, district, &request).await?;
    request.named = named_of(&state, &elders, request.walk_m);
    let net = state.network.clone();
    let seed = body.seed;
    let (mut view, request) = tokio::task::spawn_blocking(move || {
        let view = crate::with_travel(net.as_deref(), |travel| {
            plan_vans(&request, &elders, &booked, travel, seed, ITERATIONS)
        });
        (view, request)
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let sites = stops_of(&state, &request, body.walk_m(), &mut view);
    Ok(HttpResponse::Ok().json(Proposed { view, sites }))
}

/// The elders with a booking (not cancelled) on one of the days the vans work: their ride
/// serves them.
pub(crate) async fn booked_on(
    state: &AppState,
    district: i64,
    request: &VanPlanRequest,
) -> Result<HashSet<i64>, ApiError> {
    let mut days: Vec<&Day> = request.vans.iter().flat_map(|v| &v.days).collect();
    days.sort();
    days.dedup();
    let mut booked = HashSet::new();
    for day in days {
        for b in state.store.bookings(Scope::District(district), day).await? {
            if b.status != vaxride_dispatch::model::BookingStatus::Cancelled {
                booked.insert(b.elder_id);
            }
        }
    }
    Ok(booked)
}

/// Names vaxride's own candidates (the street there, else a number) and gives the stops as
/// site bodies, as `POST /api/vanplan/accept` takes them: one per stretch of slots, keeping
/// from ride bookings the shots the walkers sent there need.
pub(crate) fn stops_of(
    state: &AppState,
    request: &VanPlanRequest,
    walk_m: i64,
    view: &mut VanPlanView,
) -> Vec<serde_json::Value> {
    for (k, c) in view.candidates.iter_mut().enumerate() {
        if c.name.is_empty() {
            let street = state.network.as_deref().and_then(|n| {
                n.places()
                    .street_at(c.location.lon, c.location.lat, 150.0)
                    .map(|s| s.name)
            });
            c.name = street.unwrap_or_else(|| format!("#{}", k + 1));
        }
    }
    let mut sites = Vec::new();
    for d in &view.days {
        let (slot, per_slot) =
            request
                .vans
                .iter()
                .find(|v| v.van_id == d.van_id)
                .map_or((30, 1), |v| {
                    (
                        v.slot_minutes,
                        (v.shots_per_hour * v.slot_minutes / 60).max(1),
                    )
                });
        for stop in &d.stops {
            let c = &view.candidates[stop.candidate as usize];
            let share = if stop.capacity == 0 {
                1.0
            } else {
                let left = stop.capacity.saturating_sub(stop.walkers) as f64;
                ((left / f64::from(stop.capacity)) * 100.0)
                    .floor()
                    .clamp(1.0, 100.0)
                    / 100.0
            };
            for open in &stop.open {
                sites.push(serde_json::json!({
                    "name": c.name,
                    "kind": "van_stop",
                    "location": {"lon": c.location.lon, "lat": c.location.lat},
                    "hours": open,
                    "slot_minutes": slot,
                    "capacity_per_slot": per_slot,
                    "booked_share": share,
                    "day": d.day,
                    "van_id": d.van_id,
                    "walk_m": walk_m,
                }));
            }
        }
    }
    sites
}

/// `POST /api/vanplan/accept`'s body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AcceptBody {
    /// The stops to create (van stops, as the proposal's `sites` gives them).
    #[schema(min_items = 1, max_items = 2000)]
    sites: Vec<SiteBody>,
}

/// Ids of the stops created.
#[derive(Serialize)]
struct Accepted {
    ids: Vec<i64>,
}

/// `POST /api/vanplan/accept`: creates the van stops of a proposal, all or none.
#[utoipa::path(
    post,
    path = "/api/vanplan/accept",
    tag = "fleet",
    request_body = AcceptBody,
    responses(
        (status = 201, description = "Created: `{ids}`", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<AcceptBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let body = body.into_inner();
    let mut errors = Vec::new();
    count("sites", body.sites.len(), 1, 2000, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let mut new = Vec::new();
    for (k, site) in body.sites.into_iter().enumerate() {
        if !site.is_van_stop() {
            errors.push(FieldError::new(
                format!("sites[{k}].kind"),
                problems::van_stops_only(),
            ));
            continue;
        }
        match site_of(&state, district, site).await {
            Ok(s) => new.push(s),
            Err(e) => errors.extend(e.fields.into_iter().map(|mut f| {
                f.field = format!("sites[{k}].{}", f.field);
                f
            })),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let ids = state.store.create_sites(district, &new).await?;
    Ok(HttpResponse::Created().json(Accepted { ids }))
}
