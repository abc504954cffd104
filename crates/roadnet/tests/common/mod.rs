//! Test helpers: random road networks, an independent Dijkstra oracle, the shared extracts.
#![allow(dead_code, missing_docs)]

use std::collections::HashMap;
use std::path::PathBuf;

use petgraph::graph::{DiGraph, NodeIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use vaxride_roadnet::osm::{CarWay, CarWays};
use vaxride_roadnet::profile::{HighwayClass, WayAttrs};
use vaxride_roadnet::{RoadNetwork, Snapped, Weight};

/// A random street network: a jittered grid of two-way and one-way streets plus random
/// diagonals, some of them dead ends, so that clipping leaves several components.
pub fn random_ways(seed: u64, side: usize) -> CarWays {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut ways = CarWays::default();
    let id = |r: usize, c: usize| (r * side + c) as i64 + 1;
    for r in 0..side {
        for c in 0..side {
            let lon = 123.40 + c as f64 * 0.002 + rng.random_range(-0.0005..0.0005);
            let lat = 41.78 + r as f64 * 0.0015 + rng.random_range(-0.0005..0.0005);
            ways.coords.insert(id(r, c), (lon, lat));
        }
    }
    let mut way_id = 0;
    let mut push = |rng: &mut StdRng, ways: &mut CarWays, refs: Vec<i64>| {
        way_id += 1;
        let oneway = rng.random_bool(0.3);
        let reverse = oneway && rng.random_bool(0.5);
        ways.ways.push(CarWay {
            id: way_id,
            refs,
            attrs: WayAttrs {
                class: HighwayClass::Residential,
                speed_kmh: [15.0, 25.0, 40.0, 60.0][rng.random_range(0..4)],
                forward: !reverse,
                backward: !oneway || reverse,
            },
            names: Vec::new(),
        });
    };
    // Streets along rows and columns, cut into pieces of random length.
    for r in 0..side {
        let mut c = 0;
        while c + 1 < side {
            let len = rng.random_range(1..4).min(side - 1 - c);
            if rng.random_bool(0.85) {
                push(
                    &mut rng,
                    &mut ways,
                    (c..=c + len).map(|k| id(r, k)).collect(),
                );
            }
            c += len;
        }
    }
    for c in 0..side {
        let mut r = 0;
        while r + 1 < side {
            let len = rng.random_range(1..4).min(side - 1 - r);
            if rng.random_bool(0.85) {
                push(
                    &mut rng,
                    &mut ways,
                    (r..=r + len).map(|k| id(k, c)).collect(),
                );
            }
            r += len;
        }
    }
    for _ in 0..side {
        let (r, c) = (rng.random_range(0..side - 1), rng.random_range(0..side - 1));
        push(&mut rng, &mut ways, vec![id(r, c), id(r + 1, c + 1)]);
    }
    ways
}

/// Random points in the bounding box of the network, snapped with no distance limit.
pub fn random_snapped(net: &RoadNetwork, rng: &mut StdRng, n: usize) -> Vec<Snapped> {
    let b = net.report().bbox;
    (0..n)
        .map(|_| {
            let lon = rng.random_range(b[0]..=b[2]);
            let lat = rng.random_range(b[1]..=b[3]);
            net.snap(lon, lat, f64::INFINITY).expect("snaps")
        })
        .collect()
}

/// Dijkstra oracle, independent of the library's searches: every snapped point becomes a node
/// of a petgraph graph that splits its edge, and petgraph's own Dijkstra runs on it.
pub struct Oracle {
    graph: DiGraph<(), Weight>,
    point_node: Vec<NodeIndex>,
}

impl Oracle {
    pub fn new(net: &RoadNetwork, points: &[Snapped]) -> Oracle {
        let g = net.graph();
        let mut graph: DiGraph<(), Weight> = DiGraph::new();
        for _ in 0..g.node_count() {
            graph.add_node(());
        }
        // Points at the same place on the same edge are one node.
        let mut point_node: Vec<NodeIndex> = Vec::with_capacity(points.len());
        let mut placed: HashMap<(u32, u64), NodeIndex> = HashMap::new();
        for p in points {
            // A point exactly on a junction is that junction.
            let e = g.edges()[p.edge as usize];
            let last = (g.geometry(p.edge).len() - 1) as f64;
            let node = if p.along() == 0.0 {
                NodeIndex::new(e.from as usize)
            } else if p.along() == last {
                NodeIndex::new(e.to as usize)
            } else {
                let key = (p.edge, p.along().to_bits());
                *placed.entry(key).or_insert_with(|| graph.add_node(()))
            };
            point_node.push(node);
        }
        let mut on_edge: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, p) in points.iter().enumerate() {
            on_edge.entry(p.edge).or_default().push(i);
        }
        for (id, e) in g.edges().iter().enumerate() {
            let total = g.edge_weight(id as u32);
            let mut chain: Vec<(NodeIndex, Weight)> = vec![(NodeIndex::new(e.from as usize), 0)];
            if let Some(ps) = on_edge.get_mut(&(id as u32)) {
                ps.sort_by(|a, b| points[*a].along().total_cmp(&points[*b].along()));
                ps.retain(|&i| point_node[i].index() >= g.node_count());
                ps.dedup_by_key(|i| point_node[*i]);
                chain.extend(ps.iter().map(|&i| (point_node[i], points[i].pos())));
            }
            chain.push((NodeIndex::new(e.to as usize), total));
            for w in chain.windows(2) {
                let cost = w[1].1 - w[0].1;
                if e.forward {
                    graph.add_edge(w[0].0, w[1].0, cost);
                }
                if e.backward {
                    graph.add_edge(w[1].0, w[0].0, cost);
                }
            }
        }
        Oracle { graph, point_node }
    }

    /// Costs from point `i` to every point; `None` where unreachable.
    pub fn costs_from(&self, i: usize) -> Vec<Option<Weight>> {
        let d = petgraph::algo::dijkstra(&self.graph, self.point_node[i], None, |e| *e.weight());
        self.point_node.iter().map(|n| d.get(n).copied()).collect()
    }
}

