//! Log in, log out, and who is asking: argon2id passwords, opaque session tokens stored as
//! their SHA-256 (revocable), sent as `Authorization: Bearer` or the `vaxride_session` cookie.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::Rng;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use vaxride_dispatch::values::Role;
use vaxride_store::Principal;

use crate::AppState;
use crate::error::ApiError;
use crate::problems;

/// How long a session lives, seconds.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// Name of the session cookie.
pub const COOKIE: &str = "vaxride_session";

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 hashes any password")
        .to_string()
}

pub(crate) fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

fn token_hash(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored hash of the caller's session token, if the request carries one.
pub(crate) fn session_hash(req: &HttpRequest) -> Option<String> {
    credential(req).map(|(Credential::Bearer(t) | Credential::Cookie(t))| token_hash(&t))
}

/// What a user whose password is a one-time one may do: say who they are, change it, log out.
const BEFORE_OWN_PASSWORD: &[&str] =
    &["/api/me", "/api/session", "/api/me/password", "/api/logout"];

/// The caller: a logged-in user.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl Caller {
    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.0.role) || self.0.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }
}

/// How the caller presented the session.
enum Credential {
    /// `Authorization: Bearer` (the scheme in any letter case): a client that sets headers.
    Bearer(String),
    /// The session cookie: a browser, which also sends it on requests other sites make.
    Cookie(String),
}

fn credential(req: &HttpRequest) -> Option<Credential> {
    if let Some(h) = req.headers().get("authorization")
        && let Ok(s) = h.to_str()
        && let Some((scheme, t)) = s.split_once(' ')
        && scheme.eq_ignore_ascii_case("bearer")
    {
        return Some(Credential::Bearer(t.trim().to_string()));
    }
    req.cookie(COOKIE)
        .map(|c| Credential::Cookie(c.value().to_string()))
}

/// Whether a browser sent this request from another site: `Sec-Fetch-Site` says so, or the
/// `Origin` names another host than the one asked. (A request with neither header is not a
/// browser's cross-site request: browsers send `Origin` on every cross-site POST.)
fn cross_site(req: &HttpRequest) -> bool {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (header("origin"), header("host")) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
            !origin_host.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let credential = credential(req);
        let path = req.path().to_string();
        // A change made with the cookie must come from the page itself (no cross-site request
        // forgery); a bearer token is never sent by a browser on its own.
        let changes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        let forged =
            changes && matches!(credential, Some(Credential::Cookie(_))) && cross_site(req);
        Box::pin(async move {
            let state = state.ok_or_else(ApiError::internal)?;
            if forged {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "cross_site",
                    "a change with the session cookie must come from vaxride's own page",
                ));
            }
            let token = match credential.ok_or_else(ApiError::unauthorized)? {
                Credential::Bearer(t) | Credential::Cookie(t) => t,
            };
            let p = state
                .store
                .session_user(&token_hash(&token), state.now())
                .await?
                .ok_or_else(ApiError::unauthorized)?;
            if p.must_change_password && !BEFORE_OWN_PASSWORD.contains(&path.as_str()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "password_change_required",
                    "choose your own password first (PUT /api/me/password)",
                ));
            }
            Ok(Caller(p))
        })
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Login {
    #[schema(max_length = 100)]
    username: String,
    #[schema(max_length = 200)]
    password: String,
}

