//! Plans (versioned, draft → published) and what publishing does: trips for the
//! drivers, statuses for the secretaries, and the drivers' outbox, in one transaction.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use vaxride_dispatch::model::{ChangeReason, Day, Point, Report, StopKind, TripStatus};
use vaxride_dispatch::plan::{PlanBooking, PlanInput, PlannedStop};
use vaxride_dispatch::planning::CheckedPlan;
use vaxride_dispatch::underway::{DayUnderWay, RouteUnderWay, StopState, StopUnderWay};

use crate::elders::ELDER;

/// The bookings a plan of a day not begun carries.
const NOT_BEGUN: &str = "'booked', 'planned', 'unserved', 'confirmed'";
/// The bookings a plan of a day under way carries: those not begun, and those on their way.
const UNDER_WAY: &str = "'booked', 'planned', 'unserved', 'confirmed', 'driver_arrived', \
                         'picked_up', 'at_site', 'return_picked_up'";
use crate::error::Result;
use crate::{Scope, Store, StoreError};

/// A stored plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    /// Id.
    pub id: i64,
    /// District.
    pub district_id: i64,
    /// Day.
    pub day: String,
    /// Version (1, 2, … per district and day).
    pub version: i64,
    /// `draft`, `published`, `superseded`.
    pub status: String,
    /// Figures.
    pub figures: Value,
    /// Routes.
    pub routes: Value,
    /// Unserved bookings with reasons.
    pub unserved: Value,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Published (Unix seconds).
    pub published_at: Option<i64>,
    /// Why it was made: `None` for a coordinator's run, else the event it repairs.
    pub reason: Option<ChangeReason>,
    /// What publishing it changes against the plan it was made from (drivers disturbed,
    /// pick-up minutes moved, per vehicle), for a plan of a day under way.
    pub changes: Option<Value>,
    /// The published plan it was made from, for a plan of a day under way.
    pub based_on: Option<i64>,
}

/// A plan in a day's list: everything but its routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    /// Id.
    pub id: i64,
    /// Day.
    pub day: String,
    /// Version (1, 2, … per district and day).
    pub version: i64,
    /// `draft`, `published`, `superseded`.
    pub status: String,
    /// Figures.
    pub figures: Value,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Published (Unix seconds).
    pub published_at: Option<i64>,
    /// Why it was made: `None` for a coordinator's run, else the event it repairs.
    pub reason: Option<ChangeReason>,
    /// What publishing it changes against the plan it was made from (drivers disturbed,
    /// pick-up minutes moved, per vehicle), for a plan of a day under way.
    pub changes: Option<Value>,
}

pub(crate) fn district_of(scope: Scope) -> Result<Option<i64>> {
    match scope {
        Scope::Admin => Ok(None),
        Scope::District(d) => Ok(Some(d)),
        _ => Err(StoreError::NotFound),
    }
}

/// A JSON column of a stored plan.
fn json_column(r: &sqlx::any::AnyRow, c: &str) -> Result<Value> {
    let s: String = r.try_get(c)?;
    serde_json::from_str(&s).map_err(|_| StoreError::Database("bad stored plan".into()))
}

fn plan(r: &sqlx::any::AnyRow) -> Result<PlanView> {
    let json = |c: &str| json_column(r, c);
    Ok(PlanView {
        id: r.try_get("id")?,
        district_id: r.try_get("district_id")?,
        day: r.try_get("day")?,
        version: r.try_get("version")?,
        status: r.try_get("status")?,
        figures: json("figures")?,
        routes: json("routes")?,
        unserved: json("unassigned")?,
        created_at: r.try_get("created_at")?,
        published_at: r.try_get("published_at")?,
        reason: reason_of(r)?,
        changes: changes_of(r)?,
        based_on: r.try_get("based_on")?,
    })
}

/// A stored plan's reason.
fn reason_of(r: &sqlx::any::AnyRow) -> Result<Option<ChangeReason>> {
    Ok(r.try_get::<Option<String>, _>("reason")?
        .and_then(|c| ChangeReason::from_code(&c)))
}

