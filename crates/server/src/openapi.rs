//! The OpenAPI document served at `GET /api/openapi.json`, generated from the route registry's
//! `#[utoipa::path]` attributes, the request and answer types' `ToSchema` derives (the shared
//! ones in [`crate::api`]) and the error body the server sends ([`crate::error`]).

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::RefOr;
use utoipa::openapi::content::Content;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ArrayItems, Ref, Schema};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use vaxride_dispatch::values::{ClockTime, Day, REQUIRED_TEXT_PATTERN, TEXT_PATTERN, Weekdays};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "vaxride",
        description = "Volunteer rides of elders to vaccination: bookings, planning, trips pushed to drivers.\n\nErrors answer `{\"error\": {\"code\", \"message\", \"fields\": [{\"field\", \"code\", \"params\", \"message\", \"row\", \"column\"}], \"detail\": {\"code\", \"params\", \"message\"}}}` (`detail` for a conflict). Each field problem has a stable `code` and the `params` its words need, so a client can say it in its own language; `message` is English."
    ),
    components(
        schemas(crate::error::Body),
        responses(crate::api::Invalid, crate::api::Forbidden, crate::api::NotFound)
    ),
    security(("bearer" = []), ("cookie" = [])),
    tags(
        (name = "meta", description = "Health, this document, metrics"),
        (name = "auth", description = "Log in and out"),
        (name = "accounts", description = "Districts, users, passwords"),
        (name = "bookings", description = "Secretaries: communities, elders, bookings"),
        (name = "fleet", description = "Coordinators: sites, vans, vehicles, drivers, reassigning trips"),
        (name = "planning", description = "Coordinators: planning runs and plans"),
        (name = "driver", description = "Drivers: trips, events, reports"),
        (name = "progress", description = "The campaign's progress: dose status per community, shots per day and site, each elder's shots"),
    )
)]
pub(crate) struct ApiDoc;

/// Security schemes, and the answers an operation may give whatever it does: 401 and 403
/// (without a session, or another role's or district's), 400 (input that does not parse), 404 (an id that names nothing), 413 and 415 (a
/// body too large or of another type), 500.
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
        let too_large = format!(
            "the body is over the limit (`too_large`: {} MiB of JSON, {} MiB of CSV)",
            crate::JSON_LIMIT >> 20,
            crate::app::PAYLOAD_LIMIT >> 20
        );
        for (name, description) in [
            (
                "Unauthorized",
                "not logged in, or the session expired (`unauthorized`)",
            ),
            (
                "Internal",
                "something went wrong on the server (`internal`)",
            ),
            ("TooLarge", too_large.as_str()),
            (
                "UnsupportedMediaType",
                "the body is not of the type the operation reads (`unsupported_media_type`)",
            ),
        ] {
            components
                .responses
                .insert(name.into(), error(description).into());
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            for op in operations(item) {
                let takes_input = op.request_body.is_some()
                    || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let responses = &mut op.responses.responses;
                let mut add = |status: &str, name: &str| {
                    responses
                        .entry(status.into())
                        .or_insert_with(|| Ref::from_response_name(name).into());
                };
                // No operation-level security: the document's (a session) applies.
                // Each of these is for some roles or some district only.
                if op.security.is_none() {
                    add("401", "Unauthorized");
                    add("403", "Forbidden");
                }
                // Whatever reads input may find it wrong; a path with an id may name nothing.
                if takes_input {
                    add("400", "Invalid");
                }
                if path.contains('{') {
                    add("404", "NotFound");
                }
                if op.request_body.is_some() {
                    add("413", "TooLarge");
                    add("415", "UnsupportedMediaType");
                }
                add("500", "Internal");
            }
        }
    }
}

/// The rules of the domain's parsers, as the schema's `pattern`s: values of these names are
/// read by these parsers wherever they occur (a property of a request body, or a parameter), and
/// free text (a string with a `maxLength`) is read by `check_text`. The patterns are the
/// parsers' own constants, each tested against its parser in `vaxride-dispatch`.
struct Rules;

/// What a named value is: one string, a pair `[from, to]` of clock times, or a list of strings.
enum Rule {
    One(&'static str),
    Pair(&'static str),
    List(&'static str),
}

const NAMED: &[(&str, Rule)] = &[
    ("day", Rule::One(Day::PATTERN)),
    ("open_days", Rule::One(Weekdays::PATTERN)),
    ("days", Rule::List(Day::PATTERN)),
    ("hours", Rule::Pair(ClockTime::PATTERN)),
    ("break", Rule::Pair(ClockTime::PATTERN)),
    ("shift", Rule::Pair(ClockTime::PATTERN)),
    ("window", Rule::Pair(ClockTime::PATTERN)),
];

/// Bodies whose strings are not text a person reads (credentials are compared, not kept).
const NOT_TEXT: &[&str] = &["Login"];

impl Rules {
    /// Sets `pattern` (and the pair's length) on a schema or the `string` inside an optional one.
    fn apply(name: &str, schema: &mut RefOr<Schema>) {
        let RefOr::T(schema) = schema else { return };
        match (
            NAMED.iter().find(|(n, _)| *n == name).map(|(_, r)| r),
            schema,
        ) {
            (Some(Rule::One(pattern)), Schema::Object(o)) => {
                o.pattern = Some(pattern.to_string());
            }
            (Some(Rule::Pair(pattern)), Schema::Array(a)) => {
                a.min_items = Some(2);
                a.max_items = Some(2);
                if let ArrayItems::RefOrSchema(item) = &mut a.items
                    && let RefOr::T(Schema::Object(o)) = item.as_mut()
                {
                    o.pattern = Some(pattern.to_string());
                }
            }
            (Some(Rule::List(pattern)), Schema::Array(a)) => {
                if let ArrayItems::RefOrSchema(item) = &mut a.items
                    && let RefOr::T(Schema::Object(o)) = item.as_mut()
                {
                    o.pattern = Some(pattern.to_string());
                }
            }
            (Some(_), Schema::OneOf(one)) => {
                for item in &mut one.items {
                    Rules::apply(name, item);
                }
            }
            (None, Schema::Object(o)) if o.max_length.is_some() && o.pattern.is_none() => {
                let required = o.min_length.is_some_and(|n| n > 0);
                o.pattern = Some(
                    if required {
                        REQUIRED_TEXT_PATTERN
                    } else {
                        TEXT_PATTERN
                    }
                    .into(),
                );
            }
            _ => {}
        }
    }
}

impl Modify for Rules {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            for (name, schema) in components.schemas.iter_mut() {
                if NOT_TEXT.contains(&name.as_str()) {
                    continue;
                }
                if let RefOr::T(Schema::Object(o)) = schema {
                    for (property, schema) in o.properties.iter_mut() {
                        Rules::apply(property, schema);
                    }
                }
            }
        }
        for item in openapi.paths.paths.values_mut() {
            for op in operations(item) {
                for p in op.parameters.iter_mut().flatten() {
                    if let RefOr::T(p) = p
                        && let Some(schema) = p.schema.as_mut()
                    {
                        Rules::apply(&p.name, schema);
                    }
                }
            }
        }
    }
}

/// The operations of a path.
fn operations(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
}

/// The document as JSON (built once).
pub(crate) fn json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut doc = ApiDoc::openapi().merge_from(crate::routes::Documented::openapi());
        Security.modify(&mut doc);
        Rules.modify(&mut doc);
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
