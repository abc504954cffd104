//! The store's test suite. Every test runs on a fresh SQLite file and, when PostgreSQL is
//! reachable (`VAXRIDE_TEST_PG`, default `postgres://postgres@127.0.0.1:5432/postgres`), on a
//! fresh PostgreSQL database too. With `VAXRIDE_REQUIRE_PG=1` (CI) a missing PostgreSQL fails.

use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::Connection;
use vaxride_dispatch::model::{
    BookingStatus, ChangeReason, Day, Dose, Mobility, Point, Report, Site, SiteKind, StopKind,
    Vehicle,
};
use vaxride_dispatch::plan::PlanInput;
use vaxride_dispatch::planning::{CheckedPlan, Iterations, Silent, plan_day};
use vaxride_dispatch::solve::PlanOptions;
use vaxride_dispatch::travel::StraightLines;
use vaxride_dispatch::values::{Role, Shot, Weekdays, Window};
use vaxride_store::{
    ElderInput, Idempotency, LedgerEntry, NewBooking, NewDriver, NewSite, NewUser, NewVehicle,
    Replay, Scope, Store, StoreError,
};

/// The day planned on straight lines with `iterations` for its last stage (the whole day; the
/// clusters, when there are several, get as many between them).
fn plan(input: &PlanInput, iterations: u64) -> CheckedPlan {
    plan_day(
        input,
        &StraightLines,
        PlanOptions::default(),
        &Iterations(2 * iterations),
        &Silent,
    )
    .expect("checked")
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

async fn sqlite() -> Store {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("vaxride-store-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("test.db");
    let _ = std::fs::remove_file(&path);
    Store::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("open sqlite")
}

async fn postgres() -> Option<(Store, String)> {
    let admin = std::env::var("VAXRIDE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    sqlx::any::install_default_drivers();
    let mut conn = match sqlx::AnyConnection::connect(&admin).await {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var("VAXRIDE_REQUIRE_PG").as_deref() != Ok("1"),
                "PostgreSQL is required (VAXRIDE_REQUIRE_PG=1) but not reachable at {admin}: {e}"
            );
            eprintln!("PostgreSQL not reachable at {admin}: skipping its half of the test");
            return None;
        }
    };
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("vaxride_test_{}_{n}", std::process::id());
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    let store = Store::open(&format!("{base}/{name}"))
        .await
        .expect("open postgres");
    Some((store, name))
}

/// Drops a test database (its connections too).
async fn drop_postgres(name: &str) {
    let admin = std::env::var("VAXRIDE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
    }
}

/// Runs a test body on SQLite and on PostgreSQL.
macro_rules! both {
    ($name:ident, $body:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            $body(sqlite().await).await;
            if let Some((pg, name)) = postgres().await {
                $body(pg).await;
                drop_postgres(&name).await;
            }
        }
    };
}

struct World {
    district: i64,
    community_a: i64,
    community_b: i64,
    secretary_a: Scope,
    secretary_b: Scope,
    coordinator: Scope,
    other_coordinator: Scope,
    user_a: i64,
    elders_a: Vec<i64>,
    elder_b: i64,
    bedridden_a: i64,
    site: i64,
    drivers: Vec<i64>,
}

const NOW: i64 = 1_650_000_000;

/// Plans the district's day on straight lines (`iterations`), saves and publishes it at `at`;
/// the plan's id.
async fn publish_day(store: &Store, w: &World, iterations: u64, at: i64) -> i64 {
    let input = store.plan_input(w.district, &day()).await.unwrap();
    let id = store
        .save_plan(w.district, &day(), &plan(&input, iterations), None, NOW)
        .await
        .unwrap();
    store.publish_plan(w.coordinator, id, at).await.unwrap();
    id
}

/// Community A's elders booked for the day, which is planned and published at `at`.
async fn book_and_publish(store: &Store, w: &World, iterations: u64, at: i64) -> i64 {
    let batch: Vec<NewBooking> = w.elders_a.iter().map(|&e| booking(e)).collect();
    store
        .create_bookings(w.secretary_a, w.community_a, w.user_a, &batch, None, NOW)
        .await
        .unwrap();
    publish_day(store, w, iterations, at).await
}

fn day() -> Day {
    Day::parse("2022-04-18").unwrap() // a Monday
}

fn elder(name: &str, lon: f64, lat: f64, mobility: Mobility) -> ElderInput {
    ElderInput {
        name: name.into(),
        phone: format!("138{:08}", name.len() * 7919),
        address: format!("{name}'s home"),
        home: Point { lon, lat },
        mobility,
        companions: 0,
        dose: Dose::None,
        priority: 3,
        notes: "heart condition".into(),
    }
}

async fn world(store: &Store) -> World {
    let district = store.create_district("Xinhua street office").await.unwrap();
    let other_district = store.create_district("elsewhere").await.unwrap();
    let centre = Point {
        lon: 123.40,
        lat: 41.80,
    };
    let community_a = store
        .create_community(district, "Huaxiang", centre)
        .await
        .unwrap();
    let community_b = store
        .create_community(district, "Xiexin", centre)
        .await
        .unwrap();
    store
        .create_community(other_district, "far", centre)
        .await
        .unwrap();
    let user = |name: &str, role: Role, community: Option<i64>, driver: Option<i64>| NewUser {
        username: name.into(),
        password_hash: "$argon2id$test".into(),
        role,
        district_id: Some(district),
        community_id: community,
        driver_id: driver,
        display_name: name.into(),
    };
    let user_a = store
        .create_user(&user("sec-a", Role::Secretary, Some(community_a), None))
        .await
        .unwrap();
    let mut elders_a = Vec::new();
    for (k, name) in ["Wang Xiuying", "Li Guilan", "Zhang Fang", "Liu Min"]
        .iter()
        .enumerate()
    {
        let e = store
            .create_elder(
                Scope::District(district),
                community_a,
                &elder(
                    name,
                    123.40 + 0.004 * k as f64,
                    41.80 + 0.003 * k as f64,
                    Mobility::Walks,
                ),
                NOW,
            )
            .await
            .unwrap();
        elders_a.push(e.id);
    }
    let bedridden_a = store
        .create_elder(
            Scope::District(district),
            community_a,
            &elder("Chen Jie", 123.41, 41.81, Mobility::Bedridden),
            NOW,
        )
        .await
        .unwrap()
        .id;
    let elder_b = store
        .create_elder(
            Scope::District(district),
            community_b,
            &elder("Zhao Lei", 123.42, 41.79, Mobility::Wheelchair),
            NOW,
        )
        .await
        .unwrap()
        .id;
    let site = store
        .create_site(
            district,
            &NewSite {
                site: Site {
                    id: 0,
                    name: "Health centre".into(),
                    kind: SiteKind::Fixed,
                    location: Point {
                        lon: 123.415,
                        lat: 41.805,
                    },
                    open_days: Weekdays::parse("12345").unwrap(),
                    open_from: 8 * 3600,
                    open_to: 12 * 3600,
                    slot_minutes: 30,
                    capacity_per_slot: 2,
                    booked_share: 1.0,
                    doses: Shot::ALL.to_vec(),
                    day: None,
                },
                address: "1 Health Road".into(),
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
                        wheelchairs: k,
                        features: if k == 1 { vec!["ramp".into()] } else { vec![] },
                        shift_from: 7 * 3600,
                        team: None,
                        shift_to: 14 * 3600,
                        start: centre,
                    },
                },
            )
            .await
            .unwrap();
        let d = store
            .create_driver(
                district,
                &NewDriver {
                    name: format!("driver {k}"),
                    phone: "139".into(),
                    vehicle_id: Some(v),
                },
            )
            .await
            .unwrap();
        drivers.push(d);
    }
    World {
        district,
        community_a,
        community_b,
        secretary_a: Scope::Community {
            district,
            community: community_a,
        },
        secretary_b: Scope::Community {
            district,
            community: community_b,
        },
        coordinator: Scope::District(district),
        other_coordinator: Scope::District(other_district),
        user_a,
        elders_a,
        elder_b,
        bedridden_a,
        site,
        drivers,
    }
}

fn booking(elder_id: i64) -> NewBooking {
    NewBooking {
        elder_id,
        day: day(),
        window: Window::try_from((8 * 3600, 10 * 3600)).unwrap(),
        site_id: None,
        return_wanted: true,
        dwell_minutes: 30,
        notes: String::new(),
        walk_in: false,
    }
}

async fn users_and_sessions(store: Store) {
    let w = world(&store).await;
    let (p, hash) = store.user_for_login("sec-a").await.unwrap().unwrap();
    assert_eq!(
        (p.role, p.community_id, hash.as_str()),
        (Role::Secretary, Some(w.community_a), "$argon2id$test")
    );
    assert!(store.user_for_login("nobody").await.unwrap().is_none());
    store
        .create_session("h1", w.user_a, NOW, NOW + 100)
        .await
        .unwrap();
    assert_eq!(
        store
            .session_user("h1", NOW + 1)
            .await
            .unwrap()
            .unwrap()
            .user_id,
        w.user_a
    );
    assert!(
        store.session_user("h1", NOW + 100).await.unwrap().is_none(),
        "expired"
    );
    store.revoke_session("h1").await.unwrap();
    assert!(
        store.session_user("h1", NOW + 1).await.unwrap().is_none(),
        "revoked"
    );
    let dup = NewUser {
        username: "sec-a".into(),
        password_hash: "x".into(),
        role: Role::Admin,
        district_id: None,
        community_id: None,
        driver_id: None,
        display_name: "x".into(),
    };
    assert!(matches!(
        store.create_user(&dup).await,
        Err(StoreError::Conflict(_))
    ));
}
both!(users_and_sessions_on_both_databases, users_and_sessions);

