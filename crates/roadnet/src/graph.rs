//! The car road graph: junctions, road edges with their geometry, and the directed arcs between.
//!
//! A *road edge* is a stretch of one OSM way between two junctions (a junction is a node shared by
//! several ways or a way's end). Its inner nodes only shape the geometry: degree-2 chains are
//! compressed into one edge that keeps every coordinate for snapping and drawing. An edge may be
//! driven forward (`from → to`), backward, or both; each allowed direction is one *arc*.
//!
//! Costs are integers so that sums are exact and every algorithm agrees to the unit: milliseconds
//! and centimetres, accumulated along each edge's geometry. The routing weight packs them as
//! `(ms << 32) | cm`, so comparing packed weights compares duration first and distance second: the
//! fastest path wins, and among equally fast paths the shortest. Paths longer than 2^32 cm
//! (42,949 km) are out of scope.

use std::collections::{HashMap, HashSet};

use geo::{Distance, Haversine, Point};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use crate::osm::CarWays;
use crate::profile::HighwayClass;

/// A packed `(milliseconds, centimetres)` cost; see the module docs.
pub type Weight = u64;

/// Packs a duration and a distance into one [`Weight`].
pub const fn pack(ms: u32, cm: u32) -> Weight {
    ((ms as u64) << 32) | cm as u64
}

/// Duration part of a packed weight, in milliseconds.
pub const fn weight_ms(w: Weight) -> u64 {
    w >> 32
}

/// Distance part of a packed weight, in centimetres.
pub const fn weight_cm(w: Weight) -> u64 {
    w & 0xffff_ffff
}

/// A stretch of road between two junctions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    /// Junction at the start of the geometry.
    pub from: u32,
    /// Junction at the end of the geometry.
    pub to: u32,
    /// May be driven from `from` to `to`.
    pub forward: bool,
    /// May be driven from `to` to `from`.
    pub backward: bool,
    /// Road class of the OSM way.
    pub class: HighwayClass,
    /// Index of the first geometry point in the graph's point arrays.
    pub(crate) geom_start: u32,
    /// One past the last geometry point.
    pub(crate) geom_end: u32,
}

/// A directed arc leaving a junction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arc {
    /// The road edge driven.
    pub edge: u32,
    /// The junction reached.
    pub head: u32,
    /// Whether the edge is driven against its geometry (`to → from`).
    pub reversed: bool,
}

/// What building the graph found and dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BuildReport {
    /// Ways in the input, of any kind.
    pub ways_read: usize,
    /// Ways a car may drive.
    pub car_ways: usize,
    /// Node references of car ways whose node is not in the file (clipped extracts).
    pub missing_refs: usize,
    /// OSM nodes used by car ways.
    pub osm_nodes: usize,
    /// Strongly connected components of the junction graph.
    pub components: usize,
    /// Junctions kept (the largest strongly connected component).
    pub nodes: usize,
    /// Road edges kept.
    pub edges: usize,
    /// Directed arcs kept.
    pub arcs: usize,
    /// Junctions dropped with the smaller components.
    pub dropped_nodes: usize,
    /// Road edges dropped with the smaller components.
    pub dropped_edges: usize,
    /// Bounding box of the kept geometry: `[min_lon, min_lat, max_lon, max_lat]`.
    pub bbox: [f64; 4],
    /// Turn restrictions read for cars (via a node) and, of them, those that matched the
    /// kept roads ([`crate::turns`]).
    #[serde(default)]
    pub restrictions: [usize; 2],
    /// Restrictions for cars left out (via a way, or malformed).
    #[serde(default)]
    pub skipped_restrictions: usize,
    /// Nodes of kept roads that delay or block cars.
    #[serde(default)]
    pub obstacles: usize,
    /// States of the edge-based graph (a road in one direction) and the turns between them;
    /// zero without a turn profile.
    #[serde(default)]
    pub turn_graph: [usize; 2],
    /// Roads left out because no allowed turn leads onto them and away again (their states
    /// are outside the largest strongly connected part of the edge-based graph).
    #[serde(default)]
    pub unreachable_edges: usize,
}

