//! The demo's properties: roads that snap, an office that fits its anchors, bookings that can
//! be served.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use vaxride_dispatch::model::{Day, Mobility, Point, SiteKind};
use vaxride_dispatch::values::Role;
use vaxride_roadnet::osm::CarWays;

use super::*;
use crate::frame::{Frame, M_PER_DEG};
use crate::names::COMMUNITIES;
use crate::office::bookings::BOOKINGS;
use crate::office::elders::{ELDERS, HOME_OFFSET_M, INSTITUTION_ELDERS};
use crate::office::hm;
use vaxride_roadnet::snap::haversine_m;
use vaxride_roadnet::{DEFAULT_MAX_SNAP_M, RoadNetwork};

fn day() -> Day {
    Day::parse("2022-04-18").expect("a date")
}

fn town_office(seed: u64) -> (CarWays, Vec<Point>, DemoOffice) {
    let roads = town_roads(seed);
    let anchors = road_anchors(&roads);
    let office = office(seed, &day(), &anchors);
    (roads, anchors, office)
}

fn metres(a: Point, b: Point) -> f64 {
    haversine_m([a.lon, a.lat], [b.lon, b.lat])
}

fn near_anchor(p: Point, anchors: &[Point]) -> f64 {
    anchors
        .iter()
        .map(|a| metres(p, *a))
        .fold(f64::INFINITY, f64::min)
}

/// `n` anchors scattered at random over 30 km × 30 km around the town's centre.
fn scattered(seed: u64, n: usize) -> Vec<Point> {
    let mut rng = StdRng::seed_from_u64(seed);
    let frame = Frame::new(TOWN_CENTRE);
    (0..n)
        .map(|_| {
            frame.point([
                rng.random_range(-15_000.0..15_000.0),
                rng.random_range(-15_000.0..15_000.0),
            ])
        })
        .collect()
}

#[test]
fn demo_roads_are_deterministic() {
    let (a, b, c) = (town_roads(7), town_roads(7), town_roads(8));
    assert_eq!(format!("{:?}", a.ways), format!("{:?}", b.ways));
    assert_eq!(road_anchors(&a), road_anchors(&b));
    assert_ne!(road_anchors(&a), road_anchors(&c));
}

#[test]
fn demo_roads_cover_a_small_city_with_faster_arterials_and_one_way_streets() {
    let roads = town_roads(1);
    let anchors = road_anchors(&roads);
    assert!((1500..4000).contains(&anchors.len()), "{}", anchors.len());
    let (lon, lat): (Vec<f64>, Vec<f64>) = anchors.iter().map(|p| (p.lon, p.lat)).unzip();
    let span = |v: &[f64]| {
        v.iter().copied().fold(f64::MIN, f64::max) - v.iter().copied().fold(f64::MAX, f64::min)
    };
    let width = span(&lon) * M_PER_DEG * TOWN_CENTRE.lat.to_radians().cos();
    let height = span(&lat) * M_PER_DEG;
    assert!((3700.0..4200.0).contains(&width), "{width}");
    assert!((3700.0..4200.0).contains(&height), "{height}");
    let speed = |class: &str| {
        roads
            .ways
            .iter()
            .find(|w| w.attrs.class.as_str() == class)
            .map(|w| w.attrs.speed_kmh)
            .expect("class present")
    };
    assert!(speed("primary") > speed("secondary"));
    assert!(speed("secondary") > speed("residential"));
    let oneway = roads
        .ways
        .iter()
        .filter(|w| w.attrs.forward != w.attrs.backward)
        .count();
    assert_eq!(oneway, 3);
}

#[test]
fn demo_roads_build_a_strongly_connected_network() {
    let roads = town_roads(42);
    let net = RoadNetwork::from_car_ways(&roads).expect("a network");
    let r = net.report();
    let share = r.nodes as f64 / (r.nodes + r.dropped_nodes) as f64;
    assert!(share >= 0.95, "{r:?}");
    let mut rng = StdRng::seed_from_u64(3);
    let points: Vec<_> = (0..20)
        .map(|_| {
            let [lon, lat] = net
                .graph()
                .node(rng.random_range(0..net.graph().node_count() as u32));
            net.snap(lon, lat, DEFAULT_MAX_SNAP_M).expect("snaps")
        })
        .collect();
    let m = net.matrix(&points, &points);
    for i in 0..20 {
        for j in 0..20 {
            assert!(m.duration_s(i, j).is_some(), "{i} -> {j}");
        }
    }
    // The office's places snap to roads close by.
    let office = office(42, &day(), &road_anchors(&roads));
    let places = office
        .elders
        .iter()
        .map(|e| e.home)
        .chain(office.sites.iter().map(|s| s.location))
        .chain(office.vehicles.iter().map(|v| v.start));
    for p in places {
        let s = net.snap(p.lon, p.lat, DEFAULT_MAX_SNAP_M).expect("snaps");
        assert!(s.snap_m < 50.0, "{p:?} {}", s.snap_m);
    }
}

