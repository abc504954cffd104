//! Drivers' endpoints: trips pushed over Server-Sent Events (event id = the driver's outbox
//! sequence; `Last-Event-ID` replays what was missed), acknowledgements, accept/decline and
//! reports from the road. The database is the only channel: one watcher task per server
//! instance reads the newest sequence of every connected driver ([`Hub`]) and wakes their
//! streams, which then read their events; so an event committed by any server instance reaches
//! a driver connected to any other, and 1,000 idle streams cost one query per tick, not 1,000.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::watch;
use vaxride_dispatch::model::{Point, Report};
use vaxride_dispatch::values::Role;
use vaxride_store::{Scope, Store};

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::problems;
use crate::sse;

/// How often the instance's watcher looks for new events of its connected drivers.
const WATCH: Duration = Duration::from_millis(100);
/// How often an idle stream reads its events itself, whatever the watcher says (in case the
/// watcher is away).
const FALLBACK: Duration = Duration::from_secs(5);
/// How often an idle stream sends a heartbeat comment.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// The connected drivers' newest event sequences, kept up to date by one task per server
/// instance that reads them from the database every [`WATCH`].
#[derive(Default)]
pub struct Hub {
    drivers: Mutex<HashMap<i64, watch::Sender<i64>>>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Hub {
    /// Follows `driver`'s newest sequence; starts the watcher if it is not running.
    fn subscribe(self: &Arc<Self>, store: &Store, driver: i64) -> watch::Receiver<i64> {
        {
            let mut task = self.task.lock().expect("the hub's lock is not poisoned");
            if task.as_ref().is_none_or(|t| t.is_finished()) {
                *task = Some(tokio::spawn(watch_outbox(
                    Arc::downgrade(self),
                    store.clone(),
                )));
            }
        }
        self.drivers
            .lock()
            .expect("the hub's lock is not poisoned")
            .entry(driver)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }
}

/// The watcher: every [`WATCH`], one query for the newest sequence of every connected driver;
/// wakes the streams of drivers with something new. Ends with its hub.
async fn watch_outbox(hub: Weak<Hub>, store: Store) {
    loop {
        tokio::time::sleep(WATCH).await;
        let Some(hub) = hub.upgrade() else { return };
        let drivers: Vec<i64> = {
            let mut m = hub.drivers.lock().expect("the hub's lock is not poisoned");
            m.retain(|_, tx| tx.receiver_count() > 0);
            m.keys().copied().collect()
        };
        if drivers.is_empty() {
            continue;
        }
        // The database away: the streams notice on their own reads.
        let Ok(heads) = store.outbox_heads(&drivers).await else {
            continue;
        };
        let m = hub.drivers.lock().expect("the hub's lock is not poisoned");
        for (driver, seq) in heads {
            if let Some(tx) = m.get(&driver) {
                tx.send_if_modified(|v| {
                    let newer = seq > *v;
                    if newer {
                        *v = seq;
                    }
                    newer
                });
            }
        }
    }
}

fn driver(caller: &Caller) -> Result<Scope, ApiError> {
    if caller.0.role != Role::Driver {
        return Err(ApiError::forbidden());
    }
    Ok(caller.0.scope())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TripsQuery {
    /// Only this day's trips (YYYY-MM-DD).
    day: Option<String>,
    /// Add each trip's line along the roads through its stops (`geometry`: [[lon, lat], …],
    /// or `null` when a leg cannot follow the roads), for a map.
    geometry: Option<bool>,
}

/// `GET /api/trips?day=&geometry=`: a driver's active trips, or a coordinator's view of the day.
#[utoipa::path(
    get,
    path = "/api/trips",
    tag = "driver",
    params(
        TripsQuery,
    ),
    responses(
        (status = 200, description = "A driver's active trips (or the district's of the day for a coordinator): the stops to make, each with its navigation links, and the stops taken off since the trip was offered (`removed`, with the reason)", body = [crate::api::Trip]),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn trips(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<TripsQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Driver, Role::Coordinator])?;
    if let Some(d) = &q.day {
        vaxride_dispatch::model::Day::parse(d).map_err(|m| ApiError::field("day", m))?;
    }
    let scope = match caller.0.role {
        Role::Admin => {
            return Err(ApiError::field("role", problems::log_in_as_coordinator()));
        }
        _ => caller.0.scope(),
    };
    let trips = state.store.trips(scope, q.day.as_deref()).await?;
    if q.geometry != Some(true) {
        return Ok(HttpResponse::Ok().json(trips));
    }
    let net = state.network.clone();
    let with_lines = web::block(move || {
        trips
            .into_iter()
            .map(|t| {
                let stops: Vec<Point> = t
                    .stops
                    .iter()
                    .map(|x| Point {
                        lon: x.lon,
                        lat: x.lat,
                    })
                    .collect();
                let (line, on_roads) =
                    crate::with_travel(net.as_deref(), |times| times.line(&stops));
                let mut v = serde_json::to_value(&t).unwrap_or_default();
                v["geometry"] = if on_roads && line.len() >= 2 {
                    json!(line)
                } else {
                    Value::Null
                };
                v
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|_| ApiError::internal())?;
    Ok(HttpResponse::Ok().json(with_lines))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct EventsQuery {
    /// For clients that cannot set the `Last-Event-ID` header.
    last_event_id: Option<i64>,
}

/// `GET /api/driver/events`: the driver's event stream.
#[utoipa::path(
    get,
    path = "/api/driver/events",
    tag = "driver",
    params(
        EventsQuery,
        ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event"),
    ),
    responses(
        (status = 200, description = "Server-Sent Events, id = the outbox sequence; `retry`, trip events, `: keep-alive` comments", body = String, content_type = "text/event-stream"),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn events(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<EventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let scope = driver(&caller)?;
    let header = req
        .headers()
        .get("last-event-id")
        .and_then(|h| h.to_str().ok())
        .map(|s| {
            s.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::field("Last-Event-ID", problems::event_id()))
        })
        .transpose()?;
    let last = header.or(q.last_event_id).unwrap_or(0).max(0);
    let Scope::Driver { driver: id, .. } = scope else {
        return Err(ApiError::forbidden());
    };
    let newest = state.hub.subscribe(&state.store, id);
    struct S {
        state: web::Data<AppState>,
        last: i64,
        pending: std::collections::VecDeque<actix_web::web::Bytes>,
        idle_since: Instant,
        first: bool,
        newest: watch::Receiver<i64>,
    }
    let init = S {
        state,
        last,
        pending: Default::default(),
        idle_since: Instant::now(),
        first: true,
        newest,
    };
    let stream = futures_util::stream::unfold(init, move |mut s| async move {
        if s.first {
            s.first = false;
            // Tell the client how long to wait before reconnecting.
            return Some((
                Ok(actix_web::web::Bytes::from_static(b"retry: 2000\n\n")),
                s,
            ));
        }
        loop {
            if let Some(frame) = s.pending.pop_front() {
                return Some((Ok::<_, actix_web::Error>(frame), s));
            }
            match s.state.store.outbox_after(scope, s.last, 50).await {
                Ok(events) if !events.is_empty() => {
                    for e in events {
                        s.last = e.seq;
                        s.pending.push_back(sse::frame(
                            Some(&e.seq.to_string()),
                            &e.kind,
                            &json!({"seq": e.seq, "kind": e.kind, "trip": e.payload, "at": e.created_at}),
                        ));
                    }
                    s.idle_since = Instant::now();
                }
                Ok(_) => {
                    if s.idle_since.elapsed() >= HEARTBEAT {
                        s.idle_since = Instant::now();
                        return Some((Ok(sse::heartbeat()), s));
                    }
                    // Until the watcher sees a newer event, the fallback read, or the heartbeat.
                    let wait = FALLBACK.min(HEARTBEAT.saturating_sub(s.idle_since.elapsed()));
                    let last = s.last;
                    let newest = &mut s.newest;
                    let _ = tokio::time::timeout(wait, async move {
                        if newest.wait_for(|&seq| seq > last).await.is_err() {
                            // The watcher let go of this driver: wait out the timeout.
                            std::future::pending::<()>().await;
                        }
                    })
                    .await;
                }
                // The database is away: end the stream; the client reconnects with its last id.
                Err(_) => return None,
            }
        }
    });
    Ok(sse::response(stream))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AckBody {
    #[schema(minimum = 0)]
    seq: i64,
}

/// `POST /api/driver/ack`: `{seq}` acknowledges every event up to it.
#[utoipa::path(
    post,
    path = "/api/driver/ack",
    tag = "driver",
    request_body = AckBody,
    responses(
        (status = 204, description = "Acknowledged"),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn ack(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<AckBody>,
) -> Result<HttpResponse, ApiError> {
    let scope = driver(&caller)?;
    if body.seq < 0 {
        return Err(ApiError::field("seq", problems::negative()));
    }
    state.store.ack(scope, body.seq, state.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/trips/{id}/accept`.
#[utoipa::path(
    post,
    path = "/api/trips/{id}/accept",
    tag = "driver",
    operation_id = "accept_trip",
    params(
        ("id" = i64, Path, description = "Trip id"),
    ),
    responses(
        (status = 200, description = "The trip", body = crate::api::Trip),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let scope = driver(&caller)?;
    Ok(HttpResponse::Ok().json(state.store.respond(scope, *id, true, state.now()).await?))
}

/// `POST /api/trips/{id}/decline`.
#[utoipa::path(
    post,
    path = "/api/trips/{id}/decline",
    tag = "driver",
    operation_id = "decline_trip",
    params(
        ("id" = i64, Path, description = "Trip id"),
    ),
    responses(
        (status = 200, description = "The trip", body = crate::api::Trip),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn decline(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let scope = driver(&caller)?;
    Ok(HttpResponse::Ok().json(state.store.respond(scope, *id, false, state.now()).await?))
}

/// `POST /api/trips/{id}/changes/{change}/acknowledge`: the driver has seen a change of
/// their trip (repeating is harmless).
#[utoipa::path(
    post,
    path = "/api/trips/{id}/changes/{change}/acknowledge",
    tag = "driver",
    operation_id = "acknowledge_trip_change",
    params(
        ("id" = i64, Path, description = "Trip id"),
        ("change" = i64, Path, description = "Change id"),
    ),
    responses(
        (status = 200, description = "The trip", body = crate::api::Trip),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn acknowledge(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let scope = driver(&caller)?;
    let (trip, change) = *path;
    let view = state
        .store
        .acknowledge_change(scope, trip, change, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportBody {
    #[schema(value_type = crate::api::Report)]
    event: Report,
}

/// `POST /api/stops/{id}/report`: `{event}`; repeating a report is harmless.
#[utoipa::path(
    post,
    path = "/api/stops/{id}/report",
    tag = "driver",
    params(
        ("id" = i64, Path, description = "Stop id"),
    ),
    request_body = ReportBody,
    responses(
        (status = 200, description = "Recorded (repeating is harmless)", body = crate::api::ReportAnswer),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn report(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: crate::json::Json<ReportBody>,
) -> Result<HttpResponse, ApiError> {
    let scope = driver(&caller)?;
    let status = state
        .store
        .report(scope, *id, body.event, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(crate::api::ReportAnswer {
        stop: *id,
        event: body.event,
        booking_status: status,
    }))
}
