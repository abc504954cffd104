//! API errors: a stable code, a message for people, and the fields that are wrong.
//!
//! `{"error": {"code": "invalid_input", "message": "…", "fields": [{"field": …, "code": …,
//! "params": {…}, "message": …}]}}`: each field problem's `code` and `params` let a client say it
//! in its own language (see `vaxride_dispatch::error`).

use crate::problems;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use vaxride_dispatch::{FieldError, Problem};
use vaxride_store::StoreError;

/// An error answered to the client.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code (`invalid_input`, `not_found`, `unauthorized`, `forbidden`, `conflict`,
    /// `idempotency_mismatch`, `too_large`, `internal`).
    pub code: &'static str,
    /// For people.
    pub message: String,
    /// The fields that are wrong.
    pub fields: Vec<FieldError>,
    /// What the conflict is, with a stable code (for `conflict`).
    pub detail: Option<Box<Problem>>,
}

/// The body of every error answer: what is sent is what the OpenAPI document shows
/// (`ErrorBody`, generated from this type).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorBody)]
pub(crate) struct Body<'a> {
    error: Inner<'a>,
}

/// What went wrong.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ErrorDetail)]
pub(crate) struct Inner<'a> {
    /// Stable code: `invalid_input`, `not_found`, `unauthorized`, `bad_credentials`,
    /// `forbidden`, `conflict`, `idempotency_mismatch`, `too_large`,
    /// `unsupported_media_type`, `internal`.
    #[schema(value_type = String)]
    code: &'a str,
    /// For people.
    #[schema(value_type = String)]
    message: &'a str,
    /// The fields that are wrong (left out when none).
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    #[schema(value_type = Option<Vec<FieldError>>, nullable = false)]
    fields: &'a [FieldError],
    /// For `conflict`: which one, with a stable code (`trip_not_accepted`, `ride_begun`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Problem>, nullable = false)]
    detail: Option<&'a Problem>,
}

impl ApiError {
    /// Every error code an answer can carry (the page has an `err.<code>` entry for each).
    pub const CODES: [&'static str; 14] = [
        "invalid_input",
        "unauthorized",
        "bad_credentials",
        "forbidden",
        "not_found",
        "conflict",
        "idempotency_mismatch",
        "too_large",
        "unsupported_media_type",
        "too_many_attempts",
        "method_not_allowed",
        "cross_site",
        "password_change_required",
        "internal",
    ];

    /// A new error; `code` is one of [`ApiError::CODES`].
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        debug_assert!(
            ApiError::CODES.contains(&code),
            "unlisted error code {code}"
        );
        ApiError {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            detail: None,
        }
    }
    /// 409: the change conflicts with what is stored; `problem` says how.
    pub fn conflict(problem: Problem) -> ApiError {
        ApiError {
            detail: Some(Box::new(problem.clone())),
            ..ApiError::new(StatusCode::CONFLICT, "conflict", problem.message)
        }
    }
    /// 400 with the fields that are wrong.
    pub fn invalid(fields: Vec<FieldError>) -> ApiError {
        let message = match fields.len() {
            1 => fields[0].to_string(),
            n => format!("{n} problems in the input"),
        };
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: ApiError::CODES[0],
            message,
            fields,
            detail: None,
        }
    }
    /// 400 about one field.
    pub fn field(field: &str, problem: Problem) -> ApiError {
        ApiError::invalid(vec![FieldError::new(field, problem)])
    }
    /// 404: missing, or not the caller's to see.
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found")
    }
    /// 401.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "log in first (Authorization: Bearer <token>)",
        )
    }
    /// 403: the role may not do this.
    pub fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "your role may not do this",
        )
    }
    /// 500 without details.
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on the server",
        )
    }
}

impl ApiError {
    /// The error as the JSON of an error answer's `error` member (for reports inside a 200).
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(Inner {
            code: self.code,
            message: &self.message,
            fields: &self.fields,
            detail: self.detail.as_deref(),
        })
        .unwrap_or_default()
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(Body {
            error: Inner {
                code: self.code,
                message: &self.message,
                fields: &self.fields,
                detail: self.detail.as_deref(),
            },
        })
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict(p) => ApiError::conflict(p),
            StoreError::Invalid(fields) => ApiError::invalid(fields),
            StoreError::Database(code) => {
                tracing::error!(code = %code, "database error");
                ApiError::internal()
            }
        }
    }
}

