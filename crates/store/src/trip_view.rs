//! A trip as its driver (or the coordinator) sees it: the stops to make, with the least
//! personal data that does the job and the links that open them in a navigation app, and the
//! stops taken off it since it was offered, with the reason.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use vaxride_dispatch::model::{
    BookingStatus, ChangeReason, Elder, StopKind, TimeOfDay, TripStatus,
};
use vaxride_dispatch::navigation::NavLinks;
use vaxride_dispatch::values::Point;

use crate::StoreError;
use crate::error::Result;

/// One stop of a trip, as its driver sees it: the least personal data that does the job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TripStopView {
    /// Stop id (reports name it).
    pub id: i64,
    /// Order in the trip.
    pub position: i64,
    /// What to do.
    pub kind: StopKind,
    /// Booking.
    pub booking_id: i64,
    /// The elder's first name.
    pub first_name: String,
    /// Pick-up or drop-off address (the site's name at a site).
    pub address: String,
    /// The elder's phone, only while the trip is accepted and the stop not done.
    pub phone: Option<String>,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Planned time, seconds of the day.
    pub planned: TimeOfDay,
    /// The report that closed the stop.
    pub done: Option<String>,
    /// What was said at the stop without closing it (`arrived`, `health_check_failed`,
    /// `vaccinated`), oldest first.
    pub said: Vec<String>,
    /// Companions riding along.
    pub companions: i64,
    /// Whether the elder travels in a wheelchair.
    pub wheelchair: bool,
    /// Links that open the stop in AMap (GCJ-02), Baidu (BD-09), Apple Maps and `geo:`.
    pub nav: NavLinks,
}

/// A stop taken off the trip after it was offered: the booking was cancelled by the
/// community's secretary, the elder was not there (the later stops of a no-show), or a new
/// plan gave it to another vehicle. Only what tells the driver which stop is off: no phone, no
/// home address, no coordinates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovedStopView {
    /// Stop id.
    pub id: i64,
    /// Its place in the trip's order.
    pub position: i64,
    /// What it was.
    pub kind: StopKind,
    /// Booking.
    pub booking_id: i64,
    /// The elder's first name.
    pub first_name: String,
    /// The site's name at a site; `None` at a home.
    pub site: Option<String>,
    /// Planned time, seconds of the day.
    pub planned: TimeOfDay,
    /// Why.
    pub reason: ChangeReason,
    /// When that happened (Unix seconds).
    pub at: i64,
}

/// A trip as its driver (or the coordinator) sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TripView {
    /// Id.
    pub id: i64,
    /// Plan.
    pub plan_id: i64,
    /// Day.
    pub day: String,
    /// Vehicle id.
    pub vehicle_id: i64,
    /// Vehicle name.
    pub vehicle: String,
    /// Driver.
    pub driver_id: Option<i64>,
    /// `offered`, `accepted`, `declined`, `done`, `cancelled`.
    pub status: String,
    /// Whether it is part of the published plan.
    pub active: bool,
    /// The stops in order.
    pub stops: Vec<TripStopView>,
    /// The stops taken off it since it was offered, in order.
    #[serde(default)]
    pub removed: Vec<RemovedStopView>,
    /// What changed on it since its driver accepted it, oldest first: each change is
    /// acknowledged by the driver.
    #[serde(default)]
    pub changes: Vec<TripChangeView>,
}

/// A stop named in a change: which one and when (no address, no phone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedStopView {
    /// Stop id.
    pub id: i64,
    /// What it is.
    pub kind: StopKind,
    /// The elder's first name.
    pub first_name: String,
    /// Planned time, seconds of the day (the new time of a re-timed stop).
    pub planned: TimeOfDay,
    /// The time it had, for a re-timed stop.
    pub from: Option<TimeOfDay>,
}

