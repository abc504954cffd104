//! Walking distances along the roads (issue 16): an elder who walks to a van stop may use a
//! one-way street both ways, so the walk is a shortest path by length on the roads taken as
//! undirected. Motorways, trunk roads and their slip roads are not walked. Only the car roads
//! are in the graph (footpaths are not), so a walk is never shorter than the true one through a
//! park: the limit is kept on the safe side.
//!
//! [`Walks::within`] answers one-to-many within a limit, by a Dijkstra that stops at the limit
//! (a 500 m walk touches a few hundred junctions), so a street office's candidates × elders is
//! quick without a matrix.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap};

use crate::graph::RoadGraph;
use crate::profile::HighwayClass;
use crate::snap::Snapped;

/// The roads as an undirected graph weighted by length (cm), for walking.
#[derive(Debug, Clone)]
pub struct Walks {
    /// For each junction, where its walkable edges start in `adjacent`.
    first: Vec<u32>,
    /// (neighbour, length in cm) for every walkable edge, both ways.
    adjacent: Vec<(u32, u32)>,
    /// Each edge's length in cm, or `None` where it may not be walked.
    length: Vec<Option<u32>>,
    /// Each edge's junctions, at the start and the end of its geometry.
    edge_ends: Vec<(u32, u32)>,
}

/// Whether a road of this class may be walked along.
pub(crate) fn walkable(class: HighwayClass) -> bool {
    !matches!(
        class,
        HighwayClass::Motorway
            | HighwayClass::MotorwayLink
            | HighwayClass::Trunk
            | HighwayClass::TrunkLink
    )
}

impl Walks {
    /// Builds the walking graph from the road graph.
    pub fn new(graph: &RoadGraph) -> Walks {
        let n = graph.node_count();
        let length: Vec<Option<u32>> = graph
            .edges()
            .iter()
            .enumerate()
            .map(|(e, edge)| {
                let (_, cm) = graph.cumulative(e as u32);
                walkable(edge.class).then(|| cm.last().copied().unwrap_or(0))
            })
            .collect();
        let mut degree = vec![0u32; n + 1];
        for (edge, len) in graph.edges().iter().zip(&length) {
            if len.is_some() {
                degree[edge.from as usize] += 1;
                degree[edge.to as usize] += 1;
            }
        }
        let mut first = vec![0u32; n + 1];
        for v in 0..n {
            first[v + 1] = first[v] + degree[v];
        }
        let mut fill = first.clone();
        let mut adjacent = vec![(0u32, 0u32); first[n] as usize];
        for (edge, len) in graph.edges().iter().zip(&length) {
            if let Some(cm) = *len {
                adjacent[fill[edge.from as usize] as usize] = (edge.to, cm);
                fill[edge.from as usize] += 1;
                adjacent[fill[edge.to as usize] as usize] = (edge.from, cm);
                fill[edge.to as usize] += 1;
            }
        }
        Walks {
            first,
            adjacent,
            length,
            edge_ends: graph.edges().iter().map(|e| (e.from, e.to)).collect(),
        }
    }

    /// The walk along the roads from `from` to each of `targets`, in metres, where it is at
    /// most `limit_m`; `None` beyond the limit, or where either point is on a road that is not
    /// walked. The distance from a point to its road (`snap_m`) is not included.
    pub fn within(&self, from: &Snapped, targets: &[Snapped], limit_m: f64) -> Vec<Option<f64>> {
        let limit = (limit_m.max(0.0) * 100.0).round() as u64;
        let Some(Some(len)) = self.length.get(from.edge as usize).copied() else {
            return vec![None; targets.len()];
        };
        let ends = self.ends(from.edge);
        let start = u64::from(from.pos_cm.min(len));
        let reached = self.search(&[(ends.0, start), (ends.1, u64::from(len) - start)], limit);
        targets
            .iter()
            .map(|t| {
                let Some(Some(tlen)) = self.length.get(t.edge as usize).copied() else {
                    return None;
                };
                let at = u64::from(t.pos_cm.min(tlen));
                let (a, b) = self.ends(t.edge);
                let mut best = [
                    reached.get(&a).map(|d| d + at),
                    reached.get(&b).map(|d| d + u64::from(tlen) - at),
                ]
                .into_iter()
                .flatten()
                .min();
                if t.edge == from.edge {
                    let direct = at.abs_diff(start);
                    best = Some(best.map_or(direct, |b| b.min(direct)));
                }
                best.filter(|&d| d <= limit).map(|d| d as f64 / 100.0)
            })
            .collect()
    }

    fn ends(&self, edge: u32) -> (u32, u32) {
        self.edge_ends[edge as usize]
    }

    /// Dijkstra from `seeds` (junction, cm) up to `limit` cm.
    fn search(&self, seeds: &[(u32, u64)], limit: u64) -> HashMap<u32, u64> {
        let mut dist: HashMap<u32, u64> = HashMap::new();
        let mut heap = BinaryHeap::new();
        for &(v, d) in seeds {
            if d <= limit && dist.get(&v).is_none_or(|&old| d < old) {
                dist.insert(v, d);
                heap.push(Reverse((d, v)));
            }
        }
        while let Some(Reverse((d, v))) = heap.pop() {
            if dist.get(&v).is_some_and(|&best| d > best) {
                continue;
            }
            let (a, b) = (self.first[v as usize], self.first[v as usize + 1]);
            for &(w, cm) in &self.adjacent[a as usize..b as usize] {
                let nd = d + u64::from(cm);
                if nd > limit {
                    continue;
                }
                match dist.entry(w) {
                    Entry::Occupied(mut o) => {
                        if nd < *o.get() {
                            o.insert(nd);
                            heap.push(Reverse((nd, w)));
                        }
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(nd);
                        heap.push(Reverse((nd, w)));
                    }
                }
            }
        }
        dist
    }
}
