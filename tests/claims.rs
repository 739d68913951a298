//! Patterns the chapters read off their outputs, asserted on the committed outputs and
//! values (which `no_drift` keeps equal to what the code generates). A sentence that makes
//! such a claim names its test here in a comment beside it; when a change to the code
//! changes the pattern, regenerating the outputs makes the test fail, and the sentence
//! must change too.

use std::collections::BTreeMap;
use std::path::Path;

/// The committed output of a cell (`src/outputs/NAME.txt`), without its command line.
fn output(name: &str) -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/outputs/{name}.txt"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.split_once('\n')
        .map_or(String::new(), |(_, rest)| rest.to_owned())
}

/// The committed values of a cell (`src/values/NAME.toml`).
#[allow(dead_code)]
fn values(name: &str) -> BTreeMap<String, String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/values/{name}.toml"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let table: toml::Table = text.parse().expect("a values file is TOML");
    table
        .into_iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// The rows of a table in an output: the lines after the one starting with `header`, up
/// to the first blank line, split on whitespace.
fn table(text: &str, header: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with(header))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Asserts that the output of cell `name` contains every one of `lines`.
fn shows_all(name: &str, lines: &[&str]) {
    let text = output(name);
    for line in lines {
        assert!(text.contains(line), "{line}: {text}");
    }
}

fn number(cell: &str) -> f64 {
    cell.trim_end_matches(['%', '×', ','])
        .parse()
        .unwrap_or_else(|_| panic!("`{cell}` is not a number"))
}

// Time, clocks, and the ordering of events.

#[test]
fn clocks_inversions_grow_with_drift_and_hybrid_clocks_invert_none() {
    let rows = table(&output("clocks-inversions"), "drift d");
    assert!(rows.len() >= 4);
    let fractions: Vec<f64> = rows.iter().map(|r| number(&r[3])).collect();
    assert_eq!(fractions[0], 0.0, "no drift, no inversion");
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert!(rows.iter().all(|r| r[4] == "0"), "an HLC inversion");
}

// FLP.

/// The rows of the coordinator's table: (detector, decided, before, unsafe).
fn coordinator_rows(name: &str) -> Vec<(String, u64, u64, u64)> {
    table(&output(name), "detector")
        .into_iter()
        .take_while(|r| r.len() >= 8 && r[r.len() - 1].parse::<f64>().is_ok())
        .map(|r| {
            let k = r.len() - 7; // the detector's name may be two words
            (
                r[..k].join(" "),
                number(&r[k]) as u64,
                number(&r[k + 1]) as u64,
                number(&r[k + 2]) as u64,
            )
        })
        .collect()
}

#[test]
fn flp_the_escapes_are_safe_in_every_run_shown() {
    // The oracle and the timeouts: every run decides, none unsafely.
    for name in ["flp-oracle", "flp-timeout"] {
        let rows = coordinator_rows(name);
        assert!(!rows.is_empty(), "{name}");
        for (detector, decided, _, unsafe_runs) in rows {
            assert_eq!(unsafe_runs, 0, "{name}: {detector}");
            assert_eq!(decided, 200, "{name}: {detector}");
        }
    }
    // The mixes: safe everywhere; the first four mixes (inside the model) always decide;
    // under loss only the timeouts decide every run.
    let rows = table(&output("flp-mixes"), "mix");
    assert_eq!(rows.len(), 6);
    for row in &rows {
        let cells: Vec<&String> = row[1..].iter().filter(|c| *c != "/").collect();
        let (decided, broken): (Vec<f64>, Vec<f64>) = cells
            .chunks(2)
            .map(|c| (number(c[0]), number(c[1])))
            .unzip();
        assert!(broken.iter().all(|&b| b == 0.0), "{row:?}");
        let inside =
            ["clean", "reordering", "latency", "crashes"].contains(&row[0].as_str());
        if inside {
            assert!(decided.iter().all(|&d| d == 200.0), "{row:?}");
        }
        if row[0] == "loss" {
            assert!(
                decided[0] < 200.0 && decided[1] < 200.0 && decided[2] == 200.0,
                "{row:?}"
            );
        }
    }
}

