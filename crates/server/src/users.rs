//! Accounts: street offices (districts) and the people who log in. An admin makes districts and
//! their coordinators; a coordinator makes the secretaries of their communities and the logins
//! of their drivers; each lists, resets and deactivates whom they manage. A new account and a
//! reset get a one-time password, shown once, which the user must replace at the next login.
//! Every user changes their own password. No password is logged or returned after it is made.

use actix_web::{HttpRequest, HttpResponse, web};
use rand::Rng;
use serde::{Deserialize, Serialize};
use vaxride_dispatch::FieldError;
use vaxride_dispatch::values::{Role, check_text};
use vaxride_store::{NewUser, Scope};

use crate::AppState;
use crate::api::NewId;
use crate::auth::{Caller, hash_password};
use crate::error::ApiError;
use crate::problems;

/// The shortest password a user may choose.
pub const MIN_PASSWORD: usize = 10;
/// The longest.
pub const MAX_PASSWORD: usize = 200;

/// A one-time password: 12 letters and digits that cannot be mistaken for each other when read
/// out or copied from a screen.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A fresh one-time password and its hash (hashed off the async threads).
async fn new_one_time_password() -> Result<(String, String), ApiError> {
    let password = one_time_password();
    let hash = web::block({
        let p = password.clone();
        move || hash_password(&p)
    })
    .await
    .map_err(|_| ApiError::internal())?;
    Ok((password, hash))
}

/// Checks a password a user chose.
pub fn check_password(password: &str) -> Result<(), vaxride_dispatch::Problem> {
    let n = password.chars().count();
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&n) {
        return Err(problems::password_length(MIN_PASSWORD, MAX_PASSWORD));
    }
    check_text(password, true, MAX_PASSWORD)
}

/// Checks a login name: 3 to 40 ASCII letters, digits, `.`, `_` or `-` (typed on any keyboard).
pub fn check_username(username: &str) -> Result<(), vaxride_dispatch::Problem> {
    if (3..=40).contains(&username.len())
        && username
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
    {
        Ok(())
    } else {
        Err(problems::username_format(3, 40))
    }
}

/// What an admin or a coordinator manages: an admin everything, a coordinator their district.
fn manager(caller: &Caller) -> Result<Scope, ApiError> {
    caller.require(&[Role::Coordinator])?;
    Ok(caller.0.scope())
}

