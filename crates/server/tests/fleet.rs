//! Coordinators' set-up over HTTP: sites (and van stops), vans, vehicles, drivers; bad input
//! named field by field; other roles and other districts kept out.

use std::time::Duration;

use actix_web::{test, web};
use serde_json::{Value, json};
use vaxride_dispatch::model::Point;
use vaxride_server::{AppState, build_app};

#[macro_use]
mod support;

/// Two districts, each with a community, its coordinator (`coord-0`, `coord-1`) and secretary
/// (`sec-0`, `sec-1`).
async fn setup() -> web::Data<AppState> {
    web::Data::new(AppState::new(staffed().await, None, Duration::from_secs(1)))
}

/// A store with two districts, each with its coordinator and a secretary.
async fn staffed() -> vaxride_store::Store {
    let store = support::fresh_store("fleet").await;
    for (k, name) in ["north", "south"].iter().enumerate() {
        let centre = Point {
            lon: 123.4,
            lat: 41.8,
        };
        support::district_with_staff(
            &store,
            name,
            centre,
            &format!("coord-{k}"),
            &format!("sec-{k}"),
        )
        .await;
    }
    store
}

fn site(name: &str) -> Value {
    json!({
        "name": name, "kind": "fixed", "location": {"lon": 123.41, "lat": 41.81},
        "hours": ["08:00", "12:00"], "slot_minutes": 30, "capacity_per_slot": 10
    })
}

#[actix_web::test]
async fn the_root_page_is_the_web_interface() {
    let app = test::init_service(build_app(setup().await)).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(res.status().as_u16(), 200);
    let body = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    assert!(body.contains("/assets/app.js") && body.contains("lang=\"zh-CN\""));
}

