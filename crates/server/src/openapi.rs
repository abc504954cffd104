//! The OpenAPI document served at `GET /api/openapi.json`, generated from the handlers'
//! `#[utoipa::path]` attributes and the request types' `ToSchema` derives.
//!
//! The domain's enums and points (other crates, no `ToSchema`) are mirrored here for the
//! document only; the store's views are described as plain objects.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::content::Content;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::Ref;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "vaxride",
        description = "Volunteer rides of elders to vaccination: bookings, planning, trips pushed to drivers.\n\nErrors answer `{\"error\": {\"code\", \"message\", \"fields\": [{\"field\", \"code\", \"params\", \"message\", \"row\", \"column\"}], \"detail\": {\"code\", \"params\", \"message\"}}}` (`detail` for a conflict). Each field problem has a stable `code` and the `params` its words need, so a client can say it in its own language; `message` is English."
    ),
    components(schemas(ErrorBody)),
    security(("bearer" = []), ("cookie" = [])),
    tags(
        (name = "meta", description = "Health, this document, metrics"),
        (name = "auth", description = "Log in and out"),
        (name = "bookings", description = "Secretaries: communities, elders, bookings"),
        (name = "fleet", description = "Coordinators: sites, vans, vehicles, drivers, reassigning trips"),
        (name = "planning", description = "Coordinators: planning runs and plans"),
        (name = "driver", description = "Drivers: trips, events, reports"),
    )
)]
pub(crate) struct ApiDoc;

/// Security schemes, and the 401/500 answers every operation may give.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("opaque token from POST /api/login")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::COOKIE,
                "the session cookie set by POST /api/login",
            ))),
        );
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                )
                .build()
        };
        components.responses.insert(
            "Unauthorized".into(),
            error("not logged in, or the session expired (`unauthorized`)").into(),
        );
        components.responses.insert(
            "Internal".into(),
            error("something went wrong on the server (`internal`)").into(),
        );
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let responses = &mut op.responses.responses;
                // No operation-level security: the document's (a session) applies.
                if op.security.is_none() {
                    responses
                        .entry("401".into())
                        .or_insert_with(|| Ref::from_response_name("Unauthorized").into());
                }
                responses
                    .entry("500".into())
                    .or_insert_with(|| Ref::from_response_name("Internal").into());
            }
        }
    }
}

/// The document as JSON (built once).
pub(crate) fn json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut doc = ApiDoc::openapi().merge_from(crate::routes::Documented::openapi());
        Security.modify(&mut doc);
        doc.to_json().expect("the document serialises")
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "The OpenAPI document", body = Object))
)]
pub(crate) async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(json())
}

// Types below are for the document only: never built, they mirror what the handlers and the
// other crates serialise.

/// The body of every error answer.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct ErrorDetail {
    /// Stable code: `invalid_input`, `not_found`, `unauthorized`, `bad_credentials`,
    /// `forbidden`, `conflict`, `idempotency_mismatch`, `too_large`,
    /// `unsupported_media_type`, `internal`.
    code: String,
    /// For people.
    message: String,
    /// The fields that are wrong (left out when none).
    #[schema(nullable = false)]
    fields: Option<Vec<FieldProblem>>,
    /// For `conflict`: which one, with a stable code (`trip_not_accepted`, `ride_begun`, …).
    #[schema(nullable = false)]
    detail: Option<Detail>,
}

/// A conflict's stable code, the values its words need, and the English words.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Detail {
    /// Stable code.
    code: String,
    /// The values the words name, as text by placeholder; left out when none.
    #[schema(nullable = false)]
    params: Option<std::collections::HashMap<String, String>>,
    /// The English words.
    message: String,
}

/// One thing wrong with the input.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct FieldProblem {
    /// JSON path of the field (`bookings[3].day`), or the CSV column.
    field: String,
    /// What is wrong, as a stable code (`not_a_number`, `range`, `vehicle_too_small`, …).
    code: String,
    /// The values the words name, as text by placeholder (`{"min": "1", "max": "60"}`); left
    /// out when none.
    #[schema(nullable = false)]
    params: Option<std::collections::HashMap<String, String>>,
    /// What is wrong, in English words.
    message: String,
    /// CSV imports: the row (1 = the first under the header).
    #[schema(nullable = false)]
    row: Option<u64>,
    /// CSV imports: the column as written in the header.
    #[schema(nullable = false)]
    column: Option<String>,
}

/// `{"status": …}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Health {
    /// `ok` or `database unavailable`.
    status: String,
}

/// A new session.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct LoginAnswer {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    /// Who logged in: `user_id`, `role`, `district_id`, `community_id`, ….
    #[schema(value_type = Object)]
    user: serde_json::Value,
}

/// Bookings saved.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Created {
    /// Their ids, in the order given.
    created: Vec<i64>,
}

/// A dry run's answer.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct DryRun {
    /// Rows read.
    rows: u64,
    /// Whether the file can be imported as it is.
    ok: bool,
    /// When not: the problems, each with its `row` and `column` (the `error` of a 400 answer).
    error: Option<ErrorDetail>,
}

/// The id of what was made.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct NewId {
    /// Its id.
    id: i64,
}

/// A planning job was queued.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct JobStarted {
    /// Job id.
    job: i64,
    /// Where its progress streams (Server-Sent Events).
    events: String,
}

/// A report was recorded.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct ReportAnswer {
    /// The stop.
    stop: i64,
    /// What was reported.
    event: Report,
    /// The booking's status now (`booked`, `planned`, `confirmed`, `picked_up`, …).
    booking_status: String,
}

/// A WGS-84 position (or in `crs`, where the body has one).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct Point {
    /// Longitude, degrees east.
    lon: f64,
    /// Latitude, degrees north.
    lat: f64,
}

/// The coordinate system a position is given in (default `wgs84`).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub(crate) enum Crs {
    /// GPS, OpenStreetMap.
    Wgs84,
    /// AMap (Gaode), Tencent Maps.
    Gcj02,
    /// Baidu Maps.
    Bd09,
}

/// How an elder moves.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum Mobility {
    /// Walks with help.
    Walks,
    /// In a wheelchair.
    Wheelchair,
    /// Cannot travel (home visit).
    Bedridden,
}

/// Vaccination status.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum Dose {
    /// Not vaccinated.
    None,
    /// One dose.
    First,
    /// Fully vaccinated.
    Full,
    /// Booster given.
    Booster,
}

/// When the elder wants to be picked up.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum TimePreference {
    /// 08:00–12:00.
    Morning,
    /// 13:00–17:30.
    Afternoon,
    /// 07:00–18:00.
    Any,
}

/// What kind of vaccination site.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum SiteKind {
    /// A fixed site.
    Fixed,
    /// A temporary community point.
    CommunityPoint,
    /// A mobile van's stop on one day.
    VanStop,
}

/// What a driver reports at a stop.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub(crate) enum Report {
    /// At the pick-up address.
    Arrived,
    /// The elder is on board.
    PickedUp,
    /// The elder was not there.
    NoShow,
    /// Dropped at the site.
    DroppedAtSite,
    /// Picked up at the site for the ride home.
    ReturnPickedUp,
    /// Home again.
    Home,
}