#[test]
fn flp_the_planted_bugs_are_caught_or_hide_as_the_chapter_says() {
    // Silence taken for consent breaks agreement with every first timeout tried.
    let rows = coordinator_rows("flp-silence");
    assert!(!rows.is_empty() && rows.iter().all(|r| r.3 > 0), "{rows:?}");
    // Ignoring timestamps hides from the oracle's random runs.
    let rows = coordinator_rows("flp-oracle-bug");
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r.3 == 0),
        "{rows:?}"
    );
}

#[test]
fn flp_ben_or_check_finds_the_wrong_majority_in_round_2() {
    // The run the chapter tells: from inputs 011, p2 proposes 1 and p0 proposes 0 in
    // round 1 (two values in one round), p1 decides 1 in round 1, and p2, having adopted
    // 0, decides 0 in round 2.
    shows_all(
        "flp-ben-or-check-bug",
        &[
            "agreement broken",
            "from inputs 011,",
            "deliver p1->p2 Report { round: 1, x: 1 }",
            "deliver p2->p1 Propose { round: 1, v: Some(1) }",
            "deliver p0->p2 Propose { round: 1, v: Some(0) }",
            "deliver p1->p2 Propose { round: 2, v: Some(0) }",
            "p1 decided 1 in round 1",
            "p2 decided 0 in round 2",
        ],
    );
    // The correct protocol passes the same check, and decides in round 2 in some run.
    shows_all(
        "flp-ben-or-check",
        &[
            "at most 2 rounds each",
            "all of them; agreement and validity hold in every one",
            "some process decides in round 2",
        ],
    );
}

#[test]
fn flp_the_coordinator_check_covers_two_rounds_and_a_decision_in_round_2() {
    shows_all(
        "flp-coordinator-check",
        &[
            "inputs 010",
            "at most 2 rounds each",
            "all of them; agreement and validity hold in every one",
            "round 2's coordinator decides on its round's acks in some of them",
        ],
    );
}

#[test]
fn flp_the_lasso_is_the_round_the_chapter_reads() {
    shows_all(
        "flp-lasso",
        &[
            "inputs 011",
            "A lasso: 0 rounds to reach the loop, then a loop of\n1 round",
            "round  1: x = 011; reports first p0←p1 p1←p0 p2←p1; proposals ??1, \
             first p0←p1 p1←p2 p2←p0 (loop)",
            "then     x = 011, round 2",
            "nobody decides",
        ],
    );
}

#[test]
fn flp_ben_or_rounds_grow_with_n_and_with_f() {
    let v = values("flp-ben-or-rounds");
    let mean = |k: &str| number(&v[k]);
    let by_n = ["mean-n3-f1", "mean-n5-f2", "mean-n7-f3", "mean-n9-f4"].map(mean);
    assert!(by_n.windows(2).all(|w| w[0] < w[1]), "{by_n:?}");
    let by_f = ["mean-n7-f0", "mean-n7-f1", "mean-n7-f2", "mean-n7-f3"].map(mean);
    assert!(by_f.windows(2).all(|w| w[0] < w[1]), "{by_f:?}");
    assert_eq!(by_f[0], 1.0, "with f = 0 the first round decides");
}

#[test]
fn flp_timing_is_a_sawtooth_in_the_first_timeout() {
    let rows: Vec<(f64, f64, f64)> = table(&output("flp-timing"), "first timeout")
        .into_iter()
        .take_while(|r| r.len() >= 5 && r[1] == "ms")
        .map(|r| (number(&r[0]), number(&r[2]), number(&r[3])))
        .collect();
    assert_eq!(rows.len(), 17);
    // Every other row is a doubling of the first timeout.
    let doublings: Vec<(f64, f64, f64)> = rows.iter().copied().step_by(2).collect();
    for w in doublings.windows(2) {
        let drop = w[0].1 - w[1].1;
        assert!(
            drop == 0.0 || drop == 1.0,
            "round {} then {}",
            w[0].1,
            w[1].1
        );
    }
    // At 0.5 and 0.707 ms the same round is in progress at GST, and the wait grows.
    assert_eq!(rows[2].1, rows[3].1);
    assert!(rows[3].2 > rows[2].2, "{:?} {:?}", rows[2], rows[3]);
    // Up to 16 ms, the doublings' highest medians are at 0.25, 2 and 16 ms.
    let upto16: Vec<&(f64, f64, f64)> =
        doublings.iter().filter(|r| r.0 <= 16.0).collect();
    let teeth: Vec<f64> = upto16
        .iter()
        .filter(|r| [0.25, 2.0, 16.0].contains(&r.0))
        .map(|r| r.2)
        .collect();
    let others: Vec<f64> = upto16
        .iter()
        .filter(|r| ![0.25, 2.0, 16.0].contains(&r.0))
        .map(|r| r.2)
        .collect();
    let lowest_tooth = teeth.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(
        others.iter().all(|&m| m < lowest_tooth),
        "{teeth:?} {others:?}"
    );
    // The largest median of all is at 32 ms.
    assert_eq!(values("flp-timing")["high-timeout"], "32");
}

