//! Where a walker can walk to a van (issue 16): for the caller's elders who walk and need a
//! dose, the van stops within each stop's walking limit along the roads, with the places left
//! for walkers in each slot (a secretary books one as a walk-in booking).

use actix_web::{HttpResponse, web};
use serde::Serialize;
use vaxride_dispatch::model::Point;
use vaxride_dispatch::vanplan::request::is_walker;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// A van stop an elder can walk to.
#[derive(Serialize)]
struct WalkTo {
    site_id: i64,
    name: String,
    day: vaxride_dispatch::values::Day,
    from: String,
    to: String,
    /// Its slots with the places left for walkers (shared by every walker it reaches).
    slots: Vec<SlotLeft>,
}

/// A slot of a van stop, and the places walkers may still book in it.
#[derive(Serialize, Clone)]
struct SlotLeft {
    from: String,
    to: String,
    left: i64,
}

/// An elder who walks, with the van stops within their walk.
#[derive(Serialize)]
struct Walker {
    elder_id: i64,
    stops: Vec<WalkTo>,
}

/// How far a walker is sent to a van stop without a limit of its own, metres along the roads.
const WALK_M: f64 = 500.0;

/// `GET /api/vanplan/walks?day=YYYY-MM-DD`: for the caller's elders who walk and need a dose,
/// the van stops from `day` on within their walking limit along the roads (the van planning's,
/// else 500 m; a secretary tells them "walk to the van at … between … and …").
#[utoipa::path(
    get,
    path = "/api/vanplan/walks",
    tag = "bookings",
    params(crate::bookings::DayQuery),
    responses(
        (status = 200, description = "Walkers (`elder_id`) with the van stops within their walk from the day on (`site_id`, `name`, `day`, `from`, `to`, and `slots`: each slot's `from`, `to` and the places `left` for walkers, who book one with `POST /api/bookings` and `walk_in`), soonest first; walkers with none are left out", body = [Object]),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn walks(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<crate::bookings::DayQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(crate::bookings::BOOKERS)?;
    let from = q.day()?;
    let district = caller.0.district_id.ok_or_else(ApiError::forbidden)?;
    let elders: Vec<_> = state
        .store
        .elders(caller.0.scope(), None)
        .await?
        .into_iter()
        .filter(is_walker)
        .collect();
    let mut stops: Vec<_> = state
        .store
        .sites(district)
        .await?
        .into_iter()
        .filter(|s| {
            s.kind == vaxride_dispatch::model::SiteKind::VanStop
                && s.day.as_ref().is_some_and(|d| *d >= from)
        })
        .collect();
    stops.sort_by(|a, b| (&a.day, a.open_from).cmp(&(&b.day, b.open_from)));
    // Each stop's own walking limit (the van planning's), else the default.
    let limits = state.store.walk_limits(district).await?;
    let limit_of: Vec<f64> = stops
        .iter()
        .map(|s| limits.get(&s.id).map_or(WALK_M, |&m| m as f64))
        .collect();
    let homes: Vec<Point> = elders.iter().map(|e| e.home).collect();
    let points: Vec<Point> = stops.iter().map(|s| s.location).collect();
    let net = state.network.clone();
    let reach = tokio::task::spawn_blocking(move || {
        crate::with_travel(net.as_deref(), |travel| {
            let mut reach = vec![Vec::new(); points.len()];
            let mut distinct = limit_of.clone();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            for limit in distinct {
                let at: Vec<usize> = (0..points.len())
                    .filter(|&k| limit_of[k] == limit)
                    .collect();
                let from: Vec<Point> = at.iter().map(|&k| points[k]).collect();
                for (k, r) in at.into_iter().zip(travel.walkable(&from, &homes, limit)) {
                    reach[k] = r;
                }
            }
            reach
        })
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let clock = |t: i64| {
        vaxride_dispatch::values::ClockTime::from_seconds(t)
            .map_or_else(String::new, |c| c.to_string())
    };
    let taken = state.store.walk_ins(district, &from).await?;
    let now = state.now();
    let today = vaxride_dispatch::values::Day::from_unix(now);
    let mut by_elder: Vec<Vec<WalkTo>> = elders.iter().map(|_| Vec::new()).collect();
    for (s, reached) in stops.iter().zip(&reach) {
        // The shots of a slot less those kept for rides (as planning rounds them) and the
        // walkers booked.
        let for_walkers =
            s.capacity_per_slot - (s.capacity_per_slot as f64 * s.booked_share).floor() as i64;
        let step = s.slot_minutes.max(1) * 60;
        // Today's slots that have begun are gone.
        let begun = if s.day.as_ref() == today.as_ref() {
            now % 86_400
        } else {
            0
        };
        let slots: Vec<SlotLeft> = (0..)
            .map(|k| s.open_from + k * step)
            .take_while(|t| t + step <= s.open_to)
            .filter(|&t| t >= begun)
            .map(|t| SlotLeft {
                from: clock(t),
                to: clock(t + step),
                left: (for_walkers - taken.get(&(s.id, t)).copied().unwrap_or(0)).max(0),
            })
            .collect();
        for &i in reached {
            // Only where the shot the walker needs next is given.
            let gives = elders[i as usize]
                .dose
                .next_shot()
                .is_some_and(|shot| s.doses.contains(&shot));
            if !gives {
                continue;
            }
            by_elder[i as usize].push(WalkTo {
                site_id: s.id,
                name: s.name.clone(),
                day: s.day.clone().unwrap_or_else(|| from.clone()),
                from: clock(s.open_from),
                to: clock(s.open_to),
                slots: slots.clone(),
            });
        }
    }
    let answer: Vec<Walker> = elders
        .iter()
        .zip(by_elder)
        .filter(|(_, s)| !s.is_empty())
        .map(|(e, stops)| Walker {
            elder_id: e.id,
            stops,
        })
        .collect();
    Ok(HttpResponse::Ok().json(answer))
}
