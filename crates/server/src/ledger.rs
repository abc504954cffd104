//! The secretary's ledger CSV: import (all rows or none, or a dry run that only checks) and
//! the blank template in Chinese or English.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use vaxride_dispatch::FieldError;
use vaxride_dispatch::ledger::{Lang, LedgerRow, parse_ledger, template as ledger_template};
use vaxride_dispatch::model::Point;
use vaxride_store::{ElderInput, LedgerEntry, NewBooking, StoreError};

use crate::AppState;
use crate::api::{AddressMatch, DryRun};
use crate::auth::Caller;
use crate::bookings::{BOOKERS, community_of, created, idempotency, refuse_past, replayed};
use crate::error::ApiError;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    community_id: Option<i64>,
    /// Only check the file; save nothing.
    #[serde(default)]
    dry_run: bool,
}

/// `POST /api/bookings/import` (body: the ledger CSV, UTF-8): all rows or none; errors name
/// the row and column. `?dry_run=true` only checks and answers 200 with its report (`ok`, and the
/// problems in `error` when there are some). Honours `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/bookings/import",
    tag = "bookings",
    params(
        ImportQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body replay the first answer (1 to 100 characters)", min_length = 1, max_length = 100, pattern = "^[!-~]([ -~]*[!-~])?$"),
    ),
    request_body(content = String, content_type = "text/csv", description = "The ledger CSV (UTF-8, Chinese or English headers)"),
    responses(
        (status = 200, description = "Dry run: the report (`ok: false` and the problems, each with its `row` and `column`, in `error`)", body = crate::api::DryRun),
        (status = 201, description = "All rows saved", body = crate::api::Created),
        (status = 400, description = "Problems, each with its `row` and `column`", body = crate::api::ErrorBody),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
        (status = 422, description = "This Idempotency-Key was used with another body (`idempotency_mismatch`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn import_csv(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<ImportQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let idem = if q.dry_run {
        None
    } else {
        idempotency(&req, &body)?
    };
    if let Some(r) = replayed(&state, &caller, &idem).await? {
        return Ok(r);
    }
    let community = community_of(&caller, q.community_id)?;
    let bbox = match caller.0.district_id {
        Some(d) => crate::roads::district_bbox(&state, d).await?,
        None => None,
    };
    let places = Places {
        net: state.network.as_deref(),
        bbox,
    };
    let checked = read_ledger(&body, &caller, state.now(), &places);
    if q.dry_run {
        // A check that finds problems has still done its job: 200 with the report, so that a
        // page checking a file does not see a failed request.
        // What only the stored state shows (a new elder whose address was not found, a site
        // nobody has, a full slot) is checked by the import itself, rolled back.
        let report = match checked {
            Ok((entries, matches)) => match state
                .store
                .check_ledger(
                    caller.0.scope(),
                    community,
                    caller.0.user_id,
                    &entries,
                    state.now(),
                )
                .await
            {
                Ok(()) => DryRun {
                    rows: entries.len(),
                    ok: true,
                    error: None,
                    matches,
                },
                // The rows' problems, and where the others' addresses were found.
                Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_))) => DryRun {
                    rows: entries.len(),
                    ok: false,
                    error: Some(ApiError::from(e).body()),
                    matches,
                },
                // Not the file's problem (out of scope, the database): the request's.
                Err(e) => return Err(e.into()),
            },
            Err(e) => DryRun {
                rows: 0,
                ok: false,
                error: Some(e.body()),
                matches: Vec::new(),
            },
        };
        return Ok(HttpResponse::Ok().json(report));
    }
    let (entries, _) = checked?;
    let ids = state
        .store
        .import_ledger(
            caller.0.scope(),
            community,
            caller.0.user_id,
            &entries,
            idem.as_ref(),
            state.now(),
        )
        .await?;
    Ok(created(&ids))
}

/// The road network's places, and the box (the caller's district) addresses are matched in.
struct Places<'a> {
    net: Option<&'a vaxride_roadnet::RoadNetwork>,
    bbox: Option<[f64; 4]>,
}

