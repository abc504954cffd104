//! Publishing a plan: the day's trips are changed to match it, never replaced. A vehicle's
//! trip keeps its id, its driver's answer and its stops done or under way; only the stops still
//! to come are added, taken off (with why) or re-timed. Each driver whose accepted trip
//! changed gets one change to acknowledge and one event; a driver whose trip did not change
//! gets nothing. A secretary sees a pick-up that moved, from when and why.

use std::collections::{HashMap, HashSet};

use sqlx::Row;
use vaxride_dispatch::model::{BookingStatus, ChangeReason, StopKind, TripStatus};
use vaxride_dispatch::plan::{PlanResult, PlannedStop};

use crate::error::Result;
use crate::problems;
use crate::{Scope, Store, StoreError};

use crate::changes::{ChangeSet, TELL_AFTER, take_off, tell};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A trip of the day as publishing finds it.
struct Trip {
    id: i64,
    vehicle: i64,
    driver: Option<i64>,
    status: String,
}

/// An active stop of the day as publishing finds it.
struct Stop {
    id: i64,
    trip: i64,
    booking: i64,
    kind: StopKind,
    planned: i64,
    /// A drop at a site: the start of its slot.
    slot: Option<i64>,
    /// Done, or under way (the driver reported arriving): it stays where it is.
    fixed: bool,
}

/// The order of a trip's rows after a change: the route's stops in its order, each row no
/// longer on the route (taken off, or fixed elsewhere) kept right after the row it followed.
fn order(old: &[i64], route: &[i64]) -> Vec<i64> {
    let on_route: HashSet<i64> = route.iter().copied().collect();
    let mut after: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
    let mut anchor = None;
    for &row in old {
        if on_route.contains(&row) {
            anchor = Some(row);
        } else {
            after.entry(anchor).or_default().push(row);
        }
    }
    let mut out: Vec<i64> = after.remove(&None).unwrap_or_default();
    for &row in route {
        out.push(row);
        out.extend(after.remove(&Some(row)).unwrap_or_default());
    }
    out
}

impl Store {
    /// Publishes a draft: it replaces the day's published plan, and the day's trips are
    /// changed to match it (see the module). Bookings become `planned` (or `confirmed` on an
    /// accepted trip) or `unserved`; a booking under way keeps its status.
    pub async fn publish_plan(&self, scope: Scope, id: i64, now: i64) -> Result<crate::PlanView> {
        let p = self.plan(scope, id).await?;
        if p.status != "draft" {
            return Err(StoreError::Conflict(problems::plan_not_draft(p.status)));
        }
        let result: PlanResult = serde_json::from_value(serde_json::json!({
            "routes": p.routes["routes"],
            "unserved": p.unserved,
            "figures": p.figures,
        }))
        .map_err(|_| StoreError::Database("bad stored plan".into()))?;
        let mut tx = self.write().await?;
        let reason = p.reason.unwrap_or(ChangeReason::Replanned);
        let draft = Draft {
            id,
            district: p.district_id,
            day: &p.day,
            based_on: p.based_on,
        };
        publish_in(&mut tx, draft, &result, reason, now).await?;
        tx.commit().await?;
        self.plan(scope, id).await
    }
}

/// A draft plan about to be published.
pub(crate) struct Draft<'a> {
    pub id: i64,
    pub district: i64,
    pub day: &'a str,
    /// The published plan it was made from.
    pub based_on: Option<i64>,
}