#[actix_web::test]
async fn coordinators_manage_sites_vans_vehicles_and_drivers() {
    let app = test::init_service(build_app(setup().await)).await;
    let coord = login!(&app, "coord-0");
    let other = login!(&app, "coord-1");
    let sec = login!(&app, "sec-0");
    let post = |uri: &str, auth: &str, body: Value| {
        test::TestRequest::post()
            .uri(uri)
            .insert_header(("authorization", auth.to_string()))
            .set_json(body)
    };

    // Bad input: every wrong field named.
    let mut bad = site("");
    bad["hours"] = json!(["12:00", "08:00"]);
    bad["slot_minutes"] = json!(0);
    bad["location"] = json!({"lon": 200.0, "lat": 41.8});
    let (status, e) = call!(&app, post("/api/sites", &coord, bad));
    assert_eq!(status, 400, "{e}");
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in ["location.lon", "hours", "name", "slot_minutes"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let mut unknown = site("x");
    unknown["colour"] = json!("red");
    assert_eq!(call!(&app, post("/api/sites", &coord, unknown)).0, 400);
    // Secretaries may not set up sites.
    assert_eq!(call!(&app, post("/api/sites", &sec, site("x"))).0, 403);

    // A site, changed and retired; another district cannot touch it.
    let (status, created) = call!(&app, post("/api/sites", &coord, site("Centre")));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let put = |uri: String, auth: &str, body: Value| {
        test::TestRequest::put()
            .uri(&uri)
            .insert_header(("authorization", auth.to_string()))
            .set_json(body)
    };
    let mut bigger = site("Centre");
    bigger["capacity_per_slot"] = json!(20);
    assert_eq!(
        call!(
            &app,
            put(format!("/api/sites/{id}"), &other, bigger.clone())
        )
        .0,
        404
    );
    assert_eq!(
        call!(&app, put(format!("/api/sites/{id}"), &coord, bigger)).0,
        204
    );
    let get = |uri: &str, auth: &str| {
        test::TestRequest::get()
            .uri(uri)
            .insert_header(("authorization", auth.to_string()))
    };
    let (_, sites) = call!(&app, get("/api/sites", &coord));
    assert_eq!(sites[0]["capacity_per_slot"], 20);
    let (_, none) = call!(&app, get("/api/sites", &other));
    assert_eq!(none, json!([]));

    // A van and a stop of it; a van stop needs its van and day.
    let (_, van) = call!(&app, post("/api/vans", &coord, json!({"name": "Van 1"})));
    let van = van["id"].as_i64().unwrap();
    let mut stop = site("Van 1 at the square");
    stop["kind"] = json!("van_stop");
    let (status, e) = call!(&app, post("/api/sites", &coord, stop.clone()));
    assert_eq!(status, 400);
    assert!(
        e.to_string().contains("van_id") && e.to_string().contains("\"day\""),
        "{e}"
    );
    stop["van_id"] = json!(van);
    stop["day"] = json!("2022-04-18");
    assert_eq!(
        call!(&app, post("/api/sites", &other, stop.clone())).0,
        400,
        "another district's van"
    );
    assert_eq!(call!(&app, post("/api/sites", &coord, stop)).0, 201);
    let (_, vans) = call!(&app, get("/api/vans", &coord));
    assert_eq!(vans[0]["stops"].as_array().unwrap().len(), 1, "{vans}");
    // The vans' timetable is the coordinator's: a secretary is refused.
    let (status, e) = call!(&app, get("/api/vans", &sec));
    assert_eq!(
        (status, e["error"]["code"].clone()),
        (403, json!("forbidden"))
    );

    // Retire the first site: gone from the list, and a second retire is 404.
    let del = |uri: String, auth: &str| {
        test::TestRequest::delete()
            .uri(&uri)
            .insert_header(("authorization", auth.to_string()))
    };
    assert_eq!(call!(&app, del(format!("/api/sites/{id}"), &other)).0, 404);
    assert_eq!(call!(&app, del(format!("/api/sites/{id}"), &coord)).0, 204);
    assert_eq!(call!(&app, del(format!("/api/sites/{id}"), &coord)).0, 404);
    let (_, sites) = call!(&app, get("/api/sites", &coord));
    assert_eq!(sites.as_array().unwrap().len(), 1);

    // Vehicles and drivers.
    let car = json!({"name": "car", "seats": 4, "shift": ["07:00", "13:00"],
                     "start": {"lon": 123.4, "lat": 41.8}});
    let (status, v) = call!(&app, post("/api/vehicles", &coord, car.clone()));
    assert_eq!(status, 201);
    let vid = v["id"].as_i64().unwrap();
    let mut wrong = car.clone();
    wrong["seats"] = json!(0);
    wrong["shift"] = json!(["13:00", "07:00"]);
    let (status, e) = call!(&app, put(format!("/api/vehicles/{vid}"), &coord, wrong));
    assert_eq!(status, 400);
    assert_eq!(e["error"]["fields"].as_array().unwrap().len(), 2, "{e}");
    let mut van_car = car;
    van_car["seats"] = json!(7);
    van_car["wheelchairs"] = json!(1);
    van_car["features"] = json!(["ramp"]);
    assert_eq!(
        call!(&app, put(format!("/api/vehicles/{vid}"), &coord, van_car)).0,
        204
    );
    let (_, list) = call!(&app, get("/api/vehicles", &coord));
    assert_eq!(
        (list[0]["seats"].as_i64(), list[0]["features"][0].as_str()),
        (Some(7), Some("ramp"))
    );
    let (status, _) = call!(
        &app,
        post(
            "/api/drivers",
            &coord,
            json!({"name": "Wang", "phone": "139", "vehicle_id": vid})
        )
    );
    assert_eq!(status, 201);
    assert_eq!(
        call!(
            &app,
            post(
                "/api/drivers",
                &other,
                json!({"name": "x", "phone": "1", "vehicle_id": vid})
            )
        )
        .0,
        400,
        "another district's vehicle"
    );
    let (_, drivers) = call!(&app, get("/api/drivers", &coord));
    assert_eq!(drivers[0]["vehicle_id"].as_i64(), Some(vid));
    assert_eq!(call!(&app, get("/api/drivers", &sec)).0, 403);
    let wang = drivers[0]["id"].as_i64().unwrap();

    // One vehicle, one driver: a second is refused by field and code, and nothing is saved.
    let (status, e) = call!(
        &app,
        post(
            "/api/drivers",
            &coord,
            json!({"name": "Zhou", "phone": "137", "vehicle_id": vid})
        )
    );
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "vehicle_id", "{e}");
    assert_eq!(e["error"]["fields"][0]["code"], "vehicle_has_driver", "{e}");
    // A name and a phone are needed.
    let (status, e) = call!(
        &app,
        post(
            "/api/drivers",
            &coord,
            json!({"name": " ", "phone": "", "vehicle_id": null})
        )
    );
    assert_eq!(status, 400, "{e}");
    let fields: Vec<_> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        vec![("name", "chars_between"), ("phone", "chars_between")]
    );
    assert_eq!(
        call!(&app, get("/api/drivers", &coord))
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A driver is changed with the same body; keeping their own vehicle is no conflict, and
    // `null` takes the vehicle away.
    let (status, e) = call!(
        &app,
        put(
            format!("/api/drivers/{wang}"),
            &coord,
            json!({"name": "Wang Lei", "phone": "13912345678", "vehicle_id": vid})
        )
    );
    assert_eq!(status, 204, "{e}");
    let (_, drivers) = call!(&app, get("/api/drivers", &coord));
    assert_eq!(
        (drivers[0]["name"].as_str(), drivers[0]["phone"].as_str()),
        (Some("Wang Lei"), Some("13912345678"))
    );
    assert_eq!(
        call!(
            &app,
            put(
                format!("/api/drivers/{wang}"),
                &coord,
                json!({"name": "Wang Lei", "phone": "139", "vehicle_id": null})
            )
        )
        .0,
        204
    );
    let (_, drivers) = call!(&app, get("/api/drivers", &coord));
    assert_eq!(drivers[0]["vehicle_id"], Value::Null);
    assert_eq!(
        call!(
            &app,
            put(
                format!("/api/drivers/{wang}"),
                &other,
                json!({"name": "x", "phone": "1", "vehicle_id": null})
            )
        )
        .0,
        404,
        "another district's driver"
    );
    assert_eq!(
        call!(&app, del(format!("/api/vehicles/{vid}"), &coord)).0,
        204
    );
    let (_, list) = call!(&app, get("/api/vehicles", &coord));
    assert_eq!(list, json!([]));
}

