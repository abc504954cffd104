//! Secretaries' endpoints: communities, elders, bookings in batches (JSON or the ledger CSV).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use vaxride_dispatch::ledger::{Lang, parse_ledger, template as ledger_template};
use vaxride_dispatch::model::{Day, Dose, Mobility, Point, TimePreference};
use vaxride_dispatch::values::{Role, Window};
use vaxride_dispatch::{FieldError, Problem};
use vaxride_roadnet::Crs;
use vaxride_store::{ElderInput, Idempotency, LedgerEntry, NewBooking, Replay, Scope, StoreError};

use crate::AppState;
use crate::api::{Created, DryRun, NewId};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::problems;

/// `GET /api/communities`.
#[utoipa::path(
    get,
    path = "/api/communities",
    tag = "bookings",
    responses(
        (status = 200, description = "The communities the caller may see", body = [Object]),
    )
)]
pub(crate) async fn communities(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.store.communities(caller.0.scope()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ElderBody {
    #[serde(default)]
    community_id: Option<i64>,
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[schema(value_type = crate::api::Point)]
    home: Point,
    #[serde(default)]
    #[schema(value_type = crate::api::Crs)]
    crs: Crs,
    #[schema(value_type = crate::api::Mobility)]
    mobility: Mobility,
    #[serde(default)]
    companions: i64,
    #[schema(value_type = crate::api::Dose)]
    dose: Dose,
    #[serde(default = "one")]
    priority: i64,
    #[serde(default)]
    notes: String,
}

fn one() -> i64 {
    1
}

impl ElderBody {
    fn input(&self) -> Result<ElderInput, ApiError> {
        let mut errors = Vec::new();
        self.home.validate("home", &mut errors);
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
        let (lon, lat) = self.crs.to_wgs84(self.home.lon, self.home.lat);
        let input = ElderInput {
            name: self.name.trim().to_string(),
            phone: self.phone.trim().to_string(),
            address: self.address.trim().to_string(),
            home: Point { lon, lat },
            mobility: self.mobility,
            companions: self.companions,
            dose: self.dose,
            priority: self.priority,
            notes: self.notes.clone(),
        };
        input.validate("", &mut errors);
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(ApiError::invalid(errors))
        }
    }
}

/// The community a secretary works for, or the one a coordinator names.
fn community_of(caller: &Caller, named: Option<i64>) -> Result<i64, ApiError> {
    match (caller.0.role, caller.0.community_id, named) {
        (Role::Secretary, Some(c), None) => Ok(c),
        (Role::Secretary, Some(c), Some(n)) if n == c => Ok(c),
        (Role::Secretary, _, Some(_)) => Err(ApiError::not_found()),
        (Role::Coordinator | Role::Admin, _, Some(n)) => Ok(n),
        (Role::Coordinator | Role::Admin, _, None) => Err(ApiError::field(
            "community_id",
            problems::community_needed(),
        )),
        _ => Err(ApiError::forbidden()),
    }
}

const BOOKERS: &[Role] = &[Role::Secretary, Role::Coordinator];

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Find {
    find: Option<String>,
}

/// `GET /api/elders?find=`.
#[utoipa::path(
    get,
    path = "/api/elders",
    tag = "bookings",
    params(
        Find,
    ),
    responses(
        (status = 200, description = "Elders of the caller's communities", body = [Object]),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list_elders(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<Find>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let elders = state
        .store
        .elders(
            caller.0.scope(),
            q.find.as_deref().filter(|f| !f.is_empty()),
        )
        .await?;
    Ok(HttpResponse::Ok().json(elders))
}

/// `POST /api/elders`.
#[utoipa::path(
    post,
    path = "/api/elders",
    tag = "bookings",
    request_body = ElderBody,
    responses(
        (status = 201, description = "The elder", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn create_elder(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<ElderBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let community = community_of(&caller, body.community_id)?;
    let input = body.input()?;
    let e = state
        .store
        .create_elder(caller.0.scope(), community, &input, state.now())
        .await?;
    Ok(HttpResponse::Created().json(e))
}

/// `GET /api/elders/{id}`.
#[utoipa::path(
    get,
    path = "/api/elders/{id}",
    tag = "bookings",
    params(
        ("id" = i64, Path, description = "Elder id"),
    ),
    responses(
        (status = 200, description = "The elder", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn get_elder(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    Ok(HttpResponse::Ok().json(state.store.elder(caller.0.scope(), *id).await?))
}

/// `PUT /api/elders/{id}`.
#[utoipa::path(
    put,
    path = "/api/elders/{id}",
    tag = "bookings",
    params(
        ("id" = i64, Path, description = "Elder id"),
    ),
    request_body = ElderBody,
    responses(
        (status = 200, description = "The elder", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn update_elder(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Json<ElderBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let input = body.input()?;
    let e = state
        .store
        .update_elder(caller.0.scope(), *id, &input, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(e))
}

/// `DELETE /api/elders/{id}`: takes the elder off the roster (moved away, died, no longer
/// needs rides); their bookings that have not begun are cancelled.
#[utoipa::path(
    delete,
    path = "/api/elders/{id}",
    tag = "bookings",
    params(
        ("id" = i64, Path, description = "Elder id"),
    ),
    responses(
        (status = 200, description = "Retired: `{\"cancelled\": [booking ids]}`", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, description = "Missing, retired, or not the caller's to see (`not_found`)", body = crate::api::ErrorBody),
        (status = 409, description = "A ride of theirs is under way (`conflict`, detail `ride_under_way`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn retire_elder(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let cancelled = state
        .store
        .retire_elder(caller.0.scope(), *id, state.now())
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "cancelled": cancelled })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BatchBody {
    #[serde(default)]
    community_id: Option<i64>,
    bookings: Vec<BookingBody>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct BookingBody {
    elder_id: i64,
    day: String,
    /// `morning`, `afternoon` or `any` (default), unless `window` is given.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::TimePreference>)]
    time: Option<TimePreference>,
    /// `["08:00", "10:00"]`.
    #[serde(default)]
    window: Option<[String; 2]>,
    #[serde(default)]
    site_id: Option<i64>,
    #[serde(default = "yes", rename = "return")]
    return_wanted: bool,
    #[serde(default = "thirty")]
    dwell_minutes: i64,
    #[serde(default)]
    notes: String,
}

fn yes() -> bool {
    true
}
fn thirty() -> i64 {
    30
}

fn idempotency(req: &HttpRequest, body: &[u8]) -> Result<Option<Idempotency>, ApiError> {
    let Some(h) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = h
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= 100)
        .ok_or_else(|| ApiError::field("Idempotency-Key", problems::idempotency_key(100)))?;
    let sha: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Some(Idempotency {
        key: key.to_string(),
        request_sha256: sha,
    }))
}

/// Answers a repeated key: the stored answer, or 422 when the body differs.
async fn replayed(
    state: &AppState,
    caller: &Caller,
    idem: &Option<Idempotency>,
) -> Result<Option<HttpResponse>, ApiError> {
    let Some(idem) = idem else { return Ok(None) };
    match state.store.replay(caller.0.user_id, idem).await? {
        None => Ok(None),
        Some(Replay::Same { status, body }) => Ok(Some(
            HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
                .content_type("application/json")
                .insert_header(("Idempotent-Replayed", "true"))
                .body(body),
        )),
        Some(Replay::Mismatch) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_mismatch",
            "this Idempotency-Key was used with another request body",
        )),
    }
}

fn created(ids: &[i64]) -> HttpResponse {
    HttpResponse::Created().json(Created {
        created: ids.to_vec(),
    })
}

/// `POST /api/bookings`: a batch, all or nothing; honours `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/api/bookings",
    tag = "bookings",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body replay the first answer (1 to 100 characters)"),
    ),
    request_body = BatchBody,
    responses(
        (status = 201, description = "All saved (a replayed answer has `Idempotent-Replayed: true`)", body = crate::api::Created),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
        (status = 422, description = "This Idempotency-Key was used with another body (`idempotency_mismatch`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn create_batch(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let idem = idempotency(&req, &body)?;
    if let Some(r) = replayed(&state, &caller, &idem).await? {
        return Ok(r);
    }
    let batch: BatchBody = serde_json::from_slice(&body).map_err(|e| crate::error::bad_json(&e))?;
    if batch.bookings.is_empty() || batch.bookings.len() > crate::MAX_BATCH {
        return Err(ApiError::field(
            "bookings",
            problems::batch_size(crate::MAX_BATCH),
        ));
    }
    let community = community_of(&caller, batch.community_id)?;
    let mut errors = Vec::new();
    let mut list = Vec::with_capacity(batch.bookings.len());
    for (k, b) in batch.bookings.iter().enumerate() {
        let f = |name: &str| format!("bookings[{k}].{name}");
        let day = match Day::parse(&b.day) {
            Ok(d) => Some(d),
            Err(m) => {
                errors.push(FieldError::new(f("day"), m));
                None
            }
        };
        let window = match (&b.window, b.time) {
            (Some(_), Some(_)) => {
                errors.push(FieldError::new(f("window"), problems::time_or_window()));
                None
            }
            (Some([from, to]), None) => match Window::parse(from, to).and_then(Window::pickup) {
                Ok(w) => Some(w),
                Err(problem) => {
                    errors.push(FieldError::new(f("window"), problem));
                    None
                }
            },
            (None, t) => Some(t.unwrap_or(TimePreference::Any).window()),
        };
        if let (Some(day), Some(window)) = (day, window) {
            list.push(NewBooking {
                elder_id: b.elder_id,
                day,
                window,
                site_id: b.site_id,
                return_wanted: b.return_wanted,
                dwell_minutes: b.dwell_minutes,
                notes: b.notes.clone(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let ids = state
        .store
        .create_bookings(
            caller.0.scope(),
            community,
            caller.0.user_id,
            &list,
            idem.as_ref(),
            state.now(),
        )
        .await;
    match ids {
        Ok(ids) => Ok(created(&ids)),
        // Two requests with one key at once: the loser replays the winner's answer.
        Err(StoreError::Conflict(p)) if idem.is_some() && p.code == "idempotency_in_progress" => {
            match replayed(&state, &caller, &idem).await? {
                Some(r) => Ok(r),
                None => Err(ApiError::conflict(p)),
            }
        }
        Err(e) => Err(e.into()),
    }
}

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
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body replay the first answer (1 to 100 characters)"),
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
    let checked = read_ledger(&body);
    if q.dry_run {
        // A check that finds problems has still done its job: 200 with the report, so that a
        // page checking a file does not see a failed request.
        return Ok(HttpResponse::Ok().json(match &checked {
            Ok(entries) => DryRun {
                rows: entries.len(),
                ok: true,
                error: None,
            },
            Err(e) => DryRun {
                rows: 0,
                ok: false,
                error: Some(e.body()),
            },
        }));
    }
    let entries = checked?;
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

/// Reads and checks a ledger CSV: its entries, or every problem by row and column.
fn read_ledger(body: &[u8]) -> Result<Vec<LedgerEntry>, ApiError> {
    let rows = parse_ledger(body).map_err(ApiError::invalid)?;
    let entries: Vec<LedgerEntry> = rows
        .iter()
        .map(|r| LedgerEntry {
            row: r.row,
            name: r.name.clone(),
            phone: r.phone.clone(),
            elder: r.home.map(|home| ElderInput {
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
            },
        })
        .collect();
    let mut errors = Vec::new();
    for (e, r) in entries.iter().zip(&rows) {
        if let Some(el) = &e.elder {
            let mut errs = Vec::new();
            el.validate("", &mut errs);
            errors.extend(
                errs.into_iter()
                    .map(|f| FieldError::cell(r.row, &f.field, f.problem)),
            );
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(entries)
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DayQuery {
    /// The day, YYYY-MM-DD.
    day: String,
}

impl DayQuery {
    /// The day, or a field error naming `day`.
    pub(crate) fn day(&self) -> Result<Day, ApiError> {
        Day::parse(&self.day).map_err(|m| ApiError::field("day", m))
    }
}

/// `GET /api/bookings?day=YYYY-MM-DD`.
#[utoipa::path(
    get,
    path = "/api/bookings",
    tag = "bookings",
    operation_id = "list_bookings",
    params(
        DayQuery,
    ),
    responses(
        (status = 200, description = "The day's bookings", body = [Object]),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<DayQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let day = q.day()?;
    Ok(HttpResponse::Ok().json(state.store.bookings(caller.0.scope(), &day).await?))
}

/// `GET /api/bookings/{id}`.
#[utoipa::path(
    get,
    path = "/api/bookings/{id}",
    tag = "bookings",
    operation_id = "get_booking",
    params(
        ("id" = i64, Path, description = "Booking id"),
    ),
    responses(
        (status = 200, description = "The booking", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
    )
)]
pub(crate) async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    Ok(HttpResponse::Ok().json(state.store.booking(caller.0.scope(), *id).await?))
}

/// `POST /api/bookings/{id}/cancel`.
#[utoipa::path(
    post,
    path = "/api/bookings/{id}/cancel",
    tag = "bookings",
    operation_id = "cancel_booking",
    params(
        ("id" = i64, Path, description = "Booking id"),
    ),
    responses(
        (status = 200, description = "The cancelled booking", body = Object),
        (status = 403, response = crate::api::Forbidden),
        (status = 404, response = crate::api::NotFound),
        (status = 409, description = "Conflicts with the stored state (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(BOOKERS)?;
    let scope: Scope = caller.0.scope();
    Ok(HttpResponse::Ok().json(state.store.cancel_booking(scope, *id, state.now()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommunityBody {
    name: String,
    #[schema(value_type = crate::api::Point)]
    centre: Point,
    #[serde(default)]
    #[schema(value_type = crate::api::Crs)]
    crs: Crs,
    /// A GeoJSON Polygon (WGS-84, or `crs`), optional.
    #[serde(default)]
    #[schema(value_type = Object)]
    boundary: Option<serde_json::Value>,
}

/// Checks a GeoJSON Polygon: closed rings of at least four finite, in-range positions.
fn polygon(v: &serde_json::Value, crs: Crs, errors: &mut Vec<FieldError>) -> Option<String> {
    let bad = |errors: &mut Vec<FieldError>, m: Problem| {
        errors.push(FieldError::new("boundary", m));
        None
    };
    if v["type"] != "Polygon" {
        return bad(errors, problems::not_a_polygon());
    }
    let Some(rings) = v["coordinates"].as_array().filter(|r| !r.is_empty()) else {
        return bad(errors, problems::polygon_rings());
    };
    let mut out = Vec::with_capacity(rings.len());
    for ring in rings {
        let Some(pts) = ring
            .as_array()
            .filter(|p| p.len() >= 4 && p.len() <= 10_000)
        else {
            return bad(errors, problems::polygon_ring_size(4, 10_000));
        };
        let mut converted = Vec::with_capacity(pts.len());
        for p in pts {
            let (Some(lon), Some(lat)) = (p[0].as_f64(), p[1].as_f64()) else {
                return bad(errors, problems::polygon_position());
            };
            let mut e = Vec::new();
            Point { lon, lat }.validate("boundary", &mut e);
            if !e.is_empty() {
                return bad(errors, problems::polygon_range());
            }
            let (x, y) = crs.to_wgs84(lon, lat);
            converted.push(serde_json::json!([x, y]));
        }
        if converted.first() != converted.last() {
            return bad(errors, problems::polygon_open());
        }
        out.push(serde_json::Value::Array(converted));
    }
    Some(serde_json::json!({"type": "Polygon", "coordinates": out}).to_string())
}

/// `POST /api/communities`: a community of the coordinator's district.
#[utoipa::path(
    post,
    path = "/api/communities",
    tag = "bookings",
    request_body = CommunityBody,
    responses(
        (status = 201, description = "Created: `{id}`", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
        (status = 409, description = "The district has a community of that name (`conflict`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn create_community(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<CommunityBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let district = caller.0.district_id.ok_or_else(ApiError::forbidden)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    let name = b.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", problems::chars_between(1, 100)));
    }
    b.centre.validate("centre", &mut errors);
    let boundary = b
        .boundary
        .as_ref()
        .and_then(|v| polygon(v, b.crs, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let (lon, lat) = b.crs.to_wgs84(b.centre.lon, b.centre.lat);
    let id = state
        .store
        .create_community(district, name, Point { lon, lat })
        .await?;
    if let Some(poly) = boundary {
        state.store.set_boundary(district, id, Some(&poly)).await?;
    }
    Ok(HttpResponse::Created().json(NewId { id }))
}
