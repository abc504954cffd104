//! [`RoadNetwork`]: the graph, its contraction hierarchy and its snapping index together, with
//! the operations the rest of vaxride uses: snap, matrix, route.

use serde::{Deserialize, Serialize};

use crate::cache::{self, CacheKey};
use crate::ch::Ch;
use crate::dijkstra;
use crate::error::{CacheError, RoadnetError};
use crate::graph::{Arc, BuildReport, Edge, RoadGraph, Weight, weight_cm, weight_ms};
use crate::linegraph::TurnGraph;
use crate::osm::{self, CarWays, OsmFormat};
use crate::places::{Gazetteer, StoredPlaces};
use crate::profile::CarProfile;
use crate::snap::{SnapError, SnapIndex, Snapped};

/// A routable road network, ready for queries.
#[derive(Debug, Clone)]
pub struct RoadNetwork {
    graph: RoadGraph,
    /// The allowed turns and their costs; `None` without a turn profile.
    turns: Option<TurnGraph>,
    /// Over the junctions, or over the turn graph's states when there is one.
    ch: Ch,
    report: BuildReport,
    snap: SnapIndex,
    places: Gazetteer,
}

/// The part of a network that is cached; the snapping index is rebuilt on load.
#[derive(Serialize, Deserialize)]
struct Stored {
    graph: RoadGraph,
    turns: Option<TurnGraph>,
    ch: Ch,
    report: BuildReport,
    places: StoredPlaces,
}

/// Travel costs between points, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    cells: Vec<Weight>,
}

impl Matrix {
    /// Number of sources.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of targets.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Packed cost from source `i` to target `j`; `None` when unreachable.
    pub fn weight(&self, i: usize, j: usize) -> Option<Weight> {
        let w = self.cells[i * self.cols + j];
        (w != Weight::MAX).then_some(w)
    }

    /// Driving time in seconds (millisecond resolution); `None` when unreachable.
    pub fn duration_s(&self, i: usize, j: usize) -> Option<f64> {
        self.weight(i, j).map(|w| weight_ms(w) as f64 / 1000.0)
    }

    /// Driving distance of the fastest path in metres (centimetre resolution); `None` when
    /// unreachable.
    pub fn distance_m(&self, i: usize, j: usize) -> Option<f64> {
        self.weight(i, j).map(|w| weight_cm(w) as f64 / 100.0)
    }
}

/// A driven route between two snapped points.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Packed cost, equal to the matrix cell for the same pair.
    pub weight: Weight,
    /// `[lon, lat]` points from the source to the target.
    pub coords: Vec<[f64; 2]>,
}

impl Route {
    /// Driving time in seconds.
    pub fn duration_s(&self) -> f64 {
        weight_ms(self.weight) as f64 / 1000.0
    }

    /// Driving distance in metres.
    pub fn distance_m(&self) -> f64 {
        weight_cm(self.weight) as f64 / 100.0
    }
}

impl RoadNetwork {
    /// Reads OSM data (format sniffed from the bytes) and prepares it for queries.
    pub fn from_osm(bytes: &[u8], profile: &CarProfile) -> Result<RoadNetwork, RoadnetError> {
        let ways = osm::read_car_ways(bytes, OsmFormat::sniff(bytes), profile)?;
        RoadNetwork::from_car_ways(&ways)
    }