async fn scoping(store: Store) {
    let w = world(&store).await;
    // A secretary sees her community only; another community's elder is "not found".
    assert_eq!(store.elders(w.secretary_a, None).await.unwrap().len(), 5);
    assert!(matches!(
        store.elder(w.secretary_a, w.elder_b).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.elder(w.other_coordinator, w.elder_b).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.elder(w.coordinator, w.elder_b).await.unwrap().name,
        "Zhao Lei"
    );
    assert_eq!(
        store
            .elders(w.secretary_a, Some("Li G"))
            .await
            .unwrap()
            .len(),
        1
    );
    // Writes are scoped too.
    let e = elder("X", 123.4, 41.8, Mobility::Walks);
    assert!(matches!(
        store
            .update_elder(w.secretary_b, w.elders_a[0], &e, NOW)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .create_elder(w.secretary_b, w.community_a, &e, NOW)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .update_elder(w.secretary_a, w.elders_a[0], &e, NOW)
            .await
            .unwrap()
            .name,
        "X"
    );
    assert_eq!(store.communities(w.secretary_a).await.unwrap().len(), 1);
    assert_eq!(store.communities(w.coordinator).await.unwrap().len(), 2);
    // Bookings of another community cannot be made, seen or cancelled.
    assert!(matches!(
        store
            .create_bookings(
                w.secretary_b,
                w.community_a,
                w.user_a,
                &[booking(w.elders_a[1])],
                None,
                NOW
            )
            .await,
        Err(StoreError::NotFound)
    ));
    let ids = store
        .create_bookings(
            w.secretary_a,
            w.community_a,
            w.user_a,
            &[booking(w.elders_a[1])],
            None,
            NOW,
        )
        .await
        .unwrap();
    assert!(matches!(
        store.booking(w.secretary_b, ids[0]).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.cancel_booking(w.secretary_b, ids[0], NOW).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .bookings(w.secretary_b, &day())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.bookings(w.coordinator, &day()).await.unwrap().len(),
        1
    );
}
both!(every_read_and_write_is_scoped_on_both_databases, scoping);

async fn batches(store: Store) {
    let w = world(&store).await;
    let s = w.secretary_a;
    // One bad entry refuses the whole batch, and every problem is named.
    let mut bad = vec![
        booking(w.elders_a[0]),
        // A bedridden elder gets a home visit: no site to name.
        NewBooking {
            site_id: Some(w.site),
            ..booking(w.bedridden_a)
        },
        booking(w.elder_b),
    ];
    bad.push(NewBooking {
        // In order, but before the earliest pick-up: the store checks `Window::pickup` again.
        window: Window::try_from((4 * 3600, 9 * 3600)).unwrap(),
        ..booking(w.elders_a[1])
    });
    let Err(StoreError::Invalid(errors)) = store
        .create_bookings(s, w.community_a, w.user_a, &bad, None, NOW)
        .await
    else {
        panic!("the batch must be refused");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"bookings[1].site_id"), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.message().contains("visited at home")),
        "{errors:?}"
    );
    assert!(fields.contains(&"bookings[2].elder_id"), "{errors:?}");
    assert!(fields.contains(&"bookings[3].window"), "{errors:?}");
    assert!(
        store.bookings(s, &day()).await.unwrap().is_empty(),
        "nothing was written"
    );

    // Idempotency: the key is stored with the batch; same body replays, another mismatches.
    let idem = Idempotency {
        key: "k-1".into(),
        request_sha256: "aaa".into(),
    };
    let batch = [booking(w.elders_a[0]), booking(w.elders_a[1])];
    let ids = store
        .create_bookings(s, w.community_a, w.user_a, &batch, Some(&idem), NOW)
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    match store.replay(w.user_a, &idem).await.unwrap() {
        Some(Replay::Same { status, body }) => {
            assert_eq!(status, 201);
            assert_eq!(body, serde_json::json!({ "created": ids }).to_string());
        }
        other => panic!("{other:?}"),
    }
    let other = Idempotency {
        request_sha256: "bbb".into(),
        ..idem.clone()
    };
    assert_eq!(
        store.replay(w.user_a, &other).await.unwrap(),
        Some(Replay::Mismatch)
    );
    // The same elder cannot have two live bookings on one day.
    let Err(StoreError::Invalid(errors)) = store
        .create_bookings(
            s,
            w.community_a,
            w.user_a,
            &[booking(w.elders_a[0])],
            None,
            NOW,
        )
        .await
    else {
        panic!("double booking must be refused");
    };
    assert!(errors[0].message().contains("already booked"), "{errors:?}");
    // Cancelled, it can be booked again.
    let c = store.cancel_booking(s, ids[0], NOW + 5).await.unwrap();
    assert_eq!(c.status, BookingStatus::Cancelled);
    store
        .create_bookings(
            s,
            w.community_a,
            w.user_a,
            &[booking(w.elders_a[0])],
            None,
            NOW,
        )
        .await
        .unwrap();
}
both!(
    batches_are_all_or_nothing_and_idempotent_on_both_databases,
    batches
);

async fn ledger(store: Store) {
    let w = world(&store).await;
    let s = w.secretary_a;
    let entry = |row: usize, name: &str, with_home: bool, site: Option<&str>| LedgerEntry {
        row,
        name: name.into(),
        phone: "137".into(),
        elder: with_home.then(|| ElderInput {
            phone: "137".into(),
            ..elder(name, 123.41, 41.8, Mobility::Walks)
        }),
        home_from_address: false,
        unmatched_address: None,
        site_name: site.map(str::to_string),
        booking: booking(0),
    };
    // Row 2 names an unknown site, row 3 is a new elder without coordinates.
    let rows = [
        entry(1, "Sun Li", true, None),
        entry(2, "Zhou Yu", true, Some("Moon base")),
        entry(3, "Wu Hao", false, None),
    ];
    let Err(StoreError::Invalid(errors)) = store
        .import_ledger(s, w.community_a, w.user_a, &rows, None, NOW)
        .await
    else {
        panic!("refused");
    };
    let cells: Vec<(Option<usize>, Option<&str>)> = errors
        .iter()
        .map(|e| (e.row, e.column.as_deref()))
        .collect();
    assert_eq!(cells, vec![(Some(2), Some("site")), (Some(3), Some("lon"))]);
    assert_eq!(
        store.elders(s, None).await.unwrap().len(),
        5,
        "no elder was created"
    );
    let rows = [
        entry(1, "Sun Li", true, None),
        entry(2, "Zhou Yu", true, Some("Health centre")),
    ];
    let ids = store
        .import_ledger(s, w.community_a, w.user_a, &rows, None, NOW)
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(store.elders(s, None).await.unwrap().len(), 7);
    let b = store.booking(s, ids[1]).await.unwrap();
    assert_eq!(
        (b.site_id, b.elder_name.as_str()),
        (Some(w.site), "Zhou Yu")
    );
    // Importing the same rows again finds the elders, and refuses the double bookings by row.
    let Err(StoreError::Invalid(errors)) = store
        .import_ledger(s, w.community_a, w.user_a, &rows, None, NOW)
        .await
    else {
        panic!("refused");
    };
    assert_eq!(
        errors.iter().map(|e| e.row).collect::<Vec<_>>(),
        vec![Some(1), Some(2)]
    );
}
both!(
    ledger_imports_find_or_create_elders_on_both_databases,
    ledger
);

async fn plan_publish_and_drive(store: Store) {
    let w = world(&store).await;
    let s = w.secretary_a;
    let mut batch: Vec<NewBooking> = w.elders_a.iter().map(|&e| booking(e)).collect();
    batch[3].return_wanted = false;
    let ids = store
        .create_bookings(s, w.community_a, w.user_a, &batch, None, NOW)
        .await
        .unwrap();
    store
        .create_bookings(
            w.secretary_b,
            w.community_b,
            w.user_a,
            &[booking(w.elder_b)],
            None,
            NOW,
        )
        .await
        .unwrap();
    let input = store.plan_input(w.district, &day()).await.unwrap();
    assert_eq!(input.bookings.len(), 5);
    assert_eq!(input.vehicles.len(), 2);
    let checked = plan(&input, 300);
    let result = checked.result();
    assert_eq!(result.figures.served, 5, "{:?}", result.unserved);
    for slot in &result.figures.slots {
        assert!(slot.planned <= slot.capacity, "{slot:?}");
    }
    let plan_id = store
        .save_plan(w.district, &day(), &checked, None, NOW)
        .await
        .unwrap();
    assert!(matches!(
        store.plan(w.other_coordinator, plan_id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.plan(s, plan_id).await,
        Err(StoreError::NotFound)
    ));
    let published = store
        .publish_plan(w.coordinator, plan_id, NOW + 10)
        .await
        .unwrap();
    assert_eq!(published.status, "published");
    assert!(matches!(
        store.publish_plan(w.coordinator, plan_id, NOW + 10).await,
        Err(StoreError::Conflict(_))
    ));
    let views = store.bookings(s, &day()).await.unwrap();
    assert!(
        views
            .iter()
            .all(|b| b.status == BookingStatus::Planned && b.planned_pickup.is_some())
    );

    // The driver of the wheelchair user's vehicle (the only one with a ramp) has a trip.
    let driver = Scope::Driver {
        district: w.district,
        driver: w.drivers[1],
    };
    let events = store.outbox_after(driver, 0, 100).await.unwrap();
    assert!(!events.is_empty());
    assert_eq!(events[0].seq, 1);
    assert_eq!(events[0].kind, "trip_offered");
    // The streams' shared watcher: the newest sequence of each driver that has events.
    let heads = store.outbox_heads(&[w.drivers[1], i64::MAX]).await.unwrap();
    assert_eq!(heads, vec![(w.drivers[1], events.last().unwrap().seq)]);
    let text = events[0].payload.to_string();
    assert!(
        !text.contains("heart condition"),
        "no health notes for drivers: {text}"
    );
    assert!(
        !text.contains("\"dose\""),
        "no dose status for drivers: {text}"
    );
    let trips = store.trips(driver, Some(day().as_str())).await.unwrap();
    let trip = &trips[0];
    assert!(
        trip.stops.iter().all(|st| st.phone.is_none()),
        "no phone before accepting"
    );
    // Reports need an accepted trip; the other driver cannot touch it.
    let first = trip.stops[0].clone();
    assert_eq!(first.kind, StopKind::PickupHome);
    assert!(matches!(
        store.report(driver, first.id, Report::PickedUp, NOW).await,
        Err(StoreError::Conflict(_))
    ));
    let other_driver = Scope::Driver {
        district: w.district,
        driver: w.drivers[0],
    };
    assert!(matches!(
        store.respond(other_driver, trip.id, true, NOW).await,
        Err(StoreError::NotFound)
    ));
    let accepted = store
        .respond(driver, trip.id, true, NOW + 20)
        .await
        .unwrap();
    assert_eq!(accepted.status, "accepted");
    assert!(accepted.stops.iter().any(|st| st.phone.is_some()));
    assert_eq!(
        store
            .respond(driver, trip.id, true, NOW + 21)
            .await
            .unwrap()
            .status,
        "accepted"
    );
    assert!(matches!(
        store.respond(driver, trip.id, false, NOW).await,
        Err(StoreError::Conflict(_))
    ));
    // A wrong report for the stop is refused with a reason.
    assert!(matches!(
        store.report(driver, first.id, Report::Home, NOW).await,
        Err(StoreError::Invalid(_))
    ));
    // Every stop, in order; each report twice (the second changes nothing).
    for st in &accepted.stops {
        let reports: &[Report] = match st.kind {
            StopKind::PickupHome => &[Report::Arrived, Report::PickedUp],
            StopKind::DropSite => &[Report::DroppedAtSite],
            StopKind::PickupSite => &[Report::ReturnPickedUp],
            StopKind::DropHome => &[Report::Home],
            StopKind::HomeVisit => &[Report::Arrived, Report::Vaccinated],
        };
        for &r in reports {
            let a = store.report(driver, st.id, r, NOW + 30).await.unwrap();
            let b = store.report(driver, st.id, r, NOW + 31).await.unwrap();
            assert_eq!(a, b);
            let seen = store.booking(w.coordinator, st.booking_id).await.unwrap();
            assert_eq!(seen.status.code(), a);
            if r == Report::PickedUp {
                // On board: the elder cannot leave the roster now, and nothing changes.
                match store.retire_elder(w.coordinator, seen.elder_id, NOW).await {
                    Err(StoreError::Conflict(p)) => assert_eq!(p.code, "ride_under_way"),
                    other => panic!("expected ride_under_way, got {other:?}"),
                }
                let again = store.booking(w.coordinator, st.booking_id).await.unwrap();
                assert_eq!(again.status, BookingStatus::PickedUp);
            }
        }
    }
    let mine = store
        .booking(w.coordinator, accepted.stops[0].booking_id)
        .await
        .unwrap();
    assert!(
        matches!(mine.status, BookingStatus::Home | BookingStatus::AtSite),
        "{mine:?}"
    );
    store
        .ack(driver, events.last().unwrap().seq, NOW)
        .await
        .unwrap();
    let seq_before = store.outbox_after(driver, 0, 100).await.unwrap().len();

    // A second plan supersedes the first; trips of bookings under way stay.
    let input = store.plan_input(w.district, &day()).await.unwrap();
    assert!(
        input.bookings.len() < 5,
        "bookings under way are not planned again"
    );
    let plan2 = store
        .save_plan(w.district, &day(), &plan(&input, 200), None, NOW)
        .await
        .unwrap();
    store
        .publish_plan(w.coordinator, plan2, NOW + 100)
        .await
        .unwrap();
    assert_eq!(
        store.plan(w.coordinator, plan_id).await.unwrap().status,
        "superseded"
    );
    // The day's plans, newest first; only the coordinator's district and the admin see them.
    let listed = store.plans(w.coordinator, &day()).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|p| (p.id, p.status.as_str()))
            .collect::<Vec<_>>(),
        vec![(plan2, "published"), (plan_id, "superseded")]
    );
    assert!(listed[0].version > listed[1].version);
    assert_eq!(listed[0].published_at, Some(NOW + 100));
    assert_eq!(store.plans(Scope::Admin, &day()).await.unwrap().len(), 2);
    assert!(
        store
            .plans(w.coordinator, &Day::parse("2030-01-01").unwrap())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.plans(Scope::District(w.district + 1000), &day()).await,
        Ok(v) if v.is_empty()
    ));
    let after = store.outbox_after(driver, 0, 100).await.unwrap();
    // The driver's trip is done; a new plan that leaves it as it was tells them nothing.
    assert!(after.len() >= seq_before);
    assert!(
        after[seq_before..]
            .iter()
            .all(|e| e.kind != "trip_cancelled"),
        "a trip with its stops done is never withdrawn"
    );
    assert!(
        after.windows(2).all(|p| p[1].seq == p[0].seq + 1),
        "gapless per-driver sequence"
    );
    let _ = ids;
}
both!(
    plans_publish_trips_and_reports_update_bookings_on_both_databases,
    plan_publish_and_drive
);

/// The driver's trip `id` as it now is.
async fn trip_of(store: &Store, driver: Scope, id: i64) -> vaxride_store::TripView {
    let trips = store.trips(driver, None).await.unwrap();
    trips.into_iter().find(|t| t.id == id).expect("the trip")
}