#[test]
fn demo_office_is_deterministic() {
    let (_, anchors, a) = town_office(5);
    assert_eq!(a, office(5, &day(), &anchors));
    assert_eq!(
        format!("{a:?}"),
        format!("{:?}", office(5, &day(), &anchors))
    );
    assert_ne!(a, office(6, &day(), &anchors));
}

#[test]
fn demo_office_counts_are_in_range() {
    for seed in [1, 2, 3] {
        let (_, _, o) = town_office(seed);
        assert_eq!(o.communities.len(), COMMUNITIES.len());
        assert_eq!(o.communities[0].name, "翠生社区");
        assert_eq!(o.elders.len(), ELDERS);
        for c in 0..o.communities.len() {
            let n = o.elders.iter().filter(|e| e.community == c).count();
            assert!((20..60).contains(&n), "community {c}: {n}");
        }
        let share = |m: Mobility| {
            o.elders.iter().filter(|e| e.mobility == m).count() as f64 / ELDERS as f64
        };
        assert!((0.70..0.90).contains(&share(Mobility::Walks)));
        assert!((0.08..0.25).contains(&share(Mobility::Wheelchair)));
        assert!((0.01..0.10).contains(&share(Mobility::Bedridden)));
        assert!(o.elders.iter().all(|e| (1..=5).contains(&e.priority)));
        assert!(o.elders.iter().all(|e| (0..=2).contains(&e.companions)));
        assert!(
            o.elders
                .iter()
                .all(|e| e.phone.len() == 11 && e.phone.starts_with('1'))
        );
        let care_home = o
            .elders
            .iter()
            .filter(|e| e.address.contains("养老院"))
            .collect::<Vec<_>>();
        assert_eq!(care_home.len(), INSTITUTION_ELDERS);
        assert!(care_home.iter().all(|e| e.home == care_home[0].home));
        let kinds = |k: SiteKind| o.sites.iter().filter(|s| s.kind == k).count();
        assert_eq!(
            (
                kinds(SiteKind::Fixed),
                kinds(SiteKind::CommunityPoint),
                kinds(SiteKind::VanStop)
            ),
            (2, 2, 6)
        );
        for s in &o.sites {
            assert_eq!(s.id, 0);
            assert!((5..=12).contains(&s.capacity_per_slot));
            assert!(!s.slots(&day()).is_empty(), "{}", s.name);
            if s.kind == SiteKind::VanStop {
                assert_eq!(s.day, Some(day()));
                assert!(o.vans.iter().any(|v| s.name.starts_with(v.as_str())));
            }
        }
        assert_eq!(o.vans.len(), 2);
        assert_eq!(o.vehicles.len(), 26, "25 cars and a home-visit team");
        assert_eq!(
            o.vehicles
                .iter()
                .map(|v| v.team.map(|t| t.shots_per_day))
                .collect::<Vec<_>>()[24..],
            [None, Some(10)]
        );
        assert_eq!(
            o.vehicles
                .iter()
                .filter(|v| v.wheelchairs == 1 && v.features == ["ramp"])
                .count(),
            4
        );
        assert!(o.vehicles.iter().all(|v| v.shift_from < v.shift_to));
        assert_eq!(o.drivers.len(), o.vehicles.len());
        assert!(o.drivers.iter().enumerate().all(|(i, d)| d.vehicle == i));
        let visit = |b: &&DemoBooking| o.elders[b.elder].mobility == Mobility::Bedridden;
        let (visits, rides): (Vec<&DemoBooking>, Vec<&DemoBooking>) =
            o.bookings.iter().partition(visit);
        assert!((200..=BOOKINGS).contains(&rides.len()), "{}", rides.len());
        assert!((1..=8).contains(&visits.len()), "{}", visits.len());
        let returns = rides.iter().filter(|b| b.return_wanted).count() as f64;
        assert!((0.75..0.95).contains(&(returns / rides.len() as f64)));
        assert_eq!(o.users.len(), 2 + o.communities.len() + o.drivers.len());
    }
}