/// One change of an accepted trip, for its driver to acknowledge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TripChangeView {
    /// Id.
    pub id: i64,
    /// Why.
    pub reason: ChangeReason,
    /// When (Unix seconds).
    pub at: i64,
    /// Stops added.
    pub added: Vec<ChangedStopView>,
    /// Stops taken off.
    pub removed: Vec<ChangedStopView>,
    /// Stops whose time moved by five minutes or more.
    pub retimed: Vec<ChangedStopView>,
    /// When the driver acknowledged it (Unix seconds).
    pub acknowledged_at: Option<i64>,
}

/// The trip `trip` as it now is.
pub(crate) async fn trip_view(tx: &mut sqlx::AnyConnection, trip: i64) -> Result<TripView> {
    let t = sqlx::query(
        "SELECT t.id, t.plan_id, p.day, t.vehicle_id, v.name AS vehicle, t.driver_id, t.status, t.active \
         FROM trips t JOIN plans p ON p.id = t.plan_id JOIN vehicles v ON v.id = t.vehicle_id WHERE t.id = $1",
    )
    .bind(trip)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let status: String = t.try_get("status")?;
    // Every stop the trip ever had: the active ones, and those whose booking was cancelled
    // or ended in a no-show after the trip was made.
    let rows = sqlx::query(sql!(
        "SELECT ts.id AS stop_id, ts.position, ts.kind, ts.booking_id, ts.lon AS stop_lon, \
         ts.lat AS stop_lat, ts.planned, ts.done, ts.active AS stop_active, b.status AS booking_status, \
         b.status_at, ts.removed_reason, ts.removed_at, s.name AS site_name, {} \
         FROM trip_stops ts JOIN bookings b ON b.id = ts.booking_id JOIN elders e ON e.id = b.elder_id \
         LEFT JOIN sites s ON s.id = ts.site_id WHERE ts.trip_id = $1 ORDER BY ts.position",
        crate::elders::ELDER
    ))
    .bind(trip)
    .fetch_all(&mut *tx)
    .await?;
    let reports = sqlx::query(
        "SELECT r.trip_stop_id, r.event FROM reports r JOIN trip_stops ts ON ts.id = r.trip_stop_id \
         WHERE ts.trip_id = $1 ORDER BY r.at, r.id",
    )
    .bind(trip)
    .fetch_all(&mut *tx)
    .await?;
    let mut said: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for r in &reports {
        let event: String = r.try_get("event")?;
        said.entry(r.try_get("trip_stop_id")?)
            .or_default()
            .push(event);
    }
    let mut stops = Vec::with_capacity(rows.len());
    let mut removed = Vec::new();
    let mut named: std::collections::HashMap<i64, ChangedStopView> = Default::default();
    for r in &rows {
        let e: Elder = crate::elders::elder(r)?;
        let kind = StopKind::from_code(&r.try_get::<String, _>("kind")?)
            .ok_or_else(|| StoreError::Database("bad stored stop kind".into()))?;
        let done: Option<String> = r.try_get("done")?;
        let site: Option<String> = r.try_get("site_name")?;
        let at_home = matches!(
            kind,
            StopKind::PickupHome | StopKind::DropHome | StopKind::HomeVisit
        );
        let stop_id: i64 = r.try_get("stop_id")?;
        let planned: TimeOfDay = r.try_get("planned")?;
        named.insert(
            stop_id,
            ChangedStopView {
                id: stop_id,
                kind,
                first_name: e.first_name(),
                planned,
                from: None,
            },
        );
        if r.try_get::<i64, _>("stop_active")? == 0 {
            // Why it is off: said when it was taken off, or (stops taken off before reasons
            // were kept) the booking's end.
            let said = r
                .try_get::<Option<String>, _>("removed_reason")?
                .and_then(|c| ChangeReason::from_code(&c));
            let booking = BookingStatus::from_code(&r.try_get::<String, _>("booking_status")?);
            let why = match (said, booking) {
                (Some(reason), _) => Some((reason, r.try_get::<Option<i64>, _>("removed_at")?)),
                (None, Some(BookingStatus::Cancelled)) => Some((ChangeReason::Cancelled, None)),
                (None, Some(BookingStatus::NoShow)) => Some((ChangeReason::NoShow, None)),
                _ => None,
            };
            if let Some((reason, at)) = why {
                removed.push(RemovedStopView {
                    id: stop_id,
                    position: r.try_get("position")?,
                    kind,
                    booking_id: r.try_get("booking_id")?,
                    first_name: e.first_name(),
                    site: if at_home { None } else { site },
                    planned,
                    reason,
                    at: match at {
                        Some(at) => at,
                        None => r.try_get("status_at")?,
                    },
                });
            }
            continue;
        }
        let point = Point {
            lon: r.try_get("stop_lon")?,
            lat: r.try_get("stop_lat")?,
        };
        // Baidu's route starts at the previous stop still on the trip.
        let from = stops.last().map(|p: &TripStopView| Point {
            lon: p.lon,
            lat: p.lat,
        });
        let nav = NavLinks::to(point, if at_home { None } else { site.as_deref() }, from);
        stops.push(TripStopView {
            id: stop_id,
            position: r.try_get("position")?,
            kind,
            booking_id: r.try_get("booking_id")?,
            first_name: e.first_name(),
            address: if at_home {
                e.address.clone()
            } else {
                site.unwrap_or_default()
            },
            phone: (status == TripStatus::Accepted.code() && done.is_none())
                .then(|| e.phone.clone()),
            lon: point.lon,
            lat: point.lat,
            planned,
            done,
            said: said
                .remove(&stop_id)
                .unwrap_or_default()
                .into_iter()
                .filter(|event| {
                    vaxride_dispatch::model::Report::ALL
                        .iter()
                        .any(|k| k.code() == event && !k.closes_stop(kind))
                })
                .collect(),
            companions: e.companions,
            wheelchair: e.mobility == vaxride_dispatch::model::Mobility::Wheelchair,
            nav,
        });
    }
    let changes = changes(tx, trip, &named).await?;
    Ok(TripView {
        id: t.try_get("id")?,
        plan_id: t.try_get("plan_id")?,
        day: t.try_get("day")?,
        vehicle_id: t.try_get("vehicle_id")?,
        vehicle: t.try_get("vehicle")?,
        driver_id: t.try_get("driver_id")?,
        status,
        active: t.try_get::<i64, _>("active")? != 0,
        stops,
        removed,
        changes,
    })
}

