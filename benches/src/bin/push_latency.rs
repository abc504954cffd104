//! Push latency from a commit to the driver's Server-Sent Events frame, with many drivers
//! connected at once (issue 4).
//!
//! `push_latency --server http://127.0.0.1:PORT --database-url URL [--drivers 1000]
//! [--rate 50] [--idle 10]`
//!
//! Against a running `vaxride serve --no-demo` on the same database: creates a bench district
//! with `--drivers` vehicles, drivers, driver logins, elders and one booking each (through the
//! store, as the seed does: the API has no endpoint for driver logins), logs every driver in
//! through `POST /api/login` and opens one `GET /api/driver/events` stream per driver. Then:
//!
//! 1. **idle**: `--idle` seconds with every stream open and nothing to send; the CPU time of
//!    the server process and of the PostgreSQL processes over that window says what the open
//!    streams cost;
//! 2. **publish**: one plan with a trip per vehicle is published (`Store::publish_plan`, the
//!    publish endpoint's transaction: one outbox event per driver, one commit); latency = frame
//!    received − the call's return (the commit, plus one small read);
//! 3. **one by one**: every driver declines their trip (`Store::respond`, the decline
//!    endpoint's transaction: one outbox event for that driver), `--rate` commits a second in an
//!    open loop; latency = that driver's frame − the call's return.
//!
//! Prints one JSON object with p50/p99/max per phase. No personal data: the bench's names and
//! phone numbers are made up.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use vaxride_dispatch::model::{Day, Dose, Mobility, Point, Site, SiteKind, Vehicle};
use vaxride_dispatch::planning::{Iterations, Silent, plan_day};
use vaxride_dispatch::solve::PlanOptions;
use vaxride_dispatch::travel::StraightLines;
use vaxride_dispatch::values::{Role, Shot, Weekdays, Window};
use vaxride_store::{
    ElderInput, NewBooking, NewDriver, NewSite, NewUser, NewVehicle, Scope, Store,
};

const PASSWORD: &str = "bench-driver-pass";

/// Commit-to-frame latency of the driver stream with many drivers connected.
#[derive(Parser)]
struct Args {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// The server's database (the harness writes its drivers and commits there).
    #[arg(long = "database-url")]
    url: String,
    /// Drivers connected.
    #[arg(long, default_value_t = 1000)]
    drivers: usize,
    /// Single commits per second in the one-by-one phase.
    #[arg(long, default_value_t = 50.0)]
    rate: f64,
    /// Seconds of idle streams while CPU time is measured.
    #[arg(long, default_value_t = 10)]
    idle: u64,
}

/// One frame with an id, as the harness received it.
struct Received {
    driver: usize,
    seq: i64,
    at: Instant,
}

/// Clock ticks of a process (user + system), from `/proc/PID/stat`.
fn ticks(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Ticks of every process whose command name is `name`.
fn ticks_named(name: &str) -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .filter_map(ticks)
        .sum()
}

/// The pid listening on the server's port (from `/proc/net/tcp`), if it is ours to read.
fn server_pid(port: u16) -> Option<u32> {
    let hex = format!(":{port:04X}");
    let mut inodes = Vec::new();
    for f in ["/proc/net/tcp", "/proc/net/tcp6"] {
        for line in std::fs::read_to_string(f).ok()?.lines().skip(1) {
            let c: Vec<&str> = line.split_whitespace().collect();
            if c.len() > 9 && c[1].ends_with(&hex) && c[3] == "0A" {
                inodes.push(format!("socket:[{}]", c[9]));
            }
        }
    }
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path())
                && inodes.iter().any(|i| target.to_str() == Some(i))
            {
                return Some(pid);
            }
        }
    }
    None
}