/// `GET /api/districts` (admins): the street offices.
#[utoipa::path(
    get,
    path = "/api/districts",
    tag = "accounts",
    responses((status = 200, description = "`[{id, name}]`", body = [Object]))
)]
pub(crate) async fn districts(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(HttpResponse::Ok().json(state.store.districts().await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DistrictBody {
    /// The street office's name, e.g. 皇城街道.
    #[schema(min_length = 1, max_length = 100)]
    name: String,
}

/// `POST /api/districts` (admins): a street office.
#[utoipa::path(
    post,
    path = "/api/districts",
    tag = "accounts",
    request_body = DistrictBody,
    responses((status = 201, description = "Created", body = NewId))
)]
pub(crate) async fn create_district(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<DistrictBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let name = body.name.trim();
    check_text(name, true, 100).map_err(|p| ApiError::field("name", p))?;
    let id = state.store.create_district(name).await?;
    Ok(HttpResponse::Created().json(NewId { id }))
}

/// `GET /api/users`: the accounts the caller manages (an admin all, a coordinator their
/// district's), never a password.
#[utoipa::path(
    get,
    path = "/api/users",
    tag = "accounts",
    responses((status = 200, description = "`[{user_id, username, display_name, role, district_id, community_id, driver_id, must_change_password, active}]`", body = [Object]))
)]
pub(crate) async fn list(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let scope = manager(&caller)?;
    Ok(HttpResponse::Ok().json(state.store.accounts(scope).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserBody {
    /// Login name: 3 to 40 letters, digits, `.`, `_`, `-`.
    #[schema(min_length = 3, max_length = 40, pattern = "^[A-Za-z0-9._-]{3,40}$")]
    username: String,
    /// The name the interface shows.
    #[schema(min_length = 1, max_length = 100)]
    display_name: String,
    /// An admin makes `coordinator`s (and `admin`s); a coordinator `secretary`s and `driver`s.
    #[schema(value_type = crate::api::RoleName)]
    role: Role,
    /// A coordinator's district (admins; a coordinator's own is implied).
    #[serde(default)]
    district_id: Option<i64>,
    /// A secretary's community.
    #[serde(default)]
    community_id: Option<i64>,
    /// A driver login's driver (`POST /api/drivers` makes one with its vehicle).
    #[serde(default)]
    driver_id: Option<i64>,
}

/// A new account, or a reset: the one-time password, shown this once.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct OneTime {
    /// The account.
    id: i64,
    /// Its login name.
    username: String,
    /// Give it to the user; they must choose their own at their first login.
    one_time_password: String,
}

/// `POST /api/users`: an account with a one-time password.
#[utoipa::path(
    post,
    path = "/api/users",
    tag = "accounts",
    request_body = UserBody,
    responses(
        (status = 201, description = "Created; the one-time password is shown this once", body = OneTime),
        (status = 409, description = "The username is taken (`conflict`, detail `username_taken`), or the driver has a login (`driver_has_login`)", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::json::Json<UserBody>,
) -> Result<HttpResponse, ApiError> {
    let scope = manager(&caller)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    let username = b.username.clone();
    let display_name = b.display_name.trim().to_string();
    if let Err(p) = check_username(&username) {
        errors.push(FieldError::new("username", p));
    }
    if let Err(p) = check_text(&display_name, true, 100) {
        errors.push(FieldError::new("display_name", p));
    }
    // Who may make whom, and what each role is bound to.
    let mine = match scope {
        Scope::District(d) => Some(d),
        _ => None,
    };
    let (district, community, driver) = match (b.role, mine) {
        (Role::Admin, None) => (None, None, None),
        (Role::Coordinator, None) => match b.district_id {
            Some(d) if state.store.district_exists(d).await? => (Some(d), None, None),
            Some(_) => {
                errors.push(FieldError::new("district_id", problems::no_such_district()));
                (None, None, None)
            }
            None => {
                errors.push(FieldError::new("district_id", problems::district_needed()));
                (None, None, None)
            }
        },
        (Role::Secretary, Some(d)) => {
            let ok = match b.community_id {
                Some(c) => state.store.community_district(c).await? == Some(d),
                None => false,
            };
            if !ok {
                errors.push(FieldError::new(
                    "community_id",
                    problems::no_such_community(),
                ));
            }
            (Some(d), b.community_id, None)
        }
        (Role::Driver, Some(d)) => {
            let ok = match b.driver_id {
                Some(v) => state.store.driver_district(v).await? == Some(d),
                None => false,
            };
            if !ok {
                errors.push(FieldError::new("driver_id", problems::no_such_driver()));
            }
            (Some(d), None, b.driver_id)
        }
        _ => {
            errors.push(FieldError::new("role", problems::role_not_managed()));
            (None, None, None)
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    if let Some(d) = driver
        && state.store.driver_has_login(d).await?
    {
        return Err(ApiError::conflict(problems::driver_has_login()));
    }
    let (password, hash) = new_one_time_password().await?;
    let id = state
        .store
        .create_account(&NewUser {
            username: username.clone(),
            password_hash: hash,
            role: b.role,
            district_id: district,
            community_id: community,
            driver_id: driver,
            display_name,
        })
        .await?;
    tracing::info!(user = id, role = b.role.code(), "account created");
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(OneTime {
            id,
            username,
            one_time_password: password,
        }))
}

/// The account `id` if the caller manages it (and it is not the caller).
async fn managed(state: &AppState, caller: &Caller, id: i64) -> Result<i64, ApiError> {
    let scope = manager(caller)?;
    let account = state
        .store
        .account(scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    // A coordinator manages the secretaries and drivers of the district, not its coordinators.
    let below =
        caller.0.role == Role::Admin || matches!(account.user.role, Role::Secretary | Role::Driver);
    if !below || account.user.user_id == caller.0.user_id {
        return Err(ApiError::forbidden());
    }
    Ok(account.user.user_id)
}

/// `POST /api/users/{id}/reset-password`: a new one-time password, shown once; the user's
/// sessions end.
#[utoipa::path(
    post,
    path = "/api/users/{id}/reset-password",
    tag = "accounts",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The one-time password, shown this once", body = OneTime))
)]
pub(crate) async fn reset_password(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = managed(&state, &caller, *id).await?;
    let (password, hash) = new_one_time_password().await?;
    state.store.set_password(id, &hash, true, None).await?;
    let account = state
        .store
        .account(Scope::Admin, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    tracing::info!(user = id, "password reset");
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(OneTime {
            id,
            username: account.user.username,
            one_time_password: password,
        }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActiveBody {
    /// `false` ends the user's sessions at once and refuses their logins.
    active: bool,
}

/// `PUT /api/users/{id}/active`: deactivate (sessions end at once) or reactivate an account.
#[utoipa::path(
    put,
    path = "/api/users/{id}/active",
    tag = "accounts",
    params(("id" = i64, Path, description = "User id")),
    request_body = ActiveBody,
    responses((status = 204, description = "Done"))
)]
pub(crate) async fn set_active(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: crate::json::Json<ActiveBody>,
) -> Result<HttpResponse, ApiError> {
    let id = managed(&state, &caller, *id).await?;
    state.store.set_active(id, body.active).await?;
    tracing::info!(user = id, active = body.active, "account active set");
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasswordBody {
    /// The password now (the one-time one after a reset).
    #[schema(max_length = 200)]
    current: String,
    /// The new one: 10 to 200 characters.
    #[schema(min_length = 10, max_length = 200)]
    new: String,
}

/// `PUT /api/me/password`: the caller changes their own password; their other sessions end.
#[utoipa::path(
    put,
    path = "/api/me/password",
    tag = "accounts",
    request_body = PasswordBody,
    responses((status = 204, description = "Changed"))
)]
pub(crate) async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
    body: crate::json::Json<PasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let PasswordBody { current, new } = body.into_inner();
    check_password(&new).map_err(|p| ApiError::field("new", p))?;
    if new == current {
        return Err(ApiError::field("new", problems::same_password()));
    }
    let user = caller.0.user_id;
    let phc = state
        .store
        .password_hash(user)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let checked = web::block(move || {
        crate::auth::verify_password(&current, &phc).then(|| hash_password(&new))
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let Some(hash) = checked else {
        return Err(ApiError::field("current", problems::wrong_password()));
    };
    let keep = crate::auth::session_hash(&req);
    state
        .store
        .set_password(user, &hash, false, keep.as_deref())
        .await?;
    tracing::info!(user, "password changed");
    Ok(HttpResponse::NoContent().finish())
}
