//! Tidy: the shape of the code, checked on every test run (in the manner of rust-analyzer's
//! tidy tests). Crates depend only in the allowed direction, source files stay small enough to
//! read, and routes and the application are put together in one place each.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn relative(p: &Path) -> String {
    p.strip_prefix(root())
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Each workspace crate's normal and build dependencies on other workspace crates.
fn internal_dependencies() -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let ours: Vec<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|d| d["kind"].as_str() != Some("dev"))
                .filter_map(|d| d["name"].as_str())
                .filter(|n| ours.iter().any(|o| o == n))
                .map(str::to_string)
                .collect();
            (p["name"].as_str().unwrap_or_default().to_string(), deps)
        })
        .collect()
}

#[test]
fn crates_depend_only_downwards() {
    // What each crate may depend on among ours (normal and build dependencies).
    let allowed: &[(&str, &[&str])] = &[
        ("vaxride-roadnet", &[]),
        ("vaxride-solver", &[]),
        ("vaxride-formats", &["vaxride-solver"]),
        (
            "vaxride-dispatch",
            &["vaxride-solver", "vaxride-formats", "vaxride-roadnet"],
        ),
        (
            "vaxride-store",
            &["vaxride-dispatch", "vaxride-solver", "vaxride-roadnet"],
        ),
        // The demo office is data for the server, the benches and the tests: nothing of the
        // domain or the store may need it.
        ("vaxride-demo", &["vaxride-dispatch", "vaxride-roadnet"]),
    ];
    let deps = internal_dependencies();
    for (krate, ok) in allowed {
        let have = deps
            .get(*krate)
            .unwrap_or_else(|| panic!("{krate} is not in the workspace"));
        for d in have {
            assert!(
                ok.contains(&d.as_str()),
                "{krate} must not depend on {d} (allowed: {ok:?})"
            );
        }
    }
    // Nothing but the command line depends on the command line; the server on no test crate.
    for (krate, have) in &deps {
        assert!(
            !have.iter().any(|d| d == "vaxride"),
            "{krate} depends on the command line"
        );
        assert!(
            !have
                .iter()
                .any(|d| d == "vaxride-tests" || d == "vaxride-benches"),
            "{krate} depends on a test or bench crate"
        );
    }
}

/// Longest a source file may be (lines before its `#[cfg(test)]` module).
const MAX_LINES: usize = 600;

/// Files still longer than [`MAX_LINES`], each with the length it may not pass: split them
/// and take them off this list (it may only shrink).
const TOO_LONG: &[(&str, usize)] = &[];

#[test]
fn source_files_stay_short() {
    let mut files = Vec::new();
    for dir in ["crates", "benches/src", "benches/benches", "tests/src"] {
        files.extend(rust_files(&root().join(dir)));
    }
    let mut long = Vec::new();
    for f in files {
        let rel = relative(&f);
        // Test files are not held to it (tests/ folders of each crate).
        if rel.contains("/tests/") {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("readable");
        let lines = text
            .lines()
            .take_while(|l| l.trim_start() != "#[cfg(test)]")
            .count();
        let limit = TOO_LONG
            .iter()
            .find(|(p, _)| *p == rel)
            .map_or(MAX_LINES, |&(_, n)| n);
        if lines > limit {
            long.push(format!("{rel}: {lines} lines (at most {limit})"));
        }
    }
    assert!(long.is_empty(), "split these files:\n{}", long.join("\n"));
    for (p, _) in TOO_LONG {
        assert!(root().join(p).exists(), "{p} is gone: take it off TOO_LONG");
    }
}

/// Lines in `dir`'s sources (outside `except`) that contain one of `needles`.
fn occurrences(dir: &str, needles: &[&str], except: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for f in rust_files(&root().join(dir)) {
        let rel = relative(&f);
        if except.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("readable");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if needles.iter().any(|n| code.contains(n)) {
                hits.push(format!("{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    hits
}

#[test]
fn routes_are_declared_in_the_registry_only() {
    let hits = occurrences(
        "crates/server/src",
        &[
            ".route(",
            "web::resource(",
            "web::scope(",
            ".service(",
            "#[get(",
            "#[post(",
            "#[put(",
            "#[delete(",
        ],
        &["crates/server/src/routes.rs"],
    );
    assert!(
        hits.is_empty(),
        "routes belong in crates/server/src/routes.rs:\n{}",
        hits.join("\n")
    );
}

#[test]
fn the_application_is_built_in_one_place() {
    let mut hits = Vec::new();
    for dir in ["crates", "tests", "benches"] {
        hits.extend(occurrences(
            dir,
            &["App::new(", "HttpServer::new("],
            &[
                "crates/server/src/app.rs",
                // The stand-in tile server of the browser tests is another service.
                "tests/src/lib.rs",
                // This file names them.
                "tests/tidy/main.rs",
            ],
        ));
    }
    assert!(
        hits.is_empty(),
        "use vaxride_server::build_app or Application:\n{}",
        hits.join("\n")
    );
    let harness = std::fs::read_to_string(root().join("tests/src/lib.rs")).expect("harness");
    assert_eq!(
        harness.matches("App::new(").count(),
        1,
        "tests/src/lib.rs builds only the stand-in tile server itself"
    );
}

#[test]
fn problems_are_made_by_a_registry_only() {
    // A `Problem` is made only by the functions `declare_problems!` writes, so that every code
    // the API can send is in some crate's `problems::ALL` (which the page's dictionaries are
    // checked against).
    // (The solver and the formats have a `Problem` of their own: the routing problem.)
    let mut hits = Vec::new();
    for dir in [
        "crates/dispatch",
        "crates/store",
        "crates/server",
        "crates/demo",
        "benches",
    ] {
        hits.extend(occurrences(
            dir,
            &["Problem {", "problem!("],
            &["crates/dispatch/src/error.rs"],
        ));
    }
    // A signature or an impl names the type without making one.
    hits.retain(|h| !h.contains("-> Problem {") && !h.contains("impl "));
    assert!(
        hits.is_empty(),
        "declare the code in the crate's problems.rs and call problems::code(…):\n{}",
        hits.join("\n")
    );
}