/// [`random_ways`] with junctions that cost: the default turn profile, random signals,
/// stop signs, gates and bollards on ~15 % of the nodes, and no-/only- restrictions at ~30 %
/// of the nodes where two ways meet.
pub fn random_turn_ways(seed: u64, side: usize) -> CarWays {
    use vaxride_roadnet::turns::{Along, Obstacle, Restriction};
    let mut ways = random_ways(seed, side);
    let mut rng = StdRng::seed_from_u64(seed ^ 0x7u64.rotate_left(40));
    ways.turns = Some(vaxride_roadnet::TurnProfile::default());
    let mut node_ids: Vec<i64> = ways.coords.keys().copied().collect();
    node_ids.sort_unstable();
    for &id in &node_ids {
        if rng.random_bool(0.15) {
            let o = match rng.random_range(0..5) {
                0 => Obstacle::Blocked,
                k => Obstacle::Delay {
                    ms: [2000, 1000, 10_000, 2000][k - 1],
                    along: [Along::Both, Along::Forward, Along::Backward][rng.random_range(0..3)],
                },
            };
            ways.obstacles.insert(id, o);
        }
    }
    let mut at: HashMap<i64, Vec<i64>> = HashMap::new();
    for w in &ways.ways {
        for r in &w.refs {
            at.entry(*r).or_default().push(w.id);
        }
    }
    for &id in &node_ids {
        let Some(ws) = at.get(&id) else { continue };
        if ws.len() >= 2 && rng.random_bool(0.3) {
            let from = ws[rng.random_range(0..ws.len())];
            let to = ws[rng.random_range(0..ws.len())];
            ways.restrictions.push(Restriction {
                from: vec![from],
                via: id,
                to: vec![to],
                only: rng.random_bool(0.3),
            });
        }
    }
    ways
}

/// Dijkstra oracle for a network whose junctions cost, independent of the hierarchy and of
/// the library's searches: petgraph's Dijkstra on a graph whose nodes are the road graph's
/// arcs (roads in one direction) joined by the allowed turns, plus a start and an end node
/// per point wired to the arcs of its road from the raw geometry costs.
pub struct TurnOracle {
    graph: DiGraph<(), Weight>,
    start: Vec<NodeIndex>,
    end: Vec<NodeIndex>,
}

