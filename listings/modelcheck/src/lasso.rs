//! Liveness: a reachable cycle on which progress never happens, and which a fair
//! scheduler could follow forever — a *lasso*: a prefix from an initial state, then a
//! loop.
//!
//! "Something good eventually happens" is violated exactly by an infinite execution on
//! which it never does (Alpern & Schneider 1985). Such an execution need not repeat
//! itself, but in a finite state space, if a fair one exists then a lasso-shaped one does:
//! it stays, from some point on, inside a strongly connected set of states, and a loop
//! through that set can be chosen. A cycle only counts if it is *fair*: under weak
//! fairness, an action class enabled in every state of the cycle must also be taken on
//! it — otherwise the cycle is the scheduler refusing, say, to ever deliver a message,
//! which no real network does forever.

use crate::checker::{Seen, fingerprint};
use crate::system::System;
use std::collections::{BTreeSet, VecDeque};

/// A lasso: how to reach the loop, and the loop.
#[derive(Clone, Debug)]
pub struct Lasso<S: System> {
    /// From an initial state to the first state of the loop.
    pub prefix: crate::Trace<S>,
    /// The loop: each action and the state it leads to; the last state is the loop's
    /// first.
    pub cycle: Vec<(S::Action, S::State)>,
}

/// Why no answer was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Incomplete {
    /// The state space has more states than the bound.
    TooManyStates(usize),
}

/// The explicit graph of the reachable states.
struct Graph<S: System> {
    states: Vec<S::State>,
    edges: Vec<Vec<(u32, S::Action)>>,
    parent: Vec<Option<(u32, S::Action)>>,
}

fn explore<S: System>(system: &S, max_states: usize) -> Result<Graph<S>, Incomplete> {
    let mut index: Seen<u32> = Seen::default();
    let mut graph = Graph {
        states: Vec::new(),
        edges: Vec::new(),
        parent: Vec::new(),
    };
    let mut queue = VecDeque::new();
    for state in system.initial() {
        let print = fingerprint(&state);
        if let std::collections::hash_map::Entry::Vacant(slot) = index.entry(print) {
            slot.insert(graph.states.len() as u32);
            queue.push_back(graph.states.len() as u32);
            graph.states.push(state);
            graph.edges.push(Vec::new());
            graph.parent.push(None);
        }
    }
    let mut successors = Vec::new();
    while let Some(i) = queue.pop_front() {
        successors.clear();
        system.successors(&graph.states[i as usize], &mut successors);
        for (action, next) in successors.drain(..) {
            let print = fingerprint(&next);
            let j = match index.get(&print) {
                Some(&j) => j,
                None => {
                    if graph.states.len() >= max_states {
                        return Err(Incomplete::TooManyStates(max_states));
                    }
                    let j = graph.states.len() as u32;
                    index.insert(print, j);
                    graph.states.push(next);
                    graph.edges.push(Vec::new());
                    graph.parent.push(Some((i, action.clone())));
                    queue.push_back(j);
                    j
                }
            };
            graph.edges[i as usize].push((j, action));
        }
    }
    Ok(graph)
}

/// The strongly connected components of the subgraph of the states in `keep` (Tarjan's
/// algorithm, without recursion).
fn components<S: System>(graph: &Graph<S>, keep: &[bool]) -> Vec<Vec<u32>> {
    let n = graph.states.len();
    let (mut index, mut low) = (vec![u32::MAX; n], vec![0u32; n]);
    let mut on_stack = vec![false; n];
    let (mut stack, mut found, mut next_index) = (Vec::new(), Vec::new(), 0u32);
    for root in (0..n).filter(|&v| keep[v]) {
        if index[root] != u32::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            if *e == 0 {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&(w, _)) = graph.edges[v].get(*e) {
                *e += 1;
                let w = w as usize;
                if !keep[w] {
                    continue;
                }
                if index[w] == u32::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(u, _)) = work.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w as u32);
                    if w == v {
                        break;
                    }
                }
                found.push(component);
            }
        }
    }
    found
}

// ANCHOR: lasso
/// Finds a fair lasso on which `progress` never holds, exploring at most `max_states`
/// states.
/// `Ok(None)` means none exists: on every fair infinite execution, progress eventually
/// holds.
pub fn find<S: System>(
    system: &S,
    progress: impl Fn(&S::State) -> bool,
    max_states: usize,
) -> Result<Option<Lasso<S>>, Incomplete> {
    let graph = explore(system, max_states)?;
    let bad: Vec<bool> = graph.states.iter().map(|s| !progress(s)).collect();
    for component in components(&graph, &bad) {
        let members: BTreeSet<u32> = component.iter().copied().collect();
        let inside = |v: u32| members.contains(&v);
        // Edges that stay in the component, and the fairness classes of all edges.
        let internal: Vec<(u32, u32, &S::Action)> = component
            .iter()
            .flat_map(|&v| {
                graph.edges[v as usize]
                    .iter()
                    .filter(|(w, _)| inside(*w))
                    .map(move |(w, a)| (v, *w, a))
            })
            .collect();
        if internal.is_empty() {
            continue; // a single state without a self-loop: no cycle
        }
        let taken: BTreeSet<u64> = internal
            .iter()
            .filter_map(|(_, _, a)| system.fairness(a))
            .collect();
        let always_enabled = component
            .iter()
            .map(|&v| enabled_classes(&graph, system, v))
            .reduce(|a, b| &a & &b)
            .unwrap_or_default();
        if !always_enabled.is_subset(&taken) {
            continue; // every cycle here starves a continuously enabled class: unfair
        }
        return Ok(Some(lasso(&graph, &component, &internal, system)));
    }
    Ok(None)
}
// ANCHOR_END: lasso

