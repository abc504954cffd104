//! The service's self-description: the OpenAPI document covers every route the registry
//! (`vaxride_server::routes`) declares, and `/metrics` labels requests by route pattern (never
//! by raw path or query). The request log line is checked in `request_log.rs`.

use std::time::Duration;

use actix_web::http::Method;
use actix_web::{test, web};
use serde_json::Value;
use vaxride_server::{AppState, build_app, routes};

#[macro_use]
mod support;

/// Every API route, from the registry that registers them.
const ROUTES: &[(&str, &str)] = routes::API;

/// Routes anyone may call (the rest need a session).
const PUBLIC: &[&str] = &[
    "/metrics",
    "/api/health",
    "/api/openapi.json",
    "/api/login",
    "/api/session",
    "/api/bookings/template.csv",
];

async fn state() -> web::Data<AppState> {
    let store = support::fresh_store("meta").await;
    web::Data::new(AppState::new(store, None, Duration::from_secs(1)))
}

/// The app as `serve` builds it.
macro_rules! app {
    ($state:expr) => {
        test::init_service(build_app($state)).await
    };
}

/// GETs `uri`: status and body.
macro_rules! get_body {
    ($app:expr, $uri:expr) => {{
        let res = test::call_service($app, test::TestRequest::get().uri($uri).to_request()).await;
        let status = res.status().as_u16();
        let body = test::read_body(res).await;
        (status, String::from_utf8(body.to_vec()).unwrap())
    }};
}