// Quorums.

#[test]
fn abd_simulations_find_no_violation_and_the_planted_bug_rarely() {
    let violations = |name: &str| -> Vec<f64> {
        table(&output(name), "mix")
            .iter()
            .map(|r| number(&r[3]))
            .collect()
    };
    let abd = violations("abd-simulate");
    assert!(!abd.is_empty() && abd.iter().all(|&v| v == 0.0), "{abd:?}");
    let bug = violations("abd-simulate-no-write-back");
    let found: f64 = bug.iter().sum();
    assert!(found > 0.0, "the planted bug was never caught");
    let runs = number(&values("abd-simulate-no-write-back")["runs"]);
    assert!(
        found < runs / 100.0,
        "caught in {found} of {runs} runs: not rarely"
    );
}

#[test]
fn abd_latency_median_rises_and_tail_falls_with_n() {
    let rows = table(&output("abd-latency"), "n");
    let medians: Vec<f64> = rows
        .iter()
        .take_while(|r| r.len() == 5)
        .map(|r| number(&r[1]))
        .collect();
    let p99: Vec<f64> = rows
        .iter()
        .take_while(|r| r.len() == 5)
        .map(|r| number(&r[3]))
        .collect();
    assert_eq!(medians.len(), 4);
    assert!(medians.windows(2).all(|w| w[0] < w[1]), "{medians:?}");
    assert!(p99.windows(2).all(|w| w[0] > w[1]), "{p99:?}");
}

#[test]
fn abd_answers_everything_below_half_crashed_and_nothing_from_half() {
    let rows = table(&output("abd-availability"), "n");
    assert!(rows.len() >= 4);
    for row in rows
        .iter()
        .take_while(|r| r.len() > 2 && !r[0].starts_with("figure"))
    {
        let n = number(&row[0]);
        for (k, cell) in row[1..].iter().enumerate() {
            let answered = number(cell);
            let expected = if (k as f64) < n / 2.0 { 1.0 } else { 0.0 };
            assert_eq!(answered, expected, "n = {n}, {k} crashed");
        }
    }
}

// Paxos.

#[test]
fn paxos_simulations_are_safe_and_decide() {
    for name in ["paxos-simulate", "paxos-simulate-5", "paxos-simulate-7"] {
        let rows = table(&output(name), "mix");
        assert_eq!(rows.len(), 9, "{name}");
        for row in rows {
            assert_eq!(
                (number(&row[1]), number(&row[2]), number(&row[3])),
                (200.0, 0.0, 0.0),
                "{name}: {row:?}"
            );
        }
    }
}

#[test]
fn paxos_the_fastest_rows_are_a_heartbeat_and_four_delays() {
    // With three acceptors, the faults that spare the leader's majority cost nothing: the
    // rows the chapter lists decide at the first heartbeat tick plus four delays, and no
    // row decides sooner.
    let v = values("paxos-simulate");
    let ms = |name: &str| number(v[name].trim_end_matches(" ms"));
    let floor = ms("floor");
    assert_eq!(floor, ms("heartbeat") + 4.0 * ms("delay"));
    let listed: Vec<&str> = v["at-floor"].split(", ").collect();
    assert!(listed.contains(&"clean") && listed.len() >= 2, "{listed:?}");
    for row in table(&output("paxos-simulate"), "mix") {
        assert!(number(&row[4]) >= floor, "{row:?}");
        assert_eq!(
            number(&row[4]) == floor && number(&row[5]) == floor,
            listed.contains(&row[0].as_str()),
            "{row:?}"
        );
    }
}