    /// Prepares car ways for queries: graph, largest component, hierarchy, snapping index.
    pub fn from_car_ways(ways: &CarWays) -> Result<RoadNetwork, RoadnetError> {
        let (graph, mut report, origin) = RoadGraph::build(ways);
        if graph.edges().is_empty() {
            return Err(RoadnetError::NoRoads);
        }
        let (turns, ch) = match &ways.turns {
            None => (None, Ch::prepare(graph.node_count(), graph.arcs())),
            Some(profile) => {
                let (tg, placed) = TurnGraph::build(&graph, &origin, ways, profile);
                report.restrictions = [ways.restrictions.len(), placed.restrictions_matched];
                report.obstacles = placed.obstacles;
                report.turn_graph = [tg.state_count(), tg.turn_count()];
                report.unreachable_edges = placed.unreachable_edges;
                let ch = Ch::prepare_turns(tg.state_count(), tg.arcs(&graph));
                (Some(tg), ch)
            }
        };
        let lines = ways.ways.iter().flat_map(|w| {
            let points: Vec<[f64; 2]> = w
                .refs
                .iter()
                .filter_map(|r| ways.coords.get(r).map(|&(lon, lat)| [lon, lat]))
                .collect();
            w.names.iter().map(move |n| (n.as_str(), points.clone()))
        });
        let places = StoredPlaces::new(ways.places.clone(), lines);
        Ok(RoadNetwork::assemble(Stored {
            graph,
            turns,
            ch,
            report,
            places,
        }))
    }

    fn assemble(stored: Stored) -> RoadNetwork {
        let snap = SnapIndex::new(&stored.graph);
        RoadNetwork {
            graph: stored.graph,
            turns: stored.turns,
            ch: stored.ch,
            report: stored.report,
            snap,
            places: Gazetteer::new(stored.places),
        }
    }

    /// The streets, addresses and named places of the extract (see [`crate::places`]).
    pub fn places(&self) -> &Gazetteer {
        &self.places
    }

    /// What the build kept and dropped.
    pub fn report(&self) -> &BuildReport {
        &self.report
    }

    /// The road graph.
    pub fn graph(&self) -> &RoadGraph {
        &self.graph
    }

    /// Arcs in the contraction hierarchy, shortcuts included.
    pub fn hierarchy_arcs(&self) -> usize {
        self.ch.arc_count()
    }

    /// The allowed turns and their costs, when junctions cost ([`crate::turns`]).
    pub fn turn_graph(&self) -> Option<&TurnGraph> {
        self.turns.as_ref()
    }

    /// Snaps a WGS-84 point to the nearest road segment within `max_m` metres (with turns, of
    /// a road that can be driven onto and away from).
    pub fn snap(&self, lon: f64, lat: f64, max_m: f64) -> Result<Snapped, SnapError> {
        match &self.turns {
            None => self.snap.snap(&self.graph, lon, lat, max_m),
            Some(t) => self
                .snap
                .snap_where(&self.graph, lon, lat, max_m, |e| t.live(e)),
        }
    }

    /// Snaps a WGS-84 point to the nearest road that may be walked along (no motorway or trunk
    /// road: [`crate::walk`]) within `max_m` metres: where an elder starts walking.
    pub fn snap_walkable(&self, lon: f64, lat: f64, max_m: f64) -> Result<Snapped, SnapError> {
        let edges = self.graph.edges();
        self.snap.snap_where(&self.graph, lon, lat, max_m, |e| {
            crate::walk::walkable(edges[e as usize].class)
        })
    }

    /// The snapping index (for tests that compare it with brute force).
    pub fn snap_index(&self) -> &SnapIndex {
        &self.snap
    }

    /// The junction a snapped point sits exactly on, if any: such a point may use every road of
    /// the junction, not only the edge the R-tree happened to pick among the tied ones.
    pub fn junction_at(&self, s: &Snapped) -> Option<u32> {
        let e = self.graph.edges()[s.edge as usize];
        if s.seg == 0 && s.t == 0.0 {
            Some(e.from)
        } else if s.t == 1.0 && s.seg as usize + 2 == self.graph.geometry(s.edge).len() {
            Some(e.to)
        } else {
            None
        }
    }

    /// Nodes a snapped point can drive to, with the cost of getting there: the edge's own exits
    /// first (forward, then backward), then the junction the point sits on, if any.
    fn exits(&self, s: &Snapped) -> Vec<(u32, Weight)> {
        let e = self.graph.edges()[s.edge as usize];
        let total = self.graph.edge_weight(s.edge);
        let mut out = Vec::with_capacity(3);
        if e.forward {
            out.push((e.to, total - s.pos()));
        }
        if e.backward {
            out.push((e.from, s.pos()));
        }
        out.extend(self.junction_at(s).map(|j| (j, 0)));
        out
    }

