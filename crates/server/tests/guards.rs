//! Who may do what (each role × object endpoints × own / other community or district / missing
//! object), and bad input (each answered 4xx with a code, the database unchanged).

use std::time::Duration;

use actix_web::{test, web};
use serde_json::{Value, json};
use vaxride_dispatch::model::{Dose, Mobility, Point, Site, SiteKind, Vehicle};
use vaxride_server::{AppState, build_app};

#[macro_use]
mod support;
use vaxride_dispatch::values::{Role, Shot, Weekdays, Window};
use vaxride_store::{ElderInput, NewBooking, NewDriver, NewSite, NewVehicle, Scope};

const DAY: &str = "2022-04-18";

struct Ids {
    elder_a: i64,
    booking_a: i64,
    site: i64,
    vehicle: i64,
    driver: i64,
    plan: i64,
}

async fn setup() -> (web::Data<AppState>, Ids) {
    let store = support::fresh_store("guards").await;
    let centre = Point {
        lon: 123.4,
        lat: 41.8,
    };
    let d1 = store.create_district("one").await.unwrap();
    let d2 = store.create_district("two").await.unwrap();
    let a = store.create_community(d1, "A", centre).await.unwrap();
    let b = store.create_community(d1, "B", centre).await.unwrap();
    let c = store.create_community(d2, "C", centre).await.unwrap();
    let elder = ElderInput {
        name: "Wang Li".into(),
        phone: "1".into(),
        address: "x".into(),
        home: centre,
        mobility: Mobility::Walks,
        companions: 0,
        dose: Dose::None,
        priority: 1,
        notes: String::new(),
    };
    let elder_a = store
        .create_elder(Scope::District(d1), a, &elder, 0)
        .await
        .unwrap()
        .id;
    let site = store
        .create_site(
            d1,
            &NewSite {
                site: Site {
                    id: 0,
                    name: "centre".into(),
                    kind: SiteKind::Fixed,
                    location: centre,
                    open_days: Weekdays::EVERY_DAY,
                    open_from: 8 * 3600,
                    open_to: 12 * 3600,
                    slot_minutes: 30,
                    capacity_per_slot: 5,
                    booked_share: 1.0,
                    doses: vec![Shot::First],
                    day: None,
                },
                address: String::new(),
                van_id: None,
                walk_m: None,
            },
        )
        .await
        .unwrap();
    let vehicle = store
        .create_vehicle(
            d1,
            &NewVehicle {
                vehicle: Vehicle {
                    id: 0,
                    name: "car".into(),
                    seats: 4,
                    wheelchairs: 0,
                    features: vec![],
                    shift_from: 7 * 3600,
                    team: None,
                    shift_to: 13 * 3600,
                    start: centre,
                },
            },
        )
        .await
        .unwrap();
    let driver = store
        .create_driver(
            d1,
            &NewDriver {
                name: "Li".into(),
                phone: "2".into(),
                vehicle_id: Some(vehicle),
            },
        )
        .await
        .unwrap();
    let users = [
        ("sec-a", Role::Secretary, Some(d1), Some(a), None),
        ("sec-b", Role::Secretary, Some(d1), Some(b), None),
        ("sec-c", Role::Secretary, Some(d2), Some(c), None),
        ("coord-1", Role::Coordinator, Some(d1), None, None),
        ("coord-2", Role::Coordinator, Some(d2), None, None),
        ("driver", Role::Driver, Some(d1), None, Some(driver)),
    ];
    for (name, role, district, community, driver) in users {
        support::add_user(&store, name, role, district, community, driver).await;
    }
    // Users exist now (a booking records who made it).
    let booking_a = store
        .create_bookings(
            Scope::District(d1),
            a,
            1,
            &[NewBooking {
                elder_id: elder_a,
                day: vaxride_dispatch::model::Day::parse(DAY).unwrap(),
                window: Window::try_from((8 * 3600, 10 * 3600)).unwrap(),
                site_id: None,
                return_wanted: true,
                dwell_minutes: 30,
                notes: String::new(),
                walk_in: false,
            }],
            None,
            0,
        )
        .await
        .unwrap()[0];
    // A draft plan of nothing (no trips to publish), made as every plan is made.
    let day = vaxride_dispatch::model::Day::parse(DAY).unwrap();
    let empty = vaxride_dispatch::planning::plan_day(
        &vaxride_dispatch::plan::PlanInput {
            day: day.clone(),
            bookings: vec![],
            sites: vec![],
            vehicles: vec![],
        },
        &vaxride_dispatch::travel::StraightLines,
        Default::default(),
        &vaxride_dispatch::planning::Iterations(0),
        &vaxride_dispatch::planning::Silent,
    )
    .unwrap();
    let plan = store.save_plan(d1, &day, &empty, None, 0).await.unwrap();
    (
        web::Data::new(AppState::new(store, None, Duration::from_secs(1))),
        Ids {
            elder_a,
            booking_a,
            site,
            vehicle,
            driver,
            plan,
        },
    )
}

