//! Walking distances along the roads against an independent Dijkstra on the roads taken as
//! undirected (petgraph), on random networks with one-way streets; and a one-way street that
//! is walked both ways while a motorway is not walked at all.

mod common;

use std::collections::HashMap;

use common::{random_snapped, random_ways};
use petgraph::graph::{NodeIndex, UnGraph};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use vaxride_roadnet::osm::{CarWay, CarWays};
use vaxride_roadnet::profile::{HighwayClass, WayAttrs};
use vaxride_roadnet::walk::Walks;
use vaxride_roadnet::{RoadNetwork, Snapped};

/// Walking lengths (cm) between every pair of points, by petgraph's Dijkstra on a graph in
/// which every snapped point splits its edge and every edge goes both ways.
fn oracle(net: &RoadNetwork, points: &[Snapped]) -> Vec<Vec<Option<u64>>> {
    let g = net.graph();
    let mut graph: UnGraph<(), u64> = UnGraph::new_undirected();
    for _ in 0..g.node_count() {
        graph.add_node(());
    }
    let mut node_of: Vec<NodeIndex> = Vec::new();
    let mut on_edge: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, p) in points.iter().enumerate() {
        node_of.push(graph.add_node(()));
        on_edge.entry(p.edge).or_default().push(i);
    }
    for (id, e) in g.edges().iter().enumerate() {
        let (_, cm) = g.cumulative(id as u32);
        let total = u64::from(*cm.last().expect("an edge has a length"));
        let mut chain: Vec<(NodeIndex, u64)> = vec![(NodeIndex::new(e.from as usize), 0)];
        if let Some(ps) = on_edge.get_mut(&(id as u32)) {
            ps.sort_by_key(|&i| points[i].pos_cm);
            chain.extend(
                ps.iter()
                    .map(|&i| (node_of[i], u64::from(points[i].pos_cm))),
            );
        }
        chain.push((NodeIndex::new(e.to as usize), total));
        for w in chain.windows(2) {
            graph.add_edge(w[0].0, w[1].0, w[1].1 - w[0].1);
        }
    }
    node_of
        .iter()
        .map(|&from| {
            let d = petgraph::algo::dijkstra(&graph, from, None, |e| *e.weight());
            node_of.iter().map(|n| d.get(n).copied()).collect()
        })
        .collect()
}

#[test]
fn walks_equal_an_undirected_dijkstra_within_the_limit_on_random_networks() {
    let (mut found, mut beyond) = (0, 0);
    for seed in 0..30u64 {
        let side = 4 + (seed as usize % 8);
        let Ok(net) = RoadNetwork::from_car_ways(&random_ways(seed, side)) else {
            continue;
        };
        let mut rng = StdRng::seed_from_u64(seed ^ 0x3a1c);
        let points = random_snapped(&net, &mut rng, 30);
        let walks = Walks::new(net.graph());
        let want = oracle(&net, &points);
        for limit_m in [0.0, 150.0, 400.0, 5_000.0] {
            for (i, from) in points.iter().enumerate() {
                let got = walks.within(from, &points, limit_m);
                for (j, g) in got.iter().enumerate() {
                    let expected = want[i][j]
                        .filter(|&cm| cm as f64 <= limit_m * 100.0)
                        .map(|cm| cm as f64 / 100.0);
                    assert_eq!(
                        *g, expected,
                        "seed {seed}, limit {limit_m} m, walk {i}->{j}"
                    );
                    if g.is_some() {
                        found += 1;
                    } else {
                        beyond += 1;
                    }
                }
            }
        }
    }
    // Both answers are exercised, many times.
    assert!(
        found > 10_000 && beyond > 10_000,
        "{found} within, {beyond} beyond"
    );
}