#[test]
fn paxos_after_gst_the_leader_decides_within_its_bound_and_eager_proposers_never() {
    let rows = table(&output("paxos-gst"), "policy");
    let eager = rows.iter().find(|r| r[0] == "eager").unwrap();
    assert_eq!(eager[1], "0");
    let leader = rows.iter().find(|r| r[0] == "leader").unwrap();
    assert_eq!(number(&leader[1]), 200.0);
    assert!(number(&leader[4]) <= 28.0, "{leader:?}");
}

// Linearizability.

#[test]
fn linearizability_the_speed_table_says_what_the_chapter_reads_off_it() {
    let v = values("linearizability-speed");
    assert_eq!(
        v["faster"], v["histories"],
        "ours is faster on every history"
    );
    assert!(
        number(&v["etcd-lazy-ms"]) > number(&v["etcd-ours-ms"]),
        "eager reads help on etcd"
    );
    // On the key-value histories eager reads cost time, and one thread is as fast everywhere
    // but c50-ok; the lowest ratio is c50-bad's.
    let rows = table(&output("linearizability-speed"), "history");
    let kv: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[0].starts_with('c') && r.len() == 6)
        .collect();
    assert_eq!(kv.len(), 6);
    for row in &kv {
        assert!(
            number(&row[2]) > number(&row[4]),
            "eager reads cost time on {}",
            row[0]
        );
    }
    let c50_bad = kv.iter().find(|r| r[0] == "c50-bad").unwrap();
    assert_eq!(c50_bad[3], v["ratio-lowest"]);
    let listed: Vec<&str> = v["one-thread-faster"].split(", ").collect();
    for row in &kv {
        assert_eq!(
            listed.contains(&row[0].as_str()),
            row[0] != "c50-ok",
            "{}",
            row[0]
        );
    }
}

// Checking every execution.

#[test]
fn modelcheck_the_speed_table_says_what_the_chapter_reads_off_it() {
    let v = values("modelcheck-speed");
    assert!(number(&v["stateright-9-speed"]) > 1.0);
    assert!(number(&v["stateright-2pc-9-speed"]) > 1.0);
    assert!(
        number(&v["stateright-9-memory"]) > 1.0,
        "Stateright on the same model needs more"
    );
    let shipped = |rms: &str| number(&v[&format!("stateright-2pc-{rms}-memory")]);
    assert!(
        shipped("9") > 1.0 && shipped("9") > number(&v["book-2-9-memory"]),
        "its shipped example needs more with nine RMs than either run of this checker"
    );
    assert!(shipped("8") < 1.0, "and less with eight");
    let threads = ["7", "8", "9"].map(|rms| number(&v[&format!("book-2-{rms}-speed")]));
    assert!(
        threads[2] < 1.0
            && threads.windows(2).all(|w| w[1] <= w[0])
            && threads[2] < threads[0],
        "two threads take less time, and less the bigger the search: {threads:?}"
    );
    assert!(number(&v["book-2-9-memory"]) < 1.0, "and less memory");
}

#[test]
fn census_the_reduced_search_finds_neither_bug_left_out() {
    let v = values("census-left-out");
    assert_eq!(number(&v["bugs"]), 2.0);
    assert_eq!(number(&v["full-found"]), 1.0, "the full search finds one");
    assert_eq!(
        number(&v["reduced-found"]),
        0.0,
        "the reduced search neither"
    );
    let text = output("census-left-out");
    let bug = |name: &str| -> Vec<String> {
        let at = text.split(name).nth(1).expect(name);
        at.lines().skip(1).take(2).map(str::to_owned).collect()
    };
    let states = |line: &str| {
        let after = line.split("; ").nth(1).expect("states");
        number(after.split_whitespace().next().expect("a count"))
    };
    // The coordinator's: found by the full search with a trace of a dozen steps; the
    // reduced search meets more states within the bound than the full search needed.
    let coordinator = bug("rotating coordinator: ignores timestamps");
    let trace = coordinator[0].split("a trace of ").nth(1).expect("a trace");
    assert_eq!(
        number(trace.split_whitespace().next().expect("its length")),
        12.0
    );
    assert!(coordinator[1].contains("reduced  not found, stopped at the bound"));
    assert!(states(&coordinator[1]) > states(&coordinator[0]));
    // Paxos's lowest-accepted: found by neither.
    let paxos = bug("Paxos: lowest accepted");
    assert!(paxos[0].contains("full     not found, stopped at the bound"));
    assert!(paxos[1].contains("reduced  not found, stopped at the bound"));
}