/// Publishes a draft in a transaction (see [`Store::publish_plan`]). A draft made from a
/// published plan that another has replaced since is refused: publishing it would undo what
/// the newer plan changed.
pub(crate) async fn publish_in(
    tx: &mut Tx,
    draft: Draft<'_>,
    result: &PlanResult,
    reason: ChangeReason,
    now: i64,
) -> Result<()> {
    let published = crate::plans::published_plan(&mut **tx, draft.district, draft.day).await?;
    if let (Some(base), Some(now_published)) = (draft.based_on, published)
        && base != now_published
    {
        return Err(StoreError::Conflict(problems::plan_outdated(now_published)));
    }
    sqlx::query("UPDATE plans SET status = 'superseded' WHERE id = $1")
        .bind(published)
        .execute(&mut **tx)
        .await?;
    let done = sqlx::query(
        "UPDATE plans SET status = 'published', published_at = $1 WHERE id = $2 AND status = 'draft'",
    )
    .bind(now)
    .bind(draft.id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict(problems::plan_changed()));
    }
    let mut day = Today::read(tx, draft.district, draft.day).await?;
    day.apply(tx, draft.id, result, reason, now).await
}

/// The day's trips, stops and bookings, as publishing changes them.
struct Today {
    trips: Vec<Trip>,
    stops: Vec<Stop>,
    status: HashMap<i64, BookingStatus>,
}

