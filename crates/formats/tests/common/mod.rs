//! Helpers shared by the integration tests: where the benchmark files and fixtures are.

#![allow(dead_code)]

use std::path::PathBuf;

/// `$VAXRIDE_BENCHMARKS_DIR`, else `<workspace>/../shared/benchmarks`, if it exists.
pub fn benchmarks_dir() -> Option<PathBuf> {
    let dirs = [
        std::env::var_os("VAXRIDE_BENCHMARKS_DIR").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/benchmarks")),
    ];
    let found = dirs.into_iter().flatten().find(|d| d.is_dir());
    if found.is_none() {
        eprintln!(
            "skipped: no benchmark folder in $VAXRIDE_BENCHMARKS_DIR or ../shared/benchmarks"
        );
    }
    found
}

/// The files of one benchmark folder ending in `ext`, sorted; `None` (with a note) when absent.
pub fn family_files(folder: &str, ext: &str) -> Option<Vec<PathBuf>> {
    let dir = benchmarks_dir()?.join(folder);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} is missing", dir.display());
        return None;
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    Some(files)
}

/// One benchmark file's text; `None` (with a note) when absent.
pub fn benchmark(rel: &str) -> Option<(String, String)> {
    let path = benchmarks_dir()?.join(rel);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some((path.display().to_string(), text)),
        Err(_) => {
            eprintln!("skipped: {} is missing", path.display());
            None
        }
    }
}

/// A fixture from `tests/data`.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