/// Chapter 5's arithmetic for the set of fingerprints at eight and nine RMs: 64 arrays of
/// eight-byte slots, each doubling when it would pass three quarters full.
#[test]
fn modelcheck_the_fingerprint_arrays_are_as_full_as_chapter_5_says() {
    let text = output("modelcheck-speed");
    let distinct = |rms: &str| {
        let line = (text.lines())
            .find(|l| l.contains("1 thread") && l.split_whitespace().next() == Some(rms))
            .unwrap_or_else(|| panic!("no row for {rms} RMs"));
        number(line.split_whitespace().nth(1).expect("a count"))
    };
    for (rms, log_slots, mib, bytes, (low, high)) in [
        ("8", 16, 32.0, 19.0, (0.0, 0.5)),
        ("9", 18, 128.0, 13.0, (0.6, 2.0 / 3.0)),
    ] {
        let per_array = distinct(rms) / 64.0;
        let mut slots = 1024.0;
        while 4.0 * per_array > 3.0 * slots {
            slots *= 2.0;
        }
        let fill = per_array / slots;
        assert_eq!(slots, f64::from(1u32 << log_slots), "{rms} RMs");
        assert_eq!(64.0 * slots * 8.0 / f64::from(1 << 20), mib, "{rms} RMs");
        assert_eq!((8.0 * slots / per_array).round(), bytes, "{rms} RMs");
        assert!(low < fill && fill < high, "{rms} RMs: {fill}");
    }
}

#[test]
fn abd_state_counts_grow_with_duplication_and_shrink_with_restarts_merged() {
    let distinct = |name: &str| number(&values(name)["distinct"]);
    assert!(distinct("abd-check-duplication") > distinct("abd-check"));
    assert!(distinct("abd-check-all") < distinct("abd-check-restarts"));
}

#[test]
fn abd_takes_two_round_trips_and_4_n_minus_1_messages() {
    let rows = table(&output("abd-delays"), "delays  msgs");
    assert_eq!(rows.len(), 4);
    for row in rows {
        let n = number(&row[0]);
        let messages = 4.0 * (n - 1.0);
        // write, read: four delays and 4(n - 1) messages; the read without write-back half.
        assert_eq!(
            (number(&row[1]), number(&row[2])),
            (4.0, messages),
            "{row:?}"
        );
        assert_eq!(
            (number(&row[3]), number(&row[4])),
            (4.0, messages),
            "{row:?}"
        );
        assert_eq!(
            (number(&row[5]), number(&row[6])),
            (2.0, messages / 2.0),
            "{row:?}"
        );
    }
}

// CAP.

#[test]
fn cap_abd_latency_is_proportional_to_the_delay() {
    let text = output("cap-pacelc");
    let rows: Vec<Vec<String>> = table(&text, "median one-way delay")
        .into_iter()
        .take_while(|r| r.len() == 6)
        .collect();
    assert_eq!(rows.len(), 8);
    let multiples: Vec<f64> =
        rows.iter().map(|r| number(&r[2]) / number(&r[0])).collect();
    let first = multiples[0];
    assert!(
        multiples.iter().all(|m| (m / first - 1.0).abs() < 0.01),
        "{multiples:?}"
    );
    // The available register never waits.
    assert!(rows.iter().all(|r| r[4] == "0.00" && r[5] == "0.00"));
}

// Paxos.

#[test]
fn paxos_on_seed_1_every_policy_decides_and_the_leader_is_slowest() {
    let v = values("paxos-duel");
    let ms = |k: &str| number(&v[k]);
    assert!(
        ms("leader-ms") > ms("eager-ms") && ms("leader-ms") > ms("backoff-ms"),
        "{v:?}"
    );
}

