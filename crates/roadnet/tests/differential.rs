//! Differential tests: the contraction-hierarchy matrix and the routes against an independent
//! Dijkstra, the R-tree snapping against brute force; on random networks and a real extract.

mod common;

use common::{Oracle, TurnOracle, random_snapped, random_turn_ways, random_ways, shared_extract};
use rand::SeedableRng;
use rand::rngs::StdRng;
use vaxride_roadnet::{CarProfile, RoadNetwork, Snapped};

/// Checks every cell of the matrix, and the route of a few pairs, against the oracle.
fn check_against_dijkstra(net: &RoadNetwork, points: &[Snapped], what: &str) {
    let m = net.matrix(points, points);
    let costs_from: Box<dyn Fn(usize) -> Vec<Option<vaxride_roadnet::Weight>>> =
        if net.turn_graph().is_some() {
            let oracle = TurnOracle::new(net, points);
            Box::new(move |i| oracle.costs_from(i))
        } else {
            let oracle = Oracle::new(net, points);
            Box::new(move |i| oracle.costs_from(i))
        };
    for i in 0..points.len() {
        let expected = costs_from(i);
        for (j, want) in expected.iter().enumerate() {
            assert_eq!(
                m.weight(i, j),
                *want,
                "{what}: matrix cell {i}->{j} differs from Dijkstra (points {:?} -> {:?})",
                points[i],
                points[j]
            );
        }
        for j in (0..points.len()).step_by(7) {
            let route = net.route(&points[i], &points[j]).map(|r| r.weight);
            assert_eq!(
                route, expected[j],
                "{what}: route {i}->{j} differs from Dijkstra"
            );
        }
    }
}

#[test]
fn ch_matrix_equals_dijkstra_on_random_networks() {
    for seed in 0..40u64 {
        let side = 4 + (seed as usize % 9);
        let ways = random_ways(seed, side);
        let Ok(net) = RoadNetwork::from_car_ways(&ways) else {
            continue; // a seed that leaves no road at all
        };
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
        let mut points = random_snapped(&net, &mut rng, 25);
        // Points sharing an edge, and a point given twice, are the tricky cases.
        points.push(points[0]);
        let mut near = points[1];
        near.t = (near.t + 0.5) % 1.0;
        points.push(net.snap(near.lon, near.lat, f64::INFINITY).expect("snaps"));
        check_against_dijkstra(&net, &points, &format!("seed {seed} (side {side})"));
    }
}

#[test]
fn turn_aware_matrix_equals_dijkstra_on_random_networks_with_restrictions_and_barriers() {
    let mut restricted = 0;
    for seed in 0..40u64 {
        let side = 4 + (seed as usize % 9);
        let ways = random_turn_ways(seed, side);
        let Ok(net) = RoadNetwork::from_car_ways(&ways) else {
            continue;
        };
        restricted += net.report().restrictions[1];
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
        let mut points = random_snapped(&net, &mut rng, 25);
        points.push(points[0]);
        let mut near = points[1];
        near.t = (near.t + 0.5) % 1.0;
        points.push(net.snap(near.lon, near.lat, f64::INFINITY).expect("snaps"));
        // A point on a junction (the start of a road).
        let mut on_junction = points[2];
        on_junction.seg = 0;
        on_junction.t = 0.0;
        on_junction.pos_ms = 0;
        on_junction.pos_cm = 0;
        points.push(on_junction);
        check_against_dijkstra(&net, &points, &format!("turns, seed {seed} (side {side})"));
        // Every cell finite: snapping keeps to roads in the strongly connected part.
        let m = net.matrix(&points, &points);
        for i in 0..points.len() {
            for j in 0..points.len() {
                assert!(
                    m.weight(i, j).is_some(),
                    "turns, seed {seed}: {i}->{j} unreachable"
                );
            }
        }
    }
    assert!(
        restricted > 100,
        "the random restrictions were placed ({restricted})"
    );
}

