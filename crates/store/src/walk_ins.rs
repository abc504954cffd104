//! A walker's place at a van stop, no ride (issue 16): the checks a walk-in booking passes in
//! its batch's transaction, and the stops locked for them.

use vaxride_dispatch::Problem;
use vaxride_dispatch::values::ClockTime;

use crate::bookings::NewBooking;
use crate::error::Result;
use crate::problems;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A site as a walk-in needs it: kind, day, open from, open to, slot minutes, shots a slot,
/// the share kept for rides, the shots it gives.
type StopRow = (String, Option<String>, i64, i64, i64, i64, f64, String);

/// On PostgreSQL, locks the van stops a batch books walkers into, in id order (so that two
/// batches naming the same stops in another order wait rather than deadlock), until the batch
/// commits: two secretaries cannot take the last place together. SQLite's writers are serial.
pub(crate) async fn lock_walk_in_stops(tx: &mut Tx, batch: &[NewBooking]) -> Result<()> {
    if !tx.backend_name().eq_ignore_ascii_case("postgresql") {
        return Ok(());
    }
    let mut stops: Vec<i64> = batch
        .iter()
        .filter(|b| b.walk_in)
        .filter_map(|b| b.site_id)
        .collect();
    stops.sort_unstable();
    stops.dedup();
    for id in stops {
        sqlx::query("SELECT id FROM sites WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    }
    Ok(())
}

/// What keeps walker `b` out of the van stop slot they ask for, if anything (`before`: the
/// batch's entries before it): the site must be a van stop of that day (`walk_in_van_stop`),
/// the window one of its slots (`not_a_slot`), and the slot must have a place left for walkers
/// — its shots less those kept for rides (the share booked by rides, rounded down as planning
/// does), less the walk-ins already booked (`slot_full`); and the stop must give the shot the
/// elder needs next (`no_shot_due`, `van_stop_dose`). The stops are locked first
/// ([`lock_walk_in_stops`]).
pub(crate) async fn walk_in_room(
    tx: &mut Tx,
    community: i64,
    b: &NewBooking,
    before: &[NewBooking],
) -> Result<Option<Problem>> {
    let Some(site) = b.site_id else {
        return Ok(Some(problems::walk_in_van_stop()));
    };
    let row: Option<StopRow> = sqlx::query_as(
        "SELECT s.kind, s.day, s.open_from, s.open_to, s.slot_minutes, s.capacity_per_slot, \
         s.booked_share, s.doses FROM sites s WHERE s.id = $1 AND s.active = 1 AND \
         s.district_id = (SELECT c.district_id FROM communities c WHERE c.id = $2)",
    )
    .bind(site)
    .bind(community)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((kind, day, open_from, open_to, slot_minutes, per_slot, share, doses)) = row else {
        return Ok(None);
    };
    if kind != "van_stop" || day.as_deref() != Some(b.day.as_str()) {
        return Ok(Some(problems::walk_in_van_stop()));
    }
    let dose: Option<String> = sqlx::query_scalar("SELECT dose FROM elders WHERE id = $1")
        .bind(b.elder_id)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some(dose) = dose
        .as_deref()
        .and_then(vaxride_dispatch::values::Dose::from_code)
    {
        let Some(shot) = dose.next_shot() else {
            return Ok(Some(problems::no_shot_due()));
        };
        if !doses.split(',').any(|d| d == shot.code()) {
            return Ok(Some(problems::van_stop_dose(shot.code())));
        }
    }
    let slot = slot_minutes.max(1) * 60;
    let (from, to) = (b.window.from(), b.window.to());
    if from < open_from || to > open_to || (from - open_from) % slot != 0 || to - from != slot {
        let first = ClockTime::from_seconds(open_from).map_or_else(String::new, |c| c.to_string());
        return Ok(Some(problems::not_a_slot(first, slot_minutes)));
    }
    let for_rides = (per_slot as f64 * share).floor() as i64;
    let taken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE site_id = $1 AND window_from = $2 AND walk_in = 1 \
         AND status <> 'cancelled'",
    )
    .bind(site)
    .bind(from)
    .fetch_one(&mut **tx)
    .await?;
    let in_batch = before
        .iter()
        .filter(|o| o.walk_in && o.site_id == Some(site) && o.window.from() == from)
        .count() as i64;
    if taken + in_batch >= per_slot - for_rides {
        return Ok(Some(problems::slot_full()));
    }
    Ok(None)
}