#[test]
fn flp_the_wrong_majority_costs_safety_and_termination_and_the_right_one_neither() {
    let bug = values("flp-ben-or-bug");
    assert!(number(&bug["unsafe"]) > 0.0 && number(&bug["undecided"]) > 0.0);
    let right = values("flp-ben-or");
    assert_eq!(
        (right["unsafe"].as_str(), right["undecided"].as_str()),
        ("0", "0")
    );
}

// Multi-Paxos.

#[test]
fn multipaxos_simulations_are_linearizable_and_answered() {
    let rows = table(&output("multipaxos-simulate"), "mix");
    assert_eq!(rows.len(), 9);
    for row in rows {
        assert_eq!(
            (
                number(&row[1]),
                number(&row[2]),
                number(&row[3]),
                number(&row[4])
            ),
            (6000.0, 0.0, 0.0, 0.0),
            "{row:?}"
        );
    }
}

/// With the margin, no staged run is violating at any drift while reads are answered
/// locally; without it, runs are clean up to some drift and violating from the next one
/// on, with the stale read shown; the values the prose reads agree with the table.
#[test]
fn multipaxos_lease_margin_is_what_stops_the_stale_read() {
    let text = output("multipaxos-lease");
    // Rows: ρ, gap, "ms", local and violating with the margin, then without.
    let rows: Vec<Vec<String>> = table(&text, "ρ")
        .into_iter()
        .filter(|row| row.len() == 7)
        .collect();
    assert!(rows.len() >= 4, "{text}");
    let mut seen_stale = false;
    let (mut first_stale, mut last_clean) = (None, None);
    for row in &rows {
        assert_eq!(number(&row[4]), 0.0, "with the margin: {row:?}");
        assert!(number(&row[3]) > 0.0, "no local read: {row:?}");
        let violating = number(&row[6]);
        if violating > 0.0 {
            seen_stale = true;
            first_stale.get_or_insert(row[0].clone());
        } else {
            assert!(!seen_stale, "clean again after a violating drift: {row:?}");
            last_clean = Some(row[0].clone());
        }
    }
    assert_eq!(number(&rows[0][0]), 0.0);
    assert_eq!(number(&rows[0][6]), 0.0, "the bug needs drift");
    let v = values("multipaxos-lease");
    assert_eq!(v["with-margin-violating"], "0");
    assert_eq!(Some(v["first-stale-drift"].clone()), first_stale);
    assert_eq!(Some(v["last-clean-drift"].clone()), last_clean);
    assert!(text.contains("though the append of"), "{text}");
}

#[test]
fn multipaxos_lease_simulations_are_linearizable() {
    let rows = table(&output("multipaxos-simulate-lease"), "mix");
    assert_eq!(rows.len(), 9);
    for row in rows {
        assert_eq!(
            (
                number(&row[1]),
                number(&row[2]),
                number(&row[4]),
                number(&row[5])
            ),
            (6000.0, 0.0, 0.0, 0.0),
            "{row:?}"
        );
        assert!(number(&row[3]) > 0.0, "{row:?}");
    }
}

/// Snapshots: every run linearizable and safe in every mix, snapshots installed; the
/// silent truncation caught, by the invariants and by linearizability.
#[test]
fn multipaxos_snapshot_simulations_are_safe_and_install() {
    let rows = table(&output("multipaxos-snapshots"), "mix");
    assert_eq!(rows.len(), 9);
    for row in &rows {
        // mix, operations, open, by promise, by catch-up, violating, unsafe
        assert_eq!(
            (
                number(&row[1]),
                number(&row[2]),
                number(&row[5]),
                number(&row[6])
            ),
            (6000.0, 0.0, 0.0, 0.0),
            "{row:?}"
        );
    }
    let v = values("multipaxos-snapshots");
    assert!(number(&v["installed-by-promise"]) > 0.0);
    assert!(number(&v["installed-by-catch-up"]) > 0.0);
    let v = values("multipaxos-truncates-silently");
    assert!(number(&v["unsafe-runs"]) > 0.0 && number(&v["violating-runs"]) > 0.0);
    let v = values("multipaxos-no-sessions");
    assert!(
        number(&v["unsafe-runs"]) > 0.0,
        "the store check catches it too"
    );
}

