//! A published trip's changes: stops taken off with why, and a change for the driver of an
//! accepted trip to acknowledge (an event either way).

use vaxride_dispatch::model::{ChangeReason, TripStatus};

use crate::error::Result;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A stop moved by less than this (seconds) is re-timed silently: the driver and the
/// secretary are told of moves from five minutes on.
pub const TELL_AFTER: i64 = 300;

/// What one change did to one trip: stop ids added and taken off, and stops re-timed (id,
/// from, to; seconds of the day).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ChangeSet {
    pub added: Vec<i64>,
    pub removed: Vec<i64>,
    pub retimed: Vec<(i64, i64, i64)>,
}

impl ChangeSet {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.retimed.is_empty()
    }
}

/// Records a change of `trip` for its driver to acknowledge and pushes the trip as it now is
/// (in `tx`). Nothing when nothing changed.
async fn record_change(
    tx: &mut Tx,
    trip: i64,
    driver: Option<i64>,
    reason: ChangeReason,
    delta: &ChangeSet,
    now: i64,
) -> Result<()> {
    if delta.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO trip_changes (trip_id, reason, changes, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(trip)
    .bind(reason.code())
    .bind(serde_json::to_string(delta).expect("a delta serialises"))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if let Some(d) = driver {
        crate::trips::push_trip(tx, d, trip, "trip_changed", now).await?;
    }
    Ok(())
}

/// Tells a trip's driver what changed: on an accepted trip, a change to acknowledge (and
/// its event); on a trip not yet accepted, the trip as it now is.
pub(crate) async fn tell(
    tx: &mut Tx,
    trip: (i64, Option<i64>, &str),
    reason: ChangeReason,
    delta: &ChangeSet,
    now: i64,
) -> Result<()> {
    let (trip, driver, status) = trip;
    if status == TripStatus::Accepted.code() {
        record_change(tx, trip, driver, reason, delta, now).await
    } else if let (false, Some(d)) = (delta.is_empty(), driver) {
        crate::trips::push_trip(tx, d, trip, "trip_changed", now)
            .await
            .map(|_| ())
    } else {
        Ok(())
    }
}

/// Takes the active stops that `filter` (an SQL condition on `ts`, bound to `$1`) selects
/// off their trips, saying why, and tells each trip's driver but `except`'s.
pub(crate) async fn take_off_where(
    tx: &mut Tx,
    filter: &str,
    value: i64,
    reason: ChangeReason,
    except: Option<i64>,
    now: i64,
) -> Result<()> {
    let rows: Vec<(i64, i64, Option<i64>, String)> = sqlx::query_as(sql!(
        "SELECT ts.id, t.id, t.driver_id, t.status FROM trip_stops ts JOIN trips t ON t.id = ts.trip_id \
         WHERE ts.active = 1 AND {filter} ORDER BY ts.position"
    ))
    .bind(value)
    .fetch_all(&mut **tx)
    .await?;
    let stops: Vec<i64> = rows.iter().map(|r| r.0).collect();
    take_off(tx, &stops, reason, now).await?;
    let mut trips: Vec<(i64, Option<i64>, &str)> =
        rows.iter().map(|r| (r.1, r.2, r.3.as_str())).collect();
    trips.sort_unstable();
    trips.dedup();
    for trip in trips {
        if except.is_some() && trip.1 == except {
            continue;
        }
        let delta = ChangeSet {
            removed: rows.iter().filter(|r| r.1 == trip.0).map(|r| r.0).collect(),
            ..ChangeSet::default()
        };
        tell(tx, trip, reason, &delta, now).await?;
    }
    Ok(())
}

/// Takes stops off their trip, saying why.
pub(crate) async fn take_off(
    tx: &mut Tx,
    stops: &[i64],
    reason: ChangeReason,
    now: i64,
) -> Result<()> {
    for s in stops {
        sqlx::query(
            "UPDATE trip_stops SET active = 0, removed_reason = $1, removed_at = $2 WHERE id = $3",
        )
        .bind(reason.code())
        .bind(now)
        .bind(s)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
