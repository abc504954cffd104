//! The secretaries' ledger CSV, saved: each row's elder found (by name and phone in the
//! community) or created, and booked, all rows or none; or only checked, the same way, in a
//! transaction rolled back (the dry run).

use vaxride_dispatch::FieldError;

use crate::bookings::{Idempotency, NewBooking, check_community, insert_bookings, store_key};
use crate::elders::{ElderInput, insert_elder};
use crate::error::Result;
use crate::problems;
use crate::{Scope, Store, StoreError};

/// A ledger row for [`Store::import_ledger`]: the elder (found by name and phone in the
/// community, or created from `elder` when given) and the booking.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    /// Row in the file (for errors).
    pub row: usize,
    /// Name, to find the elder.
    pub name: String,
    /// Phone, to find the elder.
    pub phone: String,
    /// The elder's data, when the row has all of it (coordinates, or an address they were
    /// found from).
    pub elder: Option<ElderInput>,
    /// The home was found from the row's address (it had no coordinates): it makes a new
    /// elder, while an elder already on the roster keeps the roster's home and details.
    pub home_from_address: bool,
    /// The address the row gave without coordinates, when the map has nothing it names: a new
    /// elder is refused with `address_not_found` on it (an elder on the roster keeps their home).
    pub unmatched_address: Option<String>,
    /// Site named in the row, if any.
    pub site_name: Option<String>,
    /// The booking (`elder_id` and `site_id` are filled in here).
    pub booking: NewBooking,
}

/// What a ledger run does with what it finds sound.
enum Ledger<'a> {
    /// Saves it (with the request's idempotency key, if any).
    Save(Option<&'a Idempotency>),
    /// Only checks it: the transaction is rolled back.
    Check,
}

impl Store {
    /// Imports a ledger: finds or creates each row's elder and books them, all in one
    /// transaction. Errors name the row and column.
    pub async fn import_ledger(
        &self,
        scope: Scope,
        community: i64,
        user_id: i64,
        rows: &[LedgerEntry],
        idem: Option<&Idempotency>,
        now: i64,
    ) -> Result<Vec<i64>> {
        self.ledger(scope, community, user_id, rows, Ledger::Save(idem), now)
            .await
    }

    /// Checks a ledger as [`Store::import_ledger`] would save it, and saves nothing (the dry
    /// run): the same problems by row and column, including those only the stored state shows
    /// (a new elder whose address was not found, a site nobody has, a full slot).
    pub async fn check_ledger(
        &self,
        scope: Scope,
        community: i64,
        user_id: i64,
        rows: &[LedgerEntry],
        now: i64,
    ) -> Result<()> {
        self.ledger(scope, community, user_id, rows, Ledger::Check, now)
            .await
            .map(|_| ())
    }

    async fn ledger(
        &self,
        scope: Scope,
        community: i64,
        user_id: i64,
        rows: &[LedgerEntry],
        mode: Ledger<'_>,
        now: i64,
    ) -> Result<Vec<i64>> {
        let mut tx = self.write().await?;
        check_community(&mut tx, scope, community).await?;
        let district: i64 = sqlx::query_scalar("SELECT district_id FROM communities WHERE id = $1")
            .bind(community)
            .fetch_one(&mut *tx)
            .await?;
        let mut errors = Vec::new();
        let mut batch = Vec::with_capacity(rows.len());
        for r in rows {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM elders WHERE community_id = $1 AND name = $2 AND phone = $3 \
                 AND active = 1",
            )
            .bind(community)
            .bind(&r.name)
            .bind(&r.phone)
            .fetch_optional(&mut *tx)
            .await?;
            let elder_id = match (found, &r.elder) {
                (Some(id), Some(_)) if r.home_from_address => id,
                (Some(id), Some(e)) => {
                    // The ledger is the secretary's truth: refresh what it says.
                    sqlx::query(
                        "UPDATE elders SET address = $1, lon = $2, lat = $3, mobility = $4, \
                         companions = $5, dose = $6, priority = $7, notes = $8, updated_at = $9 WHERE id = $10",
                    )
                    .bind(&e.address)
                    .bind(e.home.lon)
                    .bind(e.home.lat)
                    .bind(e.mobility.code())
                    .bind(e.companions)
                    .bind(e.dose.code())
                    .bind(e.priority)
                    .bind(&e.notes)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                (Some(id), None) => id,
                (None, Some(e)) => insert_elder(&mut tx, scope, community, e, now).await?,
                (None, None) if r.unmatched_address.is_some() => {
                    let address = r.unmatched_address.as_deref().unwrap_or_default();
                    errors.push(FieldError::cell(
                        r.row,
                        "address",
                        problems::address_not_found(address),
                    ));
                    continue;
                }
                (None, None) => {
                    errors.push(FieldError::cell(
                        r.row,
                        "lon",
                        problems::new_elder_needs_home(),
                    ));
                    continue;
                }
            };
            let site_id = match &r.site_name {
                None => None,
                Some(name) => {
                    let id: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM sites WHERE district_id = $1 AND name = $2 AND active = 1",
                    )
                    .bind(district)
                    .bind(name)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if id.is_none() {
                        errors.push(FieldError::cell(
                            r.row,
                            "site",
                            problems::no_site_named(name),
                        ));
                        continue;
                    }
                    id
                }
            };
            batch.push(NewBooking {
                elder_id,
                site_id,
                ..r.booking.clone()
            });
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let ids = insert_bookings(&mut tx, scope, community, user_id, &batch, "row", now)
            .await
            .map_err(|e| match e {
                // Entry k of the batch is row rows[k].row of the file.
                StoreError::Invalid(list) => StoreError::Invalid(
                    list.into_iter()
                        .map(|f| match f.row {
                            Some(k) if k < rows.len() => FieldError::cell(
                                rows[k].row,
                                f.column.as_deref().unwrap_or(""),
                                f.problem,
                            ),
                            _ => f,
                        })
                        .collect(),
                ),
                other => other,
            })?;
        match mode {
            Ledger::Save(idem) => {
                store_key(&mut tx, user_id, idem, &ids, now).await?;
                tx.commit().await?;
            }
            Ledger::Check => tx.rollback().await?,
        }
        Ok(ids)
    }
}