#[test]
fn demo_locations_are_at_anchors() {
    let (_, anchors, o) = town_office(9);
    let places = o
        .communities
        .iter()
        .map(|c| c.centre)
        .chain(o.elders.iter().map(|e| e.home))
        .chain(o.sites.iter().map(|s| s.location))
        .chain(o.vehicles.iter().map(|v| v.start));
    for p in places {
        assert!(near_anchor(p, &anchors) <= 10.0, "{p:?}");
    }
    // Communities are spread: no two centres closer than 500 m.
    for (i, a) in o.communities.iter().enumerate() {
        for b in &o.communities[i + 1..] {
            assert!(metres(a.centre, b.centre) > 500.0, "{} {}", a.name, b.name);
        }
    }
}

#[test]
fn demo_bookings_fit_their_elders_and_sites() {
    let (_, _, o) = town_office(11);
    let mut seen = HashSet::new();
    for b in &o.bookings {
        assert!(seen.insert(b.elder), "elder {} twice", b.elder);
        let e = &o.elders[b.elder];
        // A bedridden elder's booking is a home visit: no site, no ride home.
        if e.mobility == Mobility::Bedridden {
            assert_eq!((b.site, b.return_wanted), (None, false));
        }
        assert!(e.dose.next_shot().is_some());
        assert!(b.window.from() < b.window.to());
        assert!(b.window.from() >= hm(8, 0) && b.window.to() <= hm(16, 0));
        assert!((30..=45).contains(&b.dwell_minutes));
        if let Some(s) = b.site {
            let site = &o.sites[s];
            assert!(site.gives(e.dose), "{} {:?}", site.name, e.dose);
            assert!(site.open_from <= b.window.from() && site.open_to > b.window.to());
        }
    }
    assert!(o.bookings.iter().any(|b| b.site.is_some()));
}

#[test]
fn demo_users_have_every_role() {
    let (_, _, o) = town_office(2);
    let find = |u: &str| o.users.iter().find(|x| x.username == u).expect(u);
    assert_eq!(
        (find("admin").role, find("admin").password.as_str()),
        (Role::Admin, "admin-demo")
    );
    assert_eq!(find("coordinator").password, "coord-demo");
    let sec = find("sec-3");
    assert_eq!(
        (sec.role, sec.community, sec.password.as_str()),
        (Role::Secretary, Some(2), "sec-demo")
    );
    let drv = find("driver-25");
    assert_eq!(
        (drv.role, drv.driver, drv.password.as_str()),
        (Role::Driver, Some(24), "driver-demo")
    );
    assert!(o.users.iter().all(|u| !u.display_name.is_ascii()));
}

#[test]
fn a_large_extract_is_cut_to_a_street_office() {
    // Anchors over 30 km × 30 km: the office stays within a few kilometres.
    let anchors = scattered(1, 20_000);
    let o = office(1, &day(), &anchors);
    let hub = o.sites[0].location;
    for e in &o.elders {
        assert!(metres(e.home, hub) < 3_300.0);
    }
    // Degenerate inputs still give an office.
    let lonely = office(1, &day(), &[]);
    assert_eq!(lonely.elders.len(), ELDERS);
    assert!(metres(lonely.elders[0].home, TOWN_CENTRE) <= HOME_OFFSET_M + 0.1);
    let nan = Point {
        lon: f64::NAN,
        lat: 1.0,
    };
    assert_eq!(office(1, &day(), &[nan]).communities[0].centre, TOWN_CENTRE);
}

/// Every place of an office: community centres, homes, sites and vehicle starts.
fn places(o: &DemoOffice) -> Vec<Point> {
    o.communities
        .iter()
        .map(|c| c.centre)
        .chain(o.elders.iter().map(|e| e.home))
        .chain(o.sites.iter().map(|s| s.location))
        .chain(o.vehicles.iter().map(|v| v.start))
        .collect()
}

/// The places elders can book on `day`: the slots' capacities, summed.
fn slot_places(o: &DemoOffice) -> u32 {
    o.sites
        .iter()
        .flat_map(|s| s.slots(&day()))
        .map(|s| s.capacity)
        .sum()
}

#[test]
fn one_office_of_the_demo_size_is_the_demo_office() {
    let (_, anchors, o) = town_office(4);
    assert_eq!(city(4, &day(), &anchors, 1, OfficeSize::DEMO), vec![o]);
}

