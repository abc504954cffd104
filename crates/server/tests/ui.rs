//! The web interface as served: the page with its Content-Security-Policy, the embedded
//! assets with their content types and revalidation, and `GET /api/roads`, the road network
//! the maps are drawn on (logged-in callers only, around their own district).

use std::sync::Arc;
use std::time::Duration;

use actix_web::{test, web};
use serde_json::{Value, json};
use vaxride_dispatch::model::Point;
use vaxride_server::ui::{TileSource, TileUrlError};
use vaxride_server::{AppState, build_app, seed};

#[macro_use]
mod support;

/// Two districts: "town" on the demo town's roads, "far" a thousand kilometres away; a
/// coordinator and a secretary in each, and the demo road network loaded.
async fn setup() -> web::Data<AppState> {
    let store = support::fresh_store("ui").await;
    for (name, centre) in [
        ("town", vaxride_demo::TOWN_CENTRE),
        (
            "far",
            Point {
                lon: 116.4,
                lat: 39.9,
            },
        ),
    ] {
        support::district_with_staff(
            &store,
            name,
            centre,
            &format!("coord-{name}"),
            &format!("sec-{name}"),
        )
        .await;
    }
    let net = Arc::new(seed::demo_network(true).unwrap());
    web::Data::new(AppState::new(store, Some(net), Duration::from_secs(1)))
}

/// `GET /api/session` with a session cookie: the body.
macro_rules! session {
    ($app:expr, $cookie:expr) => {{
        let (_, body) = call!(
            $app,
            test::TestRequest::get().uri("/api/session").cookie($cookie)
        );
        body
    }};
}

macro_rules! app {
    () => {
        test::init_service(build_app(setup().await)).await
    };
}

#[actix_web::test]
async fn the_page_is_served_with_a_strict_content_security_policy() {
    let app = app!();
    let res = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(res.status().as_u16(), 200);
    let h = res.headers().clone();
    assert_eq!(h.get("content-type").unwrap(), "text/html; charset=utf-8");
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{part} missing from {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(h.get("cache-control").unwrap(), "no-cache");
    let body = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    assert!(body.contains("<html lang=\"zh-CN\">"));
    assert!(body.contains("src=\"/assets/app.js\"") && body.contains("href=\"/assets/app.css\""));
    for id in [
        "id=\"main\"",
        "id=\"nav\"",
        "id=\"lang-select\"",
        "id=\"logout\"",
    ] {
        assert!(body.contains(id), "{id}");
    }
    // HEAD answers like GET (monitors and link checkers ask with it); the server drops the body.
    for uri in ["/", "/assets/app.js"] {
        let res = test::call_service(
            &app,
            test::TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri(uri)
                .to_request(),
        )
        .await;
        assert_eq!(res.status().as_u16(), 200, "HEAD {uri}");
        assert!(
            res.headers().get("etag").is_some() || uri == "/",
            "HEAD {uri}"
        );
    }
}

#[actix_web::test]
async fn assets_have_their_content_types_and_are_revalidated_by_etag() {
    let app = app!();
    for (name, ty) in [
        ("app.js", "text/javascript; charset=utf-8"),
        ("i18n.js", "text/javascript; charset=utf-8"),
        ("driver.js", "text/javascript; charset=utf-8"),
        ("app.css", "text/css; charset=utf-8"),
        ("icon.svg", "image/svg+xml"),
    ] {
        let uri = format!("/assets/{name}");
        let res = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        assert_eq!(res.status().as_u16(), 200, "{uri}");
        assert_eq!(res.headers().get("content-type").unwrap(), ty, "{uri}");
        assert_eq!(
            res.headers().get("cache-control").unwrap(),
            "no-cache",
            "{uri}"
        );
        assert_eq!(
            res.headers().get("x-content-type-options").unwrap(),
            "nosniff",
            "{uri}"
        );
        let etag = res
            .headers()
            .get("etag")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
        assert!(!test::read_body(res).await.is_empty());
        let again = test::call_service(
            &app,
            test::TestRequest::get()
                .uri(&uri)
                .insert_header(("if-none-match", etag.clone()))
                .to_request(),
        )
        .await;
        assert_eq!(again.status().as_u16(), 304, "{uri}");
        assert!(test::read_body(again).await.is_empty());
    }
    for missing in ["/assets/nope.js", "/assets/..%2Fsrc%2Flib.rs", "/assets/"] {
        let res =
            test::call_service(&app, test::TestRequest::get().uri(missing).to_request()).await;
        assert_eq!(res.status().as_u16(), 404, "{missing}");
    }
}

#[actix_web::test]
async fn roads_are_drawn_around_the_callers_district_for_logged_in_callers_only() {
    let app = app!();
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/api/roads").to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 401);

    let get = |cookie: actix_web::cookie::Cookie<'static>| {
        test::TestRequest::get()
            .uri("/api/roads")
            .cookie(cookie)
            .to_request()
    };
    let coord = login_cookie!(&app, "coord-town");
    let res = test::call_service(&app, get(coord)).await;
    assert_eq!(res.status().as_u16(), 200);
    let roads: Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
    assert_eq!(roads["type"], "FeatureCollection");
    let features = roads["features"].as_array().unwrap();
    assert!(!features.is_empty());
    let mut lines = 0;
    for f in features {
        assert!(f["properties"]["class"].is_string());
        assert_eq!(f["geometry"]["type"], "MultiLineString");
        for line in f["geometry"]["coordinates"].as_array().unwrap() {
            lines += 1;
            let pts = line.as_array().unwrap();
            assert!(pts.len() >= 2);
            for p in pts {
                let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
                assert!((lon - 123.43).abs() < 0.2 && (lat - 41.80).abs() < 0.2);
            }
        }
    }
    assert!(lines > 100, "{lines} road lines");
    let bbox = roads["bbox"].as_array().unwrap();
    assert_eq!(bbox.len(), 4);

    // A secretary of the same district sees the same roads.
    let sec = login_cookie!(&app, "sec-town");
    let res = test::call_service(&app, get(sec)).await;
    assert_eq!(res.status().as_u16(), 200);
    let theirs: Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
    assert_eq!(theirs["features"], roads["features"]);

    // The other district lies far from the loaded roads: none of them are its.
    let far = login_cookie!(&app, "coord-far");
    let res = test::call_service(&app, get(far)).await;
    assert_eq!(res.status().as_u16(), 200);
    let none: Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
    assert_eq!(none["features"], json!([]));
}

