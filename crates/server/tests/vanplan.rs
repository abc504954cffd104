//! Van stop planning over HTTP (issue 16): a coordinator asks for a proposal over the
//! district's walkers and accepts it (the van stops are created, all or none); bad input named
//! field by field; other roles and districts kept out.

use std::time::Duration;

use actix_web::{test, web};
use serde_json::{Value, json};
use vaxride_dispatch::model::Point;
use vaxride_dispatch::values::{Dose, Mobility};
use vaxride_server::{AppState, build_app};
use vaxride_store::{ElderInput, Scope};

#[macro_use]
mod support;

/// Two districts; in the first, 30 walkers in two blocks about 2 km apart, two elders in a
/// wheelchair and two who had their booster.
async fn setup() -> web::Data<AppState> {
    let store = support::fresh_store("vanplan").await;
    let centre = Point {
        lon: 123.4,
        lat: 41.8,
    };
    let (district, community) =
        support::district_with_staff(&store, "north", centre, "coord-0", "sec-0").await;
    support::district_with_staff(&store, "south", centre, "coord-1", "sec-1").await;
    for i in 0..34 {
        let block = if i % 2 == 0 { 0.0 } else { 0.025 };
        let (mobility, dose) = match i {
            30 | 31 => (Mobility::Wheelchair, Dose::None),
            32 | 33 => (Mobility::Walks, Dose::Booster),
            _ => (Mobility::Walks, Dose::None),
        };
        let input = ElderInput {
            name: format!("Elder {i}"),
            phone: String::new(),
            address: String::new(),
            home: Point {
                lon: 123.4 + block + f64::from(i) * 0.0001,
                lat: 41.8,
            },
            mobility,
            companions: 0,
            dose,
            priority: 1 + i64::from(i % 3),
            notes: String::new(),
        };
        store
            .create_elder(Scope::District(district), community, &input, 0)
            .await
            .expect("an elder");
    }
    web::Data::new(AppState::new(store, None, Duration::from_secs(1)))
}

fn request(van: i64) -> Value {
    json!({
        "vans": [{
            "van_id": van, "days": ["2026-12-08"], "hours": ["08:00", "17:00"],
            "break": ["12:00", "13:00"], "shots_per_hour": 12, "stops_per_day": 2
        }],
        "candidates": [{"location": {"lon": 123.45, "lat": 41.85}, "name": "Market square"}]
    })
}

