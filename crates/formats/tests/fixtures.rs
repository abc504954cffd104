//! The project's own small files in `tests/data`: each format reads into the expected problem,
//! the two VRPTW layouts agree, and distances are reported in each family's convention.

mod common;

use common::{benchmark, fixture};
use vaxride_formats::{DistanceConvention, Family, Format, Instance, read};
use vaxride_solver::{Load, StopKind};

fn read_fixture(name: &str, format: Format) -> Instance {
    let text = fixture(name);
    assert_eq!(Format::guess(name, &text), Some(format), "{name}");
    let inst = read(name, &text, format).unwrap_or_else(|e| panic!("{e}"));
    inst.problem.validate().unwrap();
    inst
}

fn euclid(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

#[test]
fn the_solomon_text_fixture_reads_as_ten_customers_of_c101() {
    let inst = read_fixture("c101_10.txt", Format::Solomon);
    let p = &inst.problem;
    assert_eq!(
        (inst.name.as_str(), inst.family, inst.scale),
        ("C101", Family::Solomon, 10.0)
    );
    assert_eq!(p.requests.len(), 10);
    assert_eq!(p.vehicles.len(), 25);
    assert_eq!(p.vehicles[3].capacity, Load([200, 0]));
    assert_eq!(p.vehicles[3].shift, (0, 12_360));
    assert_eq!(p.vehicles[3].max_duration, None);
    let ids: Vec<&str> = p.stops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    // "    5      42         65         10         15         67         90"
    let s = &p.stops[4];
    assert_eq!(
        (s.loc, s.load, s.window, s.service, s.kind),
        (5, Load::seats(10), (150, 670), 900, StopKind::Delivery)
    );
    assert_eq!(p.requests[4].choices[0].legs[0], [4]);
}

#[test]
fn the_vrplib_and_solomon_layouts_of_the_same_customers_give_the_same_problem() {
    let text = read_fixture("c101_10.txt", Format::Solomon);
    let vrplib = read_fixture("c101_10.vrp", Format::Vrplib);
    assert_eq!(vrplib.name, "C101-10");
    assert_eq!(text.problem, vrplib.problem);
    assert_eq!(text.coords, vrplib.coords);
}

#[test]
fn the_text_fixture_agrees_with_the_first_customers_of_the_real_c101() {
    let Some((name, real)) = benchmark("solomon/C101.vrp") else {
        return;
    };
    let real = read(&name, &real, Format::Vrplib).unwrap();
    let small = read_fixture("c101_10.txt", Format::Solomon);
    assert_eq!(small.problem.stops[..], real.problem.stops[..10]);
    assert_eq!(small.problem.vehicles, real.problem.vehicles);
    for a in 0..=10 {
        for b in 0..=10 {
            assert_eq!(
                small.problem.matrix.cost(a, b),
                real.problem.matrix.cost(a, b)
            );
        }
    }
}

#[test]
fn solomon_distances_are_reported_as_truncated_tenths() {
    let inst = read_fixture("c101_10.txt", Format::Solomon);
    assert_eq!(inst.distance, DistanceConvention::Truncated1Decimal);
    // Depot (40, 50) to customer 5 (42, 65): 15.13…, truncated to 15.1, there and back.
    let five = inst.stop_index("5").unwrap();
    assert_eq!(inst.reported_distance(&[vec![five]], &[0]), 30.2);
    // Empty routes count nothing; routes on different vehicles add up.
    assert_eq!(
        inst.reported_distance(&[vec![], vec![five], vec![five]], &[0, 1, 2]),
        60.4
    );
}

#[test]
fn the_li_lim_fixture_pairs_pickups_with_deliveries_listed_before_them() {
    let inst = read_fixture("lilim_small.txt", Format::LiLim);
    let p = &inst.problem;
    assert_eq!(
        (inst.name.as_str(), inst.family, inst.scale),
        ("lilim_small", Family::LiLim, 100.0)
    );
    assert_eq!(p.vehicles.len(), 3);
    assert_eq!(p.vehicles[0].capacity, Load::seats(50));
    assert_eq!(p.vehicles[0].shift, (0, 50_000));
    let pairs: Vec<(&str, usize, usize, i64)> = p
        .requests
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                p.stops[r.choices[0].legs[0][0]].loc,
                p.stops[r.choices[0].legs[0][1]].loc,
                p.stops[r.choices[0].legs[0][0]].load.0[0],
            )
        })
        .collect();
    assert_eq!(pairs, [("2", 2, 5, 20), ("3", 3, 1, 5), ("4", 4, 6, 8)]);
    let d = &p.stops[p.requests[1].choices[0].legs[0][1]];
    assert_eq!(
        (d.kind, d.window, d.service, d.load),
        (StopKind::Dropoff, (4000, 9000), 1000, Load::seats(5))
    );
}