fn req(method: &str, uri: &str, auth: &Option<String>, body: Option<Value>) -> test::TestRequest {
    let mut r = match method {
        "GET" => test::TestRequest::get(),
        "POST" => test::TestRequest::post(),
        "PUT" => test::TestRequest::put(),
        _ => test::TestRequest::delete(),
    }
    .uri(uri);
    if let Some(a) = auth {
        r = r.insert_header(("authorization", a.clone()));
    }
    if let Some(b) = body {
        r = r.set_json(b);
    }
    r
}

#[actix_web::test]
async fn each_role_sees_its_own_objects_and_nothing_else() {
    let (state, ids) = setup().await;
    let app = test::init_service(build_app(state)).await;
    let anon: Option<String> = None;
    let sec_a = Some(login!(&app, "sec-a"));
    let sec_b = Some(login!(&app, "sec-b"));
    let sec_c = Some(login!(&app, "sec-c"));
    let coord1 = Some(login!(&app, "coord-1"));
    let coord2 = Some(login!(&app, "coord-2"));
    let driver = Some(login!(&app, "driver"));
    let elder_body = json!({"name": "Wang Li", "home": {"lon": 123.4, "lat": 41.8},
                            "mobility": "walks", "dose": "none"});
    let site_body = json!({"name": "centre", "kind": "fixed", "location": {"lon": 123.4, "lat": 41.8},
                           "hours": ["08:00", "12:00"], "slot_minutes": 30, "capacity_per_slot": 6});
    let car_body = json!({"name": "car", "seats": 4, "shift": ["07:00", "13:00"],
                          "start": {"lon": 123.4, "lat": 41.8}});
    let missing = 999_999;
    // (method, path with {id}, own id, body, who → expected status)
    type Case<'a> = (
        &'a str,
        &'a str,
        i64,
        Option<Value>,
        Vec<(&'a Option<String>, u16)>,
    );
    let cases: Vec<Case> = vec![
        (
            "GET",
            "/api/elders/{id}",
            ids.elder_a,
            None,
            vec![
                (&sec_a, 200),
                (&sec_b, 404),
                (&sec_c, 404),
                (&coord1, 200),
                (&coord2, 404),
                (&driver, 403),
                (&anon, 401),
            ],
        ),
        (
            "PUT",
            "/api/elders/{id}",
            ids.elder_a,
            Some(elder_body.clone()),
            vec![
                (&sec_a, 200),
                (&sec_b, 404),
                (&sec_c, 404),
                (&coord1, 200),
                (&coord2, 404),
                (&driver, 403),
                (&anon, 401),
            ],
        ),
        (
            "GET",
            "/api/bookings/{id}",
            ids.booking_a,
            None,
            vec![
                (&sec_a, 200),
                (&sec_b, 404),
                (&sec_c, 404),
                (&coord1, 200),
                (&coord2, 404),
                (&driver, 403),
                (&anon, 401),
            ],
        ),
        (
            "GET",
            "/api/plans/{id}",
            ids.plan,
            None,
            vec![
                (&coord1, 200),
                (&coord2, 404),
                (&sec_a, 403),
                (&driver, 403),
                (&anon, 401),
            ],
        ),
        (
            "PUT",
            "/api/sites/{id}",
            ids.site,
            Some(site_body.clone()),
            vec![
                (&coord1, 204),
                (&coord2, 404),
                (&sec_a, 403),
                (&driver, 403),
                (&anon, 401),
            ],
        ),
        (
            "PUT",
            "/api/drivers/{id}",
            ids.driver,
            Some(json!({"name": "Li Wei", "phone": "13800000000", "vehicle_id": ids.vehicle})),
            vec![
                (&coord1, 204),
                (&coord2, 404),
                (&sec_a, 403),
                (&driver, 403),
                (&anon, 401),
            ],
        ),
        (
            "PUT",
            "/api/vehicles/{id}",
            ids.vehicle,
            Some(car_body.clone()),
            vec![
                (&coord1, 204),
                (&coord2, 404),
                (&sec_a, 403),
                (&driver, 403),
                (&anon, 401),
            ],
        ),
        (
            "POST",
            "/api/trips/{id}/reassign",
            missing,
            Some(json!({"vehicle_id": ids.vehicle})),
            vec![(&coord1, 404), (&sec_a, 403), (&driver, 403), (&anon, 401)],
        ),
        (
            "POST",
            "/api/trips/{id}/accept",
            missing,
            None,
            vec![(&driver, 404), (&sec_a, 403), (&coord1, 403), (&anon, 401)],
        ),
        (
            "POST",
            "/api/stops/{id}/report",
            missing,
            Some(json!({"event": "arrived"})),
            vec![(&driver, 404), (&sec_a, 403), (&coord1, 403), (&anon, 401)],
        ),
        // State changes last: the others first (404/403), then the owner.
        (
            "POST",
            "/api/bookings/{id}/cancel",
            ids.booking_a,
            None,
            vec![
                (&sec_b, 404),
                (&sec_c, 404),
                (&coord2, 404),
                (&driver, 403),
                (&anon, 401),
                (&sec_a, 200),
            ],
        ),
        (
            "DELETE",
            "/api/vehicles/{id}",
            ids.vehicle,
            None,
            vec![
                (&coord2, 404),
                (&sec_a, 403),
                (&driver, 403),
                (&anon, 401),
                (&coord1, 204),
            ],
        ),
        (
            "DELETE",
            "/api/sites/{id}",
            ids.site,
            None,
            vec![
                (&coord2, 404),
                (&sec_a, 403),
                (&driver, 403),
                (&anon, 401),
                (&coord1, 204),
            ],
        ),
        (
            "DELETE",
            "/api/elders/{id}",
            ids.elder_a,
            None,
            vec![
                (&sec_b, 404),
                (&sec_c, 404),
                (&coord2, 404),
                (&driver, 403),
                (&anon, 401),
                (&sec_a, 200),
            ],
        ),
    ];
    for (method, path, own, body, expect) in &cases {
        for (who, status) in expect {
            let uri = path.replace("{id}", &own.to_string());
            let (got, b) = call!(&app, req(method, &uri, who, body.clone()));
            assert_eq!(got, *status, "{method} {uri} as {who:?}: {b}");
            if got >= 400 {
                assert!(
                    b["error"]["code"].is_string(),
                    "{method} {uri}: error code in {b}"
                );
            }
        }
        // A missing object answers like another community's: 404 (for roles allowed at all).
        let allowed = expect
            .iter()
            .find(|(_, s)| *s < 400 || *s == 404)
            .map(|(w, _)| *w);
        if let Some(who) = allowed {
            let uri = path.replace("{id}", &missing.to_string());
            let (got, _) = call!(&app, req(method, &uri, who, body.clone()));
            assert_eq!(got, 404, "{method} {uri}: a missing object");
        }
    }
    // Collections: role guards.
    type Collection<'a> = (
        &'a str,
        &'a str,
        Option<Value>,
        Vec<(&'a Option<String>, u16)>,
    );
    let collections: Vec<Collection> = vec![
        (
            "GET",
            "/api/elders",
            None,
            vec![(&sec_a, 200), (&coord1, 200), (&driver, 403), (&anon, 401)],
        ),
        (
            "GET",
            "/api/bookings?day=2022-04-18",
            None,
            vec![(&sec_a, 200), (&driver, 403), (&anon, 401)],
        ),
        (
            "GET",
            "/api/vehicles",
            None,
            vec![(&coord1, 200), (&sec_a, 403), (&driver, 403)],
        ),
        (
            "GET",
            "/api/drivers",
            None,
            vec![(&coord1, 200), (&sec_a, 403), (&driver, 403)],
        ),
        (
            "POST",
            "/api/plans/run",
            Some(json!({"day": DAY})),
            vec![(&sec_a, 403), (&driver, 403), (&anon, 401)],
        ),
        (
            "GET",
            "/api/trips?day=2022-04-18",
            None,
            vec![(&driver, 200), (&coord1, 200), (&sec_a, 403)],
        ),
        (
            "GET",
            "/api/driver/events",
            None,
            vec![(&sec_a, 403), (&coord1, 403), (&anon, 401)],
        ),
        (
            "POST",
            "/api/driver/ack",
            Some(json!({"seq": 1})),
            vec![(&driver, 204), (&sec_a, 403), (&coord1, 403)],
        ),
    ];
    for (method, uri, body, expect) in collections {
        for (who, status) in expect {
            let (got, b) = call!(&app, req(method, uri, who, body.clone()));
            assert_eq!(got, status, "{method} {uri} as {who:?}: {b}");
        }
    }
}