fn percentiles(mut v: Vec<f64>) -> Value {
    if v.is_empty() {
        return json!({"n": 0});
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    json!({
        "n": v.len(),
        "p50_ms": (q(0.50) * 10.0).round() / 10.0,
        "p90_ms": (q(0.90) * 10.0).round() / 10.0,
        "p99_ms": (q(0.99) * 10.0).round() / 10.0,
        "max_ms": (v[v.len() - 1] * 10.0).round() / 10.0,
    })
}

/// Reads one driver's stream; sends every frame that carries an id.
async fn listen(
    client: reqwest::Client,
    server: String,
    token: String,
    driver: usize,
    ready: mpsc::UnboundedSender<usize>,
    frames: mpsc::UnboundedSender<Received>,
) {
    let resp = client
        .get(format!("{server}/api/driver/events"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("the stream opens");
    assert!(resp.status().is_success(), "stream: {}", resp.status());
    let mut body = resp.bytes_stream();
    let mut buf: Vec<u8> = Vec::new();
    let mut told = false;
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else { return };
        let at = Instant::now();
        buf.extend_from_slice(&chunk);
        while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
            let frame: Vec<u8> = buf.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&frame);
            if !told {
                told = true;
                let _ = ready.send(driver);
            }
            if let Some(id) = text.lines().find_map(|l| l.strip_prefix("id: ")) {
                let seq = id.trim().parse().expect("ids are numbers");
                let _ = frames.send(Received { driver, seq, at });
            }
        }
    }
}

