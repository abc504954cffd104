//! Plain Dijkstra on the road graph: point-to-point routes with their arcs, and one-to-many
//! costs. Routes are rare (one per trip leg drawn) so this is fast enough and keeps the path
//! exact without shortcut unpacking.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::graph::{Arc, RoadGraph, Weight};

/// The cheapest way from the source seeds to the target entries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    /// Total packed cost, entry cost included.
    pub cost: Weight,
    /// Index of the source seed the path starts from.
    pub seed: usize,
    /// Index of the target entry the path ends with.
    pub entry: usize,
    /// Arcs driven between the seed node and the entry node.
    pub arcs: Vec<Arc>,
}

/// Dijkstra from `seeds` (`node`, cost to reach it) to the cheapest of `entries` (`node`, cost
/// from it to the target). Stops as soon as no cheaper way can be found.
pub(crate) fn shortest_path(
    graph: &RoadGraph,
    seeds: &[(u32, Weight)],
    entries: &[(u32, Weight)],
) -> Option<Found> {
    let n = graph.node_count();
    let mut dist = vec![Weight::MAX; n];
    // How each node was reached: the arc and its tail, or the seed index.
    let mut pred: Vec<Option<(u32, Arc)>> = vec![None; n];
    let mut seed_of = vec![usize::MAX; n];
    // seed_of is only read at the start node of the path found.
    let mut heap = BinaryHeap::new();
    for (i, &(v, w)) in seeds.iter().enumerate() {
        if w < dist[v as usize] {
            dist[v as usize] = w;
            seed_of[v as usize] = i;
            heap.push(Reverse((w, v)));
        }
    }
    let mut best: Option<(Weight, usize, u32)> = None;
    while let Some(Reverse((d, v))) = heap.pop() {
        if d > dist[v as usize] {
            continue;
        }
        if best.is_some_and(|(b, _, _)| d >= b) {
            break;
        }
        for (k, &(node, w)) in entries.iter().enumerate() {
            if node == v && best.is_none_or(|(b, _, _)| d + w < b) {
                best = Some((d + w, k, v));
            }
        }
        for arc in graph.out_arcs(v) {
            let nd = d + graph.edge_weight(arc.edge);
            let h = arc.head as usize;
            if nd < dist[h] {
                dist[h] = nd;
                pred[h] = Some((v, *arc));
                heap.push(Reverse((nd, arc.head)));
            }
        }
    }
    let (cost, entry, mut v) = best?;
    let mut arcs = Vec::new();
    while let Some((tail, arc)) = pred[v as usize] {
        arcs.push(arc);
        v = tail;
    }
    arcs.reverse();
    let seed = seed_of[v as usize];
    Some(Found {
        cost,
        seed,
        entry,
        arcs,
    })
}
