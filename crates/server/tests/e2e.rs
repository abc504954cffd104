//! End to end over HTTP, on SQLite and (when reachable; required with VAXRIDE_REQUIRE_PG=1) on
//! PostgreSQL: a secretary imports a CSV batch, a coordinator plans and publishes, a driver's
//! SSE stream receives the trip, drops, reconnects with Last-Event-ID and receives exactly what
//! it missed, reports every stage; the secretary sees each status; slot capacities hold. Two
//! server instances share the database: drivers are served by the one nobody published on, and
//! planning jobs survive an instance's death and are followed and cancelled from either.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use sqlx::Connection;
use vaxride_dispatch::model::{Point, Site, SiteKind, Vehicle};
use vaxride_dispatch::values::{Role, Shot, Weekdays};
use vaxride_server::{AppState, Application, auth::hash_password};
use vaxride_store::{NewDriver, NewSite, NewUser, NewVehicle, Store};

mod support;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

async fn sqlite() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("vaxride-e2e-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("e2e.db");
    let _ = std::fs::remove_file(&path);
    format!("sqlite://{}", path.display())
}

struct World {
    /// The instance secretaries and the coordinator use.
    base: String,
    /// A second instance on the same database: drivers connect here.
    base2: String,
    driver_ids: Vec<i64>,
}

/// A Monday far enough ahead that a secretary may book it (past days are refused).
const DAY: &str = "2099-04-20";

async fn world(store: &Store) -> (i64, Vec<i64>) {
    let district = store.create_district("Xinhua").await.unwrap();
    let centre = Point {
        lon: 123.40,
        lat: 41.80,
    };
    let a = store
        .create_community(district, "Huaxiang", centre)
        .await
        .unwrap();
    let b = store
        .create_community(district, "Xiexin", centre)
        .await
        .unwrap();
    store
        .create_site(
            district,
            &NewSite {
                site: Site {
                    id: 0,
                    name: "Health centre".into(),
                    kind: SiteKind::Fixed,
                    location: Point {
                        lon: 123.41,
                        lat: 41.805,
                    },
                    open_days: Weekdays::EVERY_DAY,
                    open_from: 8 * 3600,
                    open_to: 12 * 3600,
                    slot_minutes: 30,
                    capacity_per_slot: 2,
                    booked_share: 1.0,
                    doses: Shot::ALL.to_vec(),
                    day: None,
                },
                address: String::new(),
                van_id: None,
                walk_m: None,
            },
        )
        .await
        .unwrap();
    let mut drivers = Vec::new();
    for k in 0..2 {
        let v = store
            .create_vehicle(
                district,
                &NewVehicle {
                    vehicle: Vehicle {
                        id: 0,
                        name: format!("car {k}"),
                        seats: 4,
                        wheelchairs: 1,
                        features: vec!["ramp".into()],
                        shift_from: 7 * 3600,
                        team: None,
                        shift_to: 14 * 3600,
                        start: centre,
                    },
                },
            )
            .await
            .unwrap();
        drivers.push(
            store
                .create_driver(
                    district,
                    &NewDriver {
                        name: format!("Driver {k}"),
                        phone: "139".into(),
                        vehicle_id: Some(v),
                    },
                )
                .await
                .unwrap(),
        );
    }
    let hash = hash_password("pw");
    let user = |name: &str, role, community, driver| NewUser {
        username: name.into(),
        password_hash: hash.clone(),
        role,
        district_id: Some(district),
        community_id: community,
        driver_id: driver,
        display_name: name.into(),
    };
    store
        .create_user(&user("sec-a", Role::Secretary, Some(a), None))
        .await
        .unwrap();
    store
        .create_user(&user("sec-b", Role::Secretary, Some(b), None))
        .await
        .unwrap();
    store
        .create_user(&user("coord", Role::Coordinator, None, None))
        .await
        .unwrap();
    for (k, &d) in drivers.iter().enumerate() {
        store
            .create_user(&user(&format!("driver-{k}"), Role::Driver, None, Some(d)))
            .await
            .unwrap();
    }
    (district, drivers)
}

async fn instance(store: Store) -> String {
    instance_with(store, |_| {}).await
}

/// An instance whose settings `f` changes first.
async fn instance_with(store: Store, f: impl FnOnce(&mut AppState)) -> String {
    let mut state = AppState::new(store, None, Duration::from_secs(2));
    f(&mut state);
    let state = actix_web::web::Data::new(state);
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let app = Application::build(state, listener, Some(2)).unwrap();
    let url = app.local_url();
    app.spawn();
    url
}