/// The trip's changes, oldest first, their stops named.
async fn changes(
    tx: &mut sqlx::AnyConnection,
    trip: i64,
    named: &std::collections::HashMap<i64, ChangedStopView>,
) -> Result<Vec<TripChangeView>> {
    let rows = sqlx::query(
        "SELECT id, reason, changes, created_at, acknowledged_at FROM trip_changes \
         WHERE trip_id = $1 ORDER BY id",
    )
    .bind(trip)
    .fetch_all(&mut *tx)
    .await?;
    let bad = || StoreError::Database("bad stored trip change".into());
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let delta: crate::changes::ChangeSet =
            serde_json::from_str(&r.try_get::<String, _>("changes")?).map_err(|_| bad())?;
        let name = |id: &i64| named.get(id).cloned();
        out.push(TripChangeView {
            id: r.try_get("id")?,
            reason: ChangeReason::from_code(&r.try_get::<String, _>("reason")?).ok_or_else(bad)?,
            at: r.try_get("created_at")?,
            added: delta.added.iter().filter_map(name).collect(),
            removed: delta.removed.iter().filter_map(name).collect(),
            retimed: delta
                .retimed
                .iter()
                .filter_map(|(id, from, to)| {
                    name(id).map(|s| ChangedStopView {
                        planned: *to,
                        from: Some(*from),
                        ..s
                    })
                })
                .collect(),
            acknowledged_at: r.try_get("acknowledged_at")?,
        });
    }
    Ok(out)
}
