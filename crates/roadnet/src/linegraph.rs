//! The edge-based graph the network routes on when junctions cost ([`crate::turns`]).
//!
//! A *state* is one arc of the [`RoadGraph`]: a road driven in one direction, its cost paid up
//! to the junction at its end. A *turn* joins the arc arriving at a junction to an arc leaving
//! it, when the turn is allowed, and costs what the junction costs plus the whole road turned
//! onto. The contraction hierarchy and the bucket matrix run on this graph unchanged; snapped
//! points become seeds on the arcs of their road ([`TurnGraph::seeds`], [`TurnGraph::entries`]).
//! States are numbered as the road graph's arcs ([`RoadGraph::arc`]).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};

use crate::graph::{Origin, RoadGraph, Weight, pack};
use crate::osm::CarWays;
use crate::snap::Snapped;
use crate::turns::{Obstacle, TurnProfile, heading, left_hand_at, turn_angle};

/// How far from a junction a road's heading is taken, in centimetres.
const HEADING_CM: u32 = 1_000;

/// The allowed turns between arcs and their costs, both ways round.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TurnGraph {
    /// Per edge: its forward and backward arc, `u32::MAX` where not drivable.
    edge_arcs: Vec<[u32; 2]>,
    /// Per arc: the turns onto other arcs `(arc, turn ms)`, CSR.
    out_first: Vec<u32>,
    out: Vec<(u32, u32)>,
    /// Per arc: the turns from other arcs onto it `(arc, turn ms)`, CSR.
    in_first: Vec<u32>,
    inn: Vec<(u32, u32)>,
    /// Per junction: the arcs arriving there, CSR.
    arriving_first: Vec<u32>,
    arriving: Vec<u32>,
    /// Per edge: some arc of it lies in the largest strongly connected part (snapping keeps
    /// to these edges, so that every matrix cell between snapped points is finite).
    live: Vec<bool>,
}

/// What placing the turn rules on the graph found.
#[derive(Debug, Clone, Copy, Default)]
pub struct TurnReport {
    /// Restrictions whose via node, `from` and `to` roads all lie in the graph.
    pub restrictions_matched: usize,
    /// Junctions that delay or block.
    pub obstacles: usize,
    /// Edges with no arc in the largest strongly connected part.
    pub unreachable_edges: usize,
}

/// A restriction placed on the graph: at a junction, from edges, onto edges.
struct Placed {
    from: Vec<u32>,
    to: Vec<u32>,
    only: bool,
    same_way: bool,
}

