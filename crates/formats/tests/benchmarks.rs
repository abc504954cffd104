//! Every benchmark file in `../shared/benchmarks` (or `$VAXRIDE_BENCHMARKS_DIR`) reads, with spot
//! checks against the files, and the best-known VRPLIB routes reproduce their `Cost` lines.
//! Each test skips, and says so, when the folder is missing.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::{benchmark, family_files};
use vaxride_formats::{
    DistanceConvention, Family, Format, Instance, read, read_bks_csv, read_vrplib_solution,
};
use vaxride_solver::{Load, Problem, StopKind};

fn read_file(path: &Path, format: Format) -> Instance {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.display().to_string();
    assert_eq!(
        Format::guess(&name, &text),
        Some(format),
        "{name}: format guess"
    );
    let inst = read(&name, &text, format).unwrap_or_else(|e| panic!("{e}"));
    if let Err(errors) = inst.problem.validate() {
        panic!("{name}: {errors:?}");
    }
    assert_eq!(inst.coords.len(), inst.problem.matrix.len());
    inst
}

fn read_rel(rel: &str, format: Format) -> Option<Instance> {
    let (name, text) = benchmark(rel)?;
    Some(read(&name, &text, format).unwrap_or_else(|e| panic!("{e}")))
}

/// Serves a route from the vehicle's shift start as early as the windows allow; checks windows,
/// capacity and the return time. Only for VRPTW (delivery) routes.
fn vrptw_route_is_feasible(p: &Problem, vehicle: usize, route: &[usize]) -> Result<(), String> {
    let v = &p.vehicles[vehicle];
    let (mut t, mut at, mut load) = (v.shift.0, v.start, 0);
    for &s in route {
        let stop = &p.stops[s];
        t = (t + p.matrix.time(at, stop.loc)).max(stop.window.0);
        if t > stop.window.1 {
            return Err(format!(
                "stop {} served at {t}, window {:?}",
                stop.id, stop.window
            ));
        }
        t += stop.service;
        at = stop.loc;
        load += stop.load.0[0];
    }
    t += p.matrix.time(at, v.end);
    if t > v.shift.1 {
        return Err(format!("back at {t}, shift {:?}", v.shift));
    }
    if load > v.capacity.0[0] {
        return Err(format!("load {load} over capacity {:?}", v.capacity));
    }
    Ok(())
}

#[test]
fn every_solomon_and_gehring_homberger_file_reads_and_validates() {
    for (folder, family, expected) in [
        ("solomon", Family::Solomon, 56),
        ("gh200", Family::GehringHomberger, 60),
    ] {
        let Some(files) = family_files(folder, "vrp") else {
            continue;
        };
        assert!(!files.is_empty(), "{folder} has no .vrp files");
        if files.len() != expected {
            eprintln!(
                "note: {folder} has {} files, the shared set has {expected}",
                files.len()
            );
        }
        for path in &files {
            let inst = read_file(path, Format::Vrplib);
            assert_eq!(inst.family, family, "{}", path.display());
            assert_eq!(inst.scale, 10.0);
            assert_eq!(inst.distance, DistanceConvention::Truncated1Decimal);
            assert_eq!(inst.name, path.file_stem().unwrap().to_str().unwrap());
            let p = &inst.problem;
            assert_eq!(p.requests.len() + 1, p.matrix.len());
            assert!(
                p.stops
                    .iter()
                    .all(|s| s.kind == StopKind::Delivery && s.service > 0)
            );
            assert!(
                p.vehicles
                    .iter()
                    .all(|v| v.start == 0 && v.end == 0 && v.max_duration.is_none())
            );
        }
    }
}

#[test]
fn every_li_lim_file_reads_into_pairs() {
    let Some(files) = family_files("lilim100", "txt") else {
        return;
    };
    assert!(!files.is_empty());
    for path in &files {
        let inst = read_file(path, Format::LiLim);
        assert_eq!(inst.family, Family::LiLim);
        assert_eq!(inst.distance, DistanceConvention::DoubleEuclid);
        let p = &inst.problem;
        assert_eq!(
            2 * p.requests.len() + 1,
            p.matrix.len(),
            "{}",
            path.display()
        );
        for r in &p.requests {
            let (a, b) = (
                &p.stops[r.choices[0].legs[0][0]],
                &p.stops[r.choices[0].legs[0][1]],
            );
            assert_eq!((a.kind, b.kind), (StopKind::Pickup, StopKind::Dropoff));
            assert_eq!(a.load, b.load);
        }
        // Every task other than the depot is a stop exactly once.
        let locs: HashSet<usize> = p.stops.iter().map(|s| s.loc).collect();
        assert_eq!(locs.len(), p.matrix.len() - 1);
    }
}

