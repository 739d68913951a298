//! The checker and the lasso search against brute force, on thousands of small random
//! transition systems: what the fast searches answer is what a naive one answers.

use modelcheck::lasso;
use modelcheck::{Checker, Search, System};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashSet, VecDeque};

/// A random system: states `0..edges.len()`, state 0 initial, and from each state its
/// edges, each to a state with a weak-fairness class (or none). Progress holds in the
/// states of `good`; the invariant fails in `bad`, if any.
#[derive(Clone, Debug)]
struct Graph {
    edges: Vec<Vec<(u8, Option<u64>)>>,
    good: Vec<bool>,
    bad: Option<u8>,
}

impl System for Graph {
    type State = u8;
    /// The edge taken: (from, its index among `from`'s edges).
    type Action = (u8, usize);
    fn initial(&self) -> Vec<u8> {
        vec![0]
    }
    fn successors(&self, state: &u8, out: &mut Vec<((u8, usize), u8)>) {
        for (i, &(to, _)) in self.edges[*state as usize].iter().enumerate() {
            out.push(((*state, i), to));
        }
    }
    fn fairness(&self, &(from, i): &(u8, usize)) -> Option<u64> {
        self.edges[from as usize][i].1
    }
}

fn graphs() -> impl Strategy<Value = Graph> {
    (2usize..=7).prop_flat_map(|n| {
        let edge = (
            0..n as u8,
            prop_oneof![Just(None), (1u64..=3).prop_map(Some)],
        );
        (
            prop::collection::vec(prop::collection::vec(edge, 0..=3), n),
            prop::collection::vec(prop::bool::weighted(0.3), n),
            prop::option::of(0..n as u8),
        )
            .prop_map(|(edges, good, bad)| Graph { edges, good, bad })
    })
}

/// The naive search: breadth-first over a hash set of whole states. Returns the distinct
/// states reached, the states generated, the levels, and the level of `bad` if reached.
fn naive(graph: &Graph) -> (usize, usize, usize, Option<usize>) {
    let mut level = vec![None; graph.edges.len()];
    let mut queue = VecDeque::from([0u8]);
    level[0] = Some(1);
    let mut generated = 1;
    while let Some(s) = queue.pop_front() {
        for &(to, _) in &graph.edges[s as usize] {
            generated += 1;
            if level[to as usize].is_none() {
                level[to as usize] = Some(level[s as usize].unwrap() + 1);
                queue.push_back(to);
            }
        }
    }
    let reached = level.iter().flatten().count();
    let depth = level.iter().flatten().copied().max().unwrap_or(0);
    let bad = graph.bad.and_then(|b| level[b as usize]);
    (reached, generated, depth, bad)
}

/// Whether a fair cycle on which progress never holds is reachable, by brute force: some
/// set of reachable states where progress fails, strongly connected with an edge inside,
/// whose every class enabled in all of its states is taken by an edge inside it (a tour
/// of the set through every such edge is then a fair cycle; a cycle through fewer states
/// or edges is no fairer).
fn fair_cycle_exists(graph: &Graph) -> bool {
    let n = graph.edges.len();
    let mut reachable = vec![false; n];
    let mut stack = vec![0usize];
    reachable[0] = true;
    while let Some(s) = stack.pop() {
        for &(to, _) in &graph.edges[s] {
            if !std::mem::replace(&mut reachable[to as usize], true) {
                stack.push(to as usize);
            }
        }
    }
    let candidates: Vec<usize> =
        (0..n).filter(|&s| reachable[s] && !graph.good[s]).collect();
    (1u32..1 << candidates.len()).any(|mask| {
        let set: Vec<usize> = (0..candidates.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| candidates[i])
            .collect();
        let inside = |s: u8| set.contains(&(s as usize));
        let internal: Vec<(usize, u8, Option<u64>)> = set
            .iter()
            .flat_map(|&s| graph.edges[s].iter().map(move |&(t, c)| (s, t, c)))
            .filter(|&(_, t, _)| inside(t))
            .collect();
        let connected = set.iter().all(|&a| {
            // Every member reaches every other inside the set.
            let mut seen = HashSet::from([a]);
            let mut stack = vec![a];
            while let Some(s) = stack.pop() {
                for &(from, to, _) in &internal {
                    if from == s && seen.insert(to as usize) {
                        stack.push(to as usize);
                    }
                }
            }
            set.iter().all(|b| seen.contains(b))
        });
        let taken: BTreeSet<u64> = internal.iter().filter_map(|&(_, _, c)| c).collect();
        let always_enabled = set
            .iter()
            .map(|&s| {
                graph.edges[s]
                    .iter()
                    .filter_map(|&(_, c)| c)
                    .collect::<BTreeSet<u64>>()
            })
            .reduce(|a, b| &a & &b)
            .unwrap_or_default();
        !internal.is_empty() && connected && always_enabled.is_subset(&taken)
    })
}