    /// Nodes a snapped point can be reached from, with the cost from there; same order as
    /// [`Self::exits`].
    fn entries(&self, s: &Snapped) -> Vec<(u32, Weight)> {
        let e = self.graph.edges()[s.edge as usize];
        let total = self.graph.edge_weight(s.edge);
        let mut out = Vec::with_capacity(3);
        if e.forward {
            out.push((e.from, s.pos()));
        }
        if e.backward {
            out.push((e.to, total - s.pos()));
        }
        out.extend(self.junction_at(s).map(|j| (j, 0)));
        out
    }

    /// Cost of driving from `a` to `b` along their common edge without leaving it, if they share
    /// one and its direction allows it.
    fn direct(&self, a: &Snapped, b: &Snapped) -> Option<Weight> {
        if a.edge != b.edge {
            return None;
        }
        let e = self.graph.edges()[a.edge as usize];
        // Positions grow monotonically along the edge, so both packed parts stay non-negative.
        if e.forward && b.along() >= a.along() {
            Some(b.pos() - a.pos())
        } else if e.backward && b.along() <= a.along() {
            Some(a.pos() - b.pos())
        } else {
            None
        }
    }

    /// Where the searches from a source start, in the hierarchy's nodes.
    fn source_seeds(&self, s: &Snapped) -> Vec<(u32, Weight)> {
        match &self.turns {
            None => self.exits(s),
            Some(t) => t.seeds(&self.graph, s, self.junction_at(s)),
        }
    }

    /// Where the searches to a target end, in the hierarchy's nodes, with what each entry is
    /// (see [`TurnGraph::entries`]; without turns, the index in [`Self::entries`]).
    fn target_entries(&self, s: &Snapped) -> (Vec<(u32, Weight)>, Vec<u8>) {
        match &self.turns {
            None => {
                let e = self.graph.edges()[s.edge as usize];
                let mut kinds: Vec<u8> = Vec::with_capacity(3);
                kinds.extend(e.forward.then_some(0));
                kinds.extend(e.backward.then_some(1));
                kinds.extend(self.junction_at(s).map(|_| 2));
                (self.entries(s), kinds)
            }
            Some(t) => t.entries(&self.graph, s, self.junction_at(s)),
        }
    }

    /// Cost between two points without passing a junction: zero on the same junction, along
    /// their common edge, or (with turns, where a point on a junction does not turn) from a
    /// junction along one of its roads or along a road into a junction.
    fn shortcut(&self, a: &Snapped, b: &Snapped) -> Option<(Weight, Shortcut)> {
        let (ja, jb) = (self.junction_at(a), self.junction_at(b));
        if ja.is_some() && ja == jb {
            return Some((0, Shortcut::Here));
        }
        let mut best = self.direct(a, b).map(|w| (w, Shortcut::Along));
        if self.turns.is_some() {
            let mut consider = |w: Weight, how: Shortcut| {
                if best.is_none_or(|(b, _)| w < b) {
                    best = Some((w, how));
                }
            };
            if let Some(j) = ja {
                let f = self.graph.edges()[b.edge as usize];
                if f.forward && f.from == j {
                    consider(b.pos(), Shortcut::Out { reversed: false });
                }
                if f.backward && f.to == j {
                    let total = self.graph.edge_weight(b.edge);
                    consider(total - b.pos(), Shortcut::Out { reversed: true });
                }
            }
            if let Some(j) = jb {
                let e = self.graph.edges()[a.edge as usize];
                if e.forward && e.to == j {
                    let total = self.graph.edge_weight(a.edge);
                    consider(total - a.pos(), Shortcut::In { reversed: false });
                }
                if e.backward && e.from == j {
                    consider(a.pos(), Shortcut::In { reversed: true });
                }
            }
        }
        best
    }

