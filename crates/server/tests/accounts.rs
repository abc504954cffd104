//! Accounts, on SQLite and PostgreSQL: an admin makes a district and its coordinator, who makes
//! a secretary and a driver's login; each logs in with the one-time password, must choose their
//! own before anything else, and then works; resets and deactivation end sessions at once; each
//! manages only whom they may, and no password is ever answered after it is made.

use actix_web::test;
use serde_json::{Value, json};
use vaxride_dispatch::model::Point;
use vaxride_dispatch::values::Role;
use vaxride_server::{AppState, build_app};
use vaxride_store::{NewDriver, Store};

#[macro_use]
mod support;

fn req(method: &str, uri: &str, auth: &str, body: Option<Value>) -> test::TestRequest {
    let r = test::TestRequest::default()
        .method(actix_web::http::Method::from_bytes(method.as_bytes()).unwrap())
        .uri(uri)
        .insert_header(("authorization", auth.to_string()));
    match body {
        Some(b) => r.set_json(b),
        None => r,
    }
}

macro_rules! log_in {
    ($app:expr, $user:expr, $password:expr) => {{
        let (status, r) = call!(
            $app,
            test::TestRequest::post()
                .uri("/api/login")
                .set_json(json!({"username": $user, "password": $password}))
        );
        (status, format!("Bearer {}", r["token"].as_str().unwrap_or("")), r)
    }};
}