impl TurnGraph {
    /// Works out every allowed turn of `graph` and its cost under `profile`, placing the
    /// restrictions and obstacles of `ways` with `origin`.
    pub fn build(
        graph: &RoadGraph,
        origin: &Origin,
        ways: &CarWays,
        profile: &TurnProfile,
    ) -> (TurnGraph, TurnReport) {
        let n = graph.node_count();
        let edges = graph.edges();
        let mut report = TurnReport::default();
        let junction_of: HashMap<i64, u32> = origin
            .node_osm
            .iter()
            .enumerate()
            .map(|(j, &osm)| (osm, j as u32))
            .collect();
        let way_index: HashMap<i64, u32> = ways
            .ways
            .iter()
            .enumerate()
            .map(|(i, w)| (w.id, i as u32))
            .collect();
        // Edges at each junction (each once), and arcs arriving at each junction.
        let mut at: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (id, e) in edges.iter().enumerate() {
            at[e.from as usize].push(id as u32);
            if e.to != e.from {
                at[e.to as usize].push(id as u32);
            }
        }
        let mut arriving: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut edge_arcs = vec![[u32::MAX; 2]; edges.len()];
        for a in 0..graph.arc_count() as u32 {
            let arc = graph.arc(a);
            arriving[arc.head as usize].push(a);
            edge_arcs[arc.edge as usize][usize::from(arc.reversed)] = a;
        }
        let mut placed: HashMap<u32, Vec<Placed>> = HashMap::new();
        for r in &ways.restrictions {
            let Some(&v) = junction_of.get(&r.via) else {
                continue;
            };
            let edges_of = |ids: &[i64]| -> Vec<u32> {
                let w: Vec<u32> = ids
                    .iter()
                    .filter_map(|id| way_index.get(id))
                    .copied()
                    .collect();
                at[v as usize]
                    .iter()
                    .copied()
                    .filter(|&e| w.contains(&origin.edge_way[e as usize]))
                    .collect()
            };
            let (from, to) = (edges_of(&r.from), edges_of(&r.to));
            if from.is_empty() || to.is_empty() {
                continue;
            }
            report.restrictions_matched += 1;
            let same_way = r.from.len() == 1 && r.from == r.to;
            placed.entry(v).or_default().push(Placed {
                from,
                to,
                only: r.only,
                same_way,
            });
        }
        let obstacle: Vec<Option<Obstacle>> = origin
            .node_osm
            .iter()
            .map(|id| ways.obstacles.get(id).copied())
            .collect();
        report.obstacles = obstacle.iter().filter(|o| o.is_some()).count();

        let u_turn_ms = profile.u_turn_ms();
        let b = graph.bbox();
        let left_hand = profile
            .left_hand
            .unwrap_or_else(|| left_hand_at((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0));
        let mut turns: Vec<Vec<(u32, u32)>> = vec![Vec::new(); graph.arc_count()];
        let mut exits: Vec<(u32, u32)> = Vec::new();
        for v in 0..n as u32 {
            let rules = placed.get(&v).map(Vec::as_slice).unwrap_or(&[]);
            let blocked = obstacle[v as usize] == Some(Obstacle::Blocked);
            let crossing = at[v as usize].len() > 2;
            for &a in &arriving[v as usize] {
                let arc_a = graph.arc(a);
                let h_in = arrival_heading(graph, a);
                let delay = match obstacle[v as usize] {
                    Some(Obstacle::Delay { ms, along }) if along.applies(arc_a.reversed) => ms,
                    _ => 0,
                };
                let forbidden = |b_edge: u32, u_turn: bool| {
                    rules.iter().any(|r| {
                        if !r.from.contains(&arc_a.edge) {
                            return false;
                        }
                        if r.same_way && !r.only {
                            return u_turn;
                        }
                        r.to.contains(&b_edge) != r.only
                    })
                };
                exits.clear();
                let mut u_turns = Vec::new();
                for b in graph.out_arc_ids(v) {
                    let arc_b = graph.arc(b);
                    let u_turn = arc_b.edge == arc_a.edge && arc_b.reversed != arc_a.reversed;
                    if forbidden(arc_b.edge, u_turn) {
                        continue;
                    }
                    if u_turn {
                        u_turns.push(b);
                    } else if !blocked {
                        let angle = turn_angle(h_in, departure_heading(graph, b));
                        let cost = if crossing {
                            profile.angle_ms(angle, left_hand)
                        } else {
                            0
                        };
                        exits.push((b, cost + delay));
                    }
                }
                if exits.is_empty() {
                    let delay = if blocked { 0 } else { delay };
                    exits.extend(u_turns.iter().map(|&b| (b, u_turn_ms + delay)));
                }
                turns[a as usize].extend_from_slice(&exits);
            }
        }

        let (out_first, out) = csr(&turns);
        let mut incoming: Vec<Vec<(u32, u32)>> = vec![Vec::new(); graph.arc_count()];
        for (a, list) in turns.iter().enumerate() {
            for &(b, t) in list {
                incoming[b as usize].push((a as u32, t));
            }
        }
        let (in_first, inn) = csr(&incoming);
        let (arriving_first, arriving) = csr(&arriving);
        let mut tg = TurnGraph {
            arriving_first,
            arriving,
            edge_arcs,
            out_first,
            out,
            in_first,
            inn,
            live: Vec::new(),
        };
        tg.live = tg.live_edges(graph);
        report.unreachable_edges = tg.live.iter().filter(|l| !**l).count();
        (tg, report)
    }

    /// Marks the edges with an arc in the largest strongly connected part.
    fn live_edges(&self, graph: &RoadGraph) -> Vec<bool> {
        let m = graph.arc_count();
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(m, self.out.len());
        for _ in 0..m {
            g.add_node(());
        }
        for a in 0..m {
            for &(b, _) in self.turns_from(a as u32) {
                g.add_edge(NodeIndex::new(a), NodeIndex::new(b as usize), ());
            }
        }
        // Kosaraju's search is iterative; petgraph's Tarjan recurses as deep as the graph and
        // overflows a thread's 2 MB stack on a city's edge-based graph.
        let sccs = petgraph::algo::kosaraju_scc(&g);
        let mut live = vec![false; graph.edges().len()];
        if let Some(largest) = sccs.iter().max_by_key(|c| c.len()) {
            for ix in largest {
                live[graph.arc(ix.index() as u32).edge as usize] = true;
            }
        }
        live
    }

    /// Number of states (arcs).
    pub fn state_count(&self) -> usize {
        self.out_first.len().saturating_sub(1)
    }

    /// Number of allowed turns.
    pub fn turn_count(&self) -> usize {
        self.out.len()
    }

    /// The allowed turns from an arc: `(arc, turn ms)`.
    pub fn turns_from(&self, arc: u32) -> &[(u32, u32)] {
        &self.out[self.out_first[arc as usize] as usize..self.out_first[arc as usize + 1] as usize]
    }

    /// The allowed turns onto an arc: `(arc, turn ms)`.
    pub fn turns_onto(&self, arc: u32) -> &[(u32, u32)] {
        &self.inn[self.in_first[arc as usize] as usize..self.in_first[arc as usize + 1] as usize]
    }

    /// Whether snapping may use an edge.
    pub fn live(&self, edge: u32) -> bool {
        self.live[edge as usize]
    }

    /// The edge-based graph's arcs `(state, state, weight)` for the hierarchy.
    pub fn arcs<'a>(
        &'a self,
        graph: &'a RoadGraph,
    ) -> impl Iterator<Item = (u32, u32, Weight)> + 'a {
        (0..self.state_count() as u32).flat_map(move |a| {
            self.turns_from(a)
                .iter()
                .map(move |&(b, t)| (a, b, graph.edge_weight(graph.arc(b).edge) + pack(t, 0)))
        })
    }

    /// Where a trip from `s` starts: the arcs of its road with the cost to their end (forward
    /// first, then backward), then — for a point on a junction — every arc leaving it, whole.
    pub fn seeds(
        &self,
        graph: &RoadGraph,
        s: &Snapped,
        junction: Option<u32>,
    ) -> Vec<(u32, Weight)> {
        let total = graph.edge_weight(s.edge);
        let [fwd, bwd] = self.edge_arcs[s.edge as usize];
        let mut out = Vec::with_capacity(4);
        if fwd != u32::MAX {
            out.push((fwd, total - s.pos()));
        }
        if bwd != u32::MAX {
            out.push((bwd, s.pos()));
        }
        if let Some(j) = junction {
            out.extend(
                graph
                    .out_arc_ids(j)
                    .map(|b| (b, graph.edge_weight(graph.arc(b).edge))),
            );
        }
        out
    }

    /// Where a trip to `t` ends: the arcs turning onto its road with the cost of the turn and of
    /// the road up to the point (onto the forward arc first, then the backward one), then — for
    /// a point on a junction — every arc arriving there, at no cost. The second value of each
    /// pair says which: 0 forward, 1 backward, 2 at the junction.
    pub fn entries(
        &self,
        graph: &RoadGraph,
        t: &Snapped,
        junction: Option<u32>,
    ) -> (Vec<(u32, Weight)>, Vec<u8>) {
        let total = graph.edge_weight(t.edge);
        let [fwd, bwd] = self.edge_arcs[t.edge as usize];
        let mut out = Vec::with_capacity(8);
        let mut kind = Vec::with_capacity(8);
        for (dir, arc, along) in [(0, fwd, t.pos()), (1, bwd, total - t.pos())] {
            if arc != u32::MAX {
                for &(u, turn) in self.turns_onto(arc) {
                    out.push((u, pack(turn, 0) + along));
                    kind.push(dir);
                }
            }
        }
        if let Some(j) = junction {
            let j = j as usize;
            for &a in
                &self.arriving[self.arriving_first[j] as usize..self.arriving_first[j + 1] as usize]
            {
                out.push((a, 0));
                kind.push(2);
            }
        }
        (out, kind)
    }

    /// Dijkstra on the edge-based graph from `seeds` to the cheapest of `entries`: the cost,
    /// the seed and entry used and the arcs driven (seed arc first, entry arc last).
    pub fn shortest_path(
        &self,
        graph: &RoadGraph,
        seeds: &[(u32, Weight)],
        entries: &[(u32, Weight)],
    ) -> Option<(Weight, usize, usize, Vec<u32>)> {
        let m = self.state_count();
        let mut dist = vec![Weight::MAX; m];
        let mut pred = vec![u32::MAX; m];
        let mut seed_of = vec![usize::MAX; m];
        let mut heap = BinaryHeap::new();
        for (i, &(a, w)) in seeds.iter().enumerate() {
            if w < dist[a as usize] {
                dist[a as usize] = w;
                seed_of[a as usize] = i;
                heap.push(Reverse((w, a)));
            }
        }
        let mut entry_at: HashMap<u32, Vec<usize>> = HashMap::new();
        for (k, &(a, _)) in entries.iter().enumerate() {
            entry_at.entry(a).or_default().push(k);
        }
        let mut best: Option<(Weight, usize, u32)> = None;
        while let Some(Reverse((d, a))) = heap.pop() {
            if d > dist[a as usize] {
                continue;
            }
            if best.is_some_and(|(b, _, _)| d >= b) {
                break;
            }
            for &k in entry_at.get(&a).map(Vec::as_slice).unwrap_or(&[]) {
                let c = d + entries[k].1;
                if best.is_none_or(|(b, _, _)| c < b) {
                    best = Some((c, k, a));
                }
            }
            for &(b, t) in self.turns_from(a) {
                let nd = d + pack(t, 0) + graph.edge_weight(graph.arc(b).edge);
                if nd < dist[b as usize] {
                    dist[b as usize] = nd;
                    pred[b as usize] = a;
                    seed_of[b as usize] = usize::MAX;
                    heap.push(Reverse((nd, b)));
                }
            }
        }
        let (cost, entry, last) = best?;
        let mut arcs = vec![last];
        let mut a = last;
        while pred[a as usize] != u32::MAX {
            a = pred[a as usize];
            arcs.push(a);
        }
        arcs.reverse();
        Some((cost, seed_of[a as usize], entry, arcs))
    }
}