/// Collects frames until every `(driver, seq)` wanted has arrived or `timeout` passes.
async fn collect(
    frames: &mut mpsc::UnboundedReceiver<Received>,
    wanted: usize,
    timeout: Duration,
) -> Vec<Received> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + timeout;
    while got.len() < wanted {
        match tokio::time::timeout_at(deadline, frames.recv()).await {
            Ok(Some(r)) => got.push(r),
            _ => break,
        }
    }
    got
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = Args::parse();
    let n = a.drivers;
    let store = Store::open(&a.url).await.expect("the database opens");
    let now = now_unix();
    let day = Day::parse("2030-01-07").expect("a date");
    let tag = now % 1_000_000;
    let t = Instant::now();

    // The bench district: a community, n vehicles with a driver and a login each, n elders
    // with one booking each.
    let district = store
        .create_district(&format!("Bench district {tag}"))
        .await
        .expect("district");
    let centre = Point {
        lon: 114.06,
        lat: 22.54,
    };
    let community = store
        .create_community(district, &format!("Bench community {tag}"), centre)
        .await
        .expect("community");
    let hash = vaxride_server::auth::hash_password(PASSWORD);
    let mut vehicles = Vec::with_capacity(n);
    let mut drivers = Vec::with_capacity(n);
    let mut usernames = Vec::with_capacity(n);
    let mut first_user = 0;
    for i in 0..n {
        let v = store
            .create_vehicle(
                district,
                &NewVehicle {
                    vehicle: Vehicle {
                        id: 0,
                        name: format!("bench-car-{i}"),
                        seats: 4,
                        wheelchairs: 0,
                        features: vec![],
                        shift_from: 7 * 3600,
                        team: None,
                        shift_to: 19 * 3600,
                        start: centre,
                    },
                },
            )
            .await
            .expect("vehicle");
        let d = store
            .create_driver(
                district,
                &NewDriver {
                    name: format!("Bench Driver {i}"),
                    phone: format!("100{i:08}"),
                    vehicle_id: Some(v),
                },
            )
            .await
            .expect("driver");
        let username = format!("bench-{tag}-driver-{i}");
        let user = store
            .create_user(&NewUser {
                username: username.clone(),
                password_hash: hash.clone(),
                role: Role::Driver,
                district_id: Some(district),
                community_id: None,
                driver_id: Some(d),
                display_name: format!("Bench Driver {i}"),
            })
            .await
            .expect("user");
        if i == 0 {
            first_user = user;
        }
        vehicles.push(v);
        drivers.push(d);
        usernames.push(username);
    }
    store
        .create_site(
            district,
            &NewSite {
                site: Site {
                    id: 0,
                    name: format!("Bench site {tag}"),
                    kind: SiteKind::Fixed,
                    location: Point {
                        lon: centre.lon + 0.01,
                        lat: centre.lat,
                    },
                    open_days: Weekdays::EVERY_DAY,
                    open_from: 7 * 3600,
                    open_to: 12 * 3600,
                    slot_minutes: 60,
                    capacity_per_slot: n as i64,
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
        .expect("site");
    let scope = Scope::District(district);
    let mut elders = Vec::with_capacity(n);
    for i in 0..n {
        let e = store
            .create_elder(
                scope,
                community,
                &ElderInput {
                    name: format!("Bench Elder {i}"),
                    phone: format!("200{i:08}"),
                    address: format!("Bench Road {i}"),
                    home: Point {
                        lon: centre.lon + (i % 50) as f64 * 1e-4,
                        lat: centre.lat + (i / 50) as f64 * 1e-4,
                    },
                    mobility: Mobility::Walks,
                    companions: 0,
                    dose: Dose::First,
                    priority: 1,
                    notes: String::new(),
                },
                now,
            )
            .await
            .expect("elder");
        elders.push(e.id);
    }
    let batch: Vec<NewBooking> = elders
        .iter()
        .map(|&e| NewBooking {
            elder_id: e,
            day: day.clone(),
            // One minute to be picked up in, boarding takes two: one elder per car.
            window: Window::try_from((8 * 3600, 8 * 3600 + 60)).expect("in order"),
            site_id: None,
            return_wanted: false,
            dwell_minutes: 30,
            notes: String::new(),
            walk_in: false,
        })
        .collect();
    store
        .create_bookings(scope, community, first_user, &batch, None, now)
        .await
        .expect("bookings");
    eprintln!("setup: {n} drivers in {:.1} s", t.elapsed().as_secs_f64());

    // Every driver logs in through the API.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(usize::MAX)
        .build()
        .expect("client");
    let t = Instant::now();
    let tokens: Vec<String> = futures_util::stream::iter(usernames.iter().cloned())
        .map(|u| {
            let client = client.clone();
            let server = a.server.clone();
            async move {
                let r: Value = client
                    .post(format!("{server}/api/login"))
                    .json(&json!({"username": u, "password": PASSWORD}))
                    .send()
                    .await
                    .expect("login answers")
                    .json()
                    .await
                    .expect("login JSON");
                r["token"].as_str().expect("a token").to_string()
            }
        })
        .buffered(4)
        .collect()
        .await;
    eprintln!("login: {n} drivers in {:.1} s", t.elapsed().as_secs_f64());

    // One stream per driver.
    let t = Instant::now();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
    let (frames_tx, mut frames_rx) = mpsc::unbounded_channel();
    for (i, token) in tokens.into_iter().enumerate() {
        // A connection each: streams must not share one.
        let c = reqwest::Client::builder().build().expect("client");
        tokio::spawn(listen(
            c,
            a.server.clone(),
            token,
            i,
            ready_tx.clone(),
            frames_tx.clone(),
        ));
    }
    for _ in 0..n {
        ready_rx.recv().await.expect("a stream opens");
    }
    eprintln!("streams: {n} open in {:.1} s", t.elapsed().as_secs_f64());

    // 1. Idle: what the open streams cost.
    let port: u16 = a
        .server
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .unwrap_or(8080);
    let pid = server_pid(port);
    let hz = 100.0; // USER_HZ on Linux
    let (s0, p0) = (pid.and_then(ticks), ticks_named("postgres"));
    let t = Instant::now();
    tokio::time::sleep(Duration::from_secs(a.idle)).await;
    let secs = t.elapsed().as_secs_f64();
    let (s1, p1) = (pid.and_then(ticks), ticks_named("postgres"));
    let idle = json!({
        "seconds": a.idle,
        "server_cpu_percent": s0.zip(s1).map(|(x, y)| ((y - x) as f64 / hz / secs * 1000.0).round() / 10.0),
        "postgres_cpu_percent": ((p1 - p0) as f64 / hz / secs * 1000.0).round() / 10.0,
    });
    eprintln!("idle: {idle}");

    // 2. Publish: one commit, an event for every driver.
    let coordinator = Scope::District(district);
    // Planned as every plan is (construction only): each car takes one elder.
    let input = store.plan_input(district, &day).await.expect("input");
    let checked = plan_day(
        &input,
        &StraightLines,
        PlanOptions::default(),
        &Iterations(0),
        &Silent,
    )
    .expect("checked");
    let routes = checked.result().routes.len();
    if routes < n {
        eprintln!("the plan gives {routes} of the {n} drivers a trip");
    }
    let plan = store
        .save_plan(district, &day, &checked, None, now_unix())
        .await
        .expect("plan");
    let before = Instant::now();
    store
        .publish_plan(coordinator, plan, now_unix())
        .await
        .expect("published");
    let committed = Instant::now();
    let got = collect(&mut frames_rx, n, Duration::from_secs(60)).await;
    let publish_ms: Vec<f64> = got
        .iter()
        .map(|r| r.at.saturating_duration_since(committed).as_secs_f64() * 1000.0)
        .collect();
    let publish = json!({
        "transaction_ms": ((committed - before).as_secs_f64() * 10000.0).round() / 10.0,
        "delivered": got.len(),
        "latency": percentiles(publish_ms),
    });
    eprintln!("publish: {publish}");

    // 3. One by one: each driver declines, at a fixed rate (open loop), one event each.
    let trips: Vec<i64> = {
        let mut m = HashMap::new();
        for t in store
            .trips(coordinator, Some(day.as_str()))
            .await
            .expect("trips")
        {
            m.insert(t.driver_id.expect("a driver"), t.id);
        }
        drivers.iter().map(|d| m[d]).collect()
    };
    let committed_at: Arc<std::sync::Mutex<HashMap<usize, Instant>>> = Default::default();
    let start = Instant::now();
    let gap = Duration::from_secs_f64(1.0 / a.rate);
    let mut late = 0usize;
    let mut tasks = Vec::new();
    for (i, (&driver, &trip)) in drivers.iter().zip(&trips).enumerate() {
        let due = start + gap * i as u32;
        tokio::time::sleep_until(due.into()).await;
        if Instant::now() > due + Duration::from_millis(50) {
            late += 1;
        }
        let store = store.clone();
        let at = committed_at.clone();
        tasks.push(tokio::spawn(async move {
            store
                .respond(Scope::Driver { district, driver }, trip, false, now_unix())
                .await
                .expect("declined");
            at.lock().expect("not poisoned").insert(i, Instant::now());
        }));
    }
    for t in tasks {
        t.await.expect("the commit task ends");
    }
    let got = collect(&mut frames_rx, n, Duration::from_secs(60)).await;
    let at = committed_at.lock().expect("not poisoned");
    let one_ms: Vec<f64> = got
        .iter()
        .filter(|r| r.seq == 2)
        .map(|r| r.at.saturating_duration_since(at[&r.driver]).as_secs_f64() * 1000.0)
        .collect();
    let one = json!({
        "rate_per_s": a.rate,
        "commits_started_late_over_50ms": late,
        "delivered": one_ms.len(),
        "latency": percentiles(one_ms),
    });
    eprintln!("one by one: {one}");
    println!(
        "{}",
        json!({
            "database": match store.backend() { vaxride_store::Backend::Sqlite => "sqlite", _ => "postgres" },
            "drivers": n,
            "idle": idle,
            "publish": publish,
            "one_by_one": one,
        })
    );
    std::process::exit(0);
}
