//! Contraction hierarchy and the bucket-based many-to-many matrix on top of it.
//!
//! Preparation (node ordering, witness searches, shortcuts) is done by the `fast_paths` crate.
//! Its graph is then copied into a layout made for matrices: nodes renumbered by rank (so that
//! upward searches walk memory mostly forward) and, per node, the arcs up the hierarchy with
//! packed `(ms, cm)` weights. `fast_paths` has no many-to-many query; ours follows Knopp et al.,
//! "Computing Many-to-Many Shortest Paths Using Highway Hierarchies" (2007), as used on CHs:
//! one upward backward search per target fills buckets, one upward forward search per source
//! scans them. Both searches use stall-on-demand.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use crate::graph::Weight;

#[cfg(not(target_pointer_width = "64"))]
compile_error!("packed 64-bit weights need a 64-bit usize for fast_paths");

/// A contraction hierarchy over a directed graph with packed weights.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ch {
    /// Rank of each node.
    rank: Vec<u32>,
    /// By rank: arcs to higher-ranked nodes, `(rank, weight)`.
    up_first: Vec<u32>,
    up: Vec<(u32, Weight)>,
    /// By rank: arcs *from* higher-ranked nodes into this one, `(rank, weight)`.
    down_first: Vec<u32>,
    down: Vec<(u32, Weight)>,
}

/// `fast_paths::FastGraph`'s serialized layout, read back through serde.
#[derive(Deserialize)]
struct FastGraphLayout {
    #[allow(dead_code)]
    num_nodes: usize,
    ranks: Vec<usize>,
    edges_fwd: Vec<FastGraphEdgeLayout>,
    first_edge_ids_fwd: Vec<usize>,
    edges_bwd: Vec<FastGraphEdgeLayout>,
    first_edge_ids_bwd: Vec<usize>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct FastGraphEdgeLayout {
    base_node: usize,
    adj_node: usize,
    weight: usize,
    replaced_in_edge: usize,
    replaced_out_edge: usize,
}

/// Where the search of one source or target starts: `(node, cost)` pairs.
pub type Seeds = [(u32, Weight)];

impl Ch {
    /// Contracts a graph given as `(tail, head, weight)` arcs over nodes `0..node_count`.
    /// Self-loops are ignored; of parallel arcs the lightest is kept; weights must be positive.
    pub fn prepare(node_count: usize, arcs: impl Iterator<Item = (u32, u32, Weight)>) -> Ch {
        Ch::prepare_with(node_count, arcs, &fast_paths::Params::default())
    }

    /// Contracts an edge-based graph ([`crate::linegraph`]), like [`Ch::prepare`] with witness
    /// searches tuned for it: on the Columbus extract (56,119 states, 122,712 turns) the
    /// defaults take 11.3 s and these 3.4 s, for the same matrix speed (`benches/RESULTS.md`).
    pub fn prepare_turns(node_count: usize, arcs: impl Iterator<Item = (u32, u32, Weight)>) -> Ch {
        Ch::prepare_with(
            node_count,
            arcs,
            &fast_paths::Params::new(0.01, 500, 10, 100),
        )
    }

    fn prepare_with(
        node_count: usize,
        arcs: impl Iterator<Item = (u32, u32, Weight)>,
        params: &fast_paths::Params,
    ) -> Ch {
        let mut input = fast_paths::InputGraph::new();
        for (tail, head, w) in arcs {
            debug_assert!(w > 0, "arc weights are positive");
            input.add_edge(tail as usize, head as usize, w as usize);
        }
        input.freeze();
        let layout = if input.get_num_edges() == 0 {
            None
        } else {
            let fast = fast_paths::prepare_with_params(&input, params);
            let bytes = postcard::to_stdvec(&fast).expect("serializing to memory cannot fail");
            Some(postcard::from_bytes::<FastGraphLayout>(&bytes).expect(
                "fast_paths::FastGraph layout changed: pin the version this was written for",
            ))
        };
        Ch::from_layout(node_count, layout)
    }