/// A lasso through `component` that visits each of its states and takes one internal edge
/// of each fairness class found inside it.
fn lasso<S: System>(
    graph: &Graph<S>,
    component: &[u32],
    internal: &[(u32, u32, &S::Action)],
    system: &S,
) -> Lasso<S> {
    let start = *component
        .iter()
        .min_by_key(|&&v| depth(graph, v))
        .expect("not empty");
    // The prefix: parents back to an initial state.
    let mut prefix = Vec::new();
    let mut at = start;
    loop {
        match &graph.parent[at as usize] {
            Some((from, action)) => {
                prefix.push((Some(action.clone()), graph.states[at as usize].clone()));
                at = *from;
            }
            None => {
                prefix.push((None, graph.states[at as usize].clone()));
                break;
            }
        }
    }
    prefix.reverse();
    // The loop: the shortest cycle through `start`, extended, for each fairness class it
    // leaves continuously enabled but never takes, by a detour through an edge of that
    // class or, where the component has none, through a state where the class is
    // disabled (the component is fair, so one of the two exists). Each detour takes a
    // class or shrinks the set enabled throughout the loop, so this ends.
    let members: BTreeSet<u32> = component.iter().copied().collect();
    let walk = |from: u32, to: u32| path(graph, &members, from, to);
    let mut tour = Tour {
        cycle: Vec::new(),
        visited: BTreeSet::from([start]),
        classes: BTreeSet::new(),
    };
    let (w, a) = graph.edges[start as usize]
        .iter()
        .find(|(w, _)| members.contains(w))
        .expect("an internal edge");
    tour.go(graph, system, vec![(a.clone(), *w)]);
    tour.go(graph, system, walk(*w, start));
    loop {
        let enabled = tour
            .visited
            .iter()
            .map(|&v| enabled_classes(graph, system, v))
            .reduce(|a, b| &a & &b)
            .unwrap_or_default();
        let Some(&starved) = enabled.difference(&tour.classes).next() else {
            break;
        };
        match internal
            .iter()
            .find(|(_, _, a)| system.fairness(a) == Some(starved))
        {
            Some(&(v, w, a)) => {
                tour.go(graph, system, walk(start, v));
                tour.go(graph, system, vec![(a.clone(), w)]);
                tour.go(graph, system, walk(w, start));
            }
            None => {
                let disabled = *component
                    .iter()
                    .find(|&&v| !enabled_classes(graph, system, v).contains(&starved))
                    .expect("a fair component disables a class it never takes");
                tour.go(graph, system, walk(start, disabled));
                tour.go(graph, system, walk(disabled, start));
            }
        }
    }
    let cycle = tour.cycle;
    assert!(
        cycle
            .last()
            .is_some_and(|(_, s)| *s == graph.states[start as usize]),
        "a loop ends where it starts"
    );
    Lasso { prefix, cycle }
}

/// The fairness classes of the actions enabled in state `v`.
fn enabled_classes<S: System>(graph: &Graph<S>, system: &S, v: u32) -> BTreeSet<u64> {
    graph.edges[v as usize]
        .iter()
        .filter_map(|(_, a)| system.fairness(a))
        .collect()
}

/// The loop being built: its steps, the states it has visited and the fairness classes it
/// has taken.
struct Tour<S: System> {
    cycle: Vec<(S::Action, S::State)>,
    visited: BTreeSet<u32>,
    classes: BTreeSet<u64>,
}

impl<S: System> Tour<S> {
    fn go(&mut self, graph: &Graph<S>, system: &S, steps: Vec<(S::Action, u32)>) {
        for (a, s) in steps {
            self.classes.extend(system.fairness(&a));
            self.visited.insert(s);
            self.cycle.push((a, graph.states[s as usize].clone()));
        }
    }
}

fn depth<S: System>(graph: &Graph<S>, mut v: u32) -> usize {
    let mut d = 0;
    while let Some((from, _)) = &graph.parent[v as usize] {
        v = *from;
        d += 1;
    }
    d
}