/// A stop taken off a trip after it was offered stays on the driver's trip as `removed`, with
/// the reason and nothing personal beyond the first name: the secretary's cancellation, and
/// the later stops of a no-show. The stops still to make carry their navigation links.
async fn removed_stops_stay_on_the_trip_with_the_reason(store: Store) {
    let w = world(&store).await;
    let s = w.secretary_a;
    let batch: Vec<NewBooking> = w.elders_a.iter().map(|&e| booking(e)).collect();
    store
        .create_bookings(s, w.community_a, w.user_a, &batch, None, NOW)
        .await
        .unwrap();
    publish_day(&store, &w, 300, NOW + 10).await;
    // A driver whose trip serves at least two bookings, one of them picked up at home on it
    // and taken on somewhere (to the site, or home) on it too: that one will be the no-show,
    // another one the cancellation.
    let mut found = None;
    for &d in &w.drivers {
        let driver = Scope::Driver {
            district: w.district,
            driver: d,
        };
        for t in store.trips(driver, None).await.unwrap() {
            let mut bookings: Vec<i64> = t.stops.iter().map(|x| x.booking_id).collect();
            bookings.sort_unstable();
            bookings.dedup();
            let picked_up_and_on = |b: i64| {
                let of_b: Vec<_> = t.stops.iter().filter(|x| x.booking_id == b).collect();
                of_b.len() >= 2 && of_b[0].kind == StopKind::PickupHome
            };
            let Some(no_show) = bookings.iter().copied().find(|&b| picked_up_and_on(b)) else {
                continue;
            };
            if let Some(cancel) = bookings.iter().copied().find(|&b| b != no_show) {
                found = Some((driver, t, [cancel, no_show]));
            }
        }
    }
    let (driver, trip, bookings) = found.expect("a trip with two bookings");
    assert!(trip.removed.is_empty());
    for st in &trip.stops {
        assert!(
            st.nav
                .amap
                .starts_with("https://uri.amap.com/navigation?to=")
                && st
                    .nav
                    .baidu
                    .starts_with("https://api.map.baidu.com/direction?")
                && st.nav.apple.starts_with("https://maps.apple.com/?daddr=")
                && st.nav.geo.starts_with("geo:"),
            "{:?}",
            st.nav
        );
        let home = matches!(st.kind, StopKind::PickupHome | StopKind::DropHome);
        assert!(
            !(home && st.nav.amap.contains("home")),
            "no home's name in a link: {:?}",
            st.nav
        );
    }
    let before = store.outbox_after(driver, 0, 100).await.unwrap().len();

    // The secretary cancels one booking: its stops are off, and say why.
    let cancelled = bookings[0];
    store.cancel_booking(s, cancelled, NOW + 20).await.unwrap();
    let now = trip_of(&store, driver, trip.id).await;
    let gone: Vec<_> = trip
        .stops
        .iter()
        .filter(|x| x.booking_id == cancelled)
        .collect();
    assert!(!gone.is_empty());
    assert!(now.stops.iter().all(|x| x.booking_id != cancelled));
    assert_eq!(
        now.removed
            .iter()
            .map(|r| (r.id, r.kind, r.planned, r.reason, r.at))
            .collect::<Vec<_>>(),
        gone.iter()
            .map(|x| (x.id, x.kind, x.planned, ChangeReason::Cancelled, NOW + 20))
            .collect::<Vec<_>>()
    );
    assert_eq!(now.removed[0].first_name, gone[0].first_name);
    // The driver is told, with the trip as it now is; the stop carries no phone, address or
    // coordinates.
    let events = store.outbox_after(driver, 0, 100).await.unwrap();
    assert_eq!(events.len(), before + 1);
    let last = events.last().unwrap();
    assert_eq!(last.kind, "trip_changed");
    let removed = &last.payload["removed"][0];
    assert_eq!(removed["reason"], "cancelled", "{removed}");
    for key in ["phone", "address", "lon", "lat", "nav"] {
        assert!(removed.get(key).is_none(), "{key} in {removed}");
    }

    // Accepted, and the next elder is not there: their later stops are off, as a no-show.
    store
        .respond(driver, trip.id, true, NOW + 30)
        .await
        .unwrap();
    let other = bookings[1];
    let pickup = now
        .stops
        .iter()
        .find(|x| x.booking_id == other && x.kind == StopKind::PickupHome)
        .unwrap();
    store
        .report(driver, pickup.id, Report::NoShow, NOW + 40)
        .await
        .unwrap();
    let after = trip_of(&store, driver, trip.id).await;
    let later: Vec<i64> = now
        .stops
        .iter()
        .filter(|x| x.booking_id == other && x.id != pickup.id)
        .map(|x| x.id)
        .collect();
    assert!(!later.is_empty(), "a ride home or a drop at the site");
    for id in &later {
        let r = after.removed.iter().find(|r| r.id == *id).unwrap();
        assert_eq!(r.reason, ChangeReason::NoShow);
    }
    let stop = after.stops.iter().find(|x| x.id == pickup.id).unwrap();
    assert_eq!(stop.done.as_deref(), Some("no_show"));
    // In the trip's order.
    assert!(
        after
            .removed
            .windows(2)
            .all(|p| p[0].position < p[1].position)
    );
}
both!(
    stops_taken_off_a_trip_stay_on_it_with_the_reason_on_both_databases,
    removed_stops_stay_on_the_trip_with_the_reason
);

async fn declined_trips_are_reassigned(store: Store) {
    let w = world(&store).await;
    let batch: Vec<NewBooking> = w.elders_a.iter().map(|&e| booking(e)).collect();
    store
        .create_bookings(w.secretary_a, w.community_a, w.user_a, &batch, None, NOW)
        .await
        .unwrap();
    publish_day(&store, &w, 200, NOW).await;
    // A spare car and its driver join after publishing.
    let spare = store
        .create_vehicle(
            w.district,
            &NewVehicle {
                vehicle: Vehicle {
                    id: 0,
                    name: "spare".into(),
                    seats: 6,
                    wheelchairs: 1,
                    features: vec!["ramp".into()],
                    shift_from: 6 * 3600,
                    team: None,
                    shift_to: 16 * 3600,
                    start: Point {
                        lon: 123.4,
                        lat: 41.8,
                    },
                },
            },
        )
        .await
        .unwrap();
    let spare_driver = store
        .create_driver(
            w.district,
            &NewDriver {
                name: "spare".into(),
                phone: "1".into(),
                vehicle_id: Some(spare),
            },
        )
        .await
        .unwrap();
    let mut declined = None;
    for &d in &w.drivers {
        let scope = Scope::Driver {
            district: w.district,
            driver: d,
        };
        if let Some(t) = store.trips(scope, None).await.unwrap().first() {
            if declined.is_none() {
                assert_eq!(
                    store.respond(scope, t.id, false, NOW).await.unwrap().status,
                    "declined"
                );
                declined = Some((t.id, t.vehicle_id, scope));
            } else {
                store.respond(scope, t.id, true, NOW).await.unwrap();
                // An accepted trip cannot be reassigned; a busy vehicle cannot take another.
                assert!(matches!(
                    store.reassign(w.coordinator, t.id, spare, NOW).await,
                    Err(StoreError::Conflict(_))
                ));
            }
        }
    }
    let (trip, vehicle, declined_by) = declined.expect("someone had a trip");
    let coordinator_view = store
        .trips(w.coordinator, Some(day().as_str()))
        .await
        .unwrap();
    assert!(
        coordinator_view
            .iter()
            .any(|t| t.id == trip && t.status == "declined")
    );
    assert!(matches!(
        store.reassign(w.secretary_a, trip, spare, NOW).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.reassign(w.coordinator, trip, 999_999, NOW).await,
        Err(StoreError::Invalid(_))
    ));
    let moved = store
        .reassign(w.coordinator, trip, spare, NOW + 5)
        .await
        .unwrap();
    assert_eq!(
        (moved.vehicle_id, moved.driver_id, moved.status.as_str()),
        (spare, Some(spare_driver), "offered")
    );
    assert_ne!(moved.vehicle_id, vehicle);
    let spare_scope = Scope::Driver {
        district: w.district,
        driver: spare_driver,
    };
    let events = store.outbox_after(spare_scope, 0, 10).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        vec!["trip_offered"]
    );
    // The driver who declined it replays their stream from the start: the trip is no longer
    // theirs, so its events carry its id only, as a cancellation, and no elder's data.
    let old = store.outbox_after(declined_by, 0, 100).await.unwrap();
    assert!(!old.is_empty());
    for e in &old {
        assert_eq!(e.kind, "trip_cancelled", "{e:?}");
        assert_eq!(e.payload, serde_json::json!({ "id": trip }), "{e:?}");
    }
    assert_eq!(
        store
            .respond(spare_scope, trip, true, NOW)
            .await
            .unwrap()
            .status,
        "accepted"
    );

    // Vans and their stops.
    let van = store.create_van(w.district, "Van 1").await.unwrap();
    let mut stop = store.sites(w.district).await.unwrap()[0].clone();
    stop.kind = SiteKind::VanStop;
    stop.name = "Van 1 at the square".into();
    stop.day = Some(day());
    store
        .create_site(
            w.district,
            &NewSite {
                site: stop,
                address: String::new(),
                van_id: Some(van),
                walk_m: None,
            },
        )
        .await
        .unwrap();
    let vans = store.vans(w.district).await.unwrap();
    assert_eq!((vans.len(), vans[0].stops.len()), (1, 1));
    assert!(store.van_in(w.district, van).await.unwrap());
    assert!(!store.van_in(w.district + 1, van).await.unwrap());
    // A van is in one place at a time: a second stop that day overlapping the first is refused
    // naming it; one after it is taken; moving it onto the first is refused too (issue 14).
    let first = vans[0].stops[0].clone();
    let at = |from: i64, to: i64| {
        let mut s = first.clone();
        s.name = "Van 1 at the market".into();
        s.open_from = from;
        s.open_to = to;
        NewSite {
            site: s,
            address: String::new(),
            van_id: Some(van),
            walk_m: None,
        }
    };
    let overlapping = at(first.open_from + 1800, first.open_to + 1800);
    match store.create_site(w.district, &overlapping).await {
        Err(StoreError::Invalid(f)) => {
            assert_eq!(
                (f[0].field.as_str(), f[0].problem.code),
                ("hours", "van_elsewhere")
            );
        }
        other => panic!("{other:?}"),
    }
    let later = store
        .create_site(w.district, &at(first.open_to, first.open_to + 3600))
        .await
        .unwrap();
    assert!(matches!(
        store
            .update_site(w.district, later, &overlapping, NOW)
            .await,
        Err(StoreError::Invalid(_))
    ));
}
both!(
    declined_trips_are_reassigned_and_vans_keep_their_stops_on_both_databases,
    declined_trips_are_reassigned
);

/// A driver moved to another vehicle takes that vehicle's trips and leaves their old one's
/// (issue 14): the old trips wait without a driver, their data erased from the driver's stream;
/// moving them back offers the trips again; a driver on the road is not moved.
async fn drivers_move_with_their_trips(store: Store) {
    let w = world(&store).await;
    let batch: Vec<NewBooking> = w.elders_a.iter().map(|&e| booking(e)).collect();
    store
        .create_bookings(w.secretary_a, w.community_a, w.user_a, &batch, None, NOW)
        .await
        .unwrap();
    publish_day(&store, &w, 200, NOW).await;
    let scope = |d: i64| Scope::Driver {
        district: w.district,
        driver: d,
    };
    let mut with_trips = Vec::new();
    for &d in &w.drivers {
        if let Some(t) = store.trips(scope(d), None).await.unwrap().first() {
            store.respond(scope(d), t.id, true, NOW).await.unwrap();
            with_trips.push((d, t.clone()));
        }
    }
    assert!(!with_trips.is_empty(), "a driver with a trip");
    let (mover, trip) = with_trips[0].clone();
    let empty = store
        .create_vehicle(
            w.district,
            &NewVehicle {
                vehicle: Vehicle {
                    id: 0,
                    name: "empty".into(),
                    seats: 4,
                    wheelchairs: 0,
                    features: vec![],
                    shift_from: 6 * 3600,
                    team: None,
                    shift_to: 18 * 3600,
                    start: Point {
                        lon: 123.4,
                        lat: 41.8,
                    },
                },
            },
        )
        .await
        .unwrap();
    let me = store
        .drivers(w.district)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.id == mover)
        .unwrap();
    let to = |v: Option<i64>| NewDriver {
        name: me.name.clone(),
        phone: me.phone.clone(),
        vehicle_id: v,
    };
    store
        .update_driver(w.district, mover, &to(Some(empty)), NOW + 1)
        .await
        .unwrap();
    assert!(store.trips(scope(mover), None).await.unwrap().is_empty());
    let left = store
        .trips(w.coordinator, Some(day().as_str()))
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.id == trip.id)
        .unwrap();
    assert_eq!((left.driver_id, left.status.as_str()), (None, "offered"));
    let events = store.outbox_after(scope(mover), 0, 100).await.unwrap();
    assert_eq!(events.last().unwrap().kind, "trip_cancelled");
    for e in &events {
        assert_eq!(e.payload, serde_json::json!({ "id": trip.id }), "{e:?}");
    }
    // Back to the old vehicle: its trip is offered to them again.
    store
        .update_driver(w.district, mover, &to(me.vehicle_id), NOW + 2)
        .await
        .unwrap();
    let back = store.trips(scope(mover), None).await.unwrap();
    assert_eq!(
        back.iter()
            .map(|t| (t.id, t.status.as_str()))
            .collect::<Vec<_>>(),
        vec![(trip.id, "offered")]
    );
    let events = store.outbox_after(scope(mover), 0, 100).await.unwrap();
    assert_eq!(events.last().unwrap().kind, "trip_offered");
    // A driver on the road stays with their vehicle.
    store
        .respond(scope(mover), trip.id, true, NOW + 3)
        .await
        .unwrap();
    store
        .report(scope(mover), trip.stops[0].id, Report::Arrived, NOW + 3)
        .await
        .unwrap();
    match store
        .update_driver(w.district, mover, &to(None), NOW + 4)
        .await
    {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "driver_on_a_trip"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.trips(scope(mover), None).await.unwrap().len(), 1);
}
both!(
    drivers_move_with_their_trips_on_both_databases,
    drivers_move_with_their_trips
);

