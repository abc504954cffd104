//! The campaign's progress (issue 16): what a street office reports every day, for the
//! caller's area, as JSON for the page and as CSV for the spreadsheet; and one elder's shots.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use vaxride_dispatch::ledger::Lang;
use vaxride_dispatch::progress::{Table, to_csv};
use vaxride_dispatch::values::Role;

use crate::AppState;
use crate::auth::Caller;
use crate::bookings::BOOKERS;
use crate::error::ApiError;

/// Who sees a progress: a secretary their community's, a coordinator their district's, an
/// admin every district's.
const READERS: &[Role] = &[Role::Secretary, Role::Coordinator, Role::Admin];

/// `GET /api/progress`.
#[utoipa::path(
    get,
    path = "/api/progress",
    tag = "progress",
    responses(
        (status = 200, description = "The campaign's progress of the caller's area: `total` and `communities` (elders on the roster, how many have which dose status, the rates), `sites` (shots per day and site against the site's capacity that day), `trend` (shots per day by shot, and the running total)", body = Object),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn progress(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    Ok(HttpResponse::Ok().json(state.store.progress(caller.0.scope()).await?))
}

/// Which table a CSV export holds.
#[derive(Deserialize, Clone, Copy, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CsvTable {
    /// One row per community and the total.
    Communities,
    /// One row per day and site.
    Sites,
}

/// The language of a CSV export's header.
#[derive(Deserialize, Clone, Copy, utoipa::ToSchema)]
pub(crate) enum CsvLang {
    /// Chinese (with a byte-order mark for Excel).
    #[serde(rename = "zh")]
    Zh,
    /// English.
    #[serde(rename = "en")]
    En,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CsvQuery {
    /// `communities` (default) or `sites`.
    table: Option<CsvTable>,
    /// `zh` (default) or `en`.
    lang: Option<CsvLang>,
}

/// `GET /api/progress.csv?table=communities|sites&lang=zh|en`.
#[utoipa::path(
    get,
    path = "/api/progress.csv",
    tag = "progress",
    params(
        CsvQuery,
    ),
    responses(
        (status = 200, description = "The progress as CSV: per community (and the total), or per day and site", body = String, content_type = "text/csv"),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn progress_csv(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<CsvQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let (table, name) = match q.table.unwrap_or(CsvTable::Communities) {
        CsvTable::Communities => (Table::Communities, "communities"),
        CsvTable::Sites => (Table::Sites, "sites"),
    };
    let lang = match q.lang.unwrap_or(CsvLang::Zh) {
        CsvLang::Zh => Lang::Zh,
        CsvLang::En => Lang::En,
    };
    let p = state.store.progress(caller.0.scope()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"vaxride-progress-{name}.csv\""),
        ))
        .body(to_csv(&p, table, lang)))
}

/// `GET /api/elders/{id}/vaccinations`.
#[utoipa::path(
    get,
    path = "/api/elders/{id}/vaccinations",
    tag = "progress",
    params(
        ("id" = i64, Path, description = "Elder id"),
    ),
    responses(
        (status = 200, description = "The elder's shots, oldest first: id, elder_id, booking_id, shot, day, site_id, at", body = [Object]),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn elder_vaccinations(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let shots = state.store.vaccinations(caller.0.scope(), *id).await?;
    Ok(HttpResponse::Ok().json(shots))
}