/// One slot at a time stays where one client puts it; each other shape levels off within
/// a few percent of its ceiling, never above it; and no shape is slower than one slot at
/// a time. The values the prose reads are the table's last row.
#[test]
fn multipaxos_throughput_reaches_the_leaders_ceilings() {
    let text = output("multipaxos-throughput");
    let rows: Vec<Vec<f64>> = table(&text, "clients")
        .into_iter()
        .filter(|row| row.len() == 5)
        .map(|row| row.iter().map(|c| number(c)).collect())
        .collect();
    assert!(rows.len() >= 6, "{text}");
    let v = values("multipaxos-throughput");
    let (pipelined, batched) = (
        number(&v["pipelined-ceiling"]),
        number(&v["batched-ceiling"]),
    );
    let first = &rows[0];
    let last = rows.last().expect("rows");
    for row in &rows {
        assert!((row[1] - first[1]).abs() <= 0.1 * first[1], "flat: {row:?}");
        for shape in 2..=4 {
            assert!(row[shape] >= row[1], "slower than one at a time: {row:?}");
        }
        assert!(row[2] <= pipelined * 1.01, "{row:?}");
        assert!(row[3].max(row[4]) <= batched * 1.01, "{row:?}");
    }
    assert!(last[2] >= 0.97 * pipelined, "{last:?}");
    assert!(last[3] >= 0.97 * batched, "{last:?}");
    // A window of four helps batching at moderate load, and not at the top.
    assert!(rows.iter().any(|row| row[4] > 1.1 * row[3]), "{text}");
    assert!(last[4] <= 1.02 * last[3], "{last:?}");
    assert_eq!(number(&v["one-at-a-time"]), last[1]);
    assert_eq!(number(&v["pipelined"]), last[2]);
    assert_eq!(number(&v["batched"]), last[3]);
}

/// The model checker with a snapshot after every slot: complete, no violation, the
/// witnesses reached (a vacuous or incomplete check prints something else).
#[test]
fn multipaxos_snapshots_are_checked_in_every_execution() {
    let text = output("multipaxos-check-snapshots");
    assert!(text.contains("a snapshot after every slot"), "{text}");
    assert!(
        text.contains("some run installs a snapshot from a promise"),
        "{text}"
    );
    assert!(
        !text.contains("violated") && !text.contains("VACUOUS"),
        "{text}"
    );
}

/// Lab 4's starting point passes the one-command model check (it cannot fail it) and
/// fails the bounded two-command check and some simulated mix.
#[test]
fn lab_4_start_passes_only_what_it_cannot_fail() {
    let text = output("labs-start-multipaxos");
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no line {prefix}: {text}"))
            .to_owned()
    };
    assert!(line("PASS  model checker, a command across").contains("3/3"));
    assert!(line("FAIL  model checker, two commands").contains("0/3"));
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("FAIL  simulator"))
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("PASS  simulator"))
    );
}

#[test]
fn multipaxos_delays_are_as_predicted() {
    // Each row: n, then delays and messages at the leader, at a follower, and predicted
    // ("2, 4" delays; "3(n - 1), 3(n - 1) + 1" messages).
    let text = output("multipaxos-delays");
    let rows: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .filter(|row| row.first().is_some_and(|w| w.parse::<u32>().is_ok()))
        .collect();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let n = number(&row[0]);
        assert_eq!((number(&row[1]), number(&row[3])), (2.0, 4.0), "{row:?}");
        assert_eq!(number(&row[2]), 3.0 * (n - 1.0), "{row:?}");
        assert_eq!(number(&row[4]), 3.0 * (n - 1.0) + 1.0, "{row:?}");
    }
}

#[test]
fn multipaxos_failover_falls_in_one_campaigns_window() {
    let v = values("multipaxos-failover");
    let ms = |name: &str| number(v[name].trim_end_matches(" ms"));
    assert_eq!(v["beyond"], "0");
    assert!(ms("min") >= ms("low") && ms("max") <= ms("high"), "{v:?}");
    let text = output("multipaxos-failover");
    assert!(text.contains("nothing chosen within 2 s: 0"), "{text}");
}