async fn drivers_change_and_keep_one_vehicle_each(store: Store) {
    let w = world(&store).await;
    let list = store.drivers(w.district).await.unwrap();
    let (first, second) = (&list[0], &list[1]);
    let taken = second
        .vehicle_id
        .expect("the world's drivers have vehicles");
    // Another driver's vehicle is refused by field and code, and nothing changes.
    let change = |vehicle_id| NewDriver {
        name: "Wang Lei".into(),
        phone: "13912345678".into(),
        vehicle_id,
    };
    match store
        .update_driver(w.district, first.id, &change(Some(taken)), 0)
        .await
    {
        Err(StoreError::Invalid(fields)) => {
            assert_eq!(fields[0].field, "vehicle_id");
            assert_eq!(fields[0].problem.code, "vehicle_has_driver");
        }
        other => panic!("expected a field error, got {other:?}"),
    }
    assert_eq!(store.drivers(w.district).await.unwrap(), list);
    // A new driver cannot take it either.
    assert!(matches!(
        store.create_driver(w.district, &change(Some(taken))).await,
        Err(StoreError::Invalid(_))
    ));
    // Their own vehicle is no conflict; `None` frees it for another.
    store
        .update_driver(w.district, first.id, &change(first.vehicle_id), 0)
        .await
        .unwrap();
    store
        .update_driver(w.district, second.id, &change(None), 0)
        .await
        .unwrap();
    store
        .update_driver(w.district, first.id, &change(Some(taken)), 0)
        .await
        .unwrap();
    let now = store.drivers(w.district).await.unwrap();
    assert_eq!(
        (now[0].name.as_str(), now[0].vehicle_id, now[1].vehicle_id),
        ("Wang Lei", Some(taken), None)
    );
    // Another district's coordinator sees no such driver.
    assert!(matches!(
        store
            .update_driver(w.district + 1, first.id, &change(None), 0)
            .await,
        Err(StoreError::NotFound)
    ));
    // A NUL character: PostgreSQL cannot store it and says so by field; never a database error.
    let nul = NewDriver {
        name: "Wang\0Lei".into(),
        ..change(None)
    };
    match store.update_driver(w.district, first.id, &nul, 0).await {
        Ok(()) => {}
        Err(StoreError::Invalid(f)) => assert_eq!(f[0].problem.code, "nul_character"),
        Err(other) => panic!("expected Ok or a field error, got {other:?}"),
    }
    // A retired vehicle frees its driver.
    store
        .update_driver(w.district, first.id, &change(Some(taken)), 0)
        .await
        .unwrap();
    store
        .retire(w.district, vaxride_store::Retire::Vehicle, taken, NOW)
        .await
        .unwrap();
    let now = store.drivers(w.district).await.unwrap();
    assert_eq!(now[0].vehicle_id, None);
}
both!(
    drivers_change_and_keep_one_vehicle_each_on_both_databases,
    drivers_change_and_keep_one_vehicle_each
);

async fn elders_leave_the_roster(store: Store) {
    let w = world(&store).await;
    let s = w.secretary_a;
    let elder = w.elders_a[0];
    let ids = store
        .create_bookings(s, w.community_a, w.user_a, &[booking(elder)], None, NOW)
        .await
        .unwrap();
    // Another community's secretary sees no such elder.
    assert!(matches!(
        store.retire_elder(w.secretary_b, elder, NOW).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.retire_elder(s, elder, NOW + 1).await.unwrap(), ids);
    // The open booking is cancelled; the history stays readable.
    let b = store.booking(s, ids[0]).await.unwrap();
    assert_eq!(b.status, BookingStatus::Cancelled);
    assert_eq!(store.elder(s, elder).await.unwrap().id, elder);
    // No longer listed, changed, booked or retired again.
    assert!(
        store
            .elders(s, None)
            .await
            .unwrap()
            .iter()
            .all(|e| e.id != elder)
    );
    assert!(matches!(
        store
            .update_elder(s, elder, &elder_input_of(&store, s, elder).await, NOW)
            .await,
        Err(StoreError::NotFound)
    ));
    match store
        .create_bookings(s, w.community_a, w.user_a, &[booking(elder)], None, NOW)
        .await
    {
        Err(StoreError::Invalid(fields)) => {
            assert_eq!(fields[0].problem.code, "no_such_elder", "{fields:?}")
        }
        other => panic!("a retired elder cannot be booked: {other:?}"),
    }
    assert!(matches!(
        store.retire_elder(s, elder, NOW).await,
        Err(StoreError::NotFound)
    ));
    // An elder without bookings just leaves.
    assert_eq!(
        store.retire_elder(s, w.elders_a[1], NOW).await.unwrap(),
        Vec::<i64>::new()
    );
}
both!(
    elders_leave_the_roster_on_both_databases,
    elders_leave_the_roster
);

/// The input that would write `id` back as it is.
async fn elder_input_of(store: &Store, scope: Scope, id: i64) -> ElderInput {
    let e = store.elder(scope, id).await.unwrap();
    ElderInput {
        name: e.name,
        phone: e.phone,
        address: e.address,
        home: e.home,
        mobility: e.mobility,
        companions: e.companions,
        dose: e.dose,
        priority: e.priority,
        notes: e.notes,
    }
}

async fn job_queue(store: Store) {
    use vaxride_store::{JobEnd, JobStatus, JobUpdate, Lease, MAX_ATTEMPTS, NewJob};
    let w = world(&store).await;
    let run = NewJob {
        reason: None,
        seconds: 5,
        clustered: true,
    };
    let update = JobUpdate {
        stage: "clusters",
        percent: 40,
        best: None,
    };
    let status = |v: &vaxride_store::JobView| v.state();

    // One waits per district and day: a new run replaces the queued one.
    let first = store
        .enqueue_job(w.district, &day(), run, NOW)
        .await
        .unwrap();
    let second = store
        .enqueue_job(w.district, &day(), run, NOW)
        .await
        .unwrap();
    let replaced = store.job(w.coordinator, first).await.unwrap();
    assert_eq!(status(&replaced), JobStatus::Cancelled);
    assert_eq!(
        replaced.error.as_deref(),
        Some(&*format!("replaced by job {second}"))
    );
    // Another district cannot see it.
    assert!(matches!(
        store.job(w.other_coordinator, second).await,
        Err(StoreError::NotFound)
    ));

    // Claimed once; a second claimer gets nothing; while it runs, a new run of the same day
    // waits and is not claimed.
    let claimed = store.claim_job("a", NOW, NOW + 15).await.unwrap().unwrap();
    assert_eq!((claimed.id, claimed.attempt, claimed.run), (second, 1, run));
    assert_eq!(store.claim_job("b", NOW, NOW + 15).await.unwrap(), None);
    let third = store
        .enqueue_job(w.district, &day(), run, NOW)
        .await
        .unwrap();
    assert_eq!(store.claim_job("b", NOW, NOW + 15).await.unwrap(), None);

    // Only the holder renews and writes progress.
    assert_eq!(
        store
            .renew_job(second, "b", &update, NOW + 1, NOW + 16)
            .await
            .unwrap(),
        Lease::Lost
    );
    assert_eq!(
        store
            .renew_job(second, "a", &update, NOW + 1, NOW + 16)
            .await
            .unwrap(),
        Lease::Held
    );
    assert_eq!(store.job(w.coordinator, second).await.unwrap().percent, 40);

    // The holder dies: once the lease lapses any instance queues it again; the next claim is
    // attempt 2, and the dead holder can no longer write.
    assert_eq!(store.recover_jobs(None, NOW + 10).await.unwrap(), 0);
    assert_eq!(store.recover_jobs(None, NOW + 17).await.unwrap(), 1);
    assert_eq!(
        status(&store.job(w.coordinator, second).await.unwrap()),
        JobStatus::Queued
    );
    assert!(
        !store
            .finish_job(second, "a", JobEnd::Done { plan_id: 1 }, NOW + 18)
            .await
            .unwrap()
    );
    // Oldest first: the retried job before the newer one.
    let again = store
        .claim_job("b", NOW + 18, NOW + 33)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempt), (second, 2));
    // An instance starting again under its name takes its jobs back at once.
    assert_eq!(store.recover_jobs(Some("b"), NOW + 19).await.unwrap(), 1);
    let last = store
        .claim_job("c", NOW + 19, NOW + 34)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((last.id, last.attempt), (second, MAX_ATTEMPTS));
    // After the last attempt a lapse fails it, with the reason.
    assert_eq!(store.recover_jobs(None, NOW + 60).await.unwrap(), 1);
    let failed = store.job(w.coordinator, second).await.unwrap();
    assert_eq!(status(&failed), JobStatus::Failed);
    assert!(failed.error.unwrap().contains("stopped"), "a reason");

    // The waiting run is next; a cancel reaches its runner through the lease, and only one
    // end is written.
    let next = store
        .claim_job("c", NOW + 61, NOW + 76)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.id, third);
    let view = store
        .cancel_job(w.coordinator, third, NOW + 62)
        .await
        .unwrap();
    assert!(view.cancel_requested && status(&view) == JobStatus::Running);
    assert_eq!(
        store
            .renew_job(third, "c", &update, NOW + 63, NOW + 78)
            .await
            .unwrap(),
        Lease::CancelRequested
    );
    assert!(
        store
            .finish_job(third, "c", JobEnd::Cancelled, NOW + 64)
            .await
            .unwrap()
    );
    assert!(
        !store
            .finish_job(third, "c", JobEnd::Failed { error: "late" }, NOW + 65)
            .await
            .unwrap()
    );
    let ended = store.job(w.coordinator, third).await.unwrap();
    assert_eq!(status(&ended), JobStatus::Cancelled);
    assert!(ended.state().is_final());

    // A queued job is cancelled at once; an ended one is left as it is.
    let fourth = store
        .enqueue_job(w.district, &day(), run, NOW + 70)
        .await
        .unwrap();
    let view = store
        .cancel_job(w.coordinator, fourth, NOW + 71)
        .await
        .unwrap();
    assert_eq!(status(&view), JobStatus::Cancelled);
    let view = store
        .cancel_job(w.coordinator, second, NOW + 72)
        .await
        .unwrap();
    assert_eq!(status(&view), JobStatus::Failed);
    assert!(matches!(
        store
            .cancel_job(w.other_coordinator, fourth, NOW + 73)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store.claim_job("d", NOW + 80, NOW + 95).await.unwrap(),
        None
    );
}
both!(
    planning_jobs_are_a_durable_queue_on_both_databases,
    job_queue
);