impl Places<'_> {
    /// A row's home: its coordinates, else the place its address names (with the match).
    fn home(&self, r: &LedgerRow) -> (Option<Point>, Option<AddressMatch>) {
        if r.home.is_some() || r.address.trim().is_empty() {
            return (r.home, None);
        }
        let Some(found) = self
            .net
            .and_then(|n| n.places().geocode(&r.address, self.bbox))
        else {
            return (None, None);
        };
        let p = found.place;
        (
            Some(Point {
                lon: p.lon,
                lat: p.lat,
            }),
            Some(AddressMatch {
                row: r.row,
                address: r.address.clone(),
                label: p.label.clone(),
                exact: found.exact,
                lon: p.lon,
                lat: p.lat,
            }),
        )
    }
}

/// Reads and checks a ledger CSV: its entries and the addresses matched for rows without
/// coordinates, or every problem by row and column.
fn read_ledger(
    body: &[u8],
    caller: &Caller,
    now: i64,
    places: &Places<'_>,
) -> Result<(Vec<LedgerEntry>, Vec<AddressMatch>), ApiError> {
    let net = places.net;
    let rows = parse_ledger(body).map_err(ApiError::invalid)?;
    let mut matches = Vec::new();
    let entries: Vec<LedgerEntry> = rows
        .iter()
        .map(|r| {
            let (home, matched) = places.home(r);
            let home_from_address = matched.is_some();
            matches.extend(matched);
            (r, home, home_from_address)
        })
        .map(|(r, home, home_from_address)| LedgerEntry {
            row: r.row,
            name: r.name.clone(),
            phone: r.phone.clone(),
            home_from_address,
            unmatched_address: (home.is_none() && !r.address.trim().is_empty())
                .then(|| r.address.trim().to_string()),
            elder: home.map(|home| ElderInput {
                name: r.name.clone(),
                phone: r.phone.clone(),
                address: r.address.clone(),
                home,
                mobility: r.mobility,
                companions: r.companions,
                dose: r.dose,
                priority: r.priority,
                notes: r.notes.clone(),
            }),
            site_name: r.site.clone(),
            booking: NewBooking {
                elder_id: 0,
                day: r.day.clone(),
                window: r.window,
                site_id: None,
                return_wanted: r.return_wanted,
                dwell_minutes: r.dwell_minutes,
                notes: r.notes.clone(),
                walk_in: false,
            },
        })
        .collect();
    let mut errors = Vec::new();
    for (e, r) in entries.iter().zip(&rows) {
        let mut past = Vec::new();
        refuse_past(caller, &r.day, now, "day", &mut past);
        errors.extend(
            past.into_iter()
                .map(|f| FieldError::cell(r.row, &f.field, f.problem)),
        );
        if let Some(el) = &e.elder {
            let mut errs = Vec::new();
            el.validate("", &mut errs);
            if errs.is_empty()
                && let Err(p) = vaxride_dispatch::travel::check_home(net, el.home)
            {
                errs.push(FieldError::new("lon", p));
            }
            errors.extend(
                errs.into_iter()
                    .map(|f| FieldError::cell(r.row, &f.field, f.problem)),
            );
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok((entries, matches))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LangQuery {
    lang: Option<String>,
}

/// `GET /api/bookings/template.csv?lang=zh|en`.
#[utoipa::path(
    get,
    path = "/api/bookings/template.csv",
    tag = "bookings",
    security(()),
    params(
        LangQuery,
    ),
    responses(
        (status = 200, description = "The empty ledger CSV", body = String, content_type = "text/csv"),
    )
)]
pub(crate) async fn template(q: web::Query<LangQuery>) -> HttpResponse {
    let lang = if q.lang.as_deref() == Some("en") {
        Lang::En
    } else {
        Lang::Zh
    };
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"vaxride-ledger-template.csv\"",
        ))
        .body(ledger_template(lang))
}
