//! Booking API throughput and latency in an open loop (issue 4).
//!
//! `booking_load --server http://127.0.0.1:PORT [--rate 300] [--seconds 30] [--elders 300]
//! [--user sec-1] [--password sec-demo] [--idempotency] [--batch 1]`
//!
//! Against a running `vaxride serve` with the demo seeded: logs in as a secretary, creates
//! `--elders` elders in their community through `POST /api/elders`, then sends
//! `POST /api/bookings` at a fixed rate for `--seconds`, every request a batch of `--batch`
//! bookings for distinct (elder, day) pairs (the store refuses a second live booking of an
//! elder on a day), each with its own `Idempotency-Key` when `--idempotency` is given.
//!
//! Open loop: request k is due at start + k / rate whether or not earlier ones have answered
//! (each its own task; the client opens connections as needed), and its latency is measured
//! from when it was due, not from when it was sent, so a stalled server is not hidden
//! (coordinated omission). Prints one JSON object: requests, achieved rate, status counts,
//! latency p50/p90/p99/max.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};

/// Open-loop load on POST /api/bookings.
#[derive(Parser)]
struct Args {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// Requests per second.
    #[arg(long, default_value_t = 300.0)]
    rate: f64,
    /// How long to send.
    #[arg(long, default_value_t = 30.0)]
    seconds: f64,
    /// Elders to create first (bookings cycle through them, one day each round).
    #[arg(long, default_value_t = 300)]
    elders: usize,
    /// The secretary who books.
    #[arg(long, default_value = "sec-1")]
    user: String,
    /// Her password.
    #[arg(long, default_value = "sec-demo")]
    password: String,
    /// Send every request with its own Idempotency-Key.
    #[arg(long)]
    idempotency: bool,
    /// Bookings per request.
    #[arg(long, default_value_t = 1)]
    batch: usize,
}

/// `YYYY-MM-DD` of `days` days after 2031-01-01 (the seed's civil-date conversion).
fn day(days: i64) -> String {
    // 2031-01-01 is day 22,280 of the Unix epoch.
    vaxride_server::seed::today((22_280 + days) * 86_400).to_string()
}

fn percentiles(mut v: Vec<f64>) -> Value {
    if v.is_empty() {
        return json!({"n": 0});
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    let r = |x: f64| (x * 10.0).round() / 10.0;
    json!({
        "n": v.len(),
        "p50_ms": r(q(0.50)),
        "p90_ms": r(q(0.90)),
        "p99_ms": r(q(0.99)),
        "max_ms": r(v[v.len() - 1]),
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let a = Args::parse();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(usize::MAX)
        .build()
        .expect("client");
    let login: Value = client
        .post(format!("{}/api/login", a.server))
        .json(&json!({"username": a.user, "password": a.password}))
        .send()
        .await
        .expect("login answers")
        .json()
        .await
        .expect("login JSON");
    let token = login["token"].as_str().expect("a token").to_string();
    let me: Value = client
        .get(format!("{}/api/communities", a.server))
        .bearer_auth(&token)
        .send()
        .await
        .expect("communities")
        .json()
        .await
        .expect("communities JSON");
    let centre = &me[0]["centre"];
    let (lon, lat) = (
        centre["lon"].as_f64().unwrap_or(114.06),
        centre["lat"].as_f64().unwrap_or(22.54),
    );

    // The elders to book (made-up names and numbers).
    let t = Instant::now();
    let mut elders = Vec::with_capacity(a.elders);
    for i in 0..a.elders {
        let r = client
            .post(format!("{}/api/elders", a.server))
            .bearer_auth(&token)
            .json(&json!({
                "name": format!("Load Elder {i}"),
                "phone": format!("300{i:08}"),
                "address": format!("Load Road {i}"),
                "home": {"lon": lon + (i % 20) as f64 * 2e-4, "lat": lat + (i / 20) as f64 * 2e-4},
                "mobility": "walks",
                "dose": "first",
            }))
            .send()
            .await
            .expect("elder answers");
        assert_eq!(
            r.status().as_u16(),
            201,
            "elder: {}",
            r.text().await.unwrap_or_default()
        );
        let e: Value = r.json().await.expect("elder JSON");
        elders.push(e["id"].as_i64().expect("an id"));
    }
    eprintln!(
        "setup: {} elders in {:.1} s",
        elders.len(),
        t.elapsed().as_secs_f64()
    );

    // Request k books pairs k*batch .. (k+1)*batch: pair p = (elder p % E, day p / E).
    let total = (a.rate * a.seconds).round() as usize;
    let gap = Duration::from_secs_f64(1.0 / a.rate);
    let results: Arc<Mutex<Vec<(u16, f64, f64)>>> = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let mut tasks = Vec::with_capacity(total);
    let start = Instant::now() + Duration::from_millis(100);
    let mut late = 0usize;
    for k in 0..total {
        let due = start + gap * k as u32;
        tokio::time::sleep_until(due.into()).await;
        if Instant::now() > due + Duration::from_millis(5) {
            late += 1;
        }
        let bookings: Vec<Value> = (k * a.batch..(k + 1) * a.batch)
            .map(|p| {
                json!({
                    "elder_id": elders[p % elders.len()],
                    "day": day((p / elders.len()) as i64),
                    "time": if p % 2 == 0 { "morning" } else { "afternoon" },
                })
            })
            .collect();
        let body = json!({ "bookings": bookings }).to_string();
        let mut req = client
            .post(format!("{}/api/bookings", a.server))
            .bearer_auth(&token)
            .header("content-type", "application/json");
        if a.idempotency {
            req = req.header("idempotency-key", format!("load-{k}"));
        }
        let results = results.clone();
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let status = match req.body(body).send().await {
                Ok(r) => {
                    let s = r.status().as_u16();
                    let _ = r.bytes().await;
                    s
                }
                Err(_) => 0,
            };
            let done = Instant::now();
            results.lock().expect("not poisoned").push((
                status,
                (done - due).as_secs_f64() * 1000.0,
                (done - sent).as_secs_f64() * 1000.0,
            ));
        }));
    }
    let sending = start.elapsed().as_secs_f64();
    for t in tasks {
        t.await.expect("a request task ends");
    }
    let wall = start.elapsed().as_secs_f64();
    let results = results.lock().expect("not poisoned");
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    for (s, _, _) in results.iter() {
        *statuses
            .entry(if *s == 0 {
                "transport_error".into()
            } else {
                s.to_string()
            })
            .or_default() += 1;
    }
    let ok = results.iter().filter(|r| (200..300).contains(&r.0)).count();
    println!(
        "{}",
        json!({
            "target_rate_per_s": a.rate,
            "batch": a.batch,
            "idempotency_key": a.idempotency,
            "requests": total,
            "sends_started_late_over_5ms": late,
            "sending_seconds": (sending * 100.0).round() / 100.0,
            "wall_seconds": (wall * 100.0).round() / 100.0,
            "achieved_rate_per_s": ((ok as f64 / wall) * 10.0).round() / 10.0,
            "statuses": statuses,
            "latency_from_due": percentiles(results.iter().map(|r| r.1).collect()),
            "latency_from_send": percentiles(results.iter().map(|r| r.2).collect()),
        })
    );
}