/// Van planning runs in the same queue (issue 16): a van job and a day's plan of the same day
/// neither replace nor wait for each other; a van job keeps its request and, done, its
/// proposal; a newer van job replaces a waiting one.
async fn van_jobs(store: Store) {
    use vaxride_store::{JobEnd, JobKind, JobStatus, NewJob};
    let w = world(&store).await;
    let run = NewJob {
        reason: None,
        seconds: 5,
        clustered: true,
    };
    let request = serde_json::json!({"vans": [{"van_id": 1, "days": [day().as_str()]}]});
    let plan = store
        .enqueue_job(w.district, &day(), run, NOW)
        .await
        .unwrap();
    let vans = store
        .enqueue_vans_job(w.district, &day(), 30, &request, NOW)
        .await
        .unwrap();
    let again = store
        .enqueue_vans_job(w.district, &day(), 30, &request, NOW)
        .await
        .unwrap();
    assert_eq!(
        store.job(w.coordinator, plan).await.unwrap().state(),
        JobStatus::Queued,
        "a van job leaves the day's run waiting"
    );
    let replaced = store.job(w.coordinator, vans).await.unwrap();
    assert_eq!(replaced.state(), JobStatus::Cancelled);
    assert_eq!(replaced.kind, "vans");
    // Both kinds of the same day run at once.
    let first = store.claim_job("a", NOW, NOW + 15).await.unwrap().unwrap();
    let second = store.claim_job("b", NOW, NOW + 15).await.unwrap().unwrap();
    assert_eq!((first.id, first.kind), (plan, JobKind::Day));
    assert_eq!((second.id, second.kind), (again, JobKind::Vans));
    assert_eq!(second.request.as_ref(), Some(&request));
    assert_eq!(second.run.seconds, 30);
    let (view, proposal) = store.vans_job(w.coordinator, again).await.unwrap();
    assert_eq!((view.state(), proposal), (JobStatus::Running, None));
    let result = serde_json::json!({"days": [], "coupled": {"served": 3}});
    assert!(
        store
            .finish_job(again, "b", JobEnd::Answered { result: &result }, NOW + 5)
            .await
            .unwrap()
    );
    let (view, proposal) = store.vans_job(w.coordinator, again).await.unwrap();
    assert_eq!(view.state(), JobStatus::Done);
    assert_eq!(view.plan_id, None);
    assert_eq!(proposal, Some(result));
    // Not another district's, and a day's run is not a van job.
    assert!(matches!(
        store.vans_job(w.other_coordinator, again).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.vans_job(w.coordinator, plan).await,
        Err(StoreError::NotFound)
    ));
}
both!(
    van_planning_jobs_share_the_queue_on_both_databases,
    van_jobs
);

/// A day under way read as it stands (issue 15): after the driver picked the first elder up,
/// her booking is carried (on her way), her stop is done and the driver's next stop is under way;
/// the other vehicle's stops are open. Planned again from there, she is dropped by the same
/// vehicle and, wanting it, brought home.
async fn day_under_way(store: Store) {
    let w = world(&store).await;
    let batch: Vec<NewBooking> = w.elders_a.iter().map(|&e| booking(e)).collect();
    store
        .create_bookings(w.secretary_a, w.community_a, w.user_a, &batch, None, NOW)
        .await
        .unwrap();
    assert!(
        store
            .day_under_way(w.district, &day(), day().start_unix() + 9 * 3600)
            .await
            .unwrap()
            .is_none(),
        "no published plan: nothing under way"
    );
    publish_day(&store, &w, 300, NOW + 10).await;
    // A driver with a trip.
    let mut with_trip = None;
    for &d in &w.drivers {
        let driver = Scope::Driver {
            district: w.district,
            driver: d,
        };
        if let Some(t) = store
            .trips(driver, Some(day().as_str()))
            .await
            .unwrap()
            .first()
        {
            with_trip = Some((driver, t.clone()));
            break;
        }
    }
    let (driver, trip) = with_trip.expect("a driver with a trip");
    store
        .respond(driver, trip.id, true, NOW + 20)
        .await
        .unwrap();
    let first = &trip.stops[0];
    for r in [Report::Arrived, Report::PickedUp] {
        store.report(driver, first.id, r, NOW + 30).await.unwrap();
    }
    let vaxride_store::UnderWay {
        input,
        day: day_now,
        ..
    } = store
        .day_under_way(w.district, &day(), day().start_unix() + 9 * 3600)
        .await
        .unwrap()
        .expect("a published plan");
    assert!(
        input
            .bookings
            .iter()
            .any(|b| b.booking_id == first.booking_id),
        "the elder on her way is carried: {:?}",
        input.bookings
    );
    let vehicle = trip.vehicle_id;
    let mine = day_now
        .routes
        .iter()
        .find(|r| r.vehicle_id == vehicle)
        .expect("the driver's route");
    assert!(matches!(
        mine.stops[0].state,
        vaxride_dispatch::underway::StopState::Done { at } if at == NOW + 30 - day().start_unix()
    ));
    if mine.stops.len() > 1 {
        assert_eq!(
            mine.stops[1].state,
            vaxride_dispatch::underway::StopState::UnderWay,
            "driving to the next stop"
        );
    }
    assert!(
        day_now
            .routes
            .iter()
            .filter(|r| r.vehicle_id != vehicle)
            .flat_map(|r| &r.stops)
            .all(|s| s.state == vaxride_dispatch::underway::StopState::Open),
        "the trip not accepted has not begun"
    );
    let again = vaxride_dispatch::planning::plan_under_way(
        &input,
        &day_now,
        &StraightLines,
        PlanOptions::default(),
        &Iterations(600),
        &Silent,
    )
    .expect("a checked plan with nobody stranded");
    let carried = |kind: StopKind| {
        again
            .result()
            .routes
            .iter()
            .find(|r| {
                r.stops
                    .iter()
                    .any(|s| s.booking_id == first.booking_id && s.kind == kind)
            })
            .map(|r| r.vehicle_id)
    };
    assert_eq!(carried(StopKind::DropSite), Some(vehicle));
    assert!(carried(StopKind::DropHome).is_some(), "and home again");
}

both!(
    a_day_under_way_is_read_as_it_stands_on_both_databases,
    day_under_way
);

/// The district's drivers, as they ask.
fn drivers(w: &World) -> Vec<Scope> {
    w.drivers
        .iter()
        .map(|&d| Scope::Driver {
            district: w.district,
            driver: d,
        })
        .collect()
}

/// Every driver's events, by driver.
async fn outboxes(store: &Store, w: &World) -> Vec<Vec<vaxride_store::OutboxEvent>> {
    let mut out = Vec::new();
    for driver in drivers(w) {
        out.push(store.outbox_after(driver, 0, 1000).await.unwrap());
    }
    out
}

/// The issue's scenario: a driver accepted and carried an elder to the site; the coordinator
/// plans the day again and publishes it. The trip stays the driver's with its steps done, the
/// elder has a ride home, each driver hears only of their trip's changes, and a plan that
/// changes nothing tells nobody anything.
async fn replan_under_way(store: Store) {
    let w = world(&store).await;
    book_and_publish(&store, &w, 300, NOW + 10).await;
    let t0 = day().start_unix() + 8 * 3600;
    // A driver whose trip takes an elder to the site.
    let mut found = None;
    for driver in drivers(&w) {
        for t in store.trips(driver, None).await.unwrap() {
            if t.stops.iter().any(|x| x.kind == StopKind::DropSite) && found.is_none() {
                found = Some((driver, t));
            }
        }
    }
    let (driver, trip) = found.expect("a trip to the site");
    store.respond(driver, trip.id, true, t0).await.unwrap();
    // Every step up to the first drop at the site.
    let mut done = Vec::new();
    for x in &trip.stops {
        let steps: &[Report] = match x.kind {
            StopKind::PickupHome => &[Report::Arrived, Report::PickedUp],
            StopKind::DropSite => &[Report::DroppedAtSite],
            StopKind::PickupSite => &[Report::ReturnPickedUp],
            StopKind::DropHome => &[Report::Home],
            StopKind::HomeVisit => &[Report::Arrived, Report::Vaccinated],
        };
        for &r in steps {
            store.report(driver, x.id, r, t0 + 600).await.unwrap();
        }
        done.push(x.id);
        if x.kind == StopKind::DropSite {
            break;
        }
    }
    let at_site = trip.stops[done.len() - 1].booking_id;
    assert_eq!(
        store.booking(w.coordinator, at_site).await.unwrap().status,
        BookingStatus::AtSite
    );
    let before = outboxes(&store, &w).await;

    // The coordinator plans the day as it stands and publishes it.
    let vaxride_store::UnderWay {
        input,
        day: under_way,
        ..
    } = store
        .day_under_way(w.district, &day(), t0 + 900)
        .await
        .unwrap()
        .expect("a published plan");
    let again = vaxride_dispatch::planning::plan_under_way(
        &input,
        &under_way,
        &StraightLines,
        PlanOptions::default(),
        &Iterations(600),
        &Silent,
    )
    .expect("a checked plan with nobody stranded");
    let v2 = store
        .save_plan(w.district, &day(), &again, None, t0 + 900)
        .await
        .unwrap();
    store
        .publish_plan(w.coordinator, v2, t0 + 960)
        .await
        .unwrap();
    // The driver's trip: the same, still accepted, its steps done as they were.
    let now = trip_of(&store, driver, trip.id).await;
    assert_eq!(now.status, "accepted");
    assert_eq!(now.plan_id, v2);
    for (id, x) in done.iter().zip(&now.stops) {
        assert_eq!((x.id, x.done.is_some()), (*id, true), "{now:?}");
    }
    // The elder at the site has her ride home.
    let home: Vec<vaxride_store::TripView> = {
        let mut all = Vec::new();
        for s in drivers(&w) {
            all.extend(store.trips(s, None).await.unwrap());
        }
        all
    };
    assert!(
        home.iter()
            .any(|t| t.stops.iter().any(|x| x.booking_id == at_site
                && x.kind == StopKind::DropHome
                && x.done.is_none())),
        "her ride home is planned"
    );
    let hers = store.booking(w.coordinator, at_site).await.unwrap();
    assert_eq!(hers.status, BookingStatus::AtSite);
    assert!(hers.planned_return.is_some(), "{hers:?}");
    // Each driver hears at most once, and only of a trip that changed; no accepted trip is
    // withdrawn.
    let after = outboxes(&store, &w).await;
    for (b, a) in before.iter().zip(&after) {
        let new = &a[b.len()..];
        assert!(new.len() <= 2, "{new:?}");
        for e in new {
            assert!(
                !(e.kind == "trip_cancelled" && e.payload["id"] == trip.id),
                "{e:?}"
            );
        }
    }
    // What changed on the accepted trip is there to acknowledge.
    for c in &now.changes {
        assert_eq!(c.reason, ChangeReason::Replanned);
        assert!(c.acknowledged_at.is_none());
        assert!(!(c.added.is_empty() && c.removed.is_empty() && c.retimed.is_empty()));
        assert!(
            c.retimed
                .iter()
                .all(|x| (x.planned - x.from.unwrap()).abs() >= 300)
        );
    }

    // The same plan again: nothing changes, nobody hears anything.
    let v3 = store
        .save_plan(w.district, &day(), &again, None, t0 + 990)
        .await
        .unwrap();
    store
        .publish_plan(w.coordinator, v3, t0 + 1000)
        .await
        .unwrap();
    assert_eq!(outboxes(&store, &w).await, after, "nothing to tell");
    assert_eq!(trip_of(&store, driver, trip.id).await.changes, now.changes);

    // A cancelled booking on the accepted trip: a change with its reason, acknowledged once.
    let next = now
        .stops
        .iter()
        .find(|x| x.done.is_none() && x.kind == StopKind::PickupHome);
    if let Some(next) = next {
        let b = store.booking(w.coordinator, next.booking_id).await.unwrap();
        assert_eq!(b.status, BookingStatus::Confirmed);
        store
            .cancel_booking(w.secretary_a, next.booking_id, t0 + 1100)
            .await
            .unwrap();
        let t = trip_of(&store, driver, trip.id).await;
        let c = t.changes.last().unwrap();
        assert_eq!(c.reason, ChangeReason::Cancelled);
        assert!(c.removed.iter().any(|x| x.id == next.id));
        let acked = store
            .acknowledge_change(driver, trip.id, c.id, t0 + 1200)
            .await
            .unwrap();
        let c2 = acked.changes.iter().find(|x| x.id == c.id).unwrap();
        assert_eq!(c2.acknowledged_at, Some(t0 + 1200));
        let again = store
            .acknowledge_change(driver, trip.id, c.id, t0 + 1300)
            .await
            .unwrap();
        assert_eq!(again, acked, "repeating is harmless");
    }
    // Another driver cannot acknowledge it, nor a change that is not there.
    let other = drivers(&w).into_iter().find(|&d| d != driver).unwrap();
    for (scope, change) in [(other, 1), (driver, 9_999)] {
        assert!(matches!(
            store.acknowledge_change(scope, trip.id, change, t0).await,
            Err(StoreError::NotFound)
        ));
    }
}

both!(
    a_day_under_way_planned_again_changes_trips_never_replaces_them_on_both_databases,
    replan_under_way
);