#[actix_web::test]
async fn a_coordinator_proposes_van_stops_and_accepts_them() {
    let app = test::init_service(build_app(setup().await)).await;
    let coord = login!(&app, "coord-0");
    let post = |uri: &str, auth: &str, body: Value| {
        test::TestRequest::post()
            .uri(uri)
            .insert_header(("authorization", auth.to_string()))
            .set_json(body)
    };
    let (status, van) = call!(&app, post("/api/vans", &coord, json!({"name": "Van 1"})));
    assert_eq!(status, 201, "{van}");
    let van = van["id"].as_i64().unwrap();

    let (status, p) = call!(&app, post("/api/vanplan", &coord, request(van)));
    assert_eq!(status, 200, "{p}");
    // 30 walkers need a dose; the two blocks are a stop each, in the morning and afternoon.
    assert_eq!(p["figures"]["walkers"], 30, "{p}");
    assert_eq!(p["figures"]["served"], 30, "{p}");
    let day = &p["days"][0];
    assert_eq!(day["van_id"], van);
    assert_eq!(day["day"], "2026-12-08");
    let stops = day["stops"].as_array().unwrap();
    assert_eq!(stops.len(), 2, "{p}");
    assert_eq!(stops[0]["arrive"], "08:00");
    // The coordinator's far-away square is a candidate nobody walks to.
    assert_eq!(p["candidates"][0]["name"], "Market square");
    assert_eq!(p["candidates"][0]["added"], true);
    assert_eq!(p["candidates"][0]["walkers"], 0);
    assert_eq!(p["candidates"][0]["chosen"], false);
    // No slot in the break, and the stops as site bodies.
    let sites = p["sites"].as_array().unwrap().clone();
    assert!(!sites.is_empty());
    for s in &sites {
        let h = s["hours"].as_array().unwrap();
        let (from, to) = (h[0].as_str().unwrap(), h[1].as_str().unwrap());
        assert!(to <= "12:00" || from >= "13:00", "{s}");
        assert_eq!(s["kind"], "van_stop");
        // The shots the walkers need are kept from ride bookings.
        let share = s["booked_share"].as_f64().unwrap();
        assert!(share > 0.0 && share < 1.0, "{s}");
        // Walkers are sent to it as far as the planning said.
        assert_eq!(s["walk_m"], 500, "{s}");
    }

    let (status, made) = call!(
        &app,
        post("/api/vanplan/accept", &coord, json!({"sites": sites}))
    );
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["ids"].as_array().unwrap().len(), sites.len());
    // The van stops are the van's, on its day.
    let get = test::TestRequest::get()
        .uri("/api/vans")
        .insert_header(("authorization", coord.clone()));
    let (_, vans) = call!(&app, get);
    assert_eq!(
        vans[0]["stops"].as_array().unwrap().len(),
        sites.len(),
        "{vans}"
    );
    // The secretary sees, for each walker who needs a dose, the stop they can walk to.
    let sec = login!(&app, "sec-0");
    let get = test::TestRequest::get()
        .uri("/api/vanplan/walks?day=2026-12-08")
        .insert_header(("authorization", sec.clone()));
    let (status, walks) = call!(&app, get);
    assert_eq!(status, 200, "{walks}");
    let walks = walks.as_array().unwrap();
    assert_eq!(walks.len(), 30, "{walks:?}");
    let first = &walks[0]["stops"][0];
    assert_eq!(first["day"], "2026-12-08");
    assert!(first["from"].as_str().unwrap() >= "08:00", "{first}");
    // A stop whose walking limit is shorter is one fewer walkers can reach.
    let ids: Vec<i64> = made["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_i64().unwrap())
        .collect();
    for (id, body) in ids.iter().zip(&sites) {
        let mut body = body.clone();
        body["walk_m"] = json!(50);
        let put = test::TestRequest::put()
            .uri(&format!("/api/sites/{id}"))
            .insert_header(("authorization", coord.clone()))
            .set_json(body);
        let (status, e) = call!(&app, put);
        assert_eq!(status, 204, "{e}");
    }
    let get = test::TestRequest::get()
        .uri("/api/vanplan/walks?day=2026-12-08")
        .insert_header(("authorization", sec.clone()));
    let (_, near) = call!(&app, get);
    assert!(near.as_array().unwrap().len() < 30, "{near}");
    for (id, body) in ids.iter().zip(&sites) {
        let put = test::TestRequest::put()
            .uri(&format!("/api/sites/{id}"))
            .insert_header(("authorization", coord.clone()))
            .set_json(body.clone());
        call!(&app, put);
    }
    // From the day after, there is none; a day that is not one is named.
    let get = test::TestRequest::get()
        .uri("/api/vanplan/walks?day=2026-12-09")
        .insert_header(("authorization", sec.clone()));
    let (_, later) = call!(&app, get);
    assert_eq!(later, json!([]));
    let get = test::TestRequest::get()
        .uri("/api/vanplan/walks?day=2026-13-01")
        .insert_header(("authorization", sec.clone()));
    let (status, e) = call!(&app, get);
    assert_eq!(
        (status, e["error"]["fields"][0]["field"].clone()),
        (400, json!("day"))
    );
    // Accepting the same again would put the van in two places at once: nothing is created.
    let (status, e) = call!(
        &app,
        post("/api/vanplan/accept", &coord, json!({"sites": sites}))
    );
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "sites[0].hours", "{e}");
    let get = test::TestRequest::get()
        .uri("/api/vans")
        .insert_header(("authorization", coord.clone()));
    let (_, vans) = call!(&app, get);
    assert_eq!(vans[0]["stops"].as_array().unwrap().len(), sites.len());
}