    /// Exact many-to-many costs between snapped points (contraction hierarchy, bucket search).
    pub fn matrix(&self, sources: &[Snapped], targets: &[Snapped]) -> Matrix {
        let src: Vec<Vec<(u32, Weight)>> = sources.iter().map(|s| self.source_seeds(s)).collect();
        let dst: Vec<Vec<(u32, Weight)>> =
            targets.iter().map(|t| self.target_entries(t).0).collect();
        let src_refs: Vec<&[(u32, Weight)]> = src.iter().map(Vec::as_slice).collect();
        let dst_refs: Vec<&[(u32, Weight)]> = dst.iter().map(Vec::as_slice).collect();
        let mut cells = self.ch.many_to_many(&src_refs, &dst_refs);
        let cols = targets.len();
        // Points on the same edge may be joined without reaching a junction.
        // Points on one edge or one junction, or a junction and a point on one of its roads,
        // may be joined without a turn (see shortcut()).
        let mut by_edge: std::collections::HashMap<u32, Vec<usize>> =
            std::collections::HashMap::new();
        let mut by_junction: std::collections::HashMap<u32, Vec<usize>> =
            std::collections::HashMap::new();
        for (j, t) in targets.iter().enumerate() {
            by_edge.entry(t.edge).or_default().push(j);
            if let Some(v) = self.junction_at(t) {
                by_junction.entry(v).or_default().push(j);
            }
        }
        let none: &[usize] = &[];
        let on_edge = |e: u32| by_edge.get(&e).map_or(none, Vec::as_slice);
        let mut near: Vec<usize> = Vec::new();
        for (i, s) in sources.iter().enumerate() {
            near.clear();
            near.extend_from_slice(on_edge(s.edge));
            if let Some(v) = self.junction_at(s) {
                near.extend(by_junction.get(&v).map_or(none, Vec::as_slice));
                if self.turns.is_some() {
                    for arc in self.graph.out_arcs(v) {
                        near.extend_from_slice(on_edge(arc.edge));
                    }
                }
            }
            if self.turns.is_some() {
                let e = self.graph.edges()[s.edge as usize];
                for v in [e.from, e.to] {
                    near.extend(by_junction.get(&v).map_or(none, Vec::as_slice));
                }
            }
            for &j in &near {
                if let Some((w, _)) = self.shortcut(s, &targets[j]) {
                    let cell = &mut cells[i * cols + j];
                    *cell = (*cell).min(w);
                }
            }
        }
        Matrix {
            rows: sources.len(),
            cols,
            cells,
        }
    }