#[test]
fn a_sized_office_books_its_requests_with_room_to_spare() {
    let anchors = road_anchors(&town_roads(3));
    for requests in [60, 220, 500, 1000] {
        let size = OfficeSize::for_requests(requests);
        let [o] = &city(3, &day(), &anchors, 1, size)[..] else {
            panic!("one office")
        };
        assert_eq!(o.bookings.len(), requests);
        assert!(o.elders.len() as f64 >= requests as f64 / 0.7);
        assert_eq!(o.vehicles.len(), requests.div_ceil(8).max(4));
        assert_eq!(o.drivers.len(), o.vehicles.len());
        let places = slot_places(o) as f64;
        assert!(places >= 1.3 * requests as f64, "{requests}: {places}");
        let ramps = o.vehicles.iter().filter(|v| v.wheelchairs > 0).count();
        assert!(ramps * 25 >= 4 * o.vehicles.len(), "{requests}: {ramps}");
        // The vans' stops: three each, no two vans in one community at the same time.
        assert_eq!(o.vans.len(), size.vans);
        let stops: Vec<_> = o
            .sites
            .iter()
            .filter(|s| s.kind == SiteKind::VanStop)
            .collect();
        assert_eq!(stops.len(), 3 * size.vans);
        if size.vans <= 6 {
            for (i, a) in stops.iter().enumerate() {
                for b in &stops[i + 1..] {
                    let place = |n: &str| n.split('·').nth(1).map(str::to_string);
                    assert!(
                        a.open_from != b.open_from || place(&a.name) != place(&b.name),
                        "{} {}",
                        a.name,
                        b.name
                    );
                }
            }
        }
    }
}

#[test]
fn a_city_is_street_offices_in_disjoint_regions() {
    let anchors = road_anchors(&town_roads(2022));
    let offices = city(2022, &day(), &anchors, 10, OfficeSize::for_requests(500));
    let regions = office::city::regions(2022, &anchors, 10);
    assert_eq!((offices.len(), regions.len()), (10, 10));
    let districts: HashSet<&str> = offices.iter().map(|o| o.district.as_str()).collect();
    assert_eq!(districts.len(), 10);
    // The regions share out the anchors: no anchor in two.
    let mut seen = HashSet::new();
    for r in &regions {
        assert!(r.len() >= 30, "{}", r.len());
        for p in r {
            assert!(
                seen.insert((p.lon.to_bits(), p.lat.to_bits())),
                "{p:?} twice"
            );
        }
    }
    for (o, region) in offices.iter().zip(&regions) {
        assert_eq!(o.bookings.len(), 500);
        assert!(slot_places(o) >= 650, "{}: {}", o.district, slot_places(o));
        for p in places(o) {
            assert!(near_anchor(p, region) <= 10.0, "{} {p:?}", o.district);
        }
    }
    // Logins: one admin; each office its coordinator, secretaries and drivers, no name twice.
    let users: Vec<&DemoUser> = offices.iter().flat_map(|o| &o.users).collect();
    let names: HashSet<&str> = users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names.len(), users.len());
    assert_eq!(users.iter().filter(|u| u.role == Role::Admin).count(), 1);
    for (k, o) in offices.iter().enumerate() {
        let prefix = if k == 0 {
            String::new()
        } else {
            format!("o{}-", k + 1)
        };
        let coordinator = format!("{prefix}coordinator");
        assert!(
            o.users
                .iter()
                .any(|u| u.username == coordinator && u.role == Role::Coordinator),
            "{coordinator}"
        );
        let secretaries = o.users.iter().filter(|u| u.role == Role::Secretary);
        assert!(secretaries.clone().all(|u| u.username.starts_with(&prefix)));
        assert_eq!(secretaries.count(), o.communities.len());
    }
    assert_eq!(offices[0].district, "皇城街道");
    assert!(names.contains("o10-driver-63"));
}

#[test]
fn a_city_is_deterministic() {
    let anchors = road_anchors(&town_roads(8));
    let size = OfficeSize::for_requests(120);
    let a = city(8, &day(), &anchors, 4, size);
    assert_eq!(a, city(8, &day(), &anchors, 4, size));
    assert_ne!(a, city(9, &day(), &anchors, 4, size));
}

#[test]
fn a_large_extract_is_cut_to_a_city_district() {
    // Anchors over 30 km × 30 km: ten offices within the 6.3 km square of the city.
    let anchors = scattered(2, 40_000);
    let frame = Frame::new(TOWN_CENTRE);
    let offices = city(2, &day(), &anchors, 10, OfficeSize::for_requests(200));
    let all: Vec<Point> = offices.iter().flat_map(places).collect();
    let (xs, ys): (Vec<f64>, Vec<f64>) = all
        .iter()
        .map(|p| {
            let [x, y] = frame.xy(*p);
            (x, y)
        })
        .unzip();
    let span = |v: &[f64]| {
        v.iter().copied().fold(f64::MIN, f64::max) - v.iter().copied().fold(f64::MAX, f64::min)
    };
    assert!(
        span(&xs) < 6_400.0 && span(&ys) < 6_400.0,
        "{} {}",
        span(&xs),
        span(&ys)
    );
    assert!(
        span(&xs) > 5_000.0 && span(&ys) > 5_000.0,
        "{} {}",
        span(&xs),
        span(&ys)
    );
}