/// Where the kept junctions and edges came from: the OSM node of each junction and the index
/// (in [`CarWays::ways`]) of each edge's way. Used to place restrictions and obstacles.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// OSM node id per junction.
    pub node_osm: Vec<i64>,
    /// Way index per edge.
    pub edge_way: Vec<u32>,
}

/// The routable car graph: the largest strongly connected component of the road network.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoadGraph {
    nodes: Vec<[f64; 2]>,
    edges: Vec<Edge>,
    points: Vec<[f64; 2]>,
    cum_ms: Vec<u32>,
    cum_cm: Vec<u32>,
    out_first: Vec<u32>,
    out_arcs: Vec<Arc>,
}

/// One edge under construction.
struct Piece {
    way: u32,
    from: u32,
    to: u32,
    forward: bool,
    backward: bool,
    class: HighwayClass,
    points: Vec<[f64; 2]>,
    cum_ms: Vec<u32>,
    cum_cm: Vec<u32>,
}

impl RoadGraph {
    /// Builds the graph from car ways: splits ways at junctions (and, with a turn profile, at
    /// nodes that delay or block and at the via nodes of restrictions), computes integer costs,
    /// keeps the largest strongly connected component.
    pub fn build(input: &CarWays) -> (RoadGraph, BuildReport, Origin) {
        let split: HashSet<i64> = if input.turns.is_some() {
            let vias = input.restrictions.iter().map(|r| r.via);
            input.obstacles.keys().copied().chain(vias).collect()
        } else {
            HashSet::new()
        };
        let mut uses: HashMap<i64, u32> = HashMap::with_capacity(input.coords.len());
        for way in &input.ways {
            for r in &way.refs {
                *uses.entry(*r).or_insert(0) += 1;
            }
            // Way ends are junctions: count them once more.
            *uses.entry(way.refs[0]).or_insert(0) += 1;
            *uses
                .entry(*way.refs.last().expect("ways have 2+ refs"))
                .or_insert(0) += 1;
        }
        let mut junction_of: HashMap<i64, u32> = HashMap::new();
        let mut junction_xy: Vec<[f64; 2]> = Vec::new();
        let mut junction_osm: Vec<i64> = Vec::new();
        let mut junction = |r: i64| -> u32 {
            *junction_of.entry(r).or_insert_with(|| {
                let (lon, lat) = input.coords[&r];
                junction_xy.push([lon, lat]);
                junction_osm.push(r);
                (junction_xy.len() - 1) as u32
            })
        };
        let mut pieces: Vec<Piece> = Vec::new();
        for (way_index, way) in input.ways.iter().enumerate() {
            let speed_mps = way.attrs.speed_kmh.max(1.0) / 3.6;
            let mut refs = way.refs.clone();
            refs.dedup();
            if refs.len() < 2 {
                continue;
            }
            let mut piece: Option<Piece> = None;
            for (i, r) in refs.iter().enumerate() {
                let (lon, lat) = input.coords[r];
                let is_junction =
                    i == 0 || i + 1 == refs.len() || uses[r] >= 2 || split.contains(r);
                match piece.as_mut() {
                    None => {}
                    Some(p) => {
                        let last = *p.points.last().expect("pieces start with a point");
                        let metres =
                            Haversine.distance(Point::new(last[0], last[1]), Point::new(lon, lat));
                        let cm = ((metres * 100.0).round() as u32).max(1);
                        let ms = (metres / speed_mps * 1000.0).round() as u32;
                        p.points.push([lon, lat]);
                        p.cum_ms.push(p.cum_ms.last().copied().unwrap_or(0) + ms);
                        p.cum_cm.push(p.cum_cm.last().copied().unwrap_or(0) + cm);
                    }
                }
                if is_junction {
                    let j = junction(*r);
                    if let Some(mut p) = piece.take() {
                        p.to = j;
                        pieces.push(p);
                    }
                    if i + 1 < refs.len() {
                        piece = Some(Piece {
                            way: way_index as u32,
                            from: j,
                            to: j,
                            forward: way.attrs.forward,
                            backward: way.attrs.backward,
                            class: way.attrs.class,
                            points: vec![[lon, lat]],
                            cum_ms: vec![0],
                            cum_cm: vec![0],
                        });
                    }
                }
            }
        }

        // Largest strongly connected component of the directed junction graph.
        let n = junction_xy.len();
        let mut digraph: DiGraph<(), ()> = DiGraph::with_capacity(n, pieces.len() * 2);
        for _ in 0..n {
            digraph.add_node(());
        }
        for p in &pieces {
            if p.forward {
                digraph.add_edge(
                    NodeIndex::new(p.from as usize),
                    NodeIndex::new(p.to as usize),
                    (),
                );
            }
            if p.backward {
                digraph.add_edge(
                    NodeIndex::new(p.to as usize),
                    NodeIndex::new(p.from as usize),
                    (),
                );
            }
        }
        // Kosaraju's search is iterative; petgraph's Tarjan recurses as deep as the graph and
        // overflows a thread's 2 MB stack on a city's edge-based graph.
        let sccs = petgraph::algo::kosaraju_scc(&digraph);
        let components = sccs.len();
        let mut keep = vec![u32::MAX; n];
        if let Some(largest) = sccs.iter().max_by_key(|c| c.len()) {
            let mut members: Vec<usize> = largest.iter().map(|ix| ix.index()).collect();
            members.sort_unstable();
            for (new, old) in members.into_iter().enumerate() {
                keep[old] = new as u32;
            }
        }
        let nodes: Vec<[f64; 2]> = (0..n)
            .filter(|&i| keep[i] != u32::MAX)
            .map(|i| junction_xy[i])
            .collect();

        let mut graph = RoadGraph {
            nodes,
            edges: Vec::new(),
            points: Vec::new(),
            cum_ms: Vec::new(),
            cum_cm: Vec::new(),
            out_first: Vec::new(),
            out_arcs: Vec::new(),
        };
        let mut origin = Origin {
            node_osm: (0..n)
                .filter(|&i| keep[i] != u32::MAX)
                .map(|i| junction_osm[i])
                .collect(),
            edge_way: Vec::new(),
        };
        let mut dropped_edges = 0;
        for p in pieces {
            let (from, to) = (keep[p.from as usize], keep[p.to as usize]);
            if from == u32::MAX || to == u32::MAX {
                dropped_edges += 1;
                continue;
            }
            origin.edge_way.push(p.way);
            graph.push_edge(
                from, to, p.forward, p.backward, p.class, &p.points, &p.cum_ms, &p.cum_cm,
            );
        }
        graph.index_arcs();
        let report = BuildReport {
            ways_read: input.ways_read,
            car_ways: input.ways.len(),
            missing_refs: input.missing_refs,
            osm_nodes: input.coords.len(),
            components,
            nodes: graph.nodes.len(),
            edges: graph.edges.len(),
            arcs: graph.out_arcs.len(),
            dropped_nodes: n - graph.nodes.len(),
            dropped_edges,
            bbox: graph.bbox(),
            skipped_restrictions: input.skipped_restrictions,
            ..BuildReport::default()
        };
        (graph, report, origin)
    }