/// Turns body-parsing failures into the same JSON error shape (field named where serde says).
pub fn json_error(err: actix_web::error::JsonPayloadError) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let api = match &err {
        J::OverflowKnownLength { .. } | J::Overflow { .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the body is too large",
        ),
        J::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send JSON (Content-Type: application/json)",
        ),
        J::Deserialize(e) => bad_json(e),
        _ => ApiError::field("body", problems::unreadable_body()),
    };
    api.into()
}

/// A query string that does not fit the endpoint (a missing or malformed parameter): 400
/// `invalid_input` naming the query, like every other field problem.
pub fn query_error(err: actix_web::error::QueryPayloadError) -> actix_web::Error {
    let problem = match &err {
        actix_web::error::QueryPayloadError::Deserialize(e) => problems::bad_query(clipped(e)),
        _ => problems::unreadable_query(),
    };
    ApiError::field("query", problem).into()
}

/// A JSON body that does not parse or does not fit its type: 400 naming the line and column,
/// with serde's words as the detail.
pub fn bad_json(e: &serde_json::Error) -> ApiError {
    ApiError::field(
        &format!("line {} column {}", e.line(), e.column()),
        problems::bad_json(clipped(e)),
    )
}

/// The most characters of a parser's words an answer repeats: they may quote the input (an
/// unknown variant), which is not echoed whole.
const CLIPPED: usize = 200;

/// A parser's words, cut at [`CLIPPED`] characters.
pub(crate) fn clipped(detail: impl std::fmt::Display) -> String {
    let text = detail.to_string();
    match text.char_indices().nth(CLIPPED) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// Every error answer under `/api` is the JSON error body with a stable code, whoever made it
/// (a path that does not parse, a body over the limit, an unknown route): a response that is
/// not JSON already is replaced by the code its status stands for, without echoing the input.
pub(crate) fn json_errors<B>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let json = res
        .response()
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if json || !res.request().path().starts_with("/api") {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let allow = res
        .response()
        .headers()
        .get(actix_web::http::header::ALLOW)
        .cloned();
    let api = match status {
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            "this route does not take this method",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(status, "too_large", "the body is too large")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            status,
            "unsupported_media_type",
            "this body type is not accepted here",
        ),
        s if s.is_client_error() => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_input",
            "the request could not be read",
        ),
        _ => ApiError::internal(),
    };
    let (req, _) = res.into_parts();
    let mut answer = api.error_response();
    if let Some(allow) = allow {
        answer
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, allow);
    }
    Ok(ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(req, answer).map_into_right_body(),
    ))
}

/// The methods of the routes whose pattern matches `path`, the most literal patterns only
/// (`/api/plans/run` is not also `/api/plans/{id}`), and how many parameters those have.
fn allowed_methods(path: &str) -> (usize, Vec<String>) {
    let matching: Vec<&(&str, &str)> = crate::routes::API
        .iter()
        .filter(|(_, pattern)| actix_web::dev::ResourceDef::new(*pattern).is_match(path))
        .collect();
    let params = |pattern: &str| pattern.matches('{').count();
    let fewest = matching.iter().map(|(_, p)| params(p)).min().unwrap_or(0);
    let methods = matching
        .iter()
        .filter(|(_, p)| params(p) == fewest)
        .map(|(method, _)| method.to_uppercase())
        .collect();
    (fewest, methods)
}

/// 405 with `Allow`, as JSON.
fn method_not_allowed(allowed: &[String]) -> HttpResponse {
    let mut answer = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take this method",
    )
    .error_response();
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&allowed.join(", ")) {
        answer
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, v);
    }
    answer
}

/// A path value that does not parse (`/api/elders/abc`) names nothing: 404; but where the path
/// is another route's literal path (`GET /api/plans/run`), the method is the wrong one: 405.
pub(crate) fn path_error(
    err: actix_web::error::PathError,
    req: &actix_web::HttpRequest,
) -> actix_web::Error {
    let here = req.match_pattern().map_or(0, |p| p.matches('{').count());
    let (fewest, allowed) = allowed_methods(req.path());
    if fewest < here && !allowed.is_empty() {
        return actix_web::error::InternalError::from_response(err, method_not_allowed(&allowed))
            .into();
    }
    ApiError::not_found().into()
}

/// What no route matched: under `/api`, 405 with `Allow` when the path is a route that takes
/// other methods, else 404 (both made JSON by [`json_errors`]); elsewhere a plain 404.
pub(crate) async fn unmatched(req: actix_web::HttpRequest) -> HttpResponse {
    let (_, allowed) = allowed_methods(req.path());
    if allowed.is_empty() {
        return HttpResponse::NotFound().finish();
    }
    method_not_allowed(&allowed)
}