/// `POST /api/login`: `{username, password}` → `{token, user}` (and the session cookie).
#[utoipa::path(
    post,
    path = "/api/login",
    tag = "auth",
    security(()),
    request_body = Login,
    responses(
        (status = 200, description = "Logged in; the session cookie is set too", body = crate::api::LoginAnswer),
        (status = 400, response = crate::api::Invalid),
        (status = 401, description = "Wrong username or password (`bad_credentials`)", body = crate::api::ErrorBody),
        (status = 429, description = "Too many attempts from this address or for this user from it (`too_many_attempts`): wait a minute", body = crate::api::ErrorBody),
    )
)]
pub(crate) async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::json::Json<Login>,
) -> Result<HttpResponse, ApiError> {
    let Login { username, password } = body.into_inner();
    if username.chars().count() > 100 || password.chars().count() > 200 {
        return Err(ApiError::field(
            "username",
            problems::credentials_too_long(),
        ));
    }
    // Guessing passwords: a budget per source address over all usernames, and a burst per
    // username from one source, then one every 12 s; the user at another address is not
    // locked out by a guesser.
    let source = req
        .peer_addr()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    let throttled = state.login_sources.check_key(&source).is_err()
        || state
            .logins
            .check_key(&(username.to_lowercase(), source))
            .is_err();
    if throttled {
        tracing::warn!("login throttled");
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "too many login attempts: wait a minute",
        ));
    }
    // Verification is deliberately slow: run it off the async threads, a few at a time.
    let _permit = state
        .hashing
        .acquire()
        .await
        .map_err(|_| ApiError::internal())?;
    let found = state.store.user_for_login(&username).await?;
    let ok = match found {
        Some((p, phc)) => {
            let good = web::block(move || verify_password(&password, &phc))
                .await
                .map_err(|_| ApiError::internal())?;
            good.then_some(p)
        }
        None => {
            // Spend the same time for unknown users.
            let _ = web::block(move || verify_password(&password, crate::DUMMY_HASH)).await;
            None
        }
    };
    let Some(principal) = ok else {
        tracing::info!("login refused");
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "wrong username or password",
        ));
    };
    let token: String = {
        let bytes: [u8; 32] = rand::rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    let now = state.now();
    state
        .store
        .create_session(
            &token_hash(&token),
            principal.user_id,
            now,
            now + SESSION_SECONDS,
        )
        .await?;
    tracing::info!(
        user = principal.user_id,
        role = principal.role.code(),
        "login"
    );
    let cookie = actix_web::cookie::Cookie::build(COOKIE, token.clone())
        .path("/")
        .http_only(true)
        .same_site(actix_web::cookie::SameSite::Strict)
        .finish();
    Ok(HttpResponse::Ok()
        .cookie(cookie)
        .json(crate::api::LoginAnswer {
            token,
            user: principal,
        }))
}

/// `POST /api/logout`: revokes the session.
#[utoipa::path(
    post,
    path = "/api/logout",
    tag = "auth",
    responses(
        (status = 204, description = "Logged out; the session is revoked"),
    )
)]
pub(crate) async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    if let Some(Credential::Bearer(t) | Credential::Cookie(t)) = credential(&req) {
        state.store.revoke_session(&token_hash(&t)).await?;
    }
    let mut gone = actix_web::cookie::Cookie::build(COOKIE, "")
        .path("/")
        .finish();
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// `GET /api/me`.
#[utoipa::path(
    get,
    path = "/api/me",
    tag = "auth",
    responses(
        (status = 200, description = "The caller: user id, role, district, community", body = Object),
    )
)]
pub(crate) async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(caller.0)
}

/// `GET /api/session`: the caller when logged in, else `null`, and the page's map settings
/// (for a logged-in caller, the tile URL and credit, if the deployment has a tile server);
/// always 200, so a page can ask whether it has a session without an error.
#[utoipa::path(
    get,
    path = "/api/session",
    tag = "auth",
    security(()),
    responses(
        (status = 200, description = "`{\"user\": …, \"map\": {\"tile_url\": …, \"tile_attribution\": …}}`: the user as `GET /api/me` answers it, or `null` without a valid session; the tile URL template and credit, or `null` (always `null` without a session)", body = Object),
    )
)]
pub(crate) async fn session(state: web::Data<AppState>, caller: Option<Caller>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({
            "user": caller.as_ref().map(|c| &c.0),
            // Tile URLs may carry a provider's key: logged-in users only (maps need a login).
            "map": match (&caller, &state.tiles) {
                (Some(_), Some(t)) => serde_json::json!({"tile_url": t.template(), "tile_attribution": t.attribution()}),
                _ => serde_json::json!({"tile_url": null, "tile_attribution": null}),
            },
        }))
}