#[test]
fn paxos_the_duplicating_network_reaches_fewer_states_than_the_reliable_one() {
    let states = |name: &str| -> u64 { values(name)["distinct"].parse().unwrap() };
    assert!(states("paxos-check-duplication") < states("paxos-check"));
}

#[test]
fn paxos_two_ballots_with_a_crash_and_restart_pass() {
    let text = output("paxos-check-ballots-restarts");
    assert!(
        text.contains("2 ballot(s) each, at most 1 crash(es), then restarts"),
        "{text}"
    );
    assert!(
        text.contains("in every reachable state, one value at most is chosen"),
        "{text}"
    );
    assert!(
        !text.contains("INCOMPLETE") && !text.contains("violated"),
        "{text}"
    );
    // The largest of the chapter's checks (some count classes, some states: a class count
    // is at most the count of its states, so comparing them is fair to the others).
    let states = |name: &str| -> u64 { values(name)["distinct"].parse().unwrap() };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/values");
    let mut others = 0;
    for entry in std::fs::read_dir(dir).expect("src/values") {
        let name = entry
            .expect("an entry")
            .file_name()
            .into_string()
            .expect("UTF-8");
        let Some(name) = name.strip_suffix(".toml") else {
            continue;
        };
        if name.starts_with("paxos-check") && name != "paxos-check-ballots-restarts" {
            assert!(
                states(name) < states("paxos-check-ballots-restarts"),
                "{name}"
            );
            others += 1;
        }
    }
    assert!(others >= 7, "the chapter's other checks");
}

// The census of chapter 5: every process system, searched in full and reduced.

#[test]
fn census_every_reduction_visits_more_than_half_of_the_states() {
    let text = output("census-reduction");
    // Each row ends with five numbers: states, visited, factor, steps, reduced steps.
    let rows: Vec<(String, [f64; 5])> = table(&text, "ch  system")
        .into_iter()
        .map(|r| {
            let (name, numbers) = r.split_at(r.len() - 5);
            let numbers: Vec<f64> = numbers.iter().map(|c| number(c)).collect();
            (name.join(" "), numbers.try_into().expect("five numbers"))
        })
        .collect();
    assert!(rows.len() >= 10, "{rows:?}");
    for (name, [states, visited, factor, steps, reduced]) in &rows {
        assert!(visited <= states && *factor < 2.0, "{name}");
        if name.contains("ABD") || name.contains("Multi-Paxos") {
            assert_eq!(
                states, visited,
                "{name}: with clients every state is visited"
            );
        }
        // Fewer successors than the full search wherever it visits fewer states, as many
        // where it visits all; but one row, where it explores states again.
        if name.contains("Paxos: 3 acceptors") {
            assert!(reduced > steps, "{name}: more steps reduced than full");
            // Far more states than the full search visits with dead messages dropped.
            let dropped = number(&values("paxos-check")["distinct"]);
            assert_eq!(
                number(&values("paxos-check-keep-dead")["distinct"]),
                *states
            );
            assert!(*visited > 10.0 * dropped, "{name}");
        } else {
            assert!(reduced <= steps, "{name}: no more steps reduced than full");
            assert_eq!(reduced < steps, visited < states, "{name}");
        }
    }
    // Figure 5.4's highest point is two-phase commit's, with three RMs.
    let highest = rows.iter().max_by(|a, b| a.1[2].total_cmp(&b.1[2]));
    assert!(highest.is_some_and(|(name, _)| name.contains("two-phase commit: 3 RMs")));
    // Every planted bug listed is found by both searches, the reduced one by a run at
    // least as long.
    assert!(!text.contains("missed"), "{text}");
    let runs: Vec<(f64, f64)> = (text.lines())
        .filter_map(|l| l.split_once(" broken: in "))
        .map(|(_, rest)| {
            let words: Vec<&str> = rest.split_whitespace().collect();
            (number(words[0]), number(words[6]))
        })
        .collect();
    assert!(runs.len() >= 5, "{text}");
    assert!(
        runs.iter().all(|(full, reduced)| reduced >= full),
        "{runs:?}"
    );
    let v = values("census-reduction");
    assert!(
        number(&v["paxos-3-again"]) > 0.0,
        "some states explored again"
    );
}