/// A failed health check at the site: the booking says so, the ride home's stop stays open,
/// and the day as it stands ends the elder's visit then (the ride home may come now).
async fn health_check_failed(store: Store) {
    let w = world(&store).await;
    book_and_publish(&store, &w, 300, NOW + 10).await;
    let t0 = day().start_unix() + 8 * 3600;
    let trips = accept_all(&store, &w, t0).await;
    // The first elder with a ride home is taken to the site.
    let (driver, trip) = trips
        .iter()
        .find(|(_, t)| t.stops.iter().any(|x| x.kind == StopKind::PickupSite))
        .expect("a trip with a ride home");
    let ride_home = trip
        .stops
        .iter()
        .find(|x| x.kind == StopKind::PickupSite)
        .unwrap();
    let hers = ride_home.booking_id;
    let find = |kind: StopKind| {
        trips
            .iter()
            .find_map(|(d, t)| {
                t.stops
                    .iter()
                    .find(|x| x.booking_id == hers && x.kind == kind)
                    .map(|x| (*d, x.id))
            })
            .unwrap()
    };
    let (d1, pickup) = find(StopKind::PickupHome);
    let (d2, drop) = find(StopKind::DropSite);
    store
        .report(d1, pickup, Report::PickedUp, t0 + 600)
        .await
        .unwrap();
    store
        .report(d2, drop, Report::DroppedAtSite, t0 + 1200)
        .await
        .unwrap();
    // Not a step of a pick-up at home.
    match store
        .report(d1, pickup, Report::HealthCheckFailed, t0 + 1300)
        .await
    {
        Err(StoreError::Invalid(f)) => assert_eq!(f[0].problem.code, "step_does_not_fit"),
        other => panic!("{other:?}"),
    }
    let status = store
        .report(*driver, ride_home.id, Report::HealthCheckFailed, t0 + 1500)
        .await
        .unwrap();
    assert_eq!(status, "at_site");
    let b = store.booking(w.coordinator, hers).await.unwrap();
    assert_eq!(b.health_check_failed_at, Some(t0 + 1500));
    let t = trip_of(&store, *driver, trip.id).await;
    let x = t.stops.iter().find(|x| x.id == ride_home.id).unwrap();
    assert_eq!(x.done, None, "the ride home is still to come");
    let vaxride_store::UnderWay { input, .. } = store
        .day_under_way(w.district, &day(), t0 + 1600)
        .await
        .unwrap()
        .unwrap();
    let planned = input
        .bookings
        .iter()
        .find(|x| x.booking_id == hers)
        .unwrap();
    assert_eq!(
        planned.dwell_minutes, 5,
        "the visit ended at the failed check"
    );
}

both!(
    a_failed_health_check_ends_the_visit_on_both_databases,
    health_check_failed
);

/// Events of a day with a published plan are logged, each with a repair queued (one repair
/// waits at a time; a coordinator's run waiting takes them over); before the day is published
/// nothing is logged. A declining driver's vehicle takes no stops in the day as it stands.
async fn events_queue_repairs(store: Store) {
    let w = world(&store).await;
    let batch: Vec<NewBooking> = w.elders_a.iter().map(|&e| booking(e)).collect();
    let b = store
        .create_bookings(w.secretary_a, w.community_a, w.user_a, &batch, None, NOW)
        .await
        .unwrap();
    let the_day = day();
    let events = || store.day_events(w.district, &the_day);
    // Not yet published: a cancellation is only that.
    store
        .cancel_booking(w.secretary_a, b[0], NOW + 1)
        .await
        .unwrap();
    assert!(events().await.unwrap().is_empty());
    publish_day(&store, &w, 300, NOW + 10).await;
    assert!(events().await.unwrap().is_empty(), "publishing is no event");

    // Published: a cancellation is logged and queues its repair.
    store
        .cancel_booking(w.secretary_a, b[1], NOW + 20)
        .await
        .unwrap();
    let log = events().await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].kind, log[0].booking_id, log[0].job_status.as_deref()),
        (ChangeReason::Cancelled, Some(b[1]), Some("queued"))
    );
    assert!(log[0].elder_name.is_some());
    let claimed = store
        .claim_job("test", NOW + 21, NOW + 60)
        .await
        .unwrap()
        .expect("the repair");
    assert_eq!(claimed.run.reason, Some(ChangeReason::Cancelled));
    assert_eq!(claimed.run.seconds, vaxride_store::REPAIR_SECONDS);

    // A driver declines: logged on the trip; the vehicle is out of the day as it stands.
    let (driver, trip) = {
        let mut found = None;
        for d in drivers(&w) {
            if let Some(t) = store.trips(d, None).await.unwrap().into_iter().next() {
                found = Some((d, t));
                break;
            }
        }
        found.expect("a trip")
    };
    store
        .respond(driver, trip.id, false, NOW + 30)
        .await
        .unwrap();
    let log = events().await.unwrap();
    assert_eq!(
        (log[0].kind, log[0].trip_id),
        (ChangeReason::Declined, Some(trip.id))
    );
    let vaxride_store::UnderWay { input, .. } = store
        .day_under_way(w.district, &day(), NOW + 31)
        .await
        .unwrap()
        .unwrap();
    assert!(input.vehicles.iter().all(|v| v.id != trip.vehicle_id));
    assert!(!input.vehicles.is_empty());

    // A later event's repair takes over the waiting one.
    store
        .cancel_booking(w.secretary_a, b[2], NOW + 40)
        .await
        .unwrap();
    let log = events().await.unwrap();
    assert_eq!(log[0].job_status.as_deref(), Some("queued"));
    assert_eq!(log[1].job_status.as_deref(), Some("cancelled"));
    assert_eq!(log[2].job_status.as_deref(), Some("running"));

    // A coordinator's run takes over a waiting repair, and a repair asked for while the run
    // waits is that run.
    let run = vaxride_store::NewJob {
        reason: None,
        seconds: 5,
        clustered: true,
    };
    let job = store
        .enqueue_job(w.district, &day(), run, NOW + 50)
        .await
        .unwrap();
    assert_eq!(
        events().await.unwrap()[0].job_status.as_deref(),
        Some("cancelled")
    );
    let urgent = store
        .create_bookings(
            w.secretary_a,
            w.community_a,
            w.user_a,
            &[booking(w.elders_a[0])],
            None,
            NOW + 60,
        )
        .await
        .unwrap();
    let log = events().await.unwrap();
    assert_eq!(
        (log[0].kind, log[0].booking_id, log[0].job_id),
        (ChangeReason::UrgentBooking, Some(urgent[0]), Some(job))
    );

    // Repairs apply by themselves only when the district says so.
    assert_eq!(store.auto_repair(w.district).await.unwrap(), None);
    let settings = vaxride_store::DaySettings {
        auto_repair: Some(2),
        answer_minutes: None,
    };
    store.set_day_settings(w.district, settings).await.unwrap();
    assert_eq!(store.auto_repair(w.district).await.unwrap(), Some(2));
}

both!(
    events_of_a_published_day_queue_repairs_on_both_databases,
    events_queue_repairs
);

/// A same-day booking into a slot it is offered: the booking, the plan with it in and the
/// event are written together, and only while the plan it was made from is still published; a
/// draft made from a plan another has replaced is refused (publishing it would undo that plan).
async fn into_a_slot(store: Store) {
    let w = world(&store).await;
    let batch: Vec<NewBooking> = w.elders_a.iter().map(|&e| booking(e)).collect();
    let b = store
        .create_bookings(w.secretary_a, w.community_a, w.user_a, &batch, None, NOW)
        .await
        .unwrap();
    store
        .cancel_booking(w.secretary_a, b[0], NOW + 1)
        .await
        .unwrap();
    let again = booking(w.elders_a[0]);
    let not_yet = store
        .urgent_day(w.secretary_a, w.community_a, &again, NOW + 2)
        .await
        .unwrap();
    assert!(not_yet.is_none(), "nothing published: nothing to offer");
    let p1 = publish_day(&store, &w, 300, NOW + 10).await;
    let at = day().start_unix() + 7 * 3600;
    let urgent = store
        .urgent_day(w.secretary_a, w.community_a, &again, at)
        .await
        .unwrap()
        .expect("a published day");
    assert_eq!(urgent.plan_id, p1);
    let offers = vaxride_dispatch::offer::slot_offers(
        &urgent.input,
        &urgent.day,
        vaxride_store::NEW_BOOKING,
        &StraightLines,
    );
    let o = offers.offers.first().expect("a slot offered");
    let plan = vaxride_dispatch::offer::insert_booking(
        &urgent.input,
        &urgent.day,
        vaxride_store::NEW_BOOKING,
        (o.site_id, o.slot_start),
        &StraightLines,
    )
    .unwrap();
    // A repair draft made from the same published plan, before the booking.
    let stale = stale_draft(&store, &w, at).await;
    let who = (w.secretary_a, w.community_a, w.user_a);
    let placed = vaxride_store::Placed {
        from: &urgent,
        plan: plan.clone(),
    };
    let (id, p2) = store
        .book_into_plan(who, &again, placed, None, at + 5)
        .await
        .unwrap();
    let view = store.booking(w.secretary_a, id).await.unwrap();
    assert_eq!(view.planned_pickup, Some(o.pickup));
    assert_eq!(view.planned_site_id, Some(o.site_id));
    assert_eq!(view.status, BookingStatus::Planned);
    let log = store.day_events(w.district, &day()).await.unwrap();
    assert_eq!(
        (
            log[0].kind,
            log[0].booking_id,
            log[0].plan_id,
            log[0].plan_status.as_deref()
        ),
        (
            ChangeReason::UrgentBooking,
            Some(id),
            Some(p2),
            Some("published")
        )
    );
    // The stale draft would drop her again: refused.
    match store.publish_plan(w.coordinator, stale, at + 6).await {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "plan_outdated"),
        other => panic!("a stale draft was published: {other:?}"),
    }
    // A second booking into a plan read before the first is refused as well, and nothing of
    // it is written.
    let placed = vaxride_store::Placed {
        from: &urgent,
        plan,
    };
    let other = booking(w.elders_a[1]);
    store
        .cancel_booking(w.secretary_a, b[1], at + 7)
        .await
        .unwrap();
    match store
        .book_into_plan(who, &other, placed, None, at + 8)
        .await
    {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "plan_outdated"),
        other => panic!("{other:?}"),
    }
    let day_now = store.bookings(w.secretary_a, &day()).await.unwrap();
    assert!(
        !day_now
            .iter()
            .any(|x| x.elder_id == w.elders_a[1] && x.status != BookingStatus::Cancelled),
        "the refused booking is not made"
    );
    // Her booking is checked like any: she cannot be booked twice.
    let twice = store
        .urgent_day(w.secretary_a, w.community_a, &again, at + 9)
        .await;
    match twice {
        Err(StoreError::Invalid(e)) => assert_eq!(e[0].field, "booking.elder_id"),
        other => panic!("{other:?}"),
    }
}

/// A draft made from the day as it stands (a repair, say).
async fn stale_draft(store: &Store, w: &World, at: i64) -> i64 {
    let u = store
        .day_under_way(w.district, &day(), at)
        .await
        .unwrap()
        .unwrap();
    let plan = vaxride_dispatch::planning::plan_under_way(
        &u.input,
        &u.day,
        &StraightLines,
        PlanOptions::default(),
        &Iterations(100),
        &Silent,
    )
    .unwrap();
    store
        .save_plan(w.district, &day(), &plan, Some(u.plan_id), at)
        .await
        .unwrap()
}

both!(
    a_same_day_booking_goes_into_a_slot_it_is_offered_on_both_databases,
    into_a_slot
);

/// The fleet and the road change the day too: a vehicle changed (unavailable from a time), a
/// site changed, and a trip reported well after its planned times are events of each published
/// day they touch, each queuing a repair; a trip late again within a quarter of an hour is
/// not logged twice.
async fn fleet_and_lateness(store: Store) {
    let w = world(&store).await;
    book_and_publish(&store, &w, 300, NOW + 10).await;
    let the_day = day();
    let events = || store.day_events(w.district, &the_day);
    // A trip whose first two stops are pick-ups at home (reports there need nothing else done).
    let mut found = None;
    for d in drivers(&w) {
        for t in store.trips(d, None).await.unwrap() {
            let homes = t
                .stops
                .iter()
                .take(2)
                .filter(|s| s.kind == StopKind::PickupHome);
            if found.is_none() && homes.count() == 2 {
                found = Some((d, t));
            }
        }
    }
    let (driver, trip) = found.expect("a trip that starts with two pick-ups at home");
    let t0 = day().start_unix();
    store.respond(driver, trip.id, true, t0).await.unwrap();
    // On time: nothing to log.
    let first = &trip.stops[0];
    store
        .report(driver, first.id, Report::Arrived, t0 + first.planned + 60)
        .await
        .unwrap();
    assert!(events().await.unwrap().is_empty());
    // Twenty minutes late at the next stop: the trip runs late, once.
    let next = &trip.stops[1];
    let late = t0 + next.planned + 1200;
    for (k, report) in [Report::Arrived, Report::PickedUp].into_iter().enumerate() {
        let _ = store.report(driver, next.id, report, late + k as i64).await;
    }
    let log = events().await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        (log[0].kind, log[0].trip_id, log[0].job_status.as_deref()),
        (ChangeReason::RunningLate, Some(trip.id), Some("queued"))
    );
    // The vehicle is unavailable from 10:00: its day is repaired.
    let mut vehicle = store
        .vehicles(w.district)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.id == trip.vehicle_id)
        .unwrap();
    vehicle.shift_to = 10 * 3600;
    store
        .update_vehicle(w.district, vehicle.id, &NewVehicle { vehicle }, NOW + 20)
        .await
        .unwrap();
    assert_eq!(
        events().await.unwrap()[0].kind,
        ChangeReason::VehicleChanged
    );
    // The site shrinks its slots: repaired too; a site with no stop to come is no event.
    let site = store
        .sites(w.district)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == w.site)
        .unwrap();
    let changed = NewSite {
        site: vaxride_dispatch::model::Site {
            capacity_per_slot: 1,
            ..site
        },
        address: String::new(),
        van_id: None,
        walk_m: None,
    };
    store
        .update_site(w.district, w.site, &changed, NOW + 30)
        .await
        .unwrap();
    let log = events().await.unwrap();
    assert_eq!(log[0].kind, ChangeReason::SiteChanged);
    assert_eq!(log.len(), 3, "{log:?}");
}