#[actix_web::test]
async fn bad_input_gets_a_coded_4xx_and_changes_nothing() {
    let (state, ids) = setup().await;
    let app = test::init_service(build_app(state)).await;
    let sec = Some(login!(&app, "sec-a"));
    let snapshot = |v: &Value| v.to_string();
    let (_, before_bookings) = call!(
        &app,
        req("GET", &format!("/api/bookings?day={DAY}"), &sec, None)
    );
    let (_, before_elders) = call!(&app, req("GET", "/api/elders", &sec, None));
    let one = |elder: i64| json!({"elder_id": elder, "day": DAY});

    let too_many: Vec<Value> = (0..2001).map(|_| one(ids.elder_a)).collect();
    let inverted =
        json!({"bookings": [{"elder_id": ids.elder_a, "day": DAY, "window": ["10:00", "09:00"]}]});
    let cases: Vec<(&str, &str, Value, u16, &str)> = vec![
        (
            "POST",
            "/api/bookings",
            json!({"bookings": too_many}),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/api/bookings",
            json!({"bookings": []}),
            400,
            "invalid_input",
        ),
        ("POST", "/api/bookings", inverted, 400, "invalid_input"),
        (
            "POST",
            "/api/bookings",
            json!({"bookings": [one(ids.elder_a)], "extra": true}),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/api/bookings",
            json!({"bookings": [{"elder_id": ids.elder_a, "day": DAY, "colour": 1}]}),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/api/elders",
            json!({"name": "X", "home": {"lon": 123.4, "lat": 91.0}, "mobility": "walks", "dose": "none"}),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/api/elders",
            json!({"name": "X", "home": {"lon": -181.0, "lat": 41.0}, "mobility": "walks", "dose": "none"}),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/api/elders",
            json!({"name": "X", "home": {"lon": "NaN", "lat": 41.0}, "mobility": "walks", "dose": "none"}),
            400,
            "invalid_input",
        ),
        (
            "POST",
            "/api/elders",
            json!({"name": "X", "home": {"lon": 123.4, "lat": 41.0}, "mobility": "flies", "dose": "none"}),
            400,
            "invalid_input",
        ),
    ];
    for (method, uri, body, status, code) in cases {
        let (got, e) = call!(&app, req(method, uri, &sec, Some(body)));
        assert_eq!(
            (got, e["error"]["code"].as_str()),
            (status, Some(code)),
            "{uri}: {e}"
        );
    }
    // NaN is not JSON at all.
    let raw = test::TestRequest::post()
        .uri("/api/elders")
        .insert_header(("authorization", sec.clone().unwrap()))
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"name": "X", "home": {"lon": NaN, "lat": 41.0}, "mobility": "walks", "dose": "none"}"#);
    let (got, e) = call!(&app, raw);
    assert_eq!(
        (got, e["error"]["code"].as_str()),
        (400, Some("invalid_input")),
        "{e}"
    );
    // A body over the limit.
    let huge = format!(
        r#"{{"bookings": [], "notes": "{}"}}"#,
        "x".repeat(3 * 1024 * 1024)
    );
    let raw = test::TestRequest::post()
        .uri("/api/elders")
        .insert_header(("authorization", sec.clone().unwrap()))
        .insert_header(("content-type", "application/json"))
        .set_payload(huge);
    let (got, e) = call!(&app, raw);
    assert_eq!(
        (got, e["error"]["code"].as_str()),
        (413, Some("too_large")),
        "{e}"
    );
    // A broken CSV row.
    let csv = "name,phone,lon,lat,mobility,dose,day\nZhao,13800000001,123.4,41.8,walks,none,2022-04-18\nQian,13800000002,123.4,abc,walks,none,2022-04-18\n";
    let raw = test::TestRequest::post()
        .uri("/api/bookings/import")
        .insert_header(("authorization", sec.clone().unwrap()))
        .set_payload(csv);
    let (got, e) = call!(&app, raw);
    assert_eq!(
        (got, e["error"]["fields"][0]["row"].as_u64()),
        (400, Some(2)),
        "{e}"
    );
    // The same idempotency key with another body.
    let keyed = |body: Value| {
        req("POST", "/api/bookings", &sec, Some(body)).insert_header(("idempotency-key", "k"))
    };
    let (first, _) = call!(
        &app,
        keyed(json!({"bookings": [{"elder_id": ids.elder_a, "day": "2099-04-21"}]}))
    );
    assert_eq!(first, 201);
    let (got, e) = call!(
        &app,
        keyed(json!({"bookings": [{"elder_id": ids.elder_a, "day": "2099-04-22"}]}))
    );
    assert_eq!(
        (got, e["error"]["code"].as_str()),
        (422, Some("idempotency_mismatch"))
    );
    // The same key and body sent to another endpoint, or with another query, is not a replay
    // of the first answer (the key names the method, path, query and body).
    let same = json!({"bookings": [{"elder_id": ids.elder_a, "day": "2099-04-21"}]});
    let (got, e) = call!(
        &app,
        req("POST", "/api/bookings?community_id=1", &sec, Some(same))
            .insert_header(("idempotency-key", "k"))
    );
    assert_eq!(
        (got, e["error"]["code"].as_str()),
        (422, Some("idempotency_mismatch")),
        "{e}"
    );

    // A secretary cannot book a day that has passed (the words name today); a date outside
    // the years vaxride takes says so instead of "not a date".
    for (day, code) in [
        ("2022-04-19", "day_in_past"),
        ("1970-01-02", "day_out_of_range"),
    ] {
        let (got, e) = call!(
            &app,
            req(
                "POST",
                "/api/bookings",
                &sec,
                Some(json!({"bookings": [{"elder_id": ids.elder_a, "day": day}]}))
            )
        );
        assert_eq!(
            (got, e["error"]["fields"][0]["code"].as_str()),
            (400, Some(code)),
            "{e}"
        );
    }

    // Text is checked the same way on every database, before it gets there: a NUL or another
    // control character, or a name that shows nothing, is refused (also by the CSV dry run).
    for (name, code) in [
        ("Wang\u{0}Li", "control_character"),
        ("\u{200B}\u{FEFF} ", "chars_between"),
    ] {
        let body = json!({"name": name, "home": {"lon": 123.4, "lat": 41.8},
                          "mobility": "walks", "dose": "none"});
        let (got, e) = call!(&app, req("POST", "/api/elders", &sec, Some(body)));
        assert_eq!(
            (got, e["error"]["fields"][0]["code"].as_str()),
            (400, Some(code)),
            "{e}"
        );
    }
    // The same for every text field, also those that had no check (a vehicle's name, a feature,
    // a site's address, a booking's notes): schemathesis sends these.
    let coord = Some(login!(&app, "coord-1"));
    let car = |name: &str, feature: &str| {
        json!({"name": name, "seats": 4, "shift": ["08:00", "17:00"], "features": [feature],
               "start": {"lon": 123.4, "lat": 41.8}})
    };
    for (body, field) in [
        (car("Car\u{0}", "ramp"), "name"),
        (car("Car", "ra\u{0}mp"), "features[0]"),
        (car("Car", "\u{200B}"), "features[0]"),
        // Features come from a fixed list (issue 14): the words of a page are not codes.
        (car("Car", "坡道"), "features[0]"),
    ] {
        let (got, e) = call!(&app, req("POST", "/api/vehicles", &coord, Some(body)));
        assert_eq!(
            (got, e["error"]["fields"][0]["field"].as_str()),
            (400, Some(field)),
            "{e}"
        );
    }
    let site = json!({"name": "Site", "kind": "fixed", "location": {"lon": 123.4, "lat": 41.8},
                      "address": "No.\u{7} 1", "hours": ["08:00", "17:00"],
                      "slot_minutes": 15, "capacity_per_slot": 5});
    let (got, e) = call!(&app, req("POST", "/api/sites", &coord, Some(site)));
    assert_eq!(
        (got, e["error"]["fields"][0]["code"].as_str()),
        (400, Some("control_character")),
        "{e}"
    );
    let notes = json!({"bookings": [{"elder_id": ids.elder_a, "day": "2099-04-21",
                                     "notes": "ramp\u{0}"}]});
    let (got, e) = call!(&app, req("POST", "/api/bookings", &sec, Some(notes)));
    assert_eq!(
        (got, e["error"]["fields"][0]["code"].as_str()),
        (400, Some("control_character")),
        "{e}"
    );
    // A planning run of more than 300 seconds is refused, not cut short without a word.
    let (got, e) = call!(
        &app,
        req(
            "POST",
            "/api/plans/run",
            &coord,
            Some(json!({"day": DAY, "seconds": 301}))
        )
    );
    assert_eq!(
        (got, e["error"]["fields"][0]["code"].as_str()),
        (400, Some("range")),
        "{e}"
    );
    // A body that does not fit names the field; a whole number spelled `2.0` is that integer
    // (the document is OpenAPI 3.1, where it is one).
    let (got, e) = call!(
        &app,
        req(
            "POST",
            "/api/bookings",
            &sec,
            Some(json!({"bookings": [{"elder_id": 1.5, "day": DAY}]}))
        )
    );
    assert_eq!(
        (got, e["error"]["fields"][0]["field"].as_str()),
        (400, Some("bookings[0].elder_id")),
        "{e}"
    );
    let (got, e) = call!(
        &app,
        req(
            "POST",
            "/api/bookings",
            &sec,
            Some(
                json!({"bookings": [{"elder_id": ids.elder_a as f64, "day": "2099-04-23",
                                      "dwell_minutes": 30.0}]})
            )
        )
    );
    assert_eq!(got, 201, "{e}");
    let (_, cancel) = call!(
        &app,
        req(
            "POST",
            &format!("/api/bookings/{}/cancel", e["created"][0]),
            &sec,
            None
        )
    );
    assert_eq!(cancel["status"], "cancelled", "{cancel}");
    // A body is an object, not an array of its fields.
    let (got, e) = call!(
        &app,
        req(
            "POST",
            "/api/bookings",
            &sec,
            Some(json!([[one(ids.elder_a)]]))
        )
    );
    assert_eq!(
        (got, e["error"]["fields"][0]["field"].as_str()),
        (400, Some("body")),
        "{e}"
    );
    // A long value or key the body should not have is named, not echoed whole.
    let long = "x".repeat(100_000);
    for body in [
        json!({"bookings": [{"elder_id": ids.elder_a, "day": DAY, "time": {"kind": long}}]}),
        json!({"bookings": [{"elder_id": ids.elder_a, "day": DAY, long.clone(): 1}]}),
    ] {
        let (got, e) = call!(&app, req("POST", "/api/bookings", &sec, Some(body)));
        assert_eq!(got, 400, "{e}");
        assert!(e.to_string().len() < 2_000, "{} bytes", e.to_string().len());
    }

    let csv = "name,phone,lon,lat,mobility,dose,day\nWang\u{0}Li,13800000001,123.4,41.8,walks,none,2099-04-21\n";
    let dry = test::TestRequest::post()
        .uri("/api/bookings/import?dry_run=true")
        .insert_header(("authorization", sec.clone().unwrap()))
        .set_payload(csv);
    let (got, e) = call!(&app, dry);
    assert_eq!((got, e["ok"].as_bool()), (200, Some(false)), "{e}");

    // Nothing of the refused requests was written.
    let (_, after_bookings) = call!(
        &app,
        req("GET", &format!("/api/bookings?day={DAY}"), &sec, None)
    );
    let (_, after_elders) = call!(&app, req("GET", "/api/elders", &sec, None));
    assert_eq!(snapshot(&before_bookings), snapshot(&after_bookings));
    assert_eq!(snapshot(&before_elders), snapshot(&after_elders));
    let (_, later) = call!(&app, req("GET", "/api/bookings?day=2099-04-22", &sec, None));
    assert_eq!(later, json!([]));
}

