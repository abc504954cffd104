//! No input makes a reader panic: random bytes, random number soup, and random line mutations
//! of the fixtures all end in `Ok` or `Err`. Whatever is accepted is a valid problem whose
//! distances can be reported.

mod common;

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::sample::Index;
use vaxride_formats::{Format, read, read_bks_csv, read_vrplib_solution};

const FORMATS: [Format; 4] = [
    Format::Vrplib,
    Format::Solomon,
    Format::LiLim,
    Format::Cordeau,
];

static FIXTURES: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut v: Vec<String> = [
        "c101_10.txt",
        "c101_10.vrp",
        "lilim_small.txt",
        "darp_small.txt",
    ]
    .iter()
    .map(|n| common::fixture(n))
    .collect();
    v.push("instance,vehicles,distance,source\nC101,10,827.3,\"a, b\"\nC102,9,1.5,x\n".into());
    v.push("Route #1: 5 3 7\nRoute #2: 1 2\nCost 827.3\n".into());
    v
});

/// Runs every reader on `text`; checks what they accept.
fn every_reader(text: &str) {
    let _ = Format::guess("fuzz.vrp", text);
    let _ = read_bks_csv(text);
    let _ = read_vrplib_solution(text);
    for format in FORMATS {
        if let Ok(inst) = read("fuzz", text, format) {
            let p = &inst.problem;
            assert_eq!(
                p.validate(),
                Ok(()),
                "{format:?} accepted an invalid problem"
            );
            assert_eq!(inst.coords.len(), p.matrix.len());
            if !p.vehicles.is_empty() {
                let all: Vec<usize> = (0..p.stops.len()).collect();
                let d = inst.reported_distance(&[all], &[0]);
                assert!(d.is_finite() && d >= 0.0);
            }
        }
    }
}

/// Tokens that stress number parsing and index checks.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (-3i64..200).prop_map(|v| v.to_string()),
        any::<i64>().prop_map(|v| v.to_string()),
        any::<f64>().prop_map(|v| v.to_string()),
        prop::sample::select(vec![
            "-1",
            "0",
            "1e9",
            "1e10",
            "-1e9",
            "nan",
            "inf",
            "-0",
            "0.5",
            "1.0",
            "4294967296",
            "18446744073709551616",
            "abc",
            ":",
            "#",
            "\"",
            ",",
            "EOF",
            "NODE_COORD_SECTION",
            "DEMAND_SECTION",
            "TIME_WINDOW_SECTION",
            "DEPOT_SECTION",
            "SERVICE_TIME_SECTION",
            "EDGE_WEIGHT_SECTION",
            "CAPACITY",
            "VEHICLES",
            "DIMENSION",
            "VEHICLE",
            "CUSTOMER",
            "NUMBER",
            "CUST",
            "Route",
            "#1:",
            "Cost",
            "\u{feff}",
            "é",
            "\r",
        ])
        .prop_map(str::to_string),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..10).prop_map(|t| t.join(" "))
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(Index),
    Duplicate(Index),
    Swap(Index, Index),
    ReplaceToken(Index, Index, String),
    DropToken(Index, Index),
    Insert(Index, String),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Delete),
        any::<Index>().prop_map(Mutation::Duplicate),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<Index>(), any::<Index>(), token())
            .prop_map(|(l, t, s)| Mutation::ReplaceToken(l, t, s)),
        (any::<Index>(), any::<Index>()).prop_map(|(l, t)| Mutation::DropToken(l, t)),
        (any::<Index>(), line()).prop_map(|(i, l)| Mutation::Insert(i, l)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for m in mutations {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match m {
            Mutation::Delete(i) => {
                lines.remove(i.index(n));
            }
            Mutation::Duplicate(i) => {
                let l = lines[i.index(n)].clone();
                lines.insert(i.index(n), l);
            }
            Mutation::Swap(a, b) => lines.swap(a.index(n), b.index(n)),
            Mutation::ReplaceToken(l, t, _) | Mutation::DropToken(l, t)
                if !lines[l.index(n)].trim().is_empty() =>
            {
                let line = &mut lines[l.index(n)];
                let mut tokens: Vec<String> = line.split_whitespace().map(str::to_string).collect();
                let k = t.index(tokens.len());
                match m {
                    Mutation::ReplaceToken(_, _, s) => tokens[k] = s.clone(),
                    _ => {
                        tokens.remove(k);
                    }
                }
                *line = tokens.join("\t");
            }
            Mutation::ReplaceToken(..) | Mutation::DropToken(..) => {}
            Mutation::Insert(i, l) => lines.insert(i.index(n + 1), l.clone()),
            Mutation::Truncate(i) => {
                let joined = lines.join("\n");
                let mut cut = i.index(joined.len() + 1);
                while !joined.is_char_boundary(cut) {
                    cut -= 1;
                }
                lines = joined[..cut].lines().map(str::to_string).collect();
            }
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_make_a_reader_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        every_reader(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_lines_of_numbers_and_keywords_never_make_a_reader_panic(
        lines in prop::collection::vec(line(), 0..40),
    ) {
        every_reader(&lines.join("\n"));
    }

    #[test]
    fn mutated_fixtures_never_make_a_reader_panic(
        which in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let text = &FIXTURES[which.index(FIXTURES.len())];
        every_reader(&mutate(text, &mutations));
    }
}

#[test]
fn the_unmutated_fixtures_are_accepted_by_their_own_reader() {
    let ok = |i: usize, f: Format| read("fixture", &FIXTURES[i], f).unwrap();
    ok(0, Format::Solomon);
    ok(1, Format::Vrplib);
    ok(2, Format::LiLim);
    ok(3, Format::Cordeau);
    read_bks_csv(&FIXTURES[4]).unwrap();
    read_vrplib_solution(&FIXTURES[5]).unwrap();
}