/// Lists as compressed rows.
fn csr<T: Copy>(lists: &[Vec<T>]) -> (Vec<u32>, Vec<T>) {
    let mut first = Vec::with_capacity(lists.len() + 1);
    let mut flat = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    first.push(0);
    for l in lists {
        flat.extend_from_slice(l);
        first.push(flat.len() as u32);
    }
    (first, flat)
}

/// The point of an edge's geometry about [`HEADING_CM`] from one end, and that end.
fn near_end(graph: &RoadGraph, edge: u32, at_end: bool) -> ([f64; 2], [f64; 2]) {
    let g = graph.geometry(edge);
    let (_, cm) = graph.cumulative(edge);
    let last = g.len() - 1;
    if at_end {
        let total = cm[last];
        let k = (0..last)
            .rev()
            .find(|&i| total - cm[i] >= HEADING_CM)
            .unwrap_or(0);
        (g[k], g[last])
    } else {
        let k = (1..=last).find(|&i| cm[i] >= HEADING_CM).unwrap_or(last);
        (g[k], g[0])
    }
}

/// Heading of an arc as it arrives at its head junction.
fn arrival_heading(graph: &RoadGraph, a: u32) -> f64 {
    let arc = graph.arc(a);
    // Forward arcs arrive at the geometry's end; reversed ones at its start.
    let (inner, end) = near_end(graph, arc.edge, !arc.reversed);
    heading(inner, end)
}

/// Heading of an arc as it leaves its tail junction.
fn departure_heading(graph: &RoadGraph, b: u32) -> f64 {
    let arc = graph.arc(b);
    let (inner, end) = near_end(graph, arc.edge, arc.reversed);
    heading(end, inner)
}