/// A district in the demo town, with a coordinator and the secretary `sec`, served with the
/// town's roads.
async fn town_state(name: &str, sec: &str) -> web::Data<AppState> {
    let store = support::fresh_store(name).await;
    let coord = format!("coord-{name}");
    support::district_with_staff(&store, "Town", vaxride_demo::TOWN_CENTRE, &coord, sec).await;
    let net = std::sync::Arc::new(vaxride_server::seed::demo_network(true).unwrap());
    web::Data::new(AppState::new(
        store,
        Some(net),
        std::time::Duration::from_secs(1),
    ))
}

/// A home is a place on the district's roads: the `(0, 0)` of a blank form and a point far from
/// every road are refused, saying how far; the same for a ledger row (issue 14).
#[actix_web::test]
async fn homes_must_be_on_the_roads() {
    let centre = vaxride_demo::TOWN_CENTRE;
    let app = test::init_service(build_app(town_state("homes", "sec-h").await)).await;
    let sec = Some(login!(&app, "sec-h"));
    let elder = |lon: f64, lat: f64| json!({"name": "王秀英", "home": {"lon": lon, "lat": lat}, "mobility": "walks", "dose": "none"});
    let (got, e) = call!(
        &app,
        req("POST", "/api/elders", &sec, Some(elder(0.0, 0.0)))
    );
    assert_eq!(
        (
            got,
            e["error"]["fields"][0]["field"].as_str(),
            e["error"]["fields"][0]["code"].as_str()
        ),
        (400, Some("home"), Some("home_missing")),
        "{e}"
    );
    // About 5.5 km north of the town's edge.
    let (got, e) = call!(
        &app,
        req(
            "POST",
            "/api/elders",
            &sec,
            Some(elder(centre.lon, centre.lat + 0.07))
        )
    );
    assert_eq!(
        (got, e["error"]["fields"][0]["code"].as_str()),
        (400, Some("home_off_roads")),
        "{e}"
    );
    let far: f64 = e["error"]["fields"][0]["params"]["distance"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(far > 4_000.0 && far < 8_000.0, "{e}");
    let (got, e) = call!(
        &app,
        req(
            "POST",
            "/api/elders",
            &sec,
            Some(elder(centre.lon, centre.lat))
        )
    );
    assert_eq!(got, 201, "{e}");
    let csv = format!(
        "name,phone,lon,lat,mobility,dose,day\n李建国,13800000002,{},{},walks,none,2099-04-21\n",
        centre.lon,
        centre.lat + 0.07
    );
    let dry = test::TestRequest::post()
        .uri("/api/bookings/import?dry_run=true")
        .insert_header(("authorization", sec.clone().unwrap()))
        .set_payload(csv);
    let (got, e) = call!(&app, dry);
    assert_eq!((got, e["ok"].as_bool()), (200, Some(false)), "{e}");
    assert_eq!(e["error"]["fields"][0]["code"], "home_off_roads", "{e}");
}

/// A home is found without typing coordinates (issue 14): by address over the network's
/// numbered houses and named streets (the demo town has them), or by a point tapped on the map
/// or pasted from a Chinese map app, which answers with the road point, street and house number.
#[actix_web::test]
async fn homes_are_found_by_address_and_on_the_map() {
    let centre = vaxride_demo::TOWN_CENTRE;
    let app = test::init_service(build_app(town_state("places", "sec-p").await)).await;
    let sec = Some(login!(&app, "sec-p"));
    let get = |uri: &str| req("GET", uri, &sec, None);

    let (got, found) = call!(&app, get("/api/places?q=%E6%AD%A3%E9%98%B3%E8%A1%97%20110"));
    assert_eq!(got, 200, "{found}");
    assert_eq!(found[0]["label"], "正阳街110号", "{found}");
    assert_eq!(found[0]["kind"], "address", "{found}");
    assert!(found.as_array().unwrap().len() <= 8, "{found}");
    // Partial input: the street before its houses.
    let (_, found) = call!(&app, get("/api/places?q=%E6%AD%A3%E9%98%B3&limit=3"));
    assert_eq!(
        (
            found[0]["label"].as_str(),
            found[0]["kind"].as_str(),
            found.as_array().unwrap().len()
        ),
        (Some("正阳街"), Some("street"), 3),
        "{found}"
    );
    // A whole written address (a district before it, a flat after it) finds its house too.
    let (_, found) = call!(
        &app,
        get(
            "/api/places?q=%E5%92%8C%E5%B9%B3%E5%8C%BA%E6%AD%A3%E9%98%B3%E8%A1%97110%E5%8F%B7%203%E5%8F%B7%E6%A5%BC2%E5%8D%95%E5%85%83301%E5%AE%A4"
        )
    );
    assert_eq!(found[0]["label"], "正阳街110号", "{found}");
    // Every bad parameter is named, with the code of its value's one parser.
    for (uri, field, code) in [
        ("/api/places?q=%20", "q", "chars_between"),
        ("/api/places?q=a&limit=99", "limit", "range"),
        ("/api/places?q=a&limit=0", "limit", "range"),
        ("/api/places?q=a&limit=abc", "limit", "not_a_whole_number"),
        ("/api/places?q=a&limit=1e2", "limit", "not_a_whole_number"),
        ("/api/places/at?lon=abc&lat=41.8", "lon", "not_a_number"),
        ("/api/places/at?lat=41.8", "lon", "home_missing"),
        ("/api/places/at?lon=123.4&lat=", "lat", "home_missing"),
        (
            "/api/places/at?lon=123.4&lat=41.8&crs=foo",
            "crs",
            "csv_bad_crs",
        ),
        (
            "/api/places/at?lon=1e308&lat=41.8",
            "lon",
            "not_a_longitude",
        ),
    ] {
        let (got, e) = call!(&app, get(uri));
        let f = &e["error"]["fields"][0];
        assert_eq!(
            (got, f["field"].as_str(), f["code"].as_str()),
            (400, Some(field), Some(code)),
            "{uri}: {e}"
        );
        assert!(
            f["message"].as_str().unwrap_or("").len() < 200,
            "{uri}: a short message: {e}"
        );
    }
    let (got, _) = call!(&app, req("GET", "/api/places?q=a", &None, None));
    assert_eq!(got, 401);

    // The house found, asked about as a tap on the map.
    let (_, found) = call!(&app, get("/api/places?q=%E6%AD%A3%E9%98%B3%E8%A1%97%20110"));
    let (lon, lat) = (
        found[0]["lon"].as_f64().unwrap(),
        found[0]["lat"].as_f64().unwrap(),
    );
    let (got, here) = call!(&app, get(&format!("/api/places/at?lon={lon}&lat={lat}")));
    assert_eq!(got, 200, "{here}");
    assert_eq!(
        (here["street"].as_str(), here["address"].as_str()),
        (Some("正阳街"), Some("正阳街110号")),
        "{here}"
    );
    let d = here["distance_m"].as_f64().unwrap();
    assert!(
        d > 5.0 && d < 15.0,
        "houses stand 10 m off the street: {here}"
    );
    // The same point as AMap (GCJ-02) and Baidu (BD-09) give it: the same place in WGS-84.
    for crs in [vaxride_roadnet::Crs::Gcj02, vaxride_roadnet::Crs::Bd09] {
        let (x, y) = crs.from_wgs84(lon, lat);
        let name = format!("{crs:?}").to_lowercase();
        let (got, there) = call!(
            &app,
            get(&format!("/api/places/at?lon={x}&lat={y}&crs={name}"))
        );
        assert_eq!(got, 200, "{there}");
        let (plon, plat) = (
            there["point"]["lon"].as_f64().unwrap(),
            there["point"]["lat"].as_f64().unwrap(),
        );
        assert!(
            (plon - lon).abs() < 2e-5 && (plat - lat).abs() < 2e-5,
            "{crs:?}: {there}"
        );
        assert_eq!(there["address"], "正阳街110号", "{there}");
    }
    for (uri, code) in [
        ("/api/places/at?lon=0&lat=0".to_string(), "home_missing"),
        (
            format!(
                "/api/places/at?lon={}&lat={}",
                centre.lon,
                centre.lat + 0.07
            ),
            "home_off_roads",
        ),
    ] {
        let (got, e) = call!(&app, get(&uri));
        assert_eq!(
            (got, e["error"]["fields"][0]["code"].as_str()),
            (400, Some(code)),
            "{uri}: {e}"
        );
    }
    let (got, e) = call!(&app, get("/api/places/at?lon=500&lat=1"));
    assert_eq!(got, 400, "{e}");
}

/// A ledger row with an address and no coordinates: the dry run shows the place the address
/// was matched to, and the import puts a new elder's home there (issue 14).
/// `POST /api/bookings/import` of `csv` as `who`, checked only (`dry`) or saved.
fn import_ledger(who: &Option<String>, csv: &'static str, dry: bool) -> test::TestRequest {
    test::TestRequest::post()
        .uri(if dry {
            "/api/bookings/import?dry_run=true"
        } else {
            "/api/bookings/import"
        })
        .insert_header(("authorization", who.clone().expect("logged in")))
        .set_payload(csv)
}

#[actix_web::test]
async fn ledger_rows_with_only_an_address_are_matched() {
    let app = test::init_service(build_app(town_state("ledger-addr", "sec-l").await)).await;
    let sec = Some(login!(&app, "sec-l"));
    let csv = "name,phone,address,mobility,dose,day\n\
               赵桂兰,13800000031,正阳街110号 翠生小区3号楼2单元301室,walks,none,2099-04-21\n\
               钱淑珍,13800000032,正阳街9999号,walks,none,2099-04-21\n";
    let post = |dry: bool| import_ledger(&sec, csv, dry);
    let (got, report) = call!(&app, post(true));
    assert_eq!((got, report["ok"].as_bool()), (200, Some(true)), "{report}");
    let m = &report["matches"];
    assert_eq!(
        (
            m[0]["row"].as_i64(),
            m[0]["label"].as_str(),
            m[0]["exact"].as_bool()
        ),
        (Some(1), Some("正阳街110号"), Some(true)),
        "{report}"
    );
    // No such number: only the street, said so.
    assert_eq!(
        (
            m[1]["row"].as_i64(),
            m[1]["label"].as_str(),
            m[1]["exact"].as_bool()
        ),
        (Some(2), Some("正阳街"), Some(false)),
        "{report}"
    );
    let (got, e) = call!(&app, post(false));
    assert_eq!(got, 201, "{e}");
    let (_, found) = call!(
        &app,
        req(
            "GET",
            "/api/elders?find=%E8%B5%B5%E6%A1%82%E5%85%B0",
            &sec,
            None
        )
    );
    let home = &found[0]["home"];
    assert!(
        (home["lon"].as_f64().unwrap() - m[0]["lon"].as_f64().unwrap()).abs() < 1e-9
            && (home["lat"].as_f64().unwrap() - m[0]["lat"].as_f64().unwrap()).abs() < 1e-9,
        "the new elder lives where the address was matched: {found}"
    );
    assert_eq!(
        found[0]["address"], "正阳街110号 翠生小区3号楼2单元301室",
        "{found}"
    );
}

/// The dry run finds what the import would refuse, also what only the stored state shows: a
/// new elder whose address names nothing the map knows, a site nobody has. It saves nothing.
#[actix_web::test]
async fn the_dry_run_finds_what_the_import_would_refuse() {
    let app = test::init_service(build_app(town_state("ledger-dry", "sec-d").await)).await;
    let sec = Some(login!(&app, "sec-d"));
    let csv = "name,phone,address,mobility,dose,day,site\n\
               孙玉兰,13800000051,正阳街110号,walks,none,2099-04-21,\n\
               李秀英,13800000052,火星路1号,walks,none,2099-04-21,\n\
               周桂芳,13800000053,正阳街110号,walks,none,2099-04-21,没有的站点\n";
    let post = |dry: bool| import_ledger(&sec, csv, dry);
    let (got, report) = call!(&app, post(true));
    assert_eq!(
        (got, report["ok"].as_bool()),
        (200, Some(false)),
        "{report}"
    );
    let fields = report["error"]["fields"].as_array().expect("fields");
    let at = |row: i64, code: &str| {
        fields
            .iter()
            .any(|f| f["row"].as_i64() == Some(row) && f["code"] == code)
    };
    assert!(at(2, "address_not_found"), "{report}");
    // The rows that were found still show where.
    assert_eq!(report["matches"][0]["row"], 1, "{report}");
    assert!(at(3, "no_site_named"), "{report}");
    assert!(
        !fields.iter().any(|f| f["row"].as_i64() == Some(1)),
        "{report}"
    );
    let (_, found) = call!(&app, req("GET", "/api/elders", &sec, None));
    assert!(
        !found
            .as_array()
            .expect("elders")
            .iter()
            .any(|e| e["name"] == "孙玉兰"),
        "the dry run saved nothing: {found}"
    );
    // The import refuses the same rows.
    let (got, e) = call!(&app, post(false));
    assert_eq!(got, 400, "{e}");
}