async fn accounts_scenario(store: Store) {
    support::add_user(&store, "root", Role::Admin, None, None, None).await;
    let other = store.create_district("Other office").await.unwrap();
    let other_c = store
        .create_community(
            other,
            "Other-c",
            Point {
                lon: 123.5,
                lat: 41.9,
            },
        )
        .await
        .unwrap();
    support::add_user(
        &store,
        "other-sec",
        Role::Secretary,
        Some(other),
        Some(other_c),
        None,
    )
    .await;
    let state = actix_web::web::Data::new(AppState::new(
        store.clone(),
        None,
        std::time::Duration::from_secs(1),
    ));
    let app = test::init_service(build_app(state)).await;
    let admin = login!(&app, "root");

    // The admin makes a street office and its coordinator.
    let (s, d) = call!(
        &app,
        req(
            "POST",
            "/api/districts",
            &admin,
            Some(json!({"name": "皇城街道"}))
        )
    );
    assert_eq!(s, 201, "{d}");
    let district = d["id"].as_i64().unwrap();
    let (s, list) = call!(&app, req("GET", "/api/districts", &admin, None));
    assert_eq!(s, 200);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == "皇城街道")
    );
    let (s, made) = call!(
        &app,
        req(
            "POST",
            "/api/users",
            &admin,
            Some(json!({"username": "wang.coord", "display_name": "王协调",
                        "role": "coordinator", "district_id": district}))
        )
    );
    assert_eq!(s, 201, "{made}");
    let one_time = made["one_time_password"].as_str().unwrap().to_string();
    assert_eq!(one_time.len(), 12);
    // Refusals name the field.
    for (body, field) in [
        (
            json!({"username": "x", "display_name": "X", "role": "coordinator", "district_id": district}),
            "username",
        ),
        (
            json!({"username": "coord-2", "display_name": "X", "role": "coordinator"}),
            "district_id",
        ),
        (
            json!({"username": "coord-2", "display_name": "X", "role": "coordinator", "district_id": 999}),
            "district_id",
        ),
        (
            json!({"username": "sec-x", "display_name": "X", "role": "secretary", "community_id": other_c}),
            "role",
        ),
    ] {
        let (s, e) = call!(&app, req("POST", "/api/users", &admin, Some(body)));
        assert_eq!(
            (s, e["error"]["fields"][0]["field"].as_str()),
            (400, Some(field)),
            "{e}"
        );
    }
    let (s, e) = call!(
        &app,
        req(
            "POST",
            "/api/users",
            &admin,
            Some(
                json!({"username": "wang.coord", "display_name": "X", "role": "coordinator", "district_id": district})
            )
        )
    );
    assert_eq!(
        (s, e["error"]["detail"]["code"].as_str()),
        (409, Some("username_taken")),
        "{e}"
    );

    // The coordinator logs in with the one-time password: nothing but choosing their own.
    let (s, coord, who) = log_in!(&app, "wang.coord", &one_time);
    assert_eq!(s, 200, "{who}");
    assert_eq!(who["user"]["must_change_password"], true);
    let (s, e) = call!(&app, req("GET", "/api/users", &coord, None));
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (403, Some("password_change_required"))
    );
    let (s, _) = call!(&app, req("GET", "/api/me", &coord, None));
    assert_eq!(s, 200);
    for (body, field, code) in [
        (
            json!({"current": one_time, "new": "short"}),
            "new",
            "password_length",
        ),
        (
            json!({"current": one_time, "new": one_time}),
            "new",
            "same_password",
        ),
        (
            json!({"current": "not-it-at-all", "new": "a long new password"}),
            "current",
            "wrong_password",
        ),
    ] {
        let (s, e) = call!(&app, req("PUT", "/api/me/password", &coord, Some(body)));
        assert_eq!(
            (
                s,
                e["error"]["fields"][0]["field"].as_str(),
                e["error"]["fields"][0]["code"].as_str()
            ),
            (400, Some(field), Some(code)),
            "{e}"
        );
    }
    let (s, e) = call!(
        &app,
        req(
            "PUT",
            "/api/me/password",
            &coord,
            Some(json!({"current": one_time, "new": "长城 walks 2026!"}))
        )
    );
    assert_eq!(s, 204, "{e}");
    // The same session goes on; the one-time password is gone.
    let (s, _) = call!(&app, req("GET", "/api/users", &coord, None));
    assert_eq!(s, 200);
    let (s, _, _) = log_in!(&app, "wang.coord", &one_time);
    assert_eq!(s, 401);

    // The coordinator makes a community's secretary and a driver's login, in their district only.
    let community = store
        .create_community(
            district,
            "翠生社区",
            Point {
                lon: 123.45,
                lat: 41.8,
            },
        )
        .await
        .unwrap();
    let driver = store
        .create_driver(
            district,
            &NewDriver {
                name: "李师傅".into(),
                phone: "13800000000".into(),
                vehicle_id: None,
            },
        )
        .await
        .unwrap();
    let (s, e) = call!(
        &app,
        req(
            "POST",
            "/api/users",
            &coord,
            Some(
                json!({"username": "sec-x", "display_name": "X", "role": "secretary", "community_id": other_c})
            )
        )
    );
    assert_eq!(
        (s, e["error"]["fields"][0]["field"].as_str()),
        (400, Some("community_id")),
        "{e}"
    );
    let (s, e) = call!(
        &app,
        req(
            "POST",
            "/api/users",
            &coord,
            Some(
                json!({"username": "boss", "display_name": "X", "role": "coordinator", "district_id": district})
            )
        )
    );
    assert_eq!(
        (s, e["error"]["fields"][0]["field"].as_str()),
        (400, Some("role")),
        "{e}"
    );
    let (s, sec) = call!(
        &app,
        req(
            "POST",
            "/api/users",
            &coord,
            Some(
                json!({"username": "sec.cuisheng", "display_name": "张书记", "role": "secretary", "community_id": community})
            )
        )
    );
    assert_eq!(s, 201, "{sec}");
    let (s, drv) = call!(
        &app,
        req(
            "POST",
            "/api/users",
            &coord,
            Some(
                json!({"username": "li.driver", "display_name": "李师傅", "role": "driver", "driver_id": driver})
            )
        )
    );
    assert_eq!(s, 201, "{drv}");
    let (s, e) = call!(
        &app,
        req(
            "POST",
            "/api/users",
            &coord,
            Some(
                json!({"username": "li.driver2", "display_name": "李师傅", "role": "driver", "driver_id": driver})
            )
        )
    );
    assert_eq!(
        (s, e["error"]["detail"]["code"].as_str()),
        (409, Some("driver_has_login")),
        "{e}"
    );

    // The list: the district's accounts, no password or hash anywhere.
    let (s, list) = call!(&app, req("GET", "/api/users", &coord, None));
    assert_eq!(s, 200);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["li.driver", "sec.cuisheng", "wang.coord"], "{list}");
    let text = list.to_string();
    assert!(
        !text.contains("password\":\"") && !text.contains("argon2"),
        "{text}"
    );
    let (s, all) = call!(&app, req("GET", "/api/users", &admin, None));
    assert_eq!(s, 200);
    assert!(all.as_array().unwrap().len() >= 5);

    // Each logs in and chooses a password; the secretary works at once.
    let sec_id = sec["id"].as_i64().unwrap();
    let (_, sec_auth, _) = log_in!(
        &app,
        "sec.cuisheng",
        sec["one_time_password"].as_str().unwrap()
    );
    let (s, _) = call!(
        &app,
        req(
            "PUT",
            "/api/me/password",
            &sec_auth,
            Some(json!({"current": sec["one_time_password"], "new": "secretary pass 1"}))
        )
    );
    assert_eq!(s, 204);
    let (s, _) = call!(&app, req("GET", "/api/elders", &sec_auth, None));
    assert_eq!(s, 200);
    // Secretaries and drivers manage nobody.
    let (s, _) = call!(&app, req("GET", "/api/users", &sec_auth, None));
    assert_eq!(s, 403);

    // A reset: a new one-time password, the old sessions end at once.
    let (s, reset) = call!(
        &app,
        req(
            "POST",
            &format!("/api/users/{sec_id}/reset-password"),
            &coord,
            None
        )
    );
    assert_eq!(s, 200, "{reset}");
    let (s, _) = call!(&app, req("GET", "/api/elders", &sec_auth, None));
    assert_eq!(s, 401);
    let (s, sec_auth, _) = log_in!(
        &app,
        "sec.cuisheng",
        reset["one_time_password"].as_str().unwrap()
    );
    assert_eq!(s, 200);
    let (s, _) = call!(&app, req("GET", "/api/elders", &sec_auth, None));
    assert_eq!(s, 403, "a reset password must be replaced first");

    // Deactivation ends the sessions and refuses logins; reactivation lets them in again.
    let (s, _) = call!(
        &app,
        req(
            "PUT",
            &format!("/api/users/{sec_id}/active"),
            &coord,
            Some(json!({"active": false}))
        )
    );
    assert_eq!(s, 204);
    let (s, _) = call!(&app, req("GET", "/api/me", &sec_auth, None));
    assert_eq!(s, 401);
    let (s, _, _) = log_in!(
        &app,
        "sec.cuisheng",
        reset["one_time_password"].as_str().unwrap()
    );
    assert_eq!(s, 401);
    let (s, _) = call!(
        &app,
        req(
            "PUT",
            &format!("/api/users/{sec_id}/active"),
            &coord,
            Some(json!({"active": true}))
        )
    );
    assert_eq!(s, 204);
    let (s, _, _) = log_in!(
        &app,
        "sec.cuisheng",
        reset["one_time_password"].as_str().unwrap()
    );
    assert_eq!(s, 200);

    // Scoping: another district's account is not found; a coordinator cannot touch a
    // coordinator (nor themselves) nor the admin.
    let all = all.as_array().unwrap();
    let id_of = |name: &str| {
        all.iter().find(|u| u["username"] == name).unwrap()["user_id"]
            .as_i64()
            .unwrap()
    };
    // The admin may reset a coordinator.
    for (name, auth, want) in [
        ("other-sec", &coord, 404),
        ("root", &coord, 404),
        ("wang.coord", &coord, 403),
        ("wang.coord", &admin, 200),
    ] {
        let uri = format!("/api/users/{}/reset-password", id_of(name));
        let (s, _) = call!(&app, req("POST", &uri, auth, None));
        assert_eq!(s, want, "{name}");
    }
}

#[actix_web::test]
async fn accounts_on_sqlite() {
    accounts_scenario(support::fresh_store("accounts").await).await;
}

#[actix_web::test]
async fn accounts_on_postgres() {
    let Some(url) = support::postgres_url("accounts").await else {
        return;
    };
    accounts_scenario(Store::open(&url).await.unwrap()).await;
}