both!(
    the_fleet_the_sites_and_late_trips_are_events_of_the_day_on_both_databases,
    fleet_and_lateness
);

/// A trip not answered in the district's time goes to the others as if declined (once; an
/// accepted trip never); an elder's observation ending at another time than planned moves
/// the start of the ride home. Each is an event of the day with its repair.
async fn unanswered_and_observation(store: Store) {
    let w = world(&store).await;
    let published = NOW + 10;
    book_and_publish(&store, &w, 300, published).await;
    let the_day = day();
    let events = || store.day_events(w.district, &the_day);
    let settings = vaxride_store::DaySettings {
        auto_repair: None,
        answer_minutes: Some(30),
    };
    store.set_day_settings(w.district, settings).await.unwrap();
    assert_eq!(store.day_settings(w.district).await.unwrap(), settings);
    let mut trips = Vec::new();
    for driver in drivers(&w) {
        for t in store.trips(driver, None).await.unwrap() {
            trips.push((driver, t));
        }
    }
    // A trip with an elder's ride to the site and back on it (for the observation below).
    let ride_home = |t: &vaxride_store::TripView| {
        t.stops.iter().any(|x| {
            x.kind == StopKind::PickupSite
                && t.stops
                    .iter()
                    .any(|y| y.booking_id == x.booking_id && y.kind == StopKind::DropSite)
        })
    };
    let (driver, trip) = trips
        .iter()
        .find(|(_, t)| ride_home(t))
        .expect("a trip with an elder's ride home on it")
        .clone();
    let lapse = |at: i64| store.lapse_unanswered(at);
    assert!(lapse(published + 29 * 60).await.unwrap().is_empty());
    let lapsed = lapse(published + 30 * 60).await.unwrap();
    let every: Vec<i64> = trips.iter().map(|(_, t)| t.id).collect();
    assert_eq!(lapsed, every);
    assert!(lapse(published + 31 * 60).await.unwrap().is_empty(), "once");
    assert_eq!(trip_of(&store, driver, trip.id).await.status, "declined");
    let log = events().await.unwrap();
    assert_eq!(log.len(), every.len(), "{log:?}");
    assert!(log.iter().all(|e| e.kind == ChangeReason::Unanswered));
    // Offered again (the coordinator gives it back to its vehicle): the time counts again;
    // accepted, it never lapses.
    let again = published + 40 * 60;
    store
        .reassign(w.coordinator, trip.id, trip.vehicle_id, again)
        .await
        .unwrap();
    assert!(lapse(again + 29 * 60).await.unwrap().is_empty());
    store
        .respond(driver, trip.id, true, again + 60)
        .await
        .unwrap();
    assert!(lapse(again + 120 * 60).await.unwrap().is_empty());
    let (accepting, accepted) = (&driver, &trip);

    // The elder with a ride home on the accepted trip is taken to the site.
    let t0 = day().start_unix() + 8 * 3600;
    let stops = &accepted.stops;
    let hers = stops
        .iter()
        .find(|x| x.kind == StopKind::PickupSite)
        .map(|x| x.booking_id);
    let Some(hers) = hers.filter(|&b| {
        stops
            .iter()
            .any(|x| x.booking_id == b && x.kind == StopKind::DropSite)
    }) else {
        panic!("an elder with a ride home on the trip");
    };
    let too_soon = store
        .observation_ends(w.coordinator, hers, 10 * 3600, published)
        .await;
    match too_soon {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "not_at_site"),
        other => panic!("{other:?}"),
    }
    for (kind, report, at) in [
        (StopKind::PickupHome, Report::PickedUp, t0 + 600),
        (StopKind::DropSite, Report::DroppedAtSite, t0 + 1200),
    ] {
        let stop = stops
            .iter()
            .find(|x| x.booking_id == hers && x.kind == kind)
            .unwrap();
        store.report(*accepting, stop.id, report, at).await.unwrap();
    }
    // Her observation runs late: she is ready at 9:00, 40 minutes after she was dropped.
    let b = store
        .observation_ends(w.secretary_a, hers, 9 * 3600, t0 + 1500)
        .await
        .unwrap();
    assert_eq!(b.status.code(), "at_site");
    assert_eq!(events().await.unwrap()[0].kind, ChangeReason::Observation);
    let vaxride_store::UnderWay { input, day, .. } = store
        .day_under_way(w.district, &the_day, t0 + 1600)
        .await
        .unwrap()
        .unwrap();
    let planned = input
        .bookings
        .iter()
        .find(|x| x.booking_id == hers)
        .unwrap();
    assert_eq!(
        planned.dwell_minutes, 40,
        "the visit ends when she is ready"
    );
    assert!(day.ended_early.contains(&hers));
    // Not a secretary's of another community.
    assert!(matches!(
        store
            .observation_ends(w.secretary_b, hers, 9 * 3600, t0 + 1500)
            .await,
        Err(StoreError::NotFound)
    ));
}

both!(
    a_trip_not_answered_in_time_and_an_observation_ending_otherwise_are_events_on_both_databases,
    unanswered_and_observation
);

/// The campaign's ledger (issue 16): an elder brought to the site gets the shot due, recorded
/// once for the booking, and their dose status moves on; not before the site, not twice.
async fn ledger_of_shots(store: Store) {
    let w = world(&store).await;
    book_and_publish(&store, &w, 300, NOW + 10).await;
    let driver = drivers(&w)
        .into_iter()
        .next()
        .expect("a driver with a trip");
    let trip = store.trips(driver, None).await.unwrap().remove(0);
    let t0 = day().start_unix() + 8 * 3600;
    store.respond(driver, trip.id, true, t0).await.unwrap();
    let hers = trip
        .stops
        .iter()
        .find(|x| x.kind == StopKind::DropSite)
        .map(|x| x.booking_id)
        .expect("a drop at the site");
    let b = store.booking(w.coordinator, hers).await.unwrap();
    let before = store.elder(w.coordinator, b.elder_id).await.unwrap().dose;
    match store.vaccinated(w.secretary_a, hers, w.user_a, t0).await {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "not_at_site"),
        other => panic!("{other:?}"),
    }
    for (kind, report, at) in [
        (StopKind::PickupHome, Report::PickedUp, t0 + 600),
        (StopKind::DropSite, Report::DroppedAtSite, t0 + 1200),
    ] {
        let stop = trip
            .stops
            .iter()
            .find(|x| x.booking_id == hers && x.kind == kind)
            .unwrap();
        store.report(driver, stop.id, report, at).await.unwrap();
    }
    let shot = store
        .vaccinated(w.secretary_a, hers, w.user_a, t0 + 1800)
        .await
        .unwrap();
    assert_eq!(Some(shot.shot), before.next_shot());
    assert_eq!(
        (shot.booking_id, shot.day.as_str()),
        (Some(hers), "2022-04-18")
    );
    assert_eq!(shot.site_id, Some(w.site));
    let after = store.elder(w.coordinator, b.elder_id).await.unwrap().dose;
    assert_eq!(after, shot.shot.gives());
    // Recorded again: the same shot, and the status moves no further.
    let again = store
        .vaccinated(w.coordinator, hers, w.user_a, t0 + 1900)
        .await
        .unwrap();
    assert_eq!(again, shot);
    assert_eq!(
        store.elder(w.coordinator, b.elder_id).await.unwrap().dose,
        after
    );
    assert_eq!(
        store.vaccinations(w.secretary_a, b.elder_id).await.unwrap(),
        vec![shot]
    );
    // Not another community's secretary's to record or read.
    assert!(matches!(
        store.vaccinated(w.secretary_b, hers, w.user_a, t0).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.vaccinations(w.secretary_b, b.elder_id).await,
        Err(StoreError::NotFound)
    ));
}

both!(
    a_shot_given_at_the_site_moves_the_elders_dose_on_once_on_both_databases,
    ledger_of_shots
);

/// The driver of the ride home says the elder was vaccinated: the ledger records the shot due
/// (once, as a secretary's would), the stop stays open, the health check can no longer have
/// failed; the coordinator's progress counts it, the other community's secretary's does not.
async fn shot_reported_by_the_driver(store: Store) {
    let w = world(&store).await;
    book_and_publish(&store, &w, 300, NOW + 10).await;
    let t0 = day().start_unix() + 8 * 3600;
    let trips = accept_all(&store, &w, t0).await;
    let (driver, ride_home) = trips
        .iter()
        .find_map(|(d, t)| {
            t.stops
                .iter()
                .find(|x| x.kind == StopKind::PickupSite)
                .map(|x| (*d, x.clone()))
        })
        .expect("a trip with a ride home");
    let hers = ride_home.booking_id;
    let find = |kind: StopKind| {
        trips
            .iter()
            .find_map(|(d, t)| {
                t.stops
                    .iter()
                    .find(|x| x.booking_id == hers && x.kind == kind)
                    .map(|x| (*d, x.id))
            })
            .unwrap()
    };
    let before = store.progress(w.coordinator).await.unwrap();
    assert!(before.trend.is_empty());
    let elders_a = before
        .communities
        .iter()
        .find(|c| c.community_id == w.community_a)
        .unwrap()
        .clone();
    // Not before the elder is at the site.
    match store
        .report(driver, ride_home.id, Report::Vaccinated, t0 + 100)
        .await
    {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "not_at_site"),
        other => panic!("{other:?}"),
    }
    let (d1, pickup) = find(StopKind::PickupHome);
    let (d2, drop) = find(StopKind::DropSite);
    store
        .report(d1, pickup, Report::PickedUp, t0 + 600)
        .await
        .unwrap();
    store
        .report(d2, drop, Report::DroppedAtSite, t0 + 1200)
        .await
        .unwrap();
    for at in [t0 + 1500, t0 + 1600] {
        let status = store
            .report(driver, ride_home.id, Report::Vaccinated, at)
            .await
            .unwrap();
        assert_eq!(status, "at_site", "the status stays");
    }
    let b = store.booking(w.coordinator, hers).await.unwrap();
    let shots = store.vaccinations(w.coordinator, b.elder_id).await.unwrap();
    assert_eq!(shots.len(), 1, "recorded once");
    assert_eq!(shots[0].at, t0 + 1500);
    assert_eq!(b.vaccinated, Some(shots[0].shot));
    let stop = trip_of(&store, driver, ride_home_trip(&trips, ride_home.id))
        .await
        .stops
        .into_iter()
        .find(|x| x.id == ride_home.id)
        .unwrap();
    assert_eq!(stop.done, None, "the ride home is still to come");
    assert_eq!(stop.said, ["vaccinated"]);
    match store
        .report(driver, ride_home.id, Report::HealthCheckFailed, t0 + 1700)
        .await
    {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "already_vaccinated"),
        other => panic!("{other:?}"),
    }
    // The progress: one elder moved on, one shot on the day at the site.
    let after = store.progress(w.coordinator).await.unwrap();
    let a = after
        .communities
        .iter()
        .find(|c| c.community_id == w.community_a)
        .unwrap();
    assert_eq!(a.elders, elders_a.elders);
    assert_eq!(a.none + 1, elders_a.none, "{a:?}");
    assert_eq!(a.first, elders_a.first + 1);
    assert_eq!(after.trend.len(), 1);
    assert_eq!((after.trend[0].first, after.trend[0].total), (1, 1));
    let at_site = after
        .sites
        .iter()
        .find(|s| s.site_id == w.site)
        .expect("the site's day");
    assert_eq!((at_site.day.as_str(), at_site.shots), ("2022-04-18", 1));
    assert!(at_site.capacity > 0);
    let theirs = store.progress(w.secretary_b).await.unwrap();
    assert_eq!(theirs.communities.len(), 1);
    assert!(theirs.trend.is_empty(), "another community's shot");
    assert_eq!(store.progress(w.secretary_a).await.unwrap().trend.len(), 1);
}

