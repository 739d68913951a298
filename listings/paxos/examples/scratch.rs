fn main() {
    use modelcheck::Checker;
    use paxos::duel::{Renamed, system};
    for max in [10_000usize, 100_000, 400_000] {
        let t = std::time::Instant::now();
        let r = Checker::new(&Renamed(system(3))).max_states(max).run();
        println!("{max}: distinct {} depth {} complete {} in {:?}", r.distinct, r.depth, r.complete, t.elapsed());
    }
    let r = Checker::new(&Renamed(system(2))).max_states(1_000_000).run();
    println!("2 acceptors: distinct {} depth {} complete {}", r.distinct, r.depth, r.complete);
}