#[test]
fn hierarchy_equals_dijkstra_on_random_directed_graphs_and_reports_unreachable_pairs() {
    use rand::Rng;
    use vaxride_roadnet::ch::Ch;
    use vaxride_roadnet::graph::pack;
    for seed in 0..60u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = rng.random_range(2..60usize);
        let arcs: Vec<(u32, u32, u64)> = (0..rng.random_range(0..n * 3))
            .map(|_| {
                let w = pack(rng.random_range(0..50), rng.random_range(1..500));
                (
                    rng.random_range(0..n) as u32,
                    rng.random_range(0..n) as u32,
                    w,
                )
            })
            .collect();
        let ch = Ch::prepare(n, arcs.iter().copied());
        let mut g = petgraph::graph::DiGraph::<(), u64>::new();
        let nodes: Vec<_> = (0..n).map(|_| g.add_node(())).collect();
        for &(a, b, w) in &arcs {
            g.add_edge(nodes[a as usize], nodes[b as usize], w);
        }
        let seeds: Vec<[(u32, u64); 1]> = (0..n as u32).map(|v| [(v, 0)]).collect();
        let refs: Vec<&[(u32, u64)]> = seeds.iter().map(|s| s.as_slice()).collect();
        let m = ch.many_to_many(&refs, &refs);
        for i in 0..n {
            let d = petgraph::algo::dijkstra(&g, nodes[i], None, |e| *e.weight());
            for j in 0..n {
                let want = d.get(&nodes[j]).copied().unwrap_or(u64::MAX);
                assert_eq!(
                    m[i * n + j],
                    want,
                    "seed {seed}: {i}->{j} (u64::MAX = unreachable)"
                );
            }
        }
    }
}

#[test]
fn snapping_equals_brute_force_on_random_networks() {
    for seed in 0..20u64 {
        let net = RoadNetwork::from_car_ways(&random_ways(seed, 10)).expect("network");
        let mut rng = StdRng::seed_from_u64(seed);
        check_snapping(&net, &mut rng, 200, &format!("seed {seed}"));
    }
}

fn check_snapping(net: &RoadNetwork, rng: &mut StdRng, n: usize, what: &str) {
    use rand::Rng;
    let g = net.graph();
    let index = net.snap_index();
    let b = net.report().bbox;
    let (dx, dy) = ((b[2] - b[0]) * 0.1, (b[3] - b[1]) * 0.1);
    for k in 0..n {
        let lon = rng.random_range(b[0] - dx..=b[2] + dx);
        let lat = rng.random_range(b[1] - dy..=b[3] + dy);
        let s = net.snap(lon, lat, f64::INFINITY).expect("snaps");
        let got = index.projected_distance2(g, lon, lat, s.edge, s.seg);
        let mut best = f64::INFINITY;
        let live = |e: u32| net.turn_graph().is_none_or(|t| t.live(e));
        for e in (0..g.edges().len() as u32).filter(|&e| live(e)) {
            for seg in 0..g.geometry(e).len() as u32 - 1 {
                best = best.min(index.projected_distance2(g, lon, lat, e, seg));
            }
        }
        assert!(
            (got - best).abs() <= 1e-9 * best.max(1.0),
            "{what}: point {k} ({lon}, {lat}) snapped at {} m but the nearest segment is {} m away",
            got.sqrt(),
            best.sqrt()
        );
    }
}

#[test]
fn ch_matrix_equals_dijkstra_on_real_extracts() {
    for (name, n) in [
        ("monaco.osrm.osm.pbf", 60),
        ("heidelberg.test.osm.pbf", 30),
        ("columbus.otp.osm.pbf", 20),
    ] {
        let Some(bytes) = shared_extract(name) else {
            continue;
        };
        let net = RoadNetwork::from_osm(&bytes, &CarProfile::default()).expect("network");
        let mut rng = StdRng::seed_from_u64(2026);
        let points = random_snapped(&net, &mut rng, n);
        check_against_dijkstra(&net, &points, name);
        check_snapping(&net, &mut rng, 50, name);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Invariants of any matrix: zero on the diagonal, the triangle inequality, and the
    /// duration and distance parts never exceeding what the route reports.
    #[test]
    fn any_matrix_has_a_zero_diagonal_and_obeys_the_triangle_inequality(
        seed in 0u64..1_000_000,
        side in 3usize..10,
    ) {
        let Ok(net) = RoadNetwork::from_car_ways(&random_ways(seed, side)) else {
            return Ok(());
        };
        let mut rng = StdRng::seed_from_u64(seed);
        let points = random_snapped(&net, &mut rng, 8);
        let m = net.matrix(&points, &points);
        for i in 0..points.len() {
            proptest::prop_assert_eq!(m.weight(i, i), Some(0), "seed {}: diagonal {}", seed, i);
            for j in 0..points.len() {
                let ij = m.weight(i, j).expect("strongly connected");
                for k in 0..points.len() {
                    let jk = m.weight(j, k).expect("strongly connected");
                    let ik = m.weight(i, k).expect("strongly connected");
                    proptest::prop_assert!(ik <= ij + jk, "seed {}: {}->{} > {}->{}->{}", seed, i, k, i, j, k);
                }
            }
        }
    }
}