#[test]
fn every_cordeau_file_reads_whether_its_header_counts_n_or_2n() {
    let Some(files) = family_files("darp_cordeau2006", "txt") else {
        return;
    };
    assert!(!files.is_empty());
    for path in &files {
        let inst = read_file(path, Format::Cordeau);
        assert_eq!(inst.family, Family::Cordeau);
        // The name a3-18 says 3 vehicles and 18 requests.
        let (m, n) = inst.name.trim_start_matches('a').split_once('-').unwrap();
        let p = &inst.problem;
        assert_eq!(
            p.vehicles.len(),
            m.parse::<usize>().unwrap(),
            "{}",
            inst.name
        );
        assert_eq!(
            p.requests.len(),
            n.parse::<usize>().unwrap(),
            "{}",
            inst.name
        );
        assert_eq!(
            p.matrix.len(),
            2 * p.requests.len() + 1,
            "the end depot copy is merged"
        );
        assert!(p.requests.iter().all(|r| r.max_ride == Some(3000)));
    }
}

#[test]
fn c101_has_the_numbers_of_its_file() {
    let Some(inst) = read_rel("solomon/C101.vrp", Format::Vrplib) else {
        return;
    };
    let p = &inst.problem;
    assert_eq!(inst.name, "C101");
    assert_eq!(p.requests.len(), 100);
    assert_eq!(p.vehicles.len(), 25);
    assert!(
        p.vehicles
            .iter()
            .all(|v| v.capacity == Load([200, 0]) && v.fixed_cost == 0 && v.features == 0)
    );
    // TIME_WINDOW_SECTION: "1 0 1236".
    assert_eq!(p.vehicles[0].shift, (0, 12360));
    // Node 2 (customer 1): "2 45 68", demand 10, window 912..967, service 90.
    let s = &p.stops[0];
    assert_eq!(
        (s.id.as_str(), s.loc, s.load, s.window, s.service),
        ("1", 1, Load::seats(10), (9120, 9670), 900)
    );
    // floor(10 · sqrt(5² + 18²)) = floor(186.81…) = 186.
    assert_eq!(p.matrix.cost(0, 1), 186);
    assert_eq!(p.matrix.time(1, 0), 186);
    assert_eq!(inst.coords[1], (45.0, 68.0));
    assert_eq!(inst.stop_index("100"), Some(99));
}

#[test]
fn a_gehring_homberger_file_has_200_customers_and_50_vehicles() {
    let Some(inst) = read_rel("gh200/C1_2_1.vrp", Format::Vrplib) else {
        return;
    };
    assert_eq!(inst.family, Family::GehringHomberger);
    assert_eq!(inst.problem.requests.len(), 200);
    assert_eq!(inst.problem.vehicles.len(), 50);
}

#[test]
fn lc101_pairs_follow_the_pickup_and_delivery_indices() {
    let Some(inst) = read_rel("lilim100/lc101.txt", Format::LiLim) else {
        return;
    };
    let p = &inst.problem;
    assert_eq!(inst.name, "lc101");
    assert_eq!(p.requests.len(), 53);
    assert_eq!(p.vehicles.len(), 25);
    assert_eq!(p.vehicles[0].capacity, Load::seats(200));
    assert_eq!(p.vehicles[0].shift, (0, 123_600));
    // Line "3 42 66 10 65 146 90 0 75": task 3 picks up 10 for task 75.
    let r = p.requests.iter().find(|r| r.id == "3").unwrap();
    let (a, b) = (
        &p.stops[r.choices[0].legs[0][0]],
        &p.stops[r.choices[0].legs[0][1]],
    );
    assert_eq!(
        (a.loc, a.kind, a.load, a.window, a.service),
        (3, StopKind::Pickup, Load::seats(10), (6500, 14600), 9000)
    );
    assert_eq!(
        (b.id.as_str(), b.loc, b.kind, b.load),
        ("75", 75, StopKind::Dropoff, Load::seats(10))
    );
    // Task 1 ("1 45 68 -10 912 967 90 11 0") is the delivery of task 11.
    let r = p.requests.iter().find(|r| r.id == "11").unwrap();
    assert_eq!(p.stops[r.choices[0].legs[0][1]].loc, 1);
    // Costs round, durations ceil: 100 · sqrt(5² + 18²) = 1868.15…
    assert_eq!((p.matrix.cost(0, 1), p.matrix.time(0, 1)), (1868, 1869));
    for a in 0..p.matrix.len() {
        for b in 0..p.matrix.len() {
            let (c, t) = (p.matrix.cost(a, b), p.matrix.time(a, b));
            assert!(t == c || t == c + 1, "cell {a},{b}: cost {c} time {t}");
        }
    }
}

#[test]
fn a2_16_has_16_requests_2_vehicles_and_a_30_minute_ride_limit() {
    let Some(inst) = read_rel("darp_cordeau2006/a2-16.txt", Format::Cordeau) else {
        return;
    };
    let p = &inst.problem;
    assert_eq!(p.requests.len(), 16);
    assert_eq!(p.vehicles.len(), 2);
    assert_eq!(p.matrix.len(), 33, "a2-16 has no end depot copy");
    let v = &p.vehicles[0];
    assert_eq!(
        (v.capacity, v.max_duration, v.shift, v.start, v.end),
        (Load::seats(3), Some(48_000), (0, 144_000), 0, 0)
    );
    let r = &p.requests[0];
    assert_eq!(r.max_ride, Some(3000));
    let (a, b) = (
        &p.stops[r.choices[0].legs[0][0]],
        &p.stops[r.choices[0].legs[0][1]],
    );
    assert_eq!(
        (a.loc, a.kind, a.service, a.load),
        (1, StopKind::Pickup, 300, Load::seats(1))
    );
    assert_eq!(
        (b.loc, b.kind, b.window),
        (17, StopKind::Dropoff, (40_200, 41_700))
    );
    assert_eq!(inst.coords[1], (-1.198, -5.164));
}