impl TurnOracle {
    pub fn new(net: &RoadNetwork, points: &[Snapped]) -> TurnOracle {
        use vaxride_roadnet::graph::pack;
        let g = net.graph();
        let t = net.turn_graph().expect("a network with turns");
        let arcs = g.arc_count();
        let mut graph: DiGraph<(), Weight> = DiGraph::new();
        for _ in 0..arcs {
            graph.add_node(());
        }
        let weight_of = |a: u32| g.edge_weight(g.arc(a).edge);
        let mut edge_arc: HashMap<(u32, bool), u32> = HashMap::new();
        let mut arriving: HashMap<u32, Vec<u32>> = HashMap::new();
        for a in 0..arcs as u32 {
            let arc = g.arc(a);
            edge_arc.insert((arc.edge, arc.reversed), a);
            arriving.entry(arc.head).or_default().push(a);
            for &(b, turn) in t.turns_from(a) {
                graph.add_edge(
                    NodeIndex::new(a as usize),
                    NodeIndex::new(b as usize),
                    pack(turn, 0) + weight_of(b),
                );
            }
        }
        let mut start = Vec::new();
        let mut end = Vec::new();
        for p in points {
            let (s, e) = (graph.add_node(()), graph.add_node(()));
            let total = g.edge_weight(p.edge);
            let junction = net.junction_at(p);
            if let Some(&a) = edge_arc.get(&(p.edge, false)) {
                graph.add_edge(s, NodeIndex::new(a as usize), total - p.pos());
                for &(u, turn) in t.turns_onto(a) {
                    graph.add_edge(NodeIndex::new(u as usize), e, pack(turn, 0) + p.pos());
                }
            }
            if let Some(&a) = edge_arc.get(&(p.edge, true)) {
                graph.add_edge(s, NodeIndex::new(a as usize), p.pos());
                for &(u, turn) in t.turns_onto(a) {
                    graph.add_edge(
                        NodeIndex::new(u as usize),
                        e,
                        pack(turn, 0) + total - p.pos(),
                    );
                }
            }
            if let Some(j) = junction {
                for b in g.out_arc_ids(j) {
                    graph.add_edge(s, NodeIndex::new(b as usize), weight_of(b));
                }
                for &u in arriving.get(&j).map(Vec::as_slice).unwrap_or(&[]) {
                    graph.add_edge(NodeIndex::new(u as usize), e, 0);
                }
            }
            start.push(s);
            end.push(e);
        }
        // Along one road without a junction, or on the same junction.
        for (i, a) in points.iter().enumerate() {
            for (j, b) in points.iter().enumerate() {
                let same_junction =
                    net.junction_at(a).is_some() && net.junction_at(a) == net.junction_at(b);
                let e = g.edges()[b.edge as usize];
                let (ja, jb) = (net.junction_at(a), net.junction_at(b));
                let mut options = Vec::new();
                if same_junction {
                    options.push(0);
                }
                if let Some(d) = direct_along(net, a, b) {
                    options.push(d);
                }
                // A point on a junction starts or ends there without a turn.
                if let Some(j) = ja {
                    if e.forward && e.from == j {
                        options.push(b.pos());
                    }
                    if e.backward && e.to == j {
                        options.push(g.edge_weight(b.edge) - b.pos());
                    }
                }
                let ea = g.edges()[a.edge as usize];
                if let Some(j) = jb {
                    if ea.forward && ea.to == j {
                        options.push(g.edge_weight(a.edge) - a.pos());
                    }
                    if ea.backward && ea.from == j {
                        options.push(a.pos());
                    }
                }
                let direct = options.into_iter().min();
                if let Some(w) = direct {
                    graph.add_edge(start[i], end[j], w);
                }
            }
        }
        TurnOracle { graph, start, end }
    }

    /// Costs from point `i` to every point; `None` where unreachable.
    pub fn costs_from(&self, i: usize) -> Vec<Option<Weight>> {
        let d = petgraph::algo::dijkstra(&self.graph, self.start[i], None, |e| *e.weight());
        self.end.iter().map(|n| d.get(n).copied()).collect()
    }
}

/// Cost from `a` to `b` along their common edge, if its direction allows.
fn direct_along(net: &RoadNetwork, a: &Snapped, b: &Snapped) -> Option<Weight> {
    let e = net.graph().edges()[a.edge as usize];
    if a.edge != b.edge {
        None
    } else if e.forward && b.along() >= a.along() {
        Some(b.pos() - a.pos())
    } else if e.backward && b.along() <= a.along() {
        Some(a.pos() - b.pos())
    } else {
        None
    }
}

/// An extract from `$VAXRIDE_OSM_DIR` or `<workspace>/../shared/osm`, if present.
pub fn shared_extract(name: &str) -> Option<Vec<u8>> {
    let dirs = [
        std::env::var_os("VAXRIDE_OSM_DIR").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/osm")),
    ];
    for dir in dirs.into_iter().flatten() {
        if let Ok(bytes) = std::fs::read(dir.join(name)) {
            return Some(bytes);
        }
    }
    eprintln!("skipped: {name} not found in $VAXRIDE_OSM_DIR or ../shared/osm");
    None
}