#[test]
fn li_lim_distances_are_reported_in_double_precision() {
    let inst = read_fixture("lilim_small.txt", Format::LiLim);
    assert_eq!(inst.distance, DistanceConvention::DoubleEuclid);
    let r = &inst.problem.requests[1];
    let route = vec![r.choices[0].legs[0][0], r.choices[0].legs[0][1]];
    let expected = euclid((10.0, 10.0), (13.0, 19.0)) + euclid((13.0, 19.0), (14.0, 13.0)) + 5.0;
    assert!((inst.reported_distance(&[route], &[2]) - expected).abs() < 1e-12);
}

#[test]
fn the_cordeau_fixture_has_ride_and_route_limits_and_merges_its_end_depot() {
    let inst = read_fixture("darp_small.txt", Format::Cordeau);
    let p = &inst.problem;
    assert_eq!((inst.family, inst.scale), (Family::Cordeau, 100.0));
    assert_eq!(p.matrix.len(), 7);
    assert_eq!(p.requests.len(), 3);
    let v = &p.vehicles[1];
    assert_eq!(
        (v.start, v.end, v.shift, v.max_duration, v.capacity),
        (0, 0, (0, 48_000), Some(12_000), Load::seats(3))
    );
    let r = &p.requests[1];
    assert_eq!(r.max_ride, Some(3000));
    let (a, b) = (
        &p.stops[r.choices[0].legs[0][0]],
        &p.stops[r.choices[0].legs[0][1]],
    );
    assert_eq!(
        (a.id.as_str(), a.window, a.load),
        ("2", (2000, 4500), Load::seats(2))
    );
    assert_eq!(
        (b.id.as_str(), b.loc, b.window, b.load),
        ("5", 5, (0, 48_000), Load::seats(2))
    );
    // (4.125, -3) to (-2, -4.5): 6.3059…; (-1.5, 2.25) to (4.125, -3): 7.6943…: cost rounds,
    // duration ceils.
    assert_eq!((p.matrix.cost(2, 5), p.matrix.time(2, 5)), (631, 631));
    assert_eq!((p.matrix.cost(1, 2), p.matrix.time(1, 2)), (769, 770));
}

#[test]
fn a_cordeau_end_depot_elsewhere_becomes_the_vehicles_end_location() {
    let text = fixture("darp_small.txt").replace("  7   0.000   0.000", "  7   1.000   0.000");
    let inst = read("moved.txt", &text, Format::Cordeau).unwrap();
    assert_eq!(inst.problem.matrix.len(), 8);
    assert!(
        inst.problem
            .vehicles
            .iter()
            .all(|v| v.start == 0 && v.end == 7)
    );
    assert_eq!(inst.coords[7], (1.0, 0.0));
    // Start (0, 0) → pick-up 1 → drop-off 4 → end (1, 0).
    let r = &inst.problem.requests[0];
    let expected = euclid((0.0, 0.0), (-1.5, 2.25))
        + euclid((-1.5, 2.25), (3.75, 1.0))
        + euclid((3.75, 1.0), (1.0, 0.0));
    assert!(
        (inst.reported_distance(std::slice::from_ref(&r.choices[0].legs[0]), &[0]) - expected)
            .abs()
            < 1e-12
    );
}

#[test]
fn a_cordeau_header_counting_n_instead_of_2n_is_accepted() {
    let text = fixture("darp_small.txt").replacen("2 6 120", "2 3 120", 1);
    let inst = read("n.txt", &text, Format::Cordeau).unwrap();
    assert_eq!(inst.problem.requests.len(), 3);
}

#[test]
fn formats_are_guessed_from_content_before_the_extension() {
    assert_eq!(
        Format::guess("x.txt", &fixture("c101_10.vrp")),
        Some(Format::Vrplib)
    );
    assert_eq!(
        Format::guess("x.vrp", &fixture("c101_10.txt")),
        Some(Format::Solomon)
    );
    assert_eq!(
        Format::guess("x", &fixture("lilim_small.txt")),
        Some(Format::LiLim)
    );
    assert_eq!(
        Format::guess("x", &fixture("darp_small.txt")),
        Some(Format::Cordeau)
    );
    assert_eq!(Format::guess("x.vrp", "garbage"), Some(Format::Vrplib));
    assert_eq!(Format::guess("x.txt", "garbage"), None);
    assert_eq!(Format::guess("x.txt", ""), None);
}

#[test]
fn a_vrplib_file_without_a_vehicles_key_gets_one_vehicle_per_customer() {
    let text = fixture("c101_10.vrp").replace("VEHICLES : 25\n", "");
    let inst = read("novehicles.vrp", &text, Format::Vrplib).unwrap();
    assert_eq!(inst.problem.vehicles.len(), 10);
}

#[test]
fn a_vrplib_service_time_section_overrides_the_global_service_time() {
    let text = fixture("c101_10.vrp").replace(
        "DEPOT_SECTION",
        "SERVICE_TIME_SECTION\n1 0\n2 5\n3 5\n4 5\n5 5\n6 5\n7 5\n8 5\n9 5\n10 5\n11 7.5\nDEPOT_SECTION",
    );
    let inst = read("service.vrp", &text, Format::Vrplib).unwrap();
    let services: Vec<i64> = inst.problem.stops.iter().map(|s| s.service).collect();
    assert_eq!(services, [50, 50, 50, 50, 50, 50, 50, 50, 50, 75]);
}