#[actix_web::test]
async fn bad_requests_are_named_field_by_field_and_others_are_kept_out() {
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
    let (_, van) = call!(&app, post("/api/vans", &coord, json!({"name": "Van 1"})));
    let van = van["id"].as_i64().unwrap();

    let mut bad = request(van);
    bad["vans"][0]["days"] = json!(["2026-02-30"]);
    bad["vans"][0]["hours"] = json!(["17:00", "08:00"]);
    bad["vans"][0]["shots_per_hour"] = json!(0);
    bad["vans"][0]["stops_per_day"] = json!(9);
    bad["walk_m"] = json!(10);
    bad["candidates"][0]["location"] = json!({"lon": 500.0, "lat": 41.8});
    let (status, e) = call!(&app, post("/api/vanplan", &coord, bad));
    assert_eq!(status, 400, "{e}");
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in [
        "vans[0].days[0]",
        "vans[0].hours",
        "vans[0].shots_per_hour",
        "vans[0].stops_per_day",
        "walk_m",
        "candidates[0].location.lon",
    ] {
        assert!(fields.contains(&f), "{f} missing: {fields:?}");
    }
    let mut bad = request(van);
    bad["vans"][0]["break"] = json!(["07:00", "08:30"]);
    let (status, e) = call!(&app, post("/api/vanplan", &coord, bad));
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "vans[0].break");
    assert_eq!(e["error"]["fields"][0]["code"], "window_outside_day");
    // One shot an hour in half-hour slots is no shot a slot.
    let mut bad = request(van);
    bad["vans"][0]["shots_per_hour"] = json!(1);
    let (status, e) = call!(&app, post("/api/vanplan", &coord, bad));
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "vans[0].shots_per_hour");
    assert_eq!(e["error"]["fields"][0]["code"], "at_least");
    let mut bad = request(van);
    bad["vans"] = json!([bad["vans"][0], bad["vans"][0]]);
    let (_, e) = call!(&app, post("/api/vanplan", &coord, bad));
    assert_eq!(e["error"]["fields"][0]["code"], "van_twice", "{e}");
    let (status, e) = call!(&app, post("/api/vanplan", &coord, json!({"vans": []})));
    assert_eq!(
        (status, e["error"]["fields"][0]["code"].clone()),
        (400, json!("list_size"))
    );
    let (status, e) = call!(
        &app,
        post(
            "/api/vanplan/accept",
            &coord,
            json!({"sites": [{
                "name": "x", "kind": "fixed", "location": {"lon": 123.4, "lat": 41.8},
                "hours": ["08:00", "09:00"], "slot_minutes": 30, "capacity_per_slot": 5
            }]})
        )
    );
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "sites[0].kind");

    // Another district's coordinator does not have this van; a secretary plans no vans.
    let (status, e) = call!(&app, post("/api/vanplan", &other, request(van)));
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["fields"][0]["code"], "no_such_van");
    let (status, _) = call!(&app, post("/api/vanplan", &sec, request(van)));
    assert_eq!(status, 403);
}

#[actix_web::test]
async fn van_stops_judged_with_the_fleet_are_a_job_whose_proposal_is_accepted() {
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
    let get = |uri: &str, auth: &str| {
        test::TestRequest::get()
            .uri(uri)
            .insert_header(("authorization", auth.to_string()))
    };
    let (_, van) = call!(&app, post("/api/vans", &coord, json!({"name": "Van 1"})));
    let van = van["id"].as_i64().unwrap();

    // Bad input is named inside the request; the budget has its bounds; secretaries are out.
    let mut bad = request(van);
    bad["walk_m"] = json!(10);
    let (status, e) = call!(
        &app,
        post(
            "/api/vanplan/jobs",
            &coord,
            json!({"request": bad, "seconds": 2})
        )
    );
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "request.walk_m", "{e}");
    let (status, e) = call!(
        &app,
        post(
            "/api/vanplan/jobs",
            &coord,
            json!({"request": request(van), "seconds": 2})
        )
    );
    assert_eq!(
        (status, e["error"]["fields"][0]["field"].clone()),
        (400, json!("seconds")),
        "{e}"
    );
    let body = json!({"request": request(van), "seconds": 5});
    let (status, _) = call!(&app, post("/api/vanplan/jobs", &sec, body.clone()));
    assert_eq!(status, 403);

    let (status, started) = call!(&app, post("/api/vanplan/jobs", &coord, body));
    assert_eq!(status, 202, "{started}");
    let job = started["job"].as_i64().unwrap();
    let uri = format!("/api/vanplan/jobs/{job}");
    let mut done = Value::Null;
    for _ in 0..240 {
        let (status, j) = call!(&app, get(&uri, &coord));
        assert_eq!(status, 200, "{j}");
        assert_eq!(j["kind"], "vans", "{j}");
        if j["status"] == "done" {
            done = j;
            break;
        }
        assert!(j["status"] == "queued" || j["status"] == "running", "{j}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let p = &done["proposal"];
    assert!(p.is_object(), "the job ends with a proposal: {done}");
    assert_eq!(p["figures"]["walkers"], 30, "{p}");
    let (cover, coupled) = (&p["cover"], &p["coupled"]);
    assert!(
        coupled["weight"].as_u64().unwrap() >= cover["weight"].as_u64().unwrap(),
        "{cover} {coupled}"
    );
    // Nobody drives the two elders in wheelchairs (no fleet): the walkers are what is served.
    assert_eq!(coupled["served"], p["figures"]["served"], "{p}");
    // The plan job's own view serves the van job too; another district sees neither.
    let (status, j) = call!(&app, get(&format!("/api/plans/jobs/{job}"), &coord));
    assert_eq!((status, j["kind"].clone()), (200, json!("vans")), "{j}");
    let (status, _) = call!(&app, get(&uri, &other));
    assert_eq!(status, 404);
    // Its stops are accepted as the quick proposal's are.
    let sites = p["sites"].as_array().unwrap().clone();
    assert!(!sites.is_empty(), "{p}");
    let (status, made) = call!(
        &app,
        post("/api/vanplan/accept", &coord, json!({"sites": sites}))
    );
    assert_eq!(status, 201, "{made}");
}