#[actix_web::test]
async fn the_page_asks_for_its_session_without_an_error() {
    let app = app!();
    let res = test::call_service(
        &app,
        test::TestRequest::get().uri("/api/session").to_request(),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
    assert_eq!(
        body,
        json!({"user": null, "map": {"tile_url": null, "tile_attribution": null}})
    );
    let body = session!(&app, login_cookie!(&app, "sec-town"));
    assert_eq!(body["user"]["role"], "secretary");
    assert_eq!(body["user"]["username"], "sec-town");
}

#[actix_web::test]
async fn a_configured_tile_server_is_given_to_the_page_and_allowed_by_its_policy() {
    let tiles = TileSource::parse("https://tiles.example.org:8443/osm/{z}/{x}/{y}.png")
        .unwrap()
        .with_attribution(Some(" Tiles © Example ".into()));
    assert_eq!(tiles.origin(), "https://tiles.example.org:8443");
    let state = setup().await;
    let mut inner = AppState::new(state.store.clone(), None, Duration::from_secs(1));
    inner.tiles = Some(tiles);
    let app = test::init_service(build_app(web::Data::new(inner))).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/").to_request()).await;
    let csp = res
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("img-src 'self' data: https://tiles.example.org:8443;"),
        "{csp}"
    );
    assert!(
        csp.contains("connect-src 'self';"),
        "tiles are images only: {csp}"
    );
    // Only a logged-in caller learns the tile URL (it may carry a provider's key).
    let (_, body) = call!(&app, test::TestRequest::get().uri("/api/session"));
    assert_eq!(body["map"]["tile_url"], Value::Null);
    let body = session!(&app, login_cookie!(&app, "coord-town"));
    assert_eq!(
        body["map"],
        json!({"tile_url": "https://tiles.example.org:8443/osm/{z}/{x}/{y}.png",
               "tile_attribution": "Tiles © Example"})
    );
}