/// Whether `found` is a lasso of `graph`: a real path from the initial state, a loop back
/// to its first state through states where progress fails, fair under weak fairness.
fn is_fair_lasso(graph: &Graph, found: &lasso::Lasso<Graph>) -> bool {
    let real = |from: u8, (f, i): (u8, usize), to: u8| {
        f == from && graph.edges[from as usize].get(i).is_some_and(|e| e.0 == to)
    };
    let prefix_ok = found.prefix[0].1 == 0
        && found
            .prefix
            .windows(2)
            .all(|w| w[1].0.is_some_and(|a| real(w[0].1, a, w[1].1)));
    let start = found.prefix.last().expect("a prefix").1;
    let mut at = start;
    let mut visited = vec![start];
    let mut taken = BTreeSet::new();
    for &(action, to) in &found.cycle {
        if !real(at, action, to) {
            return false;
        }
        taken.extend(graph.fairness(&action));
        visited.push(to);
        at = to;
    }
    let enabled = visited
        .iter()
        .map(|&s| {
            graph.edges[s as usize]
                .iter()
                .filter_map(|&(_, c)| c)
                .collect::<BTreeSet<u64>>()
        })
        .reduce(|a, b| &a & &b)
        .unwrap_or_default();
    prefix_ok
        && !found.cycle.is_empty()
        && at == start
        && visited.iter().all(|&s| !graph.good[s as usize])
        && enabled.is_subset(&taken)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 3000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(11),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_checker_counts_what_a_naive_search_counts(graph in graphs()) {
        let (reached, generated, depth, bad) = naive(&graph);
        let bfs = Checker::new(&graph)
            .invariant("not bad", |s| Some(*s) != graph.bad)
            .run();
        match bad {
            None => {
                prop_assert!(bfs.complete && bfs.violation.is_none());
                prop_assert_eq!(bfs.distinct, reached);
                prop_assert_eq!(bfs.generated, generated);
                prop_assert_eq!(bfs.depth, depth);
                let dfs = Checker::new(&graph).search(Search::DepthFirst).run();
                prop_assert_eq!((dfs.distinct, dfs.generated), (reached, generated));
                let parallel = Checker::new(&graph).threads(3).run();
                prop_assert!(parallel.complete);
                let counts = (parallel.distinct, parallel.generated, parallel.depth);
                prop_assert_eq!(counts, (reached, generated, depth));
            }
            Some(level) => {
                let violation = bfs.violation.expect("the bad state is reachable");
                // Breadth-first: a shortest trace, ending in the bad state.
                prop_assert_eq!(violation.trace.len(), level);
                prop_assert_eq!(Some(violation.trace.last().unwrap().1), graph.bad);
                let parallel = Checker::new(&graph)
                    .invariant("not bad", |s| Some(*s) != graph.bad)
                    .threads(2)
                    .run();
                let again = parallel.violation.expect("found on two threads as well");
                prop_assert_eq!(again.trace.len(), level);
            }
        }
    }

    #[test]
    fn the_lasso_search_agrees_with_a_brute_force_fair_cycle_search(graph in graphs()) {
        let progress = |s: &u8| graph.good[*s as usize];
        let found = lasso::find(&graph, progress, 1_000).expect("a small graph");
        prop_assert_eq!(found.is_some(), fair_cycle_exists(&graph));
        if let Some(found) = found {
            prop_assert!(is_fair_lasso(&graph, &found), "not a fair lasso: {found:?}");
        }
    }
}

/// The oracles can tell: a graph with a fair loop and one whose only loop starves a class.
#[test]
fn the_oracles_see_fair_and_unfair_loops() {
    let looping = Graph {
        edges: vec![vec![(1, Some(1))], vec![(0, Some(1))]],
        good: vec![false, false],
        bad: None,
    };
    assert!(fair_cycle_exists(&looping));
    let starving = Graph {
        edges: vec![vec![(0, Some(1)), (1, Some(2))], vec![]],
        good: vec![false, true],
        bad: None,
    };
    assert!(!fair_cycle_exists(&starving));
    assert_eq!(naive(&looping), (2, 3, 2, None));
}