#[actix_web::test]
async fn guessing_a_password_is_throttled_per_username_and_per_source() {
    let mut state = AppState::new(staffed().await, None, Duration::from_secs(1));
    // A small budget per source, to reach it in a test.
    state.login_sources = governor::RateLimiter::keyed(
        governor::Quota::per_minute(std::num::NonZeroU32::new(1).unwrap())
            .allow_burst(std::num::NonZeroU32::new(10).unwrap()),
    );
    let app = test::init_service(build_app(web::Data::new(state))).await;
    let attempt = |user: &str, pw: &str, from: &str| {
        test::TestRequest::post()
            .uri("/api/login")
            .peer_addr(format!("{from}:4000").parse().unwrap())
            .set_json(json!({"username": user, "password": pw}))
    };
    let guesser = "203.0.113.7";
    for _ in 0..5 {
        assert_eq!(call!(&app, attempt("coord-0", "guess", guesser)).0, 401);
    }
    let (status, e) = call!(&app, attempt("coord-0", "pw", guesser));
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (429, Some("too_many_attempts"))
    );
    // The user at their own address is not locked out; other users are not affected.
    assert_eq!(call!(&app, attempt("coord-0", "pw", "198.51.100.2")).0, 200);
    assert_eq!(call!(&app, attempt("sec-0", "pw", "198.51.100.2")).0, 200);
    // Guessing over many usernames from one address runs out of that address's budget.
    let mut refused = 0;
    for k in 0..6 {
        if call!(&app, attempt(&format!("nobody-{k}"), "guess", guesser)).0 == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 2, "{refused} of 6 refused");
}

#[actix_web::test]
async fn coordinators_add_communities_with_boundaries() {
    let app = test::init_service(build_app(setup().await)).await;
    let coord = login!(&app, "coord-0");
    let sec = login!(&app, "sec-0");
    let post = |auth: &str, body: Value| {
        test::TestRequest::post()
            .uri("/api/communities")
            .insert_header(("authorization", auth.to_string()))
            .set_json(body)
    };
    let square = json!({"type": "Polygon", "coordinates": [[[123.40, 41.80], [123.41, 41.80], [123.41, 41.81], [123.40, 41.80]]]});
    let (status, _) = call!(
        &app,
        post(
            &coord,
            json!({"name": "Xinhua", "centre": {"lon": 123.405, "lat": 41.805}, "boundary": square})
        )
    );
    assert_eq!(status, 201);
    let open_ring = json!({"type": "Polygon", "coordinates": [[[123.40, 41.80], [123.41, 41.80], [123.41, 41.81], [123.42, 41.80]]]});
    let (status, e) = call!(
        &app,
        post(
            &coord,
            json!({"name": "B", "centre": {"lon": 123.4, "lat": 41.8}, "boundary": open_ring})
        )
    );
    assert_eq!(
        (status, e["error"]["fields"][0]["field"].as_str()),
        (400, Some("boundary")),
        "{e}"
    );
    let (status, e) = call!(
        &app,
        post(
            &coord,
            json!({"name": "Xinhua", "centre": {"lon": 123.4, "lat": 41.8}})
        )
    );
    assert_eq!(status, 409, "same name twice in a district");
    // The conflict says which, with a code the page can put in words.
    assert_eq!(e["error"]["code"], "conflict", "{e}");
    assert_eq!(e["error"]["detail"]["code"], "already_exists", "{e}");
    assert_eq!(e["error"]["detail"]["message"], "already exists", "{e}");
    assert_eq!(
        call!(
            &app,
            post(
                &sec,
                json!({"name": "C", "centre": {"lon": 123.4, "lat": 41.8}})
            )
        )
        .0,
        403
    );
    let (_, list) = call!(
        &app,
        test::TestRequest::get()
            .uri("/api/communities")
            .insert_header(("authorization", coord.clone()))
    );
    let made = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Xinhua")
        .expect("listed");
    assert!(made["boundary"].as_str().unwrap().contains("Polygon"));
}