/// A stored plan's changes.
fn changes_of(r: &sqlx::any::AnyRow) -> Result<Option<Value>> {
    Ok(r.try_get::<Option<String>, _>("changes")?
        .and_then(|c| serde_json::from_str(&c).ok()))
}

/// A day with a published plan, as it stands ([`Store::day_under_way`]).
#[derive(Debug, Clone)]
pub struct UnderWay {
    /// The bookings still to serve or under way, the sites and the vehicles.
    pub input: PlanInput,
    /// The published routes with where each stop stands.
    pub day: DayUnderWay,
    /// The published plan it was read from: a plan made from it may be published only while
    /// that plan still is.
    pub plan_id: i64,
}

impl Store {
    /// What planning a day works on: the district's live bookings that have not begun, its
    /// sites and its vehicles.
    pub async fn plan_input(&self, district: i64, day: &Day) -> Result<PlanInput> {
        self.input(district, day, NOT_BEGUN).await
    }

    /// The day as it stands, when the district has a published plan for it: the bookings
    /// still to serve or under way, and every active trip's stops with where they stand — done
    /// (or missed: a no-show), under way (the driver is at the door, or driving to the next stop
    /// of an accepted trip whose earlier stop is done), or open. `None` without a published plan.
    /// The trips of earlier versions still holding stops done are part of it, in order. Times
    /// are of the day (reports' Unix times less the day's start), as plans have them.
    pub async fn day_under_way(
        &self,
        district: i64,
        day: &Day,
        now_unix: i64,
    ) -> Result<Option<UnderWay>> {
        let of_day = |t: i64| t - day.start_unix();
        let published = published_plan(&self.pool, district, day.as_str()).await?;
        if published.is_none() {
            return Ok(None);
        }
        let input = self.input(district, day, UNDER_WAY).await?;
        let rows = sqlx::query(
            "SELECT t.id AS trip_id, t.vehicle_id, t.status AS trip_status, ts.booking_id, ts.kind, \
             ts.site_id, ts.lon, ts.lat, ts.planned, ts.slot, ts.done, ts.done_at, \
             (SELECT COUNT(*) FROM reports r WHERE r.trip_stop_id = ts.id AND r.event = 'arrived') AS arrived \
             FROM trips t JOIN plans p ON p.id = t.plan_id JOIN trip_stops ts ON ts.trip_id = t.id \
             WHERE p.district_id = $1 AND p.day = $2 AND t.active = 1 AND ts.active = 1 \
             AND t.status IN ('offered', 'accepted', 'done') \
             ORDER BY t.vehicle_id, t.id, ts.position",
        )
        .bind(district)
        .bind(day.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut routes: Vec<RouteUnderWay> = Vec::new();
        let mut accepted: Vec<bool> = Vec::new();
        for r in &rows {
            let vehicle: i64 = r.try_get("vehicle_id")?;
            let kind = StopKind::from_code(&r.try_get::<String, _>("kind")?)
                .ok_or_else(|| StoreError::Database("bad stored stop kind".into()))?;
            let planned: i64 = r.try_get("planned")?;
            let done: Option<String> = r.try_get("done")?;
            let done_at: Option<i64> = r.try_get("done_at")?;
            let state = match (done.as_deref(), done_at) {
                (Some(d), at) if d == Report::NoShow.code() => StopState::Missed {
                    at: at.map_or(planned, of_day),
                },
                (Some(_), at) => StopState::Done {
                    at: at.map_or(planned, of_day),
                },
                (None, _) if r.try_get::<i64, _>("arrived")? > 0 => StopState::UnderWay,
                (None, _) => StopState::Open,
            };
            if routes.last().is_none_or(|x| x.vehicle_id != vehicle) {
                routes.push(RouteUnderWay {
                    vehicle_id: vehicle,
                    departure: planned,
                    stops: Vec::new(),
                });
                accepted.push(false);
            }
            if r.try_get::<String, _>("trip_status")? == TripStatus::Accepted.code() {
                *accepted.last_mut().expect("a route") = true;
            }
            routes
                .last_mut()
                .expect("a route")
                .stops
                .push(StopUnderWay {
                    stop: PlannedStop {
                        booking_id: r.try_get("booking_id")?,
                        kind,
                        site_id: r.try_get("site_id")?,
                        point: Point {
                            lon: r.try_get("lon")?,
                            lat: r.try_get("lat")?,
                        },
                        arrival: planned,
                        start: planned,
                        slot: r.try_get("slot")?,
                    },
                    state,
                });
        }
        // An accepted trip that has begun is driving to its first stop still open.
        for (route, accepted) in routes.iter_mut().zip(accepted) {
            let k = route
                .stops
                .iter()
                .take_while(|s| s.state != StopState::Open)
                .count();
            if accepted && k > 0 && k < route.stops.len() {
                route.stops[k].state = StopState::UnderWay;
            }
        }
        // An elder whose health check failed is through at the site: the visit ends then; one
        // whose observation ended early, or runs late, is ready when the site said.
        let failed: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT b.id, COALESCE(b.ready_at, b.health_check_failed_at) FROM bookings b \
             JOIN communities c ON c.id = b.community_id WHERE c.district_id = $1 AND b.day = $2 \
             AND (b.ready_at IS NOT NULL OR b.health_check_failed_at IS NOT NULL)",
        )
        .bind(district)
        .bind(day.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut input = input;
        // A vehicle whose driver declined the day's trip takes no stops that day.
        let declined: Vec<i64> = sqlx::query_scalar(
            "SELECT t.vehicle_id FROM trips t JOIN plans p ON p.id = t.plan_id \
             WHERE p.district_id = $1 AND p.day = $2 AND t.active = 1 AND t.status = 'declined'",
        )
        .bind(district)
        .bind(day.as_str())
        .fetch_all(&self.pool)
        .await?;
        input.vehicles.retain(|v| !declined.contains(&v.id));
        let ended_early: Vec<i64> = failed.iter().map(|&(b, _)| b).collect();
        for (booking, at) in failed {
            let dropped = routes
                .iter()
                .flat_map(|r| &r.stops)
                .find_map(|s| match s.state {
                    StopState::Done { at }
                        if s.stop.booking_id == booking && s.stop.kind == StopKind::DropSite =>
                    {
                        Some(at)
                    }
                    _ => None,
                });
            if let (Some(dropped), Some(b)) = (
                dropped,
                input.bookings.iter_mut().find(|b| b.booking_id == booking),
            ) {
                b.dwell_minutes = ((of_day(at) - dropped).max(0) + 59) / 60;
            }
        }
        Ok(Some(UnderWay {
            input,
            day: DayUnderWay {
                now: of_day(now_unix),
                routes,
                keep_cost: None,
                ended_early,
            },
            plan_id: published.expect("checked above"),
        }))
    }

    /// The district's bookings of the day in `statuses` (an SQL list), its sites and vehicles.
    async fn input(&self, district: i64, day: &Day, statuses: &str) -> Result<PlanInput> {
        let rows = sqlx::query(sql!(
            "SELECT b.id AS booking_id, b.window_from, b.window_to, b.site_id, b.return_wanted, \
             b.dwell_minutes, b.status, {ELDER} FROM bookings b JOIN elders e ON e.id = b.elder_id \
             JOIN communities c ON c.id = b.community_id \
             WHERE c.district_id = $1 AND b.day = $2 AND b.status IN ({statuses}) \
             AND b.walk_in = 0 ORDER BY b.id"
        ))
        .bind(district)
        .bind(day.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut bookings = Vec::with_capacity(rows.len());
        for r in &rows {
            let e = crate::elders::elder(r)?;
            let b = Booked {
                id: r.try_get("booking_id")?,
                window: (r.try_get("window_from")?, r.try_get("window_to")?),
                site_id: r.try_get("site_id")?,
                return_wanted: r.try_get::<i64, _>("return_wanted")? != 0,
                dwell_minutes: r.try_get("dwell_minutes")?,
            };
            bookings.push(plan_booking(&e, b));
        }
        Ok(PlanInput {
            day: day.clone(),
            bookings,
            sites: self.sites(district).await?,
            vehicles: self.vehicles(district).await?,
        })
    }

    /// Stores a draft plan (the next version for the district and day), made from the plan
    /// `based_on` when the day had one published. Only a plan that passed the checker can be
    /// stored: [`CheckedPlan`] is made by the planning pipeline alone.
    pub async fn save_plan(
        &self,
        district: i64,
        day: &Day,
        plan: &CheckedPlan,
        based_on: Option<i64>,
        now: i64,
    ) -> Result<i64> {
        let mut tx = self.write().await?;
        let id = save_in(&mut tx, district, day, plan, based_on, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Says why a stored plan was made and what publishing it changes.
    pub async fn describe_plan(
        &self,
        id: i64,
        reason: Option<ChangeReason>,
        changes: &Value,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE plans SET reason = $1, changes = $2 WHERE id = $3")
            .bind(reason.map(|r| r.code()))
            .bind(changes.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A plan the scope sees.
    pub async fn plan(&self, scope: Scope, id: i64) -> Result<PlanView> {
        let district = district_of(scope)?;
        let row = sqlx::query("SELECT * FROM plans WHERE id = $1 AND ($2 = 0 OR district_id = $3)")
            .bind(id)
            .bind(i64::from(district.is_some()))
            .bind(district.unwrap_or(0))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        plan(&row)
    }

    /// The plans of a day the scope sees, newest version first.
    pub async fn plans(&self, scope: Scope, day: &Day) -> Result<Vec<PlanSummary>> {
        let district = district_of(scope)?;
        let rows = sqlx::query(
            "SELECT id, day, version, status, figures, created_at, published_at, reason, changes FROM plans \
             WHERE day = $1 AND ($2 = 0 OR district_id = $3) ORDER BY version DESC, id DESC",
        )
        .bind(day.as_str())
        .bind(i64::from(district.is_some()))
        .bind(district.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PlanSummary {
                    id: r.try_get("id")?,
                    day: r.try_get("day")?,
                    version: r.try_get("version")?,
                    status: r.try_get("status")?,
                    figures: json_column(r, "figures")?,
                    created_at: r.try_get("created_at")?,
                    published_at: r.try_get("published_at")?,
                    reason: reason_of(r)?,
                    changes: changes_of(r)?,
                })
            })
            .collect()
    }
}

/// [`Store::save_plan`] in a transaction.
pub(crate) async fn save_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    district: i64,
    day: &Day,
    plan: &CheckedPlan,
    based_on: Option<i64>,
    now: i64,
) -> Result<i64> {
    let (result, geometry) = (plan.result(), plan.geometry());
    let version: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM plans WHERE district_id = $1 AND day = $2",
    )
    .bind(district)
    .bind(day.as_str())
    .fetch_one(&mut **tx)
    .await?;
    let routes = serde_json::json!({ "routes": result.routes, "geometry": geometry });
    Ok(sqlx::query_scalar(
        "INSERT INTO plans (district_id, day, version, status, figures, routes, unassigned, based_on, created_at) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(district)
    .bind(day.as_str())
    .bind(version)
    .bind(serde_json::to_string(&result.figures).expect("figures serialise"))
    .bind(routes.to_string())
    .bind(serde_json::to_string(&result.unserved).expect("unserved serialise"))
    .bind(based_on)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// The day's published plan, if it has one.
pub(crate) async fn published_plan<'e, E>(db: E, district: i64, day: &str) -> Result<Option<i64>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar(
        "SELECT id FROM plans WHERE district_id = $1 AND day = $2 AND status = 'published'",
    )
    .bind(district)
    .bind(day)
    .fetch_optional(db)
    .await?)
}

/// A booking of an elder as planning sees it.
pub(crate) struct Booked {
    pub id: i64,
    pub window: (i64, i64),
    pub site_id: Option<i64>,
    pub return_wanted: bool,
    pub dwell_minutes: i64,
}

/// What planning works on for `b`, a booking of elder `e`.
pub(crate) fn plan_booking(e: &vaxride_dispatch::model::Elder, b: Booked) -> PlanBooking {
    PlanBooking {
        booking_id: b.id,
        community_id: e.community_id,
        home: e.home,
        mobility: e.mobility,
        companions: e.companions,
        dose: e.dose,
        priority: e.priority,
        window: b.window,
        site_id: b.site_id,
        return_wanted: b.return_wanted,
        dwell_minutes: b.dwell_minutes,
    }
}