    #[allow(clippy::too_many_arguments)]
    fn push_edge(
        &mut self,
        from: u32,
        to: u32,
        forward: bool,
        backward: bool,
        class: HighwayClass,
        points: &[[f64; 2]],
        cum_ms: &[u32],
        cum_cm: &[u32],
    ) {
        let geom_start = self.points.len() as u32;
        self.points.extend_from_slice(points);
        self.cum_ms.extend_from_slice(cum_ms);
        self.cum_cm.extend_from_slice(cum_cm);
        self.edges.push(Edge {
            from,
            to,
            forward,
            backward,
            class,
            geom_start,
            geom_end: self.points.len() as u32,
        });
    }

    /// Builds the outgoing-arc index (CSR by junction).
    fn index_arcs(&mut self) {
        let n = self.nodes.len();
        let mut count = vec![0u32; n + 1];
        for e in &self.edges {
            if e.forward {
                count[e.from as usize + 1] += 1;
            }
            if e.backward {
                count[e.to as usize + 1] += 1;
            }
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let mut fill = count.clone();
        let placeholder = Arc {
            edge: 0,
            head: 0,
            reversed: false,
        };
        let mut arcs = vec![placeholder; count[n] as usize];
        for (id, e) in self.edges.iter().enumerate() {
            if e.forward {
                let slot = &mut fill[e.from as usize];
                arcs[*slot as usize] = Arc {
                    edge: id as u32,
                    head: e.to,
                    reversed: false,
                };
                *slot += 1;
            }
            if e.backward {
                let slot = &mut fill[e.to as usize];
                arcs[*slot as usize] = Arc {
                    edge: id as u32,
                    head: e.from,
                    reversed: true,
                };
                *slot += 1;
            }
        }
        self.out_first = count;
        self.out_arcs = arcs;
    }

    /// `[min_lon, min_lat, max_lon, max_lat]` of the geometry.
    pub fn bbox(&self) -> [f64; 4] {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in &self.points {
            b[0] = b[0].min(p[0]);
            b[1] = b[1].min(p[1]);
            b[2] = b[2].max(p[0]);
            b[3] = b[3].max(p[1]);
        }
        if self.points.is_empty() { [0.0; 4] } else { b }
    }

    /// Number of junctions.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// `[lon, lat]` of a junction.
    pub fn node(&self, id: u32) -> [f64; 2] {
        self.nodes[id as usize]
    }

    /// The road edges.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// Geometry of an edge, `[lon, lat]` from `from` to `to`.
    pub fn geometry(&self, edge: u32) -> &[[f64; 2]] {
        let e = &self.edges[edge as usize];
        &self.points[e.geom_start as usize..e.geom_end as usize]
    }

    /// Cumulative `(ms, cm)` at each geometry point of an edge; starts at `(0, 0)`.
    pub fn cumulative(&self, edge: u32) -> (&[u32], &[u32]) {
        let e = &self.edges[edge as usize];
        let r = e.geom_start as usize..e.geom_end as usize;
        (&self.cum_ms[r.clone()], &self.cum_cm[r])
    }

    /// Full cost of driving an edge, in either allowed direction.
    pub fn edge_weight(&self, edge: u32) -> Weight {
        let e = &self.edges[edge as usize];
        let last = e.geom_end as usize - 1;
        pack(self.cum_ms[last], self.cum_cm[last])
    }

    /// Number of directed arcs; arc ids are `0..arc_count()`, grouped by tail junction.
    pub fn arc_count(&self) -> usize {
        self.out_arcs.len()
    }

    /// The ids of the arcs leaving a junction (the same order as [`Self::out_arcs`]).
    pub fn out_arc_ids(&self, node: u32) -> std::ops::Range<u32> {
        self.out_first[node as usize]..self.out_first[node as usize + 1]
    }

    /// An arc by id.
    pub fn arc(&self, id: u32) -> Arc {
        self.out_arcs[id as usize]
    }

    /// Arcs leaving a junction.
    pub fn out_arcs(&self, node: u32) -> &[Arc] {
        &self.out_arcs
            [self.out_first[node as usize] as usize..self.out_first[node as usize + 1] as usize]
    }

    /// Every directed arc as `(tail, head, weight)`.
    pub fn arcs(&self) -> impl Iterator<Item = (u32, u32, Weight)> + '_ {
        (0..self.nodes.len() as u32).flat_map(move |tail| {
            self.out_arcs(tail)
                .iter()
                .map(move |a| (tail, a.head, self.edge_weight(a.edge)))
        })
    }
}
