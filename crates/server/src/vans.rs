//! Coordinators' mobile vaccination vans: a van is named once; its stops are sites of kind
//! `van_stop` with its `van_id` and their day (`crate::fleet`).

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use vaxride_dispatch::values::check_text;

use crate::AppState;
use crate::api::NewId;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::fleet::district;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VanBody {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
}

/// `POST /api/vans`: a mobile vaccination van; its stops are sites of kind `van_stop` with its
/// `van_id` and their day.
#[utoipa::path(
    post,
    path = "/api/vans",
    tag = "fleet",
    request_body = VanBody,
    responses(
        (status = 201, description = "Created: `{id}`", body = Object),
        (status = 400, response = crate::api::Invalid),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn create_van(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<VanBody>,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    let name = body.name.trim();
    if let Err(problem) = check_text(name, true, 100) {
        return Err(ApiError::field("name", problem));
    }
    let id = state.store.create_van(district, name).await?;
    Ok(HttpResponse::Created().json(NewId { id }))
}

/// `GET /api/vans`: the district's vans with their stops.
#[utoipa::path(
    get,
    path = "/api/vans",
    tag = "fleet",
    responses(
        (status = 200, description = "Vans and their stops", body = [Object]),
        (status = 403, response = crate::api::Forbidden),
    )
)]
pub(crate) async fn list_vans(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let district = district(&caller)?;
    Ok(HttpResponse::Ok().json(state.store.vans(district).await?))
}