/// A shortest path from `from` to `to` inside `members` (empty if they are the same
/// state).
fn path<S: System>(
    graph: &Graph<S>,
    members: &BTreeSet<u32>,
    from: u32,
    to: u32,
) -> Vec<(S::Action, u32)> {
    if from == to {
        return Vec::new();
    }
    let mut previous: std::collections::BTreeMap<u32, (u32, S::Action)> =
        std::collections::BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(v) = queue.pop_front() {
        for (w, a) in &graph.edges[v as usize] {
            if members.contains(w) && *w != from && !previous.contains_key(w) {
                previous.insert(*w, (v, a.clone()));
                if *w == to {
                    let mut steps = Vec::new();
                    let mut at = to;
                    while at != from {
                        let (p, a) = previous[&at].clone();
                        steps.push((a, at));
                        at = p;
                    }
                    steps.reverse();
                    return steps;
                }
                queue.push_back(*w);
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counter that may go up to 3 and reset to 0, or stop at 3.
    struct Counter {
        reset: bool,
    }

    impl System for Counter {
        type State = u8;
        type Action = &'static str;
        fn initial(&self) -> Vec<u8> {
            vec![0]
        }
        fn successors(&self, s: &u8, out: &mut Vec<(&'static str, u8)>) {
            if *s < 3 {
                out.push(("up", s + 1));
            } else if self.reset {
                out.push(("reset", 0));
            }
        }
        fn fairness(&self, action: &&'static str) -> Option<u64> {
            Some(if *action == "up" { 1 } else { 2 })
        }
    }

    #[test]
    fn a_loop_that_never_reaches_the_goal_is_a_lasso() {
        // "Eventually 4" never holds: 0, 1, 2, 3, 0, ... forever.
        let lasso = find(&Counter { reset: true }, |s| *s == 4, 100)
            .unwrap()
            .expect("a lasso");
        assert_eq!(lasso.prefix.len(), 1);
        assert_eq!(
            lasso.cycle.iter().map(|(_, s)| *s).collect::<Vec<_>>(),
            vec![1, 2, 3, 0]
        );
        // "Eventually 3" holds on every execution.
        assert!(
            find(&Counter { reset: true }, |s| *s == 3, 100)
                .unwrap()
                .is_none()
        );
        // Without the reset there is no cycle at all: the execution stops at 3.
        assert!(
            find(&Counter { reset: false }, |s| *s == 4, 100)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            find(&Counter { reset: true }, |s| *s == 4, 2).err(),
            Some(Incomplete::TooManyStates(2))
        );
    }

    /// Two processes each about to do one step; the scheduler may also idle in place.
    struct Idle;

    impl System for Idle {
        type State = (bool, bool);
        type Action = &'static str;
        fn initial(&self) -> Vec<(bool, bool)> {
            vec![(false, false)]
        }
        fn successors(
            &self,
            s: &(bool, bool),
            out: &mut Vec<(&'static str, (bool, bool))>,
        ) {
            out.push(("idle", *s));
            if !s.0 {
                out.push(("a", (true, s.1)));
            }
            if !s.1 {
                out.push(("b", (s.0, true)));
            }
        }
        fn fairness(&self, action: &&'static str) -> Option<u64> {
            match *action {
                "a" => Some(1),
                "b" => Some(2),
                _ => None,
            }
        }
    }

    /// States A, B, C where progress fails and D where it holds. Class 5 (to D) is enabled
    /// at A and B but not at C, and never taken inside {A, B, C}: a fair loop must pass
    /// through C, where class 5 is disabled, rather than take it.
    struct Detour;

    impl System for Detour {
        type State = char;
        type Action = (char, u64);
        fn initial(&self) -> Vec<char> {
            vec!['A']
        }
        fn successors(&self, s: &char, out: &mut Vec<((char, u64), char)>) {
            let edges: &[(char, u64)] = match s {
                'A' => &[('B', 1), ('C', 3), ('D', 5)],
                'B' => &[('A', 2), ('D', 5)],
                'C' => &[('A', 4)],
                _ => &[],
            };
            out.extend(edges.iter().map(|&(to, class)| ((to, class), to)));
        }
        fn fairness(&self, action: &(char, u64)) -> Option<u64> {
            Some(action.1)
        }
    }

    #[test]
    fn a_loop_meets_weak_fairness_through_a_state_that_disables_a_class() {
        let lasso = find(&Detour, |s| *s == 'D', 100)
            .unwrap()
            .expect("the component {A, B, C} is fair");
        let states: Vec<char> = lasso.cycle.iter().map(|(_, s)| *s).collect();
        assert!(
            states.contains(&'C'),
            "the loop {states:?} must pass through C"
        );
        // Weak fairness on the loop: each class enabled in every state of it is taken.
        let enabled: BTreeSet<u64> = states
            .iter()
            .map(|s| {
                let mut out = Vec::new();
                Detour.successors(s, &mut out);
                out.iter().map(|((_, c), _)| *c).collect::<BTreeSet<u64>>()
            })
            .reduce(|a, b| &a & &b)
            .unwrap();
        let taken: BTreeSet<u64> = lasso.cycle.iter().map(|((_, c), _)| *c).collect();
        assert!(
            enabled.is_subset(&taken),
            "{enabled:?} not all in {taken:?}"
        );
    }

    #[test]
    fn an_unfair_cycle_is_not_a_lasso() {
        // Idling forever never lets a and b both happen, but it starves them: unfair.
        assert!(find(&Idle, |s| s.0 && s.1, 100).unwrap().is_none());
    }
}