#[actix_web::test]
async fn a_tile_url_is_checked_before_the_server_starts() {
    assert_eq!(
        TileSource::parse("https://tiles.example.org/{z}/{x}.png"),
        Err(TileUrlError::Placeholders)
    );
    assert_eq!(
        TileSource::parse("ftp://tiles.example.org/{z}/{x}/{y}.png"),
        Err(TileUrlError::Scheme("ftp".into()))
    );
    assert_eq!(
        TileSource::parse("https://me:secret@tiles.example.org/{z}/{x}/{y}.png"),
        Err(TileUrlError::Credentials)
    );
    assert!(matches!(
        TileSource::parse("tiles/{z}/{x}/{y}.png"),
        Err(TileUrlError::Invalid(_))
    ));
    assert_eq!(
        TileSource::parse("https://{s}.tile.example.org/{z}/{x}/{y}.png"),
        Err(TileUrlError::OtherPlaceholder)
    );
    assert_eq!(
        TileSource::parse("https://tiles{z}.example.org/{z}/{x}/{y}.png"),
        Err(TileUrlError::PlaceholderInOrigin)
    );
    assert_eq!(
        TileSource::parse("https://tiles.example.org:8{z}/{z}/{x}/{y}.png"),
        Err(TileUrlError::PlaceholderInOrigin)
    );
    assert!(matches!(
        TileSource::parse("https://a;script-src:*/{z}/{x}/{y}.png"),
        Err(TileUrlError::Invalid(_))
    ));
    // Nothing that could break out of the policy header reaches it: only the origin does.
    let t = TileSource::parse("http://127.0.0.1:9/t/{z}/{x}/{y}.png?style=a;b").unwrap();
    assert_eq!(t.origin(), "http://127.0.0.1:9");
}

#[actix_web::test]
async fn a_change_with_the_cookie_must_come_from_the_page_itself() {
    let app = app!();
    let cookie = login_cookie!(&app, "coord-town");
    let token = login!(&app, "coord-town").replace("Bearer ", "");
    let post = |headers: &[(&str, &str)]| {
        let mut r = test::TestRequest::post()
            .uri("/api/vans")
            .insert_header(("content-type", "application/json"))
            .set_payload(r#"{"name": "van"}"#);
        for (k, v) in headers {
            r = r.insert_header((*k, *v));
        }
        r
    };
    let with_cookie = |headers: &[(&str, &str)]| post(headers).cookie(cookie.clone());
    // Another site's form or script: refused, nothing made.
    for headers in [
        &[
            ("origin", "https://evil.example"),
            ("content-type", "text/plain"),
        ][..],
        &[("sec-fetch-site", "cross-site")][..],
        &[
            ("origin", "http://localhost:8080.evil.example"),
            ("host", "localhost:8080"),
        ][..],
    ] {
        let res = test::call_service(&app, with_cookie(headers).to_request()).await;
        assert_eq!(res.status().as_u16(), 403, "{headers:?}");
        let e: Value = serde_json::from_slice(&test::read_body(res).await).unwrap();
        assert_eq!(e["error"]["code"], "cross_site");
    }
    let list = test::TestRequest::get()
        .uri("/api/vans")
        .cookie(cookie.clone())
        .to_request();
    let vans: Value = test::call_and_read_body_json(&app, list).await;
    assert_eq!(vans, json!([]), "nothing was made");
    // The page itself (same origin), a client without Origin, and a bearer token from anywhere.
    let bearer = format!("bearer {token}");
    for (headers, cookie_too) in [
        (vec![("sec-fetch-site", "same-origin")], true),
        (
            vec![
                ("origin", "http://localhost:8080"),
                ("host", "localhost:8080"),
            ],
            true,
        ),
        (vec![], true),
        (
            vec![
                ("origin", "https://evil.example"),
                ("authorization", bearer.as_str()),
            ],
            false,
        ),
    ] {
        let req = if cookie_too {
            with_cookie(&headers)
        } else {
            post(&headers)
        };
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status().as_u16(), 201, "{headers:?}");
    }
}