/// Every driver accepts every trip of theirs at `at`: each with its driver.
async fn accept_all(store: &Store, w: &World, at: i64) -> Vec<(Scope, vaxride_store::TripView)> {
    let mut trips = Vec::new();
    for driver in drivers(w) {
        for t in store.trips(driver, None).await.unwrap() {
            store.respond(driver, t.id, true, at).await.unwrap();
            trips.push((driver, t));
        }
    }
    trips
}

fn ride_home_trip(trips: &[(Scope, vaxride_store::TripView)], stop: i64) -> i64 {
    trips
        .iter()
        .find(|(_, t)| t.stops.iter().any(|x| x.id == stop))
        .map(|(_, t)| t.id)
        .unwrap()
}

both!(
    a_shot_reported_by_the_driver_is_in_the_ledger_and_the_progress_on_both_databases,
    shot_reported_by_the_driver
);

/// Issue 16's home visits: a bedridden elder booked without a site is planned for the
/// district's home-visit team, its trip pushed to the team's phone like a driver's; the
/// secretary sees when the team comes; the team's reports (at the door, vaccinated) move the
/// booking to visited and the ledger on; a report of a ride does not fit a visit.
async fn home_visits(store: Store) {
    let w = world(&store).await;
    let team = store
        .create_vehicle(
            w.district,
            &NewVehicle {
                vehicle: Vehicle {
                    id: 0,
                    name: "home-visit team".into(),
                    seats: 2,
                    wheelchairs: 0,
                    features: vec![],
                    shift_from: 8 * 3600,
                    team: Some(vaxride_dispatch::model::Team { shots_per_day: 5 }),
                    shift_to: 16 * 3600,
                    start: Point {
                        lon: 123.40,
                        lat: 41.80,
                    },
                },
            },
        )
        .await
        .unwrap();
    let vehicles = store.vehicles(w.district).await.unwrap();
    let stored = vehicles.iter().find(|v| v.id == team).unwrap();
    assert_eq!(stored.team.map(|t| t.shots_per_day), Some(5));
    let doctor = store
        .create_driver(
            w.district,
            &NewDriver {
                name: "Dr Sun".into(),
                phone: "137".into(),
                vehicle_id: Some(team),
            },
        )
        .await
        .unwrap();
    let doctor = Scope::Driver {
        district: w.district,
        driver: doctor,
    };
    let batch = [booking(w.bedridden_a), booking(w.elders_a[0])];
    let ids = store
        .create_bookings(w.secretary_a, w.community_a, w.user_a, &batch, None, NOW)
        .await
        .unwrap();
    let visit = ids[0];
    publish_day(&store, &w, 300, NOW + 10).await;

    let trips = store.trips(doctor, None).await.unwrap();
    assert_eq!(trips.len(), 1, "{trips:?}");
    let trip = &trips[0];
    assert_eq!(trip.stops.len(), 1);
    let stop = &trip.stops[0];
    assert_eq!((stop.kind, stop.booking_id), (StopKind::HomeVisit, visit));
    assert_eq!(stop.address, "Chen Jie's home");
    assert!((8 * 3600..=10 * 3600).contains(&stop.planned));
    for driver in drivers(&w) {
        for t in store.trips(driver, None).await.unwrap() {
            assert!(
                t.stops.iter().all(|x| x.booking_id != visit),
                "cars never visit"
            );
        }
    }
    let seen = store.booking(w.secretary_a, visit).await.unwrap();
    assert!(seen.home_visit);
    assert_eq!(seen.planned_pickup, Some(stop.planned));
    assert_eq!(seen.vehicle.as_deref(), Some("home-visit team"));
    assert_eq!(seen.status, BookingStatus::Planned);

    let t0 = day().start_unix() + stop.planned;
    store
        .respond(doctor, trip.id, true, t0 - 600)
        .await
        .unwrap();
    let seen = store.booking(w.secretary_a, visit).await.unwrap();
    assert_eq!(seen.status, BookingStatus::Confirmed);
    assert!(matches!(
        store.report(doctor, stop.id, Report::PickedUp, t0).await,
        Err(StoreError::Invalid(_))
    ));
    let status = store
        .report(doctor, stop.id, Report::Arrived, t0)
        .await
        .unwrap();
    assert_eq!(status, "driver_arrived");
    let open = &store.trips(doctor, None).await.unwrap()[0].stops[0];
    assert_eq!(
        (open.done.as_deref(), open.said.clone()),
        (None, vec!["arrived".to_string()])
    );
    for _ in 0..2 {
        let status = store
            .report(doctor, stop.id, Report::Vaccinated, t0 + 2700)
            .await
            .unwrap();
        assert_eq!(status, "visited");
    }
    let done = &store.trips(doctor, None).await.unwrap()[0].stops[0];
    assert_eq!(done.done.as_deref(), Some("vaccinated"));
    let seen = store.booking(w.secretary_a, visit).await.unwrap();
    assert_eq!(seen.vaccinated, Some(Shot::First));
    let shots = store
        .vaccinations(w.secretary_a, w.bedridden_a)
        .await
        .unwrap();
    assert_eq!(shots.len(), 1);
    assert_eq!(shots[0].site_id, None, "given at home");

    // Recorded by mistake: taken back, the dose status as before; once only.
    let dose = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .elder(w.secretary_a, w.bedridden_a)
                .await
                .unwrap()
                .dose
        }
    };
    assert_eq!(dose(&store).await, Dose::First);
    let taken = store
        .unvaccinated(w.secretary_a, visit, NOW + 100)
        .await
        .unwrap();
    assert_eq!(taken.shot, Shot::First);
    assert_eq!(dose(&store).await, Dose::None);
    assert!(matches!(
        store.unvaccinated(w.secretary_a, visit, NOW + 101).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.unvaccinated(w.secretary_b, visit, NOW + 101).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .vaccinations(w.secretary_a, w.bedridden_a)
            .await
            .unwrap()
            .is_empty()
    );
    store
        .vaccinated(w.secretary_a, visit, w.user_a, NOW + 102)
        .await
        .unwrap();
    assert_eq!(dose(&store).await, Dose::First);
}

both!(
    a_bedridden_elder_gets_a_home_visit_on_both_databases,
    home_visits
);

/// A walker booked into a van stop's slot, no ride (issue 16): only a walker, only a slot of a
/// van stop of that day, only while walkers have places left in it (the shots less those kept
/// for rides); the day's planning leaves the place out, and the secretary records the shot.
async fn walk_ins(store: Store) {
    let w = world(&store).await;
    let van = store.create_van(w.district, "Van 1").await.unwrap();
    let mut stop = store.sites(w.district).await.unwrap()[0].clone();
    stop.kind = SiteKind::VanStop;
    stop.name = "Van 1 at the square".into();
    stop.day = Some(day());
    stop.open_from = 9 * 3600;
    stop.open_to = 10 * 3600;
    stop.slot_minutes = 30;
    stop.capacity_per_slot = 4;
    stop.booked_share = 0.5;
    let stop = store
        .create_site(
            w.district,
            &NewSite {
                site: stop,
                address: String::new(),
                van_id: Some(van),
                walk_m: None,
            },
        )
        .await
        .unwrap();
    let place = |elder: i64, site: Option<i64>, from: i64| NewBooking {
        site_id: site,
        window: Window::try_from((from, from + 1800)).unwrap(),
        return_wanted: false,
        walk_in: true,
        ..booking(elder)
    };
    let book = |batch: Vec<NewBooking>| {
        let store = store.clone();
        async move {
            store
                .create_bookings(w.secretary_a, w.community_a, w.user_a, &batch, None, NOW)
                .await
        }
    };
    let refused = |r: Result<Vec<i64>, StoreError>| -> Vec<(String, String)> {
        match r {
            Err(StoreError::Invalid(errors)) => errors
                .into_iter()
                .map(|e| (e.field, e.problem.code.to_string()))
                .collect(),
            other => panic!("refused, not {other:?}"),
        }
    };
    // Two places a slot for walkers (four shots, half kept for rides).
    let placed = book(vec![
        place(w.elders_a[0], Some(stop), 9 * 3600),
        place(w.elders_a[1], Some(stop), 9 * 3600),
    ])
    .await
    .unwrap();
    let full = refused(book(vec![place(w.elders_a[2], Some(stop), 9 * 3600)]).await);
    assert_eq!(
        full,
        vec![("bookings[0].window".into(), "slot_full".into())]
    );
    let off = refused(book(vec![place(w.elders_a[2], Some(stop), 9 * 3600 + 600)]).await);
    assert_eq!(
        off,
        vec![("bookings[0].window".into(), "not_a_slot".into())]
    );
    for site in [Some(w.site), None] {
        let r = refused(book(vec![place(w.elders_a[2], site, 9 * 3600)]).await);
        assert_eq!(
            r,
            vec![("bookings[0].site_id".into(), "walk_in_van_stop".into())]
        );
    }
    let r = refused(book(vec![place(w.bedridden_a, Some(stop), 9 * 3600 + 1800)]).await);
    assert!(
        r.contains(&("bookings[0].walk_in".into(), "walk_in_walkers_only".into())),
        "{r:?}"
    );
    let taken = store.walk_ins(w.district, &day()).await.unwrap();
    assert_eq!(taken.get(&(stop, 9 * 3600)), Some(&2));
    // Planning leaves the places out; the booking says what it is.
    let input = store.plan_input(w.district, &day()).await.unwrap();
    assert!(
        input
            .bookings
            .iter()
            .all(|b| !placed.contains(&b.booking_id))
    );
    let seen = store.booking(w.secretary_a, placed[0]).await.unwrap();
    assert!(seen.walk_in && !seen.return_wanted);
    assert_eq!(
        (seen.site_id, seen.window),
        (Some(stop), (9 * 3600, 9 * 3600 + 1800))
    );
    // The secretary records the shot when the elder comes, on the day: the booking is done;
    // taken back, the place is open again.
    match store
        .vaccinated(w.secretary_a, placed[0], w.user_a, NOW + 60)
        .await
    {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "walk_in_not_yet"),
        other => panic!("not before the day: {other:?}"),
    }
    let on_the_day = 1_650_272_400; // 2022-04-18 09:00 UTC
    let shot = store
        .vaccinated(w.secretary_a, placed[0], w.user_a, on_the_day)
        .await
        .unwrap();
    assert_eq!(shot.site_id, Some(stop));
    let done = store.booking(w.secretary_a, placed[0]).await.unwrap();
    assert_eq!(done.status, BookingStatus::Home);
    store
        .unvaccinated(w.secretary_a, placed[0], on_the_day + 60)
        .await
        .unwrap();
    let open = store.booking(w.secretary_a, placed[0]).await.unwrap();
    assert_eq!(
        (open.status, open.vaccinated),
        (BookingStatus::Booked, None)
    );
    store
        .vaccinated(w.secretary_a, placed[0], w.user_a, on_the_day + 120)
        .await
        .unwrap();
    // The stop keeps its day and slots while walkers hold places in it.
    let mut moved = store
        .sites(w.district)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == stop)
        .unwrap();
    moved.open_from = 9 * 3600 + 900;
    let body = NewSite {
        site: moved,
        address: String::new(),
        van_id: Some(van),
        walk_m: None,
    };
    match store.update_site(w.district, stop, &body, NOW).await {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "walk_ins_booked"),
        other => panic!("the slots are kept: {other:?}"),
    }
    match store
        .retire(w.district, vaxride_store::Retire::Site, stop, NOW)
        .await
    {
        Err(StoreError::Conflict(p)) => assert_eq!(p.code, "walk_ins_booked"),
        other => panic!("the stop is kept: {other:?}"),
    }
    // A place given back is free again; a batch counts its own walkers against the places.
    store
        .cancel_booking(w.secretary_a, placed[1], NOW + 70)
        .await
        .unwrap();
    book(vec![place(w.elders_a[3], Some(stop), 9 * 3600 + 1800)])
        .await
        .unwrap();
    let r = refused(
        book(vec![
            place(w.elders_a[1], Some(stop), 9 * 3600 + 1800),
            place(w.elders_a[2], Some(stop), 9 * 3600 + 1800),
        ])
        .await,
    );
    assert_eq!(r, vec![("bookings[1].window".into(), "slot_full".into())]);
    book(vec![place(w.elders_a[2], Some(stop), 9 * 3600)])
        .await
        .unwrap();
}
both!(walkers_book_places_at_van_stops_on_both_databases, walk_ins);