#[test]
fn a2_20_merges_its_end_depot_copy_with_the_depot() {
    let Some(inst) = read_rel("darp_cordeau2006/a2-20.txt", Format::Cordeau) else {
        return;
    };
    assert_eq!(inst.problem.requests.len(), 20);
    assert_eq!(inst.problem.matrix.len(), 41);
    assert!(
        inst.problem
            .vehicles
            .iter()
            .all(|v| v.end == 0 && v.max_duration == Some(60_000))
    );
}

#[test]
fn a3_18_reads_although_its_header_counts_n_not_2n() {
    let Some(inst) = read_rel("darp_cordeau2006/a3-18.txt", Format::Cordeau) else {
        return;
    };
    assert_eq!(inst.problem.requests.len(), 18);
    assert_eq!(inst.problem.vehicles[0].shift, (0, 36_000));
}

#[test]
fn the_best_known_vrplib_routes_give_their_cost_line_and_are_feasible() {
    let mut checked = 0;
    for folder in ["solomon", "gh200"] {
        let Some(files) = family_files(folder, "sol") else {
            continue;
        };
        let bks = common::benchmark(&format!("{folder}/bks.csv"))
            .map(|(_, t)| read_bks_csv(&t).unwrap())
            .unwrap_or_default();
        for sol_path in files {
            let vrp_path = sol_path.with_extension("vrp");
            let inst = read_file(&vrp_path, Format::Vrplib);
            let sol = read_vrplib_solution(&std::fs::read_to_string(&sol_path).unwrap()).unwrap();
            let routes: Vec<Vec<usize>> = sol
                .routes
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| inst.stop_index(&c.to_string()).expect("customer exists"))
                        .collect()
                })
                .collect();
            let served: HashSet<usize> = routes.iter().flatten().copied().collect();
            assert_eq!(
                served.len(),
                inst.problem.stops.len(),
                "{}: every customer once",
                inst.name
            );
            assert_eq!(routes.iter().map(Vec::len).sum::<usize>(), served.len());
            assert!(routes.len() <= inst.problem.vehicles.len());
            let vehicles: Vec<usize> = (0..routes.len()).collect();
            for (r, &v) in routes.iter().zip(&vehicles) {
                if let Err(e) = vrptw_route_is_feasible(&inst.problem, v, r) {
                    panic!("{}: route {r:?}: {e}", inst.name);
                }
            }
            let cost = sol.cost.expect("Cost line");
            let reported = inst.reported_distance(&routes, &vehicles);
            assert_eq!(
                (reported * 10.0).round(),
                (cost * 10.0).round(),
                "{}: {reported} vs {cost}",
                inst.name
            );
            if let Some(b) = bks.iter().find(|b| b.instance == inst.name) {
                assert_eq!(b.distance, cost, "{}: bks.csv and .sol", inst.name);
                assert_eq!(
                    b.vehicles,
                    Some(routes.len()),
                    "{}: bks.csv vehicles",
                    inst.name
                );
            }
            checked += 1;
        }
    }
    eprintln!("{checked} solutions checked");
}

#[test]
fn every_best_known_table_reads_and_names_existing_instances() {
    let tables = [
        ("solomon", "bks.csv", "vrp", true),
        ("gh200", "bks.csv", "vrp", true),
        ("gh200", "bks_sintef_hierarchical.csv", "vrp", true),
        ("lilim100", "bks.csv", "txt", true),
        ("darp_cordeau2006", "bks_literature.csv", "txt", false),
    ];
    for (folder, file, ext, has_vehicles) in tables {
        let Some((name, text)) = benchmark(&format!("{folder}/{file}")) else {
            continue;
        };
        let rows = read_bks_csv(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let stems: HashSet<String> = family_files(folder, ext)
            .unwrap_or_default()
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(!rows.is_empty(), "{name}");
        for b in &rows {
            assert!(
                stems.contains(&b.instance),
                "{name}: {} has no instance file",
                b.instance
            );
            assert!(b.distance > 0.0);
            assert_eq!(b.vehicles.is_some(), has_vehicles, "{name}: {}", b.instance);
        }
        eprintln!(
            "{name}: {} rows for {} instance files",
            rows.len(),
            stems.len()
        );
    }
}

#[test]
fn the_c101_best_known_distance_is_827_3_with_10_vehicles() {
    let Some((_, text)) = benchmark("solomon/bks.csv") else {
        return;
    };
    let rows = read_bks_csv(&text).unwrap();
    let c101 = rows.iter().find(|b| b.instance == "C101").unwrap();
    assert_eq!((c101.vehicles, c101.distance), (Some(10), 827.3));
    assert!(
        c101.source.contains("DIMACS convention"),
        "quoted field with commas: {}",
        c101.source
    );
}