#[test]
fn a_one_way_street_is_walked_both_ways_and_a_motorway_not_at_all() {
    // Three junctions in a row along a parallel (about 170 m apart): a one-way residential
    // street from 1 to 2, a motorway from 2 to 3 beside which nobody walks, and a street back
    // from 3 to 1 by way of 4, to the north.
    let mut ways = CarWays::default();
    for (id, lon, lat) in [
        (1, 116.400, 39.9),
        (2, 116.402, 39.9),
        (3, 116.404, 39.9),
        (4, 116.402, 39.903),
    ] {
        ways.coords.insert(id, (lon, lat));
    }
    let way = |id: i64, refs: Vec<i64>, class, backward| CarWay {
        id,
        refs,
        attrs: WayAttrs {
            class,
            speed_kmh: 30.0,
            forward: true,
            backward,
        },
        names: Vec::new(),
    };
    ways.ways
        .push(way(1, vec![1, 2], HighwayClass::Residential, false));
    ways.ways
        .push(way(2, vec![2, 3], HighwayClass::Motorway, true));
    ways.ways
        .push(way(3, vec![3, 4, 1], HighwayClass::Residential, true));
    let net = RoadNetwork::from_car_ways(&ways).expect("a network");
    let walks = Walks::new(net.graph());
    let at = |lon: f64| net.snap(lon, 39.9, 5.0).expect("on the road");
    let (a, b) = (at(116.4005), at(116.4015));
    // Against the one-way direction, b to a is the same walk as a to b.
    let ab = walks.within(&a, &[b], 500.0)[0].expect("within 500 m");
    let ba = walks.within(&b, &[a], 500.0)[0].expect("within 500 m");
    assert!(
        (ab - ba).abs() < 0.02 && (80.0..90.0).contains(&ab),
        "{ab} {ba}"
    );
    // A point on the motorway is not walked to, nor from.
    let m = at(116.403);
    assert_eq!(walks.within(&a, &[m], 5_000.0), vec![None]);
    assert_eq!(walks.within(&m, &[a], 5_000.0), vec![None]);
    // Beside the motorway, a walk starts on the nearest street that may be walked: the one
    // to the north (way 3, from 3 to 4), not the motorway 10 m away.
    let beside = net
        .snap_walkable(116.403, 39.9001, 500.0)
        .expect("a street within 500 m");
    assert_eq!(
        net.graph().edges()[beside.edge as usize].class,
        HighwayClass::Residential
    );
    assert!(beside.snap_m > 20.0, "{}", beside.snap_m);
    let d = walks.within(&beside, &[a], 5_000.0)[0].expect("walked by the north");
    assert!(d > 300.0, "{d}");
    assert!(matches!(
        net.snap_walkable(116.403, 39.9001, 5.0),
        Err(vaxride_roadnet::SnapError::TooFar { .. })
    ));
}

#[test]
fn walkable_snapping_is_the_nearest_walkable_segment_by_brute_force() {
    let trunk = |c: HighwayClass| matches!(c, HighwayClass::Trunk);
    let mut checked = 0;
    for seed in 0..10u64 {
        // Every third way a trunk road, which is not walked.
        let mut ways = random_ways(seed, 6);
        for (k, w) in ways.ways.iter_mut().enumerate() {
            if k % 3 == 0 {
                w.attrs.class = HighwayClass::Trunk;
            }
        }
        let Ok(net) = RoadNetwork::from_car_ways(&ways) else {
            continue;
        };
        let (g, index) = (net.graph(), net.snap_index());
        let b = net.report().bbox;
        let mut rng = StdRng::seed_from_u64(seed ^ 0x51a9);
        for k in 0..100 {
            let lon = rng.random_range(b[0]..=b[2]);
            let lat = rng.random_range(b[1]..=b[3]);
            let s = net.snap_walkable(lon, lat, 1e6).expect("a street");
            assert!(!trunk(g.edges()[s.edge as usize].class), "seed {seed}, {k}");
            let best = (0..g.edges().len() as u32)
                .filter(|&e| !trunk(g.edges()[e as usize].class))
                .flat_map(|e| (0..g.geometry(e).len() as u32 - 1).map(move |seg| (e, seg)))
                .map(|(e, seg)| index.projected_distance2(g, lon, lat, e, seg))
                .fold(f64::INFINITY, f64::min);
            let got = index.projected_distance2(g, lon, lat, s.edge, s.seg);
            assert!(
                (got - best).abs() <= 1e-9 * best.max(1.0),
                "seed {seed}, {k}: {got} {best}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 500, "{checked}");
}
