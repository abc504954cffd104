//! What the server's HTTP tests share: a store on a fresh SQLite file, users whose password is
//! `pw`, and `call!` / `login!` / `login_cookie!` for requests through an actix test service.
//! Each test file takes it with `#[macro_use] mod support;` and uses what it needs.
#![allow(dead_code, unused_macros)]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use vaxride_dispatch::model::Point;
use vaxride_dispatch::values::Role;
use vaxride_server::auth::hash_password;
use vaxride_store::{NewUser, Store};

/// A store on a new SQLite file under the temp folder; `tag` names the test file.
pub async fn fresh_store(tag: &str) -> Store {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("vaxride-{tag}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{tag}.db"));
    let _ = std::fs::remove_file(&path);
    Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
}

static PG_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A new, empty PostgreSQL database (its URL) when PostgreSQL answers at `VAXRIDE_TEST_PG`
/// (default the local server); `None` (the test skips its PostgreSQL half) when it does not,
/// unless `VAXRIDE_REQUIRE_PG=1`. `tag` names the test file.
pub async fn postgres_url(tag: &str) -> Option<String> {
    use sqlx::Connection;
    let admin = std::env::var("VAXRIDE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    sqlx::any::install_default_drivers();
    let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await else {
        assert!(
            std::env::var("VAXRIDE_REQUIRE_PG").as_deref() != Ok("1"),
            "PostgreSQL is required but not reachable at {admin}"
        );
        eprintln!("PostgreSQL not reachable: skipping its half");
        return None;
    };
    let name = format!(
        "vaxride_{tag}_{}_{}",
        std::process::id(),
        PG_COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

/// `pw`, hashed once per test binary (hashing is deliberately slow).
pub fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("pw")).clone()
}

/// Adds a user whose password is `pw` and display name is the username.
pub async fn add_user(
    store: &Store,
    username: &str,
    role: Role,
    district: Option<i64>,
    community: Option<i64>,
    driver: Option<i64>,
) -> i64 {
    store
        .create_user(&NewUser {
            username: username.into(),
            password_hash: password_hash(),
            role,
            district_id: district,
            community_id: community,
            driver_id: driver,
            display_name: username.into(),
        })
        .await
        .unwrap()
}

/// A district named `name` with one community (`<name>-c`) centred at `centre`, its
/// coordinator and the community's secretary: (district, community).
pub async fn district_with_staff(
    store: &Store,
    name: &str,
    centre: Point,
    coordinator: &str,
    secretary: &str,
) -> (i64, i64) {
    let d = store.create_district(name).await.unwrap();
    let c = store
        .create_community(d, &format!("{name}-c"), centre)
        .await
        .unwrap();
    add_user(store, coordinator, Role::Coordinator, Some(d), None, None).await;
    add_user(store, secretary, Role::Secretary, Some(d), Some(c), None).await;
    (d, c)
}

/// Sends a request built by `$req` (a `TestRequest`): (status, JSON body or `Null`).
macro_rules! call {
    ($app:expr, $req:expr) => {{
        let res = actix_web::test::call_service($app, $req.to_request()).await;
        let status = res.status().as_u16();
        let body = actix_web::test::read_body(res).await;
        (
            status,
            serde_json::from_slice::<serde_json::Value>(&body).unwrap_or(serde_json::Value::Null),
        )
    }};
}

/// Logs `$user` in with `pw`: the `authorization` header value (`Bearer …`).
macro_rules! login {
    ($app:expr, $user:expr) => {{
        let (_, r) = call!(
            $app,
            actix_web::test::TestRequest::post()
                .uri("/api/login")
                .set_json(serde_json::json!({"username": $user, "password": "pw"}))
        );
        format!("Bearer {}", r["token"].as_str().expect("token"))
    }};
}

/// Logs `$user` in with `pw`: the session cookie, as the web page holds it.
macro_rules! login_cookie {
    ($app:expr, $user:expr) => {{
        let res = actix_web::test::call_service(
            $app,
            actix_web::test::TestRequest::post()
                .uri("/api/login")
                .set_json(serde_json::json!({"username": $user, "password": "pw"}))
                .to_request(),
        )
        .await;
        res.response()
            .cookies()
            .find(|c| c.name() == vaxride_server::auth::COOKIE)
            .expect("the session cookie")
            .into_owned()
    }};
}