    fn from_layout(node_count: usize, layout: Option<FastGraphLayout>) -> Ch {
        let mut rank: Vec<u32> = (0..node_count as u32).collect();
        let Some(l) = layout else {
            return Ch {
                rank,
                up_first: vec![0; node_count + 1],
                up: Vec::new(),
                down_first: vec![0; node_count + 1],
                down: Vec::new(),
            };
        };
        let contracted = l.ranks.len();
        for (node, r) in l.ranks.iter().enumerate() {
            rank[node] = *r as u32;
        }
        let mut up_first = vec![0u32; node_count + 1];
        let mut down_first = vec![0u32; node_count + 1];
        let mut up = Vec::with_capacity(l.edges_fwd.len());
        let mut down = Vec::with_capacity(l.edges_bwd.len());
        for r in 0..node_count {
            if r < contracted {
                for e in &l.edges_fwd[l.first_edge_ids_fwd[r]..l.first_edge_ids_fwd[r + 1]] {
                    up.push((rank[e.adj_node], e.weight as Weight));
                }
                for e in &l.edges_bwd[l.first_edge_ids_bwd[r]..l.first_edge_ids_bwd[r + 1]] {
                    down.push((rank[e.adj_node], e.weight as Weight));
                }
            }
            up_first[r + 1] = up.len() as u32;
            down_first[r + 1] = down.len() as u32;
        }
        Ch {
            rank,
            up_first,
            up,
            down_first,
            down,
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.rank.len()
    }

    /// Number of arcs in the hierarchy, shortcuts included.
    pub fn arc_count(&self) -> usize {
        self.up.len() + self.down.len()
    }

    /// Shortest packed cost from every source to every target, row-major (`sources × targets`),
    /// `Weight::MAX` where a target cannot be reached. Seeds are given in node ids: for a source,
    /// the nodes it reaches and at what cost; for a target, the nodes it is reached from.
    pub fn many_to_many(&self, sources: &[&Seeds], targets: &[&Seeds]) -> Vec<Weight> {
        let n = self.rank.len();
        let mut search = UpwardSearch::new(n);
        // Backward searches fill the buckets: (node rank, target, cost node → target).
        let mut entries: Vec<(u32, u32, Weight)> = Vec::new();
        for (j, seeds) in targets.iter().enumerate() {
            search.run(
                self.ranked(seeds),
                &self.down_first,
                &self.down,
                &self.up_first,
                &self.up,
                |v, d| {
                    entries.push((v, j as u32, d));
                },
            );
        }
        let mut bucket_first = vec![0u32; n + 1];
        for &(v, _, _) in &entries {
            bucket_first[v as usize + 1] += 1;
        }
        for i in 0..n {
            bucket_first[i + 1] += bucket_first[i];
        }
        let mut fill = bucket_first.clone();
        // Structure of arrays: the scan reads targets and costs as two dense streams.
        let mut bucket_target = vec![0u32; entries.len()];
        let mut bucket_cost = vec![0 as Weight; entries.len()];
        for (v, j, d) in entries {
            let slot = fill[v as usize] as usize;
            bucket_target[slot] = j;
            bucket_cost[slot] = d;
            fill[v as usize] += 1;
        }
        let cols = targets.len();
        let mut out = vec![Weight::MAX; sources.len() * cols];
        for (i, seeds) in sources.iter().enumerate() {
            let row = &mut out[i * cols..(i + 1) * cols];
            search.run(
                self.ranked(seeds),
                &self.up_first,
                &self.up,
                &self.down_first,
                &self.down,
                |v, d| {
                    let range =
                        bucket_first[v as usize] as usize..bucket_first[v as usize + 1] as usize;
                    for (&j, &dj) in bucket_target[range.clone()].iter().zip(&bucket_cost[range]) {
                        let cell = &mut row[j as usize];
                        *cell = (*cell).min(d + dj);
                    }
                },
            );
        }
        out
    }

    fn ranked<'a>(&'a self, seeds: &'a Seeds) -> impl Iterator<Item = (u32, Weight)> + 'a {
        seeds.iter().map(|&(node, w)| (self.rank[node as usize], w))
    }
}

/// Reusable state of an upward Dijkstra search in rank space.
struct UpwardSearch {
    dist: Vec<Weight>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(Weight, u32)>>,
}

impl UpwardSearch {
    fn new(n: usize) -> Self {
        UpwardSearch {
            dist: vec![Weight::MAX; n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Settles every node reachable upward from the seeds, calling `visit(node, cost)` for each
    /// settled node that is not stalled. `first/arcs` are the arcs searched, `stall_first/stall`
    /// the opposite direction's upward arcs used for stall-on-demand.
    fn run(
        &mut self,
        seeds: impl Iterator<Item = (u32, Weight)>,
        first: &[u32],
        arcs: &[(u32, Weight)],
        stall_first: &[u32],
        stall: &[(u32, Weight)],
        mut visit: impl FnMut(u32, Weight),
    ) {
        for &v in &self.touched {
            self.dist[v as usize] = Weight::MAX;
        }
        self.touched.clear();
        self.heap.clear();
        for (v, w) in seeds {
            if w < self.dist[v as usize] {
                if self.dist[v as usize] == Weight::MAX {
                    self.touched.push(v);
                }
                self.dist[v as usize] = w;
                self.heap.push(Reverse((w, v)));
            }
        }
        while let Some(Reverse((d, v))) = self.heap.pop() {
            if d > self.dist[v as usize] {
                continue;
            }
            let vi = v as usize;
            let stalled = stall[stall_first[vi] as usize..stall_first[vi + 1] as usize]
                .iter()
                .any(|&(u, w)| {
                    let du = self.dist[u as usize];
                    du != Weight::MAX && du + w < d
                });
            if stalled {
                continue;
            }
            visit(v, d);
            for &(u, w) in &arcs[first[vi] as usize..first[vi + 1] as usize] {
                let nd = d + w;
                let du = &mut self.dist[u as usize];
                if nd < *du {
                    if *du == Weight::MAX {
                        self.touched.push(u);
                    }
                    *du = nd;
                    self.heap.push(Reverse((nd, u)));
                }
            }
        }
    }
}