    /// The fastest route between two snapped points with its road geometry; `None` when the
    /// target cannot be reached. Its cost equals the matrix cell for the same pair.
    pub fn route(&self, from: &Snapped, to: &Snapped) -> Option<Route> {
        let seeds = self.source_seeds(from);
        let (entries, kinds) = self.target_entries(to);
        let fe = self.graph.edges()[from.edge as usize];
        let own = |e: Edge| usize::from(e.forward) + usize::from(e.backward);
        // (cost, seed, entry kind, arcs driven whole)
        let found: Option<(Weight, usize, u8, Vec<Arc>)> = match &self.turns {
            None => dijkstra::shortest_path(&self.graph, &seeds, &entries)
                .map(|f| (f.cost, f.seed, kinds[f.entry], f.arcs)),
            Some(t) => {
                t.shortest_path(&self.graph, &seeds, &entries)
                    .map(|(cost, seed, entry, ids)| {
                        // A seed on the point's own road is driven in part: the lead-in below.
                        let skip = usize::from(seed < own(fe));
                        let arcs = ids[skip..].iter().map(|&a| self.graph.arc(a)).collect();
                        (cost, seed, kinds[entry], arcs)
                    })
            }
        };
        let shortcut = self.shortcut(from, to);
        let use_shortcut = match (&found, shortcut) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(f), Some((d, _))) => d <= f.0,
        };
        let mut coords = vec![[from.lon, from.lat]];
        let weight = if let (true, Some((w, how))) = (use_shortcut, shortcut) {
            let g = self.graph.geometry(from.edge);
            let h = self.graph.geometry(to.edge);
            match how {
                Shortcut::Here => {}
                Shortcut::Along if to.along() >= from.along() => {
                    coords.extend_from_slice(&g[from.seg as usize + 1..=to.seg as usize]);
                }
                Shortcut::Along => {
                    coords.extend(g[to.seg as usize + 1..=from.seg as usize].iter().rev());
                }
                Shortcut::Out { reversed: false } => {
                    coords.extend_from_slice(&h[..=to.seg as usize]);
                }
                Shortcut::Out { reversed: true } => {
                    coords.extend(h[to.seg as usize + 1..].iter().rev());
                }
                Shortcut::In { reversed: false } => {
                    coords.extend_from_slice(&g[from.seg as usize + 1..]);
                }
                Shortcut::In { reversed: true } => {
                    coords.extend(g[..=from.seg as usize].iter().rev());
                }
            }
            w
        } else {
            let (cost, seed, entry_kind, arcs) = found?;
            let g = self.graph.geometry(from.edge);
            // The seed index (not the node, ambiguous on a loop) tells the direction; see
            // exits(). A point on a junction needs no lead-in or lead-out.
            if seed >= own(fe) {
            } else if fe.forward && seed == 0 {
                coords.extend_from_slice(&g[from.seg as usize + 1..]);
            } else {
                coords.extend(g[..=from.seg as usize].iter().rev());
            }
            for arc in &arcs {
                let g = self.graph.geometry(arc.edge);
                if arc.reversed {
                    coords.extend(g.iter().rev().skip(1));
                } else {
                    coords.extend(g.iter().skip(1));
                }
            }
            let g = self.graph.geometry(to.edge);
            match entry_kind {
                0 => coords.extend_from_slice(&g[1..=to.seg as usize]),
                1 => coords.extend(g[to.seg as usize + 1..g.len() - 1].iter().rev()),
                _ => {}
            }
            cost
        };
        coords.push([to.lon, to.lat]);
        coords.dedup();
        Some(Route { weight, coords })
    }

    /// The network as bytes for the on-disk cache.
    pub fn to_cache_bytes(&self, key: &CacheKey) -> Vec<u8> {
        let stored = StoredRef {
            graph: &self.graph,
            turns: &self.turns,
            ch: &self.ch,
            report: &self.report,
            places: self.places.stored(),
        };
        let body = postcard::to_stdvec(&stored).expect("serializing to memory cannot fail");
        cache::frame(key, &body)
    }

    /// A network from cache bytes written by [`RoadNetwork::to_cache_bytes`] with the same key.
    pub fn from_cache_bytes(bytes: &[u8], key: &CacheKey) -> Result<RoadNetwork, CacheError> {
        let body = cache::unframe(bytes, key)?;
        let stored: Stored =
            postcard::from_bytes(body).map_err(|e| CacheError::Corrupt(e.to_string()))?;
        let nodes = match &stored.turns {
            None => stored.graph.node_count(),
            Some(t) => t.state_count(),
        };
        if nodes != stored.ch.node_count() {
            return Err(CacheError::Corrupt("graph and hierarchy disagree".into()));
        }
        Ok(RoadNetwork::assemble(stored))
    }
}

/// How two points are joined without passing a junction ([`RoadNetwork::shortcut`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shortcut {
    /// On the same junction.
    Here,
    /// Along their common edge.
    Along,
    /// From the source's junction along the target's road (against its geometry if reversed).
    Out { reversed: bool },
    /// Along the source's road into the target's junction.
    In { reversed: bool },
}

#[derive(Serialize)]
struct StoredRef<'a> {
    graph: &'a RoadGraph,
    turns: &'a Option<TurnGraph>,
    ch: &'a Ch,
    report: &'a BuildReport,
    places: &'a StoredPlaces,
}