#[actix_web::test]
async fn openapi_document_covers_every_route() {
    let app = app!(state().await);
    let (status, body) = get_body!(&app, "/api/openapi.json");
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&body).expect("the document is JSON");
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "openapi 3.x: {}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    // Parameters read as text (so that each bad one is named) are still documented as the
    // numbers they are, and required.
    let at = paths["/api/places/at"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    for name in ["lon", "lat"] {
        let p = at.iter().find(|p| p["name"] == name).expect(name);
        assert_eq!(
            (p["required"].as_bool(), p["schema"]["type"].as_str()),
            (Some(true), Some("number")),
            "{p}"
        );
    }

    // Every registered route is documented, with its path parameters and the session rule.
    for &(method, path) in ROUTES {
        let op = &paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} missing from the document"))[method];
        assert!(op.is_object(), "{method} {path} missing from the document");
        if path.contains("{id}") {
            let params = op["parameters"].as_array().expect("parameters");
            assert!(
                params
                    .iter()
                    .any(|p| p["name"] == "id" && p["in"] == "path"),
                "{method} {path}: no id parameter"
            );
        }
        let public = op["security"].as_array().is_some_and(|s| {
            s.iter()
                .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
        });
        assert_eq!(public, PUBLIC.contains(&path), "{method} {path}: security");
        if !public {
            assert!(op["responses"]["401"].is_object(), "{method} {path}: 401");
        }
        assert!(op["responses"]["500"].is_object(), "{method} {path}: 500");
    }
    // ... and nothing else is.
    let documented: usize = paths
        .values()
        .map(|item| {
            ["get", "put", "post", "delete", "patch"]
                .iter()
                .filter(|m| item[**m].is_object())
                .count()
        })
        .sum();
    assert_eq!(documented, ROUTES.len(), "documented operations");

    // Request bodies are described.
    let body_schema = |path: &str, method: &str| {
        paths[path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        body_schema("/api/bookings", "post"),
        "#/components/schemas/BatchBody"
    );
    assert_eq!(
        body_schema("/api/elders/{id}", "put"),
        "#/components/schemas/ElderBody"
    );
    assert!(
        paths["/api/bookings/import"]["post"]["requestBody"]["content"]["text/csv"].is_object()
    );

    // The security schemes and the error body.
    let components = &doc["components"];
    assert_eq!(components["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert_eq!(components["securitySchemes"]["cookie"]["in"], "cookie");
    let schemas = &components["schemas"];
    assert_eq!(
        schemas["ErrorBody"]["properties"]["error"]["$ref"],
        "#/components/schemas/ErrorDetail"
    );
    // The documented error is generated from the one sent: the properties of each schema
    // (through `allOf` and `$ref`) are exactly the keys a real error answer can carry.
    fn props(schemas: &Value, schema: &Value, out: &mut std::collections::BTreeSet<String>) {
        if let Some(r) = schema["$ref"].as_str() {
            let name = r.trim_start_matches("#/components/schemas/");
            return props(schemas, &schemas[name], out);
        }
        if let Some(all) = schema["allOf"].as_array() {
            all.iter().for_each(|s| props(schemas, s, out));
        }
        if let Some(p) = schema["properties"].as_object() {
            out.extend(p.keys().cloned());
        }
    }
    let named = |name: &str| {
        let mut out = std::collections::BTreeSet::new();
        props(schemas, &schemas[name], &mut out);
        out
    };
    let keys = |v: &Value| -> std::collections::BTreeSet<String> {
        v.as_object().expect("an object").keys().cloned().collect()
    };
    use vaxride_dispatch::FieldError;
    use vaxride_server::error::ApiError;
    use vaxride_server::problems;
    let invalid =
        ApiError::invalid(vec![FieldError::cell(3, "phone", problems::range(1, 2))]).body();
    let conflict = ApiError::conflict(problems::trip_not_accepted("planned")).body();
    let mut sent = keys(&invalid);
    sent.extend(keys(&conflict));
    assert_eq!(named("ErrorDetail"), sent);
    assert_eq!(named("FieldProblem"), keys(&invalid["fields"][0]));
    assert_eq!(named("Detail"), keys(&conflict["detail"]));
    for (status, name) in [
        ("400", "Invalid"),
        ("403", "Forbidden"),
        ("404", "NotFound"),
    ] {
        let response = &components["responses"][name];
        assert_eq!(
            response["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{name}"
        );
        let used = paths.values().any(|item| {
            item.as_object().unwrap().values().any(|op| {
                op["responses"][status]["$ref"] == format!("#/components/responses/{name}")
            })
        });
        assert!(used, "the shared {status} answer is used");
    }
    let booking = &schemas["BookingBody"]["properties"];
    assert!(booking["return"].is_object(), "serde renames are followed");
    let required = schemas["BookingBody"]["required"].as_array().unwrap();
    assert!(required.contains(&"elder_id".into()) && !required.contains(&"notes".into()));

    // The mirrored enums name exactly what the domain types accept.
    fn accepts<T: serde::de::DeserializeOwned>(schemas: &Value, name: &str) {
        let values = schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enum in the document: {}", schemas[name]));
        assert!(!values.is_empty());
        for v in values {
            serde_json::from_value::<T>(v.clone())
                .unwrap_or_else(|e| panic!("{name}: {v} is refused: {e}"));
        }
    }
    use vaxride_dispatch::model::{Dose, Mobility, Report, SiteKind, TimePreference};
    accepts::<Mobility>(schemas, "Mobility");
    accepts::<Dose>(schemas, "Dose");
    accepts::<TimePreference>(schemas, "TimePreference");
    accepts::<SiteKind>(schemas, "SiteKind");
    accepts::<Report>(schemas, "Report");
    accepts::<vaxride_roadnet::Crs>(schemas, "Crs");
    accepts::<vaxride_dispatch::values::Shot>(schemas, "Shot");
    accepts::<vaxride_dispatch::model::TripStatus>(schemas, "TripStatus");
    accepts::<vaxride_dispatch::model::StopKind>(schemas, "StopKind");
    accepts::<vaxride_dispatch::model::ChangeReason>(schemas, "ChangeReason");

    // The trip's mirror names exactly the keys a trip is sent with (and `geometry`, added
    // with `geometry=true`).
    use vaxride_dispatch::model::{ChangeReason, StopKind};
    use vaxride_dispatch::navigation::NavLinks;
    use vaxride_dispatch::values::Point;
    let here = Point {
        lon: 123.4,
        lat: 41.8,
    };
    let trip = serde_json::to_value(vaxride_store::TripView {
        id: 1,
        plan_id: 1,
        day: "2026-12-01".into(),
        vehicle_id: 1,
        vehicle: "1".into(),
        driver_id: Some(1),
        status: "offered".into(),
        active: true,
        stops: vec![vaxride_store::TripStopView {
            id: 1,
            position: 0,
            kind: StopKind::PickupHome,
            booking_id: 1,
            first_name: "Fang".into(),
            address: "1 Road".into(),
            phone: None,
            lon: here.lon,
            lat: here.lat,
            planned: 32_400,
            done: None,
            said: vec!["arrived".into()],
            companions: 0,
            wheelchair: false,
            nav: NavLinks::to(here, None, None),
        }],
        removed: vec![vaxride_store::RemovedStopView {
            id: 2,
            position: 1,
            kind: StopKind::DropSite,
            booking_id: 1,
            first_name: "Fang".into(),
            site: Some("Site".into()),
            planned: 33_000,
            reason: ChangeReason::Cancelled,
            at: 0,
        }],
        changes: vec![vaxride_store::TripChangeView {
            id: 1,
            reason: ChangeReason::Replanned,
            at: 0,
            added: vec![],
            removed: vec![],
            retimed: vec![vaxride_store::ChangedStopView {
                id: 1,
                kind: StopKind::PickupHome,
                first_name: "Fang".into(),
                planned: 32_400,
                from: Some(31_800),
            }],
            acknowledged_at: None,
        }],
    })
    .unwrap();
    let mut sent = keys(&trip);
    sent.insert("geometry".into());
    assert_eq!(named("Trip"), sent);
    assert_eq!(named("TripStop"), keys(&trip["stops"][0]));
    assert_eq!(named("NavLinks"), keys(&trip["stops"][0]["nav"]));
    assert_eq!(named("RemovedStop"), keys(&trip["removed"][0]));
    assert_eq!(named("TripChange"), keys(&trip["changes"][0]));
    assert_eq!(
        named("ChangedStop"),
        keys(&trip["changes"][0]["retimed"][0])
    );

    // The domain's parsers' rules are the document's patterns, wherever the value occurs.
    use vaxride_dispatch::values::{ClockTime, Day, REQUIRED_TEXT_PATTERN, TEXT_PATTERN};
    assert_eq!(
        schemas["BookingBody"]["properties"]["day"]["pattern"],
        Day::PATTERN
    );
    assert_eq!(
        schemas["VehicleBody"]["properties"]["shift"]["items"]["pattern"],
        ClockTime::PATTERN
    );
    assert_eq!(schemas["VehicleBody"]["properties"]["shift"]["maxItems"], 2);
    assert_eq!(
        schemas["ElderBody"]["properties"]["name"]["pattern"],
        REQUIRED_TEXT_PATTERN
    );
    assert_eq!(
        schemas["ElderBody"]["properties"]["notes"]["pattern"],
        TEXT_PATTERN
    );
    assert_eq!(
        schemas["ElderBody"]["properties"]["notes"]["maxLength"],
        1000
    );
    assert!(schemas["Login"]["properties"]["password"]["pattern"].is_null());
    let day_param = doc["paths"]["/api/bookings"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "day")
        .unwrap();
    assert_eq!(day_param["schema"]["pattern"], Day::PATTERN);
    assert_eq!(schemas["ElderBody"]["additionalProperties"], false);
}

#[actix_web::test]
async fn every_listed_route_is_registered() {
    let app = app!(state().await);
    for &(method, path) in ROUTES {
        let uri = path.replace("{id}", "7");
        let req = test::TestRequest::default()
            .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
            .uri(&uri)
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(
            res.request().match_pattern().as_deref(),
            Some(path),
            "{method} {uri}"
        );
        assert_ne!(res.status().as_u16(), 405, "{method} {uri}");
    }
}

#[actix_web::test]
async fn metrics_label_routes_not_paths() {
    let app = app!(state().await);
    for _ in 0..3 {
        assert_eq!(get_body!(&app, "/api/health").0, 200);
    }
    assert_eq!(get_body!(&app, "/api/elders/987654").0, 401);
    assert_eq!(get_body!(&app, "/api/elders?find=Wang%20Xiuying").0, 401);
    assert_eq!(get_body!(&app, "/no/such/route/424242").0, 404);

    let (status, text) = get_body!(&app, "/metrics");
    assert_eq!(status, 200);
    let line = |route: &str, class: &str| {
        text.lines().any(|l| {
            l.starts_with("http_requests_total{")
                && l.contains(&format!("route=\"{route}\""))
                && l.contains(&format!("status=\"{class}\""))
                && l.contains("method=\"GET\"")
        })
    };
    assert!(line("/api/health", "2xx"), "{text}");
    assert!(line("/api/elders/{id}", "4xx"), "{text}");
    assert!(line("/api/elders", "4xx"), "{text}");
    assert!(line("unmatched", "4xx"), "{text}");
    assert!(
        text.contains("http_request_duration_seconds_bucket{"),
        "latency histogram: {text}"
    );
    // One planning slot per core by default.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(
        text.contains(&format!("vaxride_planning_slots_free {cores}")),
        "{text}"
    );
    for secret in ["987654", "424242", "Wang", "find", "/no/such"] {
        assert!(!text.contains(secret), "{secret} leaked into /metrics");
    }
}

#[actix_web::test]
async fn every_error_under_api_is_the_json_error_body() {
    let store = support::fresh_store("meta-errors").await;
    let centre = vaxride_dispatch::model::Point {
        lon: 123.4,
        lat: 41.8,
    };
    support::district_with_staff(&store, "d", centre, "coord", "sec").await;
    let app = app!(web::Data::new(AppState::new(
        store,
        None,
        Duration::from_secs(1)
    )));
    let coord = login!(&app, "coord");
    let send = |method: &str, uri: &str| {
        test::TestRequest::default()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(uri)
            .insert_header(("authorization", coord.clone()))
    };
    // The status, the error code of a JSON error body (any other body fails), `Allow`, the body.
    macro_rules! answer {
        ($app:expr, $req:expr) => {{
            let res = test::call_service($app, $req.to_request()).await;
            let status = res.status().as_u16();
            let header = |name: &str| {
                res.headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_string())
                    .unwrap_or_default()
            };
            let (allow, ct) = (header("allow"), header("content-type"));
            let body = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
            assert!(ct.starts_with("application/json"), "{status} {ct}: {body}");
            let e: Value = serde_json::from_str(&body).expect("JSON");
            let code = e["error"]["code"].as_str().expect("a code").to_string();
            (status, code, allow, body)
        }};
    }
    // Path values that do not parse are things that do not exist; the input is not echoed.
    for uri in [
        "/api/elders/abc",
        "/api/elders/1.0",
        "/api/elders/9223372036854775808",
        "/api/plans/jobs/x/events",
    ] {
        let (status, code, _, body) = answer!(&app, send("GET", uri));
        assert_eq!((status, code.as_str()), (404, "not_found"), "{uri}");
        assert!(
            !body.contains("abc") && !body.contains("9223372036854775808"),
            "{body}"
        );
    }
    let (status, code, _, _) = answer!(&app, send("GET", "/api/no/such/route"));
    assert_eq!((status, code.as_str()), (404, "not_found"));
    // A route that takes other methods: 405 with Allow.
    for method in ["PATCH", "TRACE", "DELETE"] {
        let (status, code, allow, _) = answer!(&app, send(method, "/api/bookings"));
        assert_eq!(
            (status, code.as_str()),
            (405, "method_not_allowed"),
            "{method}"
        );
        assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    }
    // A literal route's path is not also the id route beside it: `GET /api/plans/run` is the
    // wrong method for `POST /api/plans/run`, not plan "run" (schemathesis found both).
    for method in ["GET", "OPTIONS"] {
        let (status, code, allow, _) = answer!(&app, send(method, "/api/plans/run"));
        assert_eq!(
            (status, code.as_str(), allow.as_str()),
            (405, "method_not_allowed", "POST"),
            "{method}"
        );
    }
    // A ledger over the limit: 413.
    let big = vec![b'a'; vaxride_server::PAYLOAD_LIMIT + 1];
    let (status, code, _, _) = answer!(
        &app,
        send("POST", "/api/bookings/import?community_id=1")
            .insert_header(("content-type", "text/csv"))
            .set_payload(big)
    );
    assert_eq!((status, code.as_str()), (413, "too_large"));
}
