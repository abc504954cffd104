//! The OpenAPI document served at `GET /api/openapi.json`, generated from the route registry's
//! `#[utoipa::path]` attributes, the request and answer types' `ToSchema` derives (the shared
//! ones in [`crate::api`]) and the error body the server sends ([`crate::error`]).

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::content::Content;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::Ref;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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