impl Today {
    async fn read(tx: &mut Tx, district: i64, day: &str) -> Result<Today> {
        let rows = sqlx::query(
            "SELECT t.id, t.vehicle_id, t.driver_id, t.status FROM trips t JOIN plans p ON p.id = t.plan_id \
             WHERE p.district_id = $1 AND p.day = $2 AND t.active = 1 ORDER BY t.id",
        )
        .bind(district)
        .bind(day)
        .fetch_all(&mut **tx)
        .await?;
        let mut trips = Vec::with_capacity(rows.len());
        for r in &rows {
            trips.push(Trip {
                id: r.try_get("id")?,
                vehicle: r.try_get("vehicle_id")?,
                driver: r.try_get("driver_id")?,
                status: r.try_get("status")?,
            });
        }
        let rows = sqlx::query(
            "SELECT ts.id, ts.trip_id, ts.booking_id, ts.kind, ts.planned, ts.slot, ts.done, \
             (SELECT COUNT(*) FROM reports r WHERE r.trip_stop_id = ts.id AND r.event = 'arrived') AS reported \
             FROM trip_stops ts JOIN trips t ON t.id = ts.trip_id JOIN plans p ON p.id = t.plan_id \
             WHERE p.district_id = $1 AND p.day = $2 AND t.active = 1 AND ts.active = 1 ORDER BY ts.id",
        )
        .bind(district)
        .bind(day)
        .fetch_all(&mut **tx)
        .await?;
        let mut stops = Vec::with_capacity(rows.len());
        for r in &rows {
            stops.push(Stop {
                id: r.try_get("id")?,
                trip: r.try_get("trip_id")?,
                booking: r.try_get("booking_id")?,
                kind: StopKind::from_code(&r.try_get::<String, _>("kind")?)
                    .ok_or_else(|| StoreError::Database("bad stored stop kind".into()))?,
                planned: r.try_get("planned")?,
                slot: r.try_get("slot")?,
                fixed: r.try_get::<Option<String>, _>("done")?.is_some()
                    || r.try_get::<i64, _>("reported")? > 0,
            });
        }
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT b.id, b.status FROM bookings b JOIN communities c ON c.id = b.community_id \
             WHERE c.district_id = $1 AND b.day = $2",
        )
        .bind(district)
        .bind(day)
        .fetch_all(&mut **tx)
        .await?;
        let mut status = HashMap::with_capacity(rows.len());
        for (b, s) in rows {
            let s = BookingStatus::from_code(&s)
                .ok_or_else(|| StoreError::Database("bad stored booking status".into()))?;
            status.insert(b, s);
        }
        Ok(Today {
            trips,
            stops,
            status,
        })
    }

    /// Whether a stop is the one a secretary waits for: the pick-up at home (or the home
    /// visit) before the ride begins, the pick-up at the site after.
    fn awaited(&self, booking: i64, kind: StopKind) -> bool {
        let begun = self.status.get(&booking).is_some_and(|s| s.under_way());
        match kind {
            StopKind::PickupHome | StopKind::HomeVisit => !begun,
            StopKind::PickupSite => begun,
            StopKind::DropSite | StopKind::DropHome => false,
        }
    }

    /// Whether a stop of the plan is still to be made: its booking is live and not past it.
    fn wanted(&self, s: &PlannedStop) -> bool {
        use BookingStatus::*;
        match self.status.get(&s.booking_id) {
            None | Some(Cancelled | NoShow | Home | Visited) => false,
            Some(ReturnPickedUp) => s.kind == StopKind::DropHome,
            Some(AtSite) => matches!(s.kind, StopKind::PickupSite | StopKind::DropHome),
            Some(PickedUp) => s.kind != StopKind::PickupHome,
            Some(_) => true,
        }
    }

    async fn apply(
        &mut self,
        tx: &mut Tx,
        plan: i64,
        result: &PlanResult,
        reason: ChangeReason,
        now: i64,
    ) -> Result<()> {
        let kept = |t: &Trip| t.status != TripStatus::Declined.code();
        // Where the plan puts each stop.
        let mut target: HashMap<(i64, StopKind), i64> = HashMap::new();
        for r in &result.routes {
            for s in &r.stops {
                target.insert((s.booking_id, s.kind), r.vehicle_id);
            }
        }
        let trip_of: HashMap<i64, usize> = self
            .trips
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i))
            .collect();
        let mut deltas: HashMap<i64, ChangeSet> = HashMap::new();
        let mut old_pickup: HashMap<i64, i64> = HashMap::new();
        // 1. Stops still to come that the plan puts elsewhere (or nowhere) leave their trip.
        let mut off = Vec::new();
        for s in &self.stops {
            if self.awaited(s.booking, s.kind) {
                old_pickup.insert(s.booking, s.planned);
            }
            let t = &self.trips[trip_of[&s.trip]];
            if s.fixed || (kept(t) && target.get(&(s.booking, s.kind)) == Some(&t.vehicle)) {
                continue;
            }
            off.push(s.id);
            deltas.entry(s.trip).or_default().removed.push(s.id);
        }
        take_off(tx, &off, reason, now).await?;
        let off: HashSet<i64> = off.into_iter().collect();
        self.stops.retain(|s| !off.contains(&s.id));
        let active: HashMap<(i64, StopKind), usize> = self
            .stops
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.booking, s.kind), i))
            .collect();
        // 2. Each route: its vehicle's trip, kept or new, made to match it.
        let mut routed = HashSet::new();
        let mut new_pickup: HashMap<i64, i64> = HashMap::new();
        let mut reoffered = HashSet::new();
        // The trips this publishing makes, with their drivers, offered once the old are told.
        let mut created: Vec<(i64, Option<i64>)> = Vec::new();
        for r in &result.routes {
            let old = self
                .trips
                .iter()
                .find(|t| t.vehicle == r.vehicle_id && kept(t));
            let mut rows = Vec::new();
            let mut fresh = Vec::new();
            for s in r.stops.iter().filter(|s| self.wanted(s)) {
                match active.get(&(s.booking_id, s.kind)).map(|&i| &self.stops[i]) {
                    Some(x) if old.is_some_and(|t| t.id == x.trip) => {
                        rows.push(Some(x.id));
                        if !x.fixed && (x.planned != s.start || x.slot != s.slot) {
                            sqlx::query(
                                "UPDATE trip_stops SET planned = $1, slot = $2 WHERE id = $3",
                            )
                            .bind(s.start)
                            .bind(s.slot)
                            .bind(x.id)
                            .execute(&mut **tx)
                            .await?;
                            if (x.planned - s.start).abs() >= TELL_AFTER {
                                let d = deltas.entry(x.trip).or_default();
                                d.retimed.push((x.id, x.planned, s.start));
                            }
                        }
                    }
                    // Done or under way on another trip: it stays there.
                    Some(_) => continue,
                    None => {
                        rows.push(None);
                        fresh.push(s);
                    }
                }
                if self.awaited(s.booking_id, s.kind) {
                    new_pickup.insert(s.booking_id, s.start);
                }
            }
            if fresh.is_empty() && old.is_none() {
                continue;
            }
            let trip = match old {
                Some(t) => {
                    // A trip done that gets stops again is offered again.
                    let status = if t.status == TripStatus::Done.code() && !fresh.is_empty() {
                        reoffered.insert(t.id);
                        TripStatus::Offered.code()
                    } else {
                        t.status.as_str()
                    };
                    sqlx::query(
                        "UPDATE trips SET plan_id = $1, status = $2, updated_at = $3, \
                         offered_at = CASE WHEN $4 = 1 THEN $3 ELSE offered_at END WHERE id = $5",
                    )
                    .bind(plan)
                    .bind(status)
                    .bind(now)
                    .bind(i64::from(reoffered.contains(&t.id)))
                    .bind(t.id)
                    .execute(&mut **tx)
                    .await?;
                    t.id
                }
                None => {
                    let driver: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM drivers WHERE vehicle_id = $1")
                            .bind(r.vehicle_id)
                            .fetch_optional(&mut **tx)
                            .await?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO trips (plan_id, vehicle_id, driver_id, status, updated_at, offered_at) \
                         VALUES ($1, $2, $3, 'offered', $4, $4) RETURNING id",
                    )
                    .bind(plan)
                    .bind(r.vehicle_id)
                    .bind(driver)
                    .bind(now)
                    .fetch_one(&mut **tx)
                    .await?;
                    created.push((id, driver));
                    id
                }
            };
            routed.insert(trip);
            // New stops go in at positions no row has; every row is numbered again below.
            let mut fresh_ids = Vec::with_capacity(fresh.len());
            for (i, s) in fresh.iter().enumerate() {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO trip_stops (trip_id, position, booking_id, kind, site_id, lon, lat, planned, slot) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(trip)
                .bind(-1_000_000 - i as i64)
                .bind(s.booking_id)
                .bind(s.kind.code())
                .bind(s.site_id)
                .bind(s.point.lon)
                .bind(s.point.lat)
                .bind(s.start)
                .bind(s.slot)
                .fetch_one(&mut **tx)
                .await?;
                fresh_ids.push(id);
            }
            if old.is_some() {
                deltas.entry(trip).or_default().added.extend(&fresh_ids);
            }
            let mut fresh_ids = fresh_ids.into_iter();
            let route: Vec<i64> = rows
                .into_iter()
                .map(|r| r.unwrap_or_else(|| fresh_ids.next().expect("one id per new stop")))
                .collect();
            renumber(tx, trip, &route).await?;
        }
        // 3. Tell each driver: a new trip is offered; a kept one changed; one left with no
        // stop is withdrawn.
        for t in &self.trips {
            let delta = deltas.remove(&t.id).unwrap_or_default();
            let left: bool = self.stops.iter().any(|s| s.trip == t.id);
            if !routed.contains(&t.id) && !left {
                sqlx::query(
                    "UPDATE trips SET active = 0, status = 'cancelled', updated_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(t.id)
                .execute(&mut **tx)
                .await?;
                if let Some(d) = t.driver {
                    crate::trips::push_trip(tx, d, t.id, "trip_cancelled", now).await?;
                }
                continue;
            }
            if reoffered.contains(&t.id) {
                if let Some(d) = t.driver {
                    crate::trips::push_trip(tx, d, t.id, "trip_offered", now).await?;
                }
            } else {
                let trip = (t.id, t.driver, t.status.as_str());
                tell(tx, trip, reason, &delta, now).await?;
            }
        }
        for (trip, driver) in created {
            if let Some(d) = driver {
                crate::trips::push_trip(tx, d, trip, "trip_offered", now).await?;
            }
        }
        // 4. The secretaries' view: statuses, and a pick-up that moved.
        self.bookings(tx, result, &old_pickup, &new_pickup, reason, now)
            .await
    }

    async fn bookings(
        &self,
        tx: &mut Tx,
        result: &PlanResult,
        old_pickup: &HashMap<i64, i64>,
        new_pickup: &HashMap<i64, i64>,
        reason: ChangeReason,
        now: i64,
    ) -> Result<()> {
        let mut served: Vec<i64> = result
            .routes
            .iter()
            .flat_map(|r| r.stops.iter())
            .filter(|s| self.wanted(s))
            .map(|s| s.booking_id)
            .collect();
        served.sort_unstable();
        served.dedup();
        for b in served {
            let begun = self.status.get(&b).is_some_and(|s| s.under_way());
            if !begun {
                // Confirmed when the trip that picks the elder up is accepted.
                sqlx::query(
                    "UPDATE bookings SET status = CASE WHEN EXISTS (SELECT 1 FROM trip_stops ts \
                     JOIN trips t ON t.id = ts.trip_id WHERE ts.booking_id = $1 AND ts.active = 1 \
                     AND ts.kind IN ('pickup_home', 'home_visit') AND t.status = 'accepted') THEN 'confirmed' ELSE 'planned' END, \
                     unserved_reason = NULL, status_at = $2 WHERE id = $1",
                )
                .bind(b)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            } else {
                sqlx::query("UPDATE bookings SET unserved_reason = NULL WHERE id = $1")
                    .bind(b)
                    .execute(&mut **tx)
                    .await?;
            }
            if let (Some(&from), Some(&to)) = (old_pickup.get(&b), new_pickup.get(&b))
                && (from - to).abs() >= TELL_AFTER
            {
                sqlx::query(
                    "UPDATE bookings SET previous_pickup = $1, change_reason = $2, changed_at = $3 WHERE id = $4",
                )
                .bind(from)
                .bind(reason.code())
                .bind(now)
                .bind(b)
                .execute(&mut **tx)
                .await?;
            }
        }
        for u in &result.unserved {
            let Some(status) = self.status.get(&u.booking_id) else {
                continue;
            };
            if matches!(
                status,
                BookingStatus::Cancelled
                    | BookingStatus::NoShow
                    | BookingStatus::Home
                    | BookingStatus::Visited
            ) {
                continue;
            }
            // A ride under way keeps its status; the reason tells the coordinator to act.
            let sql = if status.under_way() {
                "UPDATE bookings SET unserved_reason = $1, status_at = $2 WHERE id = $3"
            } else {
                "UPDATE bookings SET status = 'unserved', unserved_reason = $1, status_at = $2 WHERE id = $3"
            };
            sqlx::query(sql)
                .bind(&u.reason)
                .bind(now)
                .bind(u.booking_id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

/// Numbers every row of `trip` again: the route's stops in its order, the others where they
/// were (see [`order`]).
async fn renumber(tx: &mut Tx, trip: i64, route: &[i64]) -> Result<()> {
    let old: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM trip_stops WHERE trip_id = $1 AND position >= 0 ORDER BY position",
    )
    .bind(trip)
    .fetch_all(&mut **tx)
    .await?;
    let rows = order(&old, route);
    sqlx::query(
        "UPDATE trip_stops SET position = -1 - position WHERE trip_id = $1 AND position >= 0",
    )
    .bind(trip)
    .execute(&mut **tx)
    .await?;
    for (position, id) in rows.iter().enumerate() {
        sqlx::query("UPDATE trip_stops SET position = $1 WHERE id = $2")
            .bind(position as i64)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::order;

    #[test]
    fn rows_off_the_route_stay_after_the_row_they_followed() {
        // 1 2 3 4 5 before; 2 and 4 taken off; 9 new; the route is 3 1 9 5.
        assert_eq!(
            order(&[1, 2, 3, 4, 5], &[3, 1, 9, 5]),
            vec![3, 4, 1, 2, 9, 5]
        );
        // A row before every route row stays first.
        assert_eq!(order(&[7, 1], &[1]), vec![7, 1]);
        assert_eq!(order(&[], &[4, 2]), vec![4, 2]);
    }
}
