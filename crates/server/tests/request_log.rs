//! The request log line carries no personal data.
//!
//! Alone in its test binary: tracing caches per callsite, for the whole process, whether anyone
//! listens; a sibling test on another thread without a subscriber could make this test's
//! subscriber miss the line.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{test, web};
use vaxride_server::{AppState, build_app};

#[macro_use]
mod support;

async fn state() -> web::Data<AppState> {
    let store = support::fresh_store("log").await;
    web::Data::new(AppState::new(store, None, Duration::from_secs(1)))
}

/// The app as `serve` builds it.
macro_rules! app {
    ($state:expr) => {
        test::init_service(build_app($state)).await
    };
}

/// Collects what the log writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn request_log_line_has_no_personal_data() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let app = app!(state().await);
    let _guard = tracing::subscriber::set_default(subscriber);
    // A sibling test may have met the access-log callsite first, on a thread with no
    // subscriber, and cached "never" for the whole process (tracing's interest cache is
    // global); ask every callsite again now that this thread has one.
    tracing::callsite::rebuild_interest_cache();
    let req = test::TestRequest::get()
        .uri("/api/elders/31337?find=Li%20Guilan")
        .insert_header(("User-Agent", "SecretBrowser/1.0"))
        .peer_addr("203.0.113.9:4242".parse().unwrap())
        .to_request();
    assert_eq!(test::call_service(&app, req).await.status().as_u16(), 401);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("vaxride_server::access"))
        .unwrap_or_else(|| panic!("no request line in {log}"));
    for part in [
        "method=GET",
        "route=/api/elders/{id}",
        "status=401",
        "duration_ms=",
    ] {
        assert!(line.contains(part), "{part} missing: {line}");
    }
    for secret in ["31337", "Guilan", "find", "SecretBrowser", "203.0.113.9"] {
        assert!(!log.contains(secret), "{secret} leaked into the log: {log}");
    }
}