async fn start(url: &str) -> World {
    let store = Store::open(url).await.unwrap();
    let (_, driver_ids) = world(&store).await;
    let base = instance(store).await;
    let base2 = instance(Store::open(url).await.unwrap()).await;
    World {
        base,
        base2,
        driver_ids,
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn login(base: &str, user: &str) -> Client {
        let http = reqwest::Client::new();
        let r: Value = http
            .post(format!("{base}/api/login"))
            .json(&json!({"username": user, "password": "pw"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Client {
            http,
            base: base.into(),
            token: r["token"].as_str().expect("token").into(),
        }
    }
    fn req(&self, m: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(m, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }
    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.req(reqwest::Method::GET, path).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .req(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
}

/// Reads SSE frames from a response until `want` events with ids arrived (or a time-out).
async fn read_events(resp: reqwest::Response, want: usize) -> Vec<(i64, String, Value)> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut body = resp.bytes_stream();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while out.len() < want {
        let chunk = tokio::time::timeout_at(deadline, body.next()).await;
        let Ok(Some(Ok(bytes))) = chunk else { break };
        buf.push_str(&String::from_utf8_lossy(&bytes));
        while let Some(end) = buf.find("\n\n") {
            let frame: String = buf.drain(..end + 2).collect();
            let (mut id, mut event, mut data) = (None, String::new(), Value::Null);
            for line in frame.lines() {
                if let Some(v) = line.strip_prefix("id: ") {
                    id = v.parse().ok();
                } else if let Some(v) = line.strip_prefix("event: ") {
                    event = v.into();
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(v).unwrap();
                }
            }
            if let Some(id) = id {
                out.push((id, event, data));
            }
        }
    }
    out
}

const LEDGER: &str = "name,phone,address,lon,lat,mobility,companions,dose,priority,day,time,site,return,dwell,notes
Wang Xiuying,13800000001,1 Elm St,123.402,41.801,walks,0,none,3,2099-04-20,morning,,yes,30,
Li Guilan,13800000002,2 Elm St,123.405,41.803,wheelchair,1,first,4,2099-04-20,08:00-10:00,Health centre,yes,30,needs help on stairs
Zhang Fang,13800000003,3 Elm St,123.398,41.799,walks,0,none,2,2099-04-20,morning,,no,30,
";

async fn scenario(url: String) {
    let w = start(&url).await;
    let sec = Client::login(&w.base, "sec-a").await;
    let sec_b = Client::login(&w.base, "sec-b").await;
    let coord = Client::login(&w.base, "coord").await;

    // A broken ledger is refused with the row and column; nothing is saved.
    let broken = LEDGER.replace("41.803,wheelchair", "91.803,wheelchair");
    let r = sec
        .req(reqwest::Method::POST, "/api/bookings/import")
        .body(broken)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "invalid_input");
    assert_eq!(e["error"]["fields"][0]["row"], 2, "{e}");
    assert_eq!(
        sec.get(&format!("/api/bookings?day={DAY}")).await.1,
        json!([])
    );

    // The good ledger, with an idempotency key, twice: one batch.
    let send = |body: &'static str| {
        sec.req(reqwest::Method::POST, "/api/bookings/import")
            .header("Idempotency-Key", "ledger-1")
            .body(body)
            .send()
    };
    let first: Value = send(LEDGER).await.unwrap().json().await.unwrap();
    let again = send(LEDGER).await.unwrap();
    assert_eq!(again.status().as_u16(), 201);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let other = send("name,phone\nx,1\n").await.unwrap();
    assert_eq!(other.status().as_u16(), 422);
    let (_, bookings) = sec.get(&format!("/api/bookings?day={DAY}")).await;
    assert_eq!(bookings.as_array().unwrap().len(), 3);
    // Another community's secretary sees none of it, and gets 404 for its ids.
    assert_eq!(
        sec_b.get(&format!("/api/bookings?day={DAY}")).await.1,
        json!([])
    );
    let id0 = first["created"][0].as_i64().unwrap();
    assert_eq!(sec_b.get(&format!("/api/bookings/{id0}")).await.0, 404);
    assert_eq!(sec.get("/api/bookings/999999").await.0, 404);

    // The coordinator plans, watching the progress stream, and publishes.
    let (status, run) = coord
        .post("/api/plans/run", json!({"day": DAY, "seconds": 2}))
        .await;
    assert_eq!(status, 202, "{run}");
    let job = run["job"].as_i64().unwrap();
    let events = coord
        .req(
            reqwest::Method::GET,
            &format!("/api/plans/jobs/{job}/events"),
        )
        .send()
        .await
        .unwrap();
    let progress = read_events(events, 1000).await;
    let last = progress.last().expect("progress events");
    assert_eq!(last.1, "done", "{progress:?}");
    assert!(progress.len() >= 2, "progress moves: {progress:?}");
    let plan_id = last.2["plan_id"].as_i64().unwrap();
    let (_, plan) = coord.get(&format!("/api/plans/{plan_id}")).await;
    assert_eq!(plan["figures"]["served"], 3, "{plan}");
    for slot in plan["figures"]["slots"].as_array().unwrap() {
        assert!(
            slot["planned"].as_u64() <= slot["capacity"].as_u64(),
            "{slot}"
        );
    }
    assert_eq!(sec.get(&format!("/api/plans/{plan_id}")).await.0, 403);
    let (status, published) = coord
        .post(&format!("/api/plans/{plan_id}/publish"), json!({}))
        .await;
    assert_eq!(
        (status, published["status"].as_str()),
        (200, Some("published"))
    );
    // The day's plans, for the coordinator's list (no routes in it); not for a secretary.
    let (status, listed) = coord.get(&format!("/api/plans?day={DAY}")).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed[0]["id"], plan_id, "{listed}");
    assert_eq!(listed[0]["status"], "published");
    assert_eq!(listed[0]["figures"]["served"], 3);
    assert!(listed[0].get("routes").is_none(), "{listed}");
    assert_eq!(sec.get(&format!("/api/plans?day={DAY}")).await.0, 403);
    assert_eq!(coord.get("/api/plans?day=tomorrow").await.0, 400);

    // Which driver got the trip(s)?
    let mut drivers = Vec::new();
    for k in 0..w.driver_ids.len() {
        // Drivers use the other instance: what the first committed reaches them there.
        let d = Client::login(&w.base2, &format!("driver-{k}")).await;
        let (_, trips) = d.get(&format!("/api/trips?day={DAY}")).await;
        if !trips.as_array().unwrap().is_empty() {
            assert!(trips[0].get("geometry").is_none(), "lines only when asked");
            // For the driver's map: no road network here, so no road line (the page joins
            // the stops itself); the browser tests see it follow the roads.
            let (status, lined) = d.get(&format!("/api/trips?day={DAY}&geometry=true")).await;
            assert_eq!(status, 200);
            assert!(lined[0]["geometry"].is_null(), "{}", lined[0]["geometry"]);
            let (status, bad) = d.get("/api/trips?geometry=maybe").await;
            assert_eq!(
                (status, bad["error"]["code"].as_str()),
                (400, Some("invalid_input")),
                "{bad}"
            );
            drivers.push(d);
        }
    }
    assert!(!drivers.is_empty());
    for d in &drivers {
        // The stream delivers the offer; the driver drops the connection after it.
        let resp = d
            .req(reqwest::Method::GET, "/api/driver/events")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        let got = read_events(resp, 1).await;
        assert_eq!(got.len(), 1);
        let (seq, kind, data) = &got[0];
        assert_eq!((*seq, kind.as_str()), (1, "trip_offered"));
        let text = data.to_string();
        assert!(
            !text.contains("needs help on stairs"),
            "no notes for drivers"
        );
        let trip = data["trip"]["id"].as_i64().unwrap();
        d.post("/api/driver/ack", json!({"seq": seq})).await;
        // While away, the trip is accepted (from another device): event 2 is written.
        let (st, accepted) = d
            .post(&format!("/api/trips/{trip}/accept"), json!({}))
            .await;
        assert_eq!(st, 200, "{accepted}");
        // Reconnect with Last-Event-ID: exactly the missed event, once.
        let resp = d
            .req(reqwest::Method::GET, "/api/driver/events")
            .header("Last-Event-ID", seq.to_string())
            .send()
            .await
            .unwrap();
        let missed = read_events(resp, 1).await;
        assert_eq!(missed.iter().map(|e| e.0).collect::<Vec<_>>(), vec![2]);
        assert_eq!(missed[0].1, "trip_changed");
        // Every stage, each sent twice (a retry): the secretary sees each status.
        for stop in accepted["stops"].as_array().unwrap() {
            let events: &[&str] = match stop["kind"].as_str().unwrap() {
                "pickup_home" => &["arrived", "picked_up"],
                "drop_site" => &["dropped_at_site"],
                "pickup_site" => &["return_picked_up"],
                _ => &["home"],
            };
            for ev in events {
                let path = format!("/api/stops/{}/report", stop["id"]);
                let (s1, r1) = d.post(&path, json!({"event": ev})).await;
                let (s2, r2) = d.post(&path, json!({"event": ev})).await;
                assert_eq!((s1, s2), (200, 200), "{r1} {r2}");
                assert_eq!(r1, r2);
                let (_, b) = sec
                    .get(&format!("/api/bookings/{}", stop["booking_id"]))
                    .await;
                assert_eq!(b["status"], r1["booking_status"], "{b}");
            }
        }
    }
    let (_, done) = sec.get(&format!("/api/bookings?day={DAY}")).await;
    for b in done.as_array().unwrap() {
        let s = b["status"].as_str().unwrap();
        assert!(s == "home" || s == "at_site", "{b}");
    }
    // Bad input gets clear errors.
    let (s, e) = sec
        .post(
            "/api/bookings",
            json!({"bookings": [{"elder_id": 1, "day": "2022-02-30"}]}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(e["error"]["fields"][0]["field"], "bookings[0].day", "{e}");
    let (s, e) = sec
        .post("/api/bookings", json!({"bookings": [], "hack": 1}))
        .await;
    assert_eq!(s, 400, "{e}");
    let anon = reqwest::get(format!("{}/api/bookings?day={DAY}", w.base))
        .await
        .unwrap();
    assert_eq!(anon.status().as_u16(), 401);
}

/// Planning jobs live in the database: a job whose instance died (its lease lapsed) is run
/// again by another and its stream ends; a job started on one instance is followed and
/// cancelled from the other.
async fn jobs(url: String) {
    let store = Store::open(&url).await.unwrap();
    let (district, _) = world(&store).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // An instance claimed a job and died (kill -9) before any other instance started.
    let day = vaxride_dispatch::model::Day::parse(DAY).unwrap();
    let run = vaxride_store::NewJob {
        reason: None,
        seconds: 1,
        clustered: true,
    };
    let orphan = store.enqueue_job(district, &day, run, now).await.unwrap();
    let claimed = store
        .claim_job("dead", now, now + 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, orphan);
    let w = World {
        base: instance(store).await,
        base2: instance(Store::open(&url).await.unwrap()).await,
        driver_ids: Vec::new(),
    };
    let coord = Client::login(&w.base2, "coord").await;
    let follow = |job: i64| {
        coord
            .req(
                reqwest::Method::GET,
                &format!("/api/plans/jobs/{job}/events"),
            )
            .send()
    };
    let frames = read_events(follow(orphan).await.unwrap(), 1000).await;
    let last = frames.last().expect("frames");
    assert_eq!(last.1, "done", "the orphan ran again: {frames:?}");
    let (_, job) = coord.get(&format!("/api/plans/jobs/{orphan}")).await;
    assert_eq!(
        (job["status"].clone(), job["plan_id"].is_i64()),
        (json!("done"), true)
    );

    // Started on one instance, followed and cancelled on the other (a day with bookings, so
    // that the search has something to do for its whole minute).
    let sec = Client::login(&w.base, "sec-a").await;
    let r = sec
        .req(reqwest::Method::POST, "/api/bookings/import")
        .body(LEDGER)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    // A day larger than an instance takes is refused before it is queued, naming the limit.
    let small = instance_with(Store::open(&url).await.unwrap(), |s| {
        s.max_plan_bookings = 2
    })
    .await;
    let (status, e) = Client::login(&small, "coord")
        .await
        .post("/api/plans/run", json!({"day": DAY, "seconds": 1}))
        .await;
    assert_eq!(
        (
            status,
            e["error"]["fields"][0]["code"].clone(),
            e["error"]["fields"][0]["params"]["max"].clone()
        ),
        (400, json!("plan_too_large"), json!("2")),
        "{e}"
    );
    let coord_a = Client::login(&w.base, "coord").await;
    let (status, started) = coord_a
        .post("/api/plans/run", json!({"day": DAY, "seconds": 60}))
        .await;
    assert_eq!(status, 202, "{started}");
    let job = started["job"].as_i64().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let (_, p) = coord.get(&format!("/api/plans/jobs/{job}")).await;
        if p["status"] == "running" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never ran: {p}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let started_at = tokio::time::Instant::now();
    let (status, p) = coord
        .post(&format!("/api/plans/jobs/{job}/cancel"), json!({}))
        .await;
    assert_eq!(
        (status, p["cancel_requested"].clone()),
        (200, json!(true)),
        "{p}"
    );
    let frames = read_events(follow(job).await.unwrap(), 1000).await;
    let last = frames.last().expect("frames");
    assert_eq!(last.1, "cancelled", "{frames:?}");
    assert!(
        started_at.elapsed() < Duration::from_secs(15),
        "a 60 s run stops within seconds of the cancel"
    );
    // A cancelled job is not claimed again, and no plan came of it.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, p) = coord.get(&format!("/api/plans/jobs/{job}")).await;
    assert_eq!(
        (p["status"].clone(), p["plan_id"].clone()),
        (json!("cancelled"), Value::Null)
    );
    // A secretary may not cancel it.
    let (status, _) = sec
        .post(&format!("/api/plans/jobs/{job}/cancel"), json!({}))
        .await;
    assert_eq!(status, 403);
}

/// The world, with the ledger imported by the secretary of community A; that secretary and
/// the coordinator logged in.
async fn booked(url: &str) -> (World, Client, Client) {
    let w = start(url).await;
    let sec = Client::login(&w.base, "sec-a").await;
    let coord = Client::login(&w.base, "coord").await;
    let r = sec
        .req(reqwest::Method::POST, "/api/bookings/import")
        .body(LEDGER)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    (w, sec, coord)
}

/// Runs a plan of the day as the coordinator, follows it to its end and publishes it; the
/// plan's id.
async fn plan_and_publish(coord: &Client) -> i64 {
    let (status, run) = coord
        .post("/api/plans/run", json!({"day": DAY, "seconds": 1}))
        .await;
    assert_eq!(status, 202, "{run}");
    let job = run["job"].as_i64().unwrap();
    let events = coord
        .req(
            reqwest::Method::GET,
            &format!("/api/plans/jobs/{job}/events"),
        )
        .send()
        .await
        .unwrap();
    let progress = read_events(events, 1000).await;
    let last = progress.last().expect("progress events");
    assert_eq!(last.1, "done", "{progress:?}");
    let plan = last.2["plan_id"].as_i64().unwrap();
    let (status, published) = coord
        .post(&format!("/api/plans/{plan}/publish"), json!({}))
        .await;
    assert_eq!(status, 200, "{published}");
    plan
}

/// Waits (up to 60 s) for the newest event of the day to be of `kind` with its repair's plan
/// `plan_status` (`draft`: proposed; `published`: applied); the event.
async fn repaired(coord: &Client, kind: &str, plan_status: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..240 {
        let (status, log) = coord.get(&format!("/api/events?day={DAY}")).await;
        assert_eq!(status, 200, "{log}");
        last = log[0].clone();
        if last["kind"] == kind && last["plan_status"] == plan_status {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("no {kind} repair {plan_status}: {last}");
}

/// A same-day booking into a slot it is offered (issue 15): the secretary asks which slots can
/// still take an elder on a published day, chooses one, and the elder is in the plan at once,
/// picked up when offered, on one driver's trip, with the event in the coordinator's log.
async fn into_a_slot(url: String) {
    let (_w, sec, coord) = booked(&url).await;
    // An elder's booking is cancelled; before any plan is published, nothing is offered
    // when she is to be booked again: the day's plan takes the booking.
    let (_, day) = sec.get(&format!("/api/bookings?day={DAY}")).await;
    let elder = day[0]["elder_id"].clone();
    let id = day[0]["id"].as_i64().unwrap();
    let (status, _) = sec
        .post(&format!("/api/bookings/{id}/cancel"), json!({}))
        .await;
    assert_eq!(status, 200);
    let ask = json!({"booking": {"elder_id": elder, "day": DAY}});
    let (status, none) = sec.post("/api/bookings/offers", ask.clone()).await;
    assert_eq!((status, &none["published"]), (200, &json!(false)), "{none}");
    // Once the day is published, the slots that can still take her are offered.
    plan_and_publish(&coord).await;
    let (status, offers) = sec.post("/api/bookings/offers", ask.clone()).await;
    assert_eq!(
        (status, &offers["published"]),
        (200, &json!(true)),
        "{offers}"
    );
    let list = offers["offers"].as_array().unwrap().clone();
    assert!(!list.is_empty(), "a slot can still take her: {offers}");
    for o in &list {
        assert!(
            o["site_name"].as_str().is_some_and(|n| !n.is_empty()),
            "{o}"
        );
        assert!(o["pickup"].as_i64() < o["at_site"].as_i64(), "{o}");
    }
    // Bad input: a field error, or a slot not offered.
    let (status, bad) = sec
        .post(
            "/api/bookings/into-slot",
            json!({"booking": {"elder_id": elder, "day": DAY}, "slot": {"site_id": 1, "start": "25:99"}}),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (400, Some("slot.start")),
        "{bad}"
    );
    let (status, gone) = sec
        .post(
            "/api/bookings/into-slot",
            json!({"booking": {"elder_id": elder, "day": DAY}, "slot": {"site_id": list[0]["site_id"], "start": "03:00"}}),
        )
        .await;
    assert_eq!(
        (status, gone["error"]["detail"]["code"].as_str()),
        (409, Some("slot_gone")),
        "{gone}"
    );
    let (status, bad) = sec
        .post(
            "/api/bookings/offers",
            json!({"booking": {"elder_id": 999999, "day": DAY}}),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (400, Some("booking.elder_id")),
        "{bad}"
    );
    // She goes into the last slot offered.
    let chosen = list.last().unwrap();
    let start = chosen["slot_start"].as_i64().unwrap();
    let body = json!({
        "booking": {"elder_id": elder, "day": DAY},
        "slot": {"site_id": chosen["site_id"], "start": format!("{:02}:{:02}", start / 3600, start / 60 % 60)},
    });
    let (status, made) = sec.post("/api/bookings/into-slot", body.clone()).await;
    assert_eq!(status, 201, "{made}");
    let urgent = made["created"][0].as_i64().unwrap();
    let (_, b) = sec.get(&format!("/api/bookings/{urgent}")).await;
    assert!(
        (b["status"] == "planned" || b["status"] == "confirmed") && b["driver"].is_string(),
        "in the plan, with a driver: {b}"
    );
    assert_eq!(
        b["planned_pickup"], chosen["pickup"],
        "picked up when offered: {b}"
    );
    assert_eq!(b["planned_site_id"], chosen["site_id"], "{b}");
    // The coordinator's log has the event, its plan published; it disturbed one driver.
    let (_, log) = coord.get(&format!("/api/events?day={DAY}")).await;
    let event = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["booking_id"] == urgent)
        .expect("the event is logged");
    assert_eq!(
        (&event["kind"], &event["plan_status"]),
        (&json!("urgent_booking"), &json!("published")),
        "{event}"
    );
    let (_, plan) = coord.get(&format!("/api/plans/{}", event["plan_id"])).await;
    assert_eq!(plan["changes"]["disturbed"], 1, "{}", plan["changes"]);
    // Booking her again is refused: she is booked.
    let (status, again) = sec.post("/api/bookings/into-slot", body).await;
    assert_eq!(
        (status, again["error"]["fields"][0]["field"].as_str()),
        (400, Some("booking.elder_id")),
        "{again}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_day_booking_goes_into_a_slot_it_is_offered_on_sqlite() {
    into_a_slot(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_day_booking_goes_into_a_slot_it_is_offered_on_postgres() {
    on_postgres(into_a_slot).await;
}

/// The day as it runs (issue 15): a driver accepts, a secretary cancels one of the trip's
/// bookings (the driver is told why and acknowledges it), the driver takes an elder to the
/// site, the coordinator plans the day again and publishes it: the driver's trip stays theirs
/// with its steps done, and the elder at the site has her ride home.
async fn day_as_it_runs(url: String) {
    let (w, sec, coord) = booked(&url).await;
    plan_and_publish(&coord).await;
    // The driver with the most bookings on their trip.
    let mut best: Option<(Client, Value)> = None;
    for k in 0..w.driver_ids.len() {
        let d = Client::login(&w.base2, &format!("driver-{k}")).await;
        let (_, trips) = d.get(&format!("/api/trips?day={DAY}")).await;
        if let Some(t) = trips.as_array().unwrap().first().cloned()
            && best.as_ref().is_none_or(|(_, b)| {
                b["stops"].as_array().unwrap().len() < t["stops"].as_array().unwrap().len()
            })
        {
            best = Some((d, t));
        }
    }
    let (d, trip) = best.expect("a trip");
    let id = trip["id"].as_i64().unwrap();
    let (status, trip) = d.post(&format!("/api/trips/{id}/accept"), json!({})).await;
    assert_eq!(status, 200, "{trip}");
    let stops = trip["stops"].as_array().unwrap().clone();
    let first = stops[0]["booking_id"].as_i64().unwrap();
    // A booking of the trip other than the first is cancelled (one without a ride home, if
    // there is one): a change with its reason.
    let (_, day) = sec.get(&format!("/api/bookings?day={DAY}")).await;
    let returns = |b: i64| {
        day.as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == b && x["return_wanted"] == true)
    };
    let mut others: Vec<i64> = stops
        .iter()
        .map(|s| s["booking_id"].as_i64().unwrap())
        .filter(|&b| b != first)
        .collect();
    others.sort_by_key(|&b| returns(b));
    let other = *others
        .first()
        .expect("a trip with two bookings (three, two cars)");
    {
        let (status, _) = sec
            .post(&format!("/api/bookings/{other}/cancel"), json!({}))
            .await;
        assert_eq!(status, 200);
        let (_, trips) = d.get(&format!("/api/trips?day={DAY}")).await;
        let t = &trips[0];
        let change = &t["changes"][0];
        assert_eq!(change["reason"], "cancelled", "{t}");
        assert!(change["acknowledged_at"].is_null());
        assert!(
            change["removed"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x.get("address").is_none() && x.get("phone").is_none())
        );
        let cid = change["id"].as_i64().unwrap();
        let path = format!("/api/trips/{id}/changes/{cid}/acknowledge");
        let (status, acked) = d.post(&path, json!({})).await;
        assert_eq!(status, 200, "{acked}");
        assert!(acked["changes"][0]["acknowledged_at"].is_i64(), "{acked}");
        // Not the coordinator's nor anyone's change but the driver's own.
        assert_eq!(coord.post(&path, json!({})).await.0, 403);
        let (status, _) = d
            .post(
                &format!("/api/trips/{id}/changes/999999/acknowledge"),
                json!({}),
            )
            .await;
        assert_eq!(status, 404);
        // The cancellation is in the day's log, and its repair is proposed with its figures;
        // the coordinator applies it.
        let event = repaired(&coord, "cancelled", "draft").await;
        let plan = event["plan_id"].as_i64().unwrap();
        let (_, proposed) = coord.get(&format!("/api/plans/{plan}")).await;
        assert_eq!(proposed["reason"], "cancelled", "{proposed}");
        assert!(proposed["changes"]["disturbed"].is_u64(), "{proposed}");
        let (status, _) = coord
            .post(&format!("/api/plans/{plan}/publish"), json!({}))
            .await;
        assert_eq!(status, 200);
        assert_eq!(sec.get(&format!("/api/events?day={DAY}")).await.0, 403);
    }
    // Every step of the ride out: the elders are at the site.
    let (_, trips) = d.get(&format!("/api/trips?day={DAY}")).await;
    let stops = trips[0]["stops"].as_array().unwrap().clone();
    let mut done = Vec::new();
    let mut at_site = Vec::new();
    for stop in &stops {
        let events: &[&str] = match stop["kind"].as_str().unwrap() {
            "pickup_home" => &["arrived", "picked_up"],
            "drop_site" => &["dropped_at_site"],
            _ => break,
        };
        for ev in events {
            let path = format!("/api/stops/{}/report", stop["id"]);
            assert_eq!(d.post(&path, json!({"event": ev})).await.0, 200);
        }
        done.push(stop["id"].clone());
        if stop["kind"] == "drop_site" {
            at_site.push(stop["booking_id"].as_i64().unwrap());
        }
    }
    assert!(
        at_site.iter().any(|&b| returns(b)),
        "an elder at the site wants a ride home: {stops:?}"
    );

    // Planned again and published: the same trip, accepted, its steps done; her ride home.
    plan_and_publish(&coord).await;
    let (_, trips) = d.get(&format!("/api/trips?day={DAY}")).await;
    let t = trips
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .expect("the accepted trip stays the driver's");
    assert_eq!(t["status"], "accepted", "{t}");
    let ids: Vec<&Value> = t["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["id"])
        .collect();
    assert_eq!(
        ids[..done.len()],
        done.iter().collect::<Vec<_>>()[..],
        "{t}"
    );
    // Small repairs apply by themselves once the coordinator says so: an urgent booking for
    // the day (the cancelled elder after all) is planned without anyone publishing.
    let (status, set) = coord
        .req(reqwest::Method::PUT, "/api/settings/repairs")
        .json(&json!({"auto_apply_max_disturbed": 50}))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map(|s| (s, ()))
        .unwrap();
    assert_eq!(status, 200, "{set:?}");
    let (status, bad) = coord
        .req(reqwest::Method::PUT, "/api/settings/repairs")
        .json(&json!({"auto_apply_max_disturbed": -1}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .map(|v| (400, v))
        .unwrap();
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (400, Some("auto_apply_max_disturbed")),
        "{bad}"
    );
    let cancelled = day
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == other)
        .unwrap();
    let (status, made) = sec
        .post(
            "/api/bookings",
            json!({"bookings": [{"elder_id": cancelled["elder_id"], "day": DAY}]}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let urgent = made["created"][0].as_i64().unwrap();
    repaired(&coord, "urgent_booking", "published").await;
    let (_, b) = sec.get(&format!("/api/bookings/{urgent}")).await;
    assert!(
        (b["status"] == "planned" || b["status"] == "confirmed") && b["driver"].is_string(),
        "the repair was published and a driver takes the elder: {b}"
    );
    for b in at_site {
        let (_, b) = sec.get(&format!("/api/bookings/{b}")).await;
        assert_eq!(b["status"], "at_site", "{b}");
        if b["return_wanted"] == true {
            assert!(
                b["planned_return"].is_i64(),
                "her ride home is planned: {b}"
            );
            assert!(b["unserved_reason"].is_null(), "{b}");
        }
    }
}

/// A coordinator's manual move of a ride (issue 15): one elder's ride to the site goes to
/// another vehicle's trip at once, the event logged with its plan published; a driver may not,
/// and a vehicle or booking not of the district, or a ride begun, is refused by name.
async fn moved_by_hand(url: String) {
    let (_w, sec, coord) = booked(&url).await;
    let plan = plan_and_publish(&coord).await;
    let (_, plan) = coord.get(&format!("/api/plans/{plan}")).await;
    let routes = plan["routes"]["routes"].as_array().unwrap().clone();
    let (_, vehicles) = coord.get("/api/vehicles").await;
    // A pick-up at home, and a vehicle other than the one that has it.
    let (booking, from) = routes
        .iter()
        .find_map(|r| {
            let s = r["stops"]
                .as_array()?
                .iter()
                .find(|s| s["kind"] == "pickup_home")?;
            Some((s["booking_id"].as_i64()?, r["vehicle_id"].as_i64()?))
        })
        .expect("a pick-up at home");
    let mut moved = None;
    for v in vehicles.as_array().unwrap() {
        let to = v["id"].as_i64().unwrap();
        if to == from {
            continue;
        }
        let (status, answer) = coord
            .post(
                &format!("/api/bookings/{booking}/move"),
                json!({"ride": "out", "vehicle_id": to}),
            )
            .await;
        match status {
            200 => {
                moved = Some((to, answer));
                break;
            }
            409 => assert!(
                ["no_room", "vehicle_cannot_carry"]
                    .contains(&answer["error"]["detail"]["code"].as_str().unwrap_or("")),
                "{answer}"
            ),
            _ => panic!("{status}: {answer}"),
        }
    }
    let (to, answer) = moved.expect("another vehicle takes the ride");
    let name = vehicles
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == to)
        .unwrap()["name"]
        .clone();
    assert_eq!(answer["booking"]["vehicle"], name, "{answer}");
    let (_, log) = coord.get(&format!("/api/events?day={DAY}")).await;
    assert_eq!(
        (
            &log[0]["kind"],
            &log[0]["plan_status"],
            &log[0]["booking_id"]
        ),
        (&json!("moved"), &json!("published"), &json!(booking)),
        "{log}"
    );
    let (_, now) = coord
        .get(&format!("/api/plans/{}", answer["plan_id"]))
        .await;
    let disturbed = now["changes"]["disturbed"].as_i64().unwrap();
    assert!((1..=2).contains(&disturbed), "{}", now["changes"]);
    // Bad input, each refused by name.
    let path = format!("/api/bookings/{booking}/move");
    let (status, bad) = coord
        .post(&path, json!({"ride": "sideways", "vehicle_id": to}))
        .await;
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (400, Some("ride")),
        "{bad}"
    );
    let (status, bad) = coord
        .post(&path, json!({"ride": "out", "vehicle_id": 999999}))
        .await;
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (400, Some("vehicle_id")),
        "{bad}"
    );
    let (status, _) = coord
        .post(
            "/api/bookings/999999/move",
            json!({"ride": "out", "vehicle_id": to}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = sec
        .post(&path, json!({"ride": "out", "vehicle_id": to}))
        .await;
    assert_eq!(status, 403);
    // The observation ends otherwise only for an elder at the site; a time is HH:MM.
    let ready = format!("/api/bookings/{booking}/ready");
    let (status, bad) = sec.post(&ready, json!({"at": "25:00"})).await;
    assert_eq!(
        (status, bad["error"]["fields"][0]["field"].as_str()),
        (400, Some("at")),
        "{bad}"
    );
    let (status, bad) = sec.post(&ready, json!({"at": "10:30"})).await;
    assert_eq!(
        (status, bad["error"]["detail"]["code"].as_str()),
        (409, Some("not_at_site")),
        "{bad}"
    );
    // Drivers have half an hour to answer a trip; two minutes is too short to be a setting.
    let settings = |body: Value| {
        coord
            .req(reqwest::Method::PUT, "/api/settings/repairs")
            .json(&body)
            .send()
    };
    let r = settings(json!({"auto_apply_max_disturbed": null, "answer_within_minutes": 2}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let bad: Value = r.json().await.unwrap();
    assert_eq!(
        bad["error"]["fields"][0]["field"], "answer_within_minutes",
        "{bad}"
    );
    let r = settings(json!({"auto_apply_max_disturbed": 2, "answer_within_minutes": 30}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, now) = coord.get("/api/settings/repairs").await;
    assert_eq!(
        now,
        json!({"auto_apply_max_disturbed": 2, "answer_within_minutes": 30})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_moves_a_ride_to_another_vehicle_on_sqlite() {
    moved_by_hand(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_moves_a_ride_to_another_vehicle_on_postgres() {
    on_postgres(moved_by_hand).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_day_as_it_runs_on_sqlite() {
    day_as_it_runs(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_day_as_it_runs_on_postgres() {
    on_postgres(day_as_it_runs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planning_jobs_survive_a_crash_and_follow_any_instance_on_sqlite() {
    jobs(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planning_jobs_survive_a_crash_and_follow_any_instance_on_postgres() {
    on_postgres(jobs).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_on_sqlite() {
    scenario(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_on_postgres() {
    on_postgres(scenario).await;
}

/// Runs `f` on a fresh PostgreSQL database, when one is reachable, and drops it (and the
/// servers' connections to it) after.
async fn on_postgres<F: std::future::Future<Output = ()>>(f: impl FnOnce(String) -> F) {
    let Some(url) = support::postgres_url("e2e").await else {
        return;
    };
    f(url.clone()).await;
    let admin = std::env::var("VAXRIDE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = url.rsplit('/').next().unwrap_or_default().to_string();
    if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
    }
}
