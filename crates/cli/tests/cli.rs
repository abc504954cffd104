//! The real `vaxride` binary on the hand-made fixture `data/fixtures/tiny.osm` (and, when it is
//! on this machine, on the shared Monaco extract).
//!
//! Every run passes `--no-cache` or its own `--cache-dir`, so the tests neither read nor write
//! the user's cache and do not race each other.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use vaxride_roadnet::crs::{wgs84_to_bd09, wgs84_to_gcj02};

/// Points on the fixture: on the eastward one-way street, past its last block, beside the
/// northward one-way column, on the roundabout, at the clinic's door, on School Road.
const POINTS: [[f64; 2]; 6] = [
    [123.4303, 41.80005],
    [123.4330, 41.7999],
    [123.4337, 41.8003],
    [123.42835, 41.8010125],
    [123.4330, 41.8036],
    [123.4306, 41.8028],
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture() -> PathBuf {
    workspace().join("data/fixtures/tiny.osm")
}

/// A fresh folder under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("vaxride-cli-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `value` as JSON into the folder and returns the file's path.
    fn json(&self, name: &str, value: &Value) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, value.to_string()).expect("write a test file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary with `args`.
fn vaxride<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_vaxride"))
        .args(args)
        .env_remove("VAXRIDE_CACHE_DIR")
        .output()
        .expect("the vaxride binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts success and parses standard output as JSON.
fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr: {}",
        out.status,
        stderr(out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(out)))
}

/// Asserts failure and returns standard error.
fn failure(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "expected a failure, got stdout {}",
        stdout(out)
    );
    assert!(out.stdout.is_empty(), "a failure printed {}", stdout(out));
    stderr(out)
}

/// `matrix` on the fixture with the given points file and extra arguments.
fn matrix(points: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<OsString> = vec![
        "matrix".into(),
        "--osm".into(),
        fixture().into(),
        "--points".into(),
        points.into(),
    ];
    args.extend(extra.iter().map(OsString::from));
    vaxride(args)
}

fn points_array(points: &[[f64; 2]]) -> Value {
    json!(points)
}

fn feature_collection(points: &[[f64; 2]]) -> Value {
    let features: Vec<Value> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": p},
                "properties": {"name": format!("stop {i}")},
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// The `key=value` pairs of the timing line on standard error, in order.
fn timing_line(err: &str) -> Vec<(String, String)> {
    let line = err
        .lines()
        .find(|l| l.starts_with("load_ms="))
        .unwrap_or_else(|| panic!("no timing line in stderr: {err}"));
    // The cache value may hold spaces ("rebuilt (reason)"): split on " key=" boundaries.
    let keys = ["load_ms", "preprocess_ms", "cache", "snap_ms", "matrix_ms"];
    let mut pairs = Vec::new();
    let mut rest = line;
    for (k, key) in keys.iter().enumerate() {
        rest = rest
            .strip_prefix(&format!("{key}="))
            .unwrap_or_else(|| panic!("timing line lacks {key}: {line}"));
        let end = match keys.get(k + 1) {
            Some(next) => rest
                .find(&format!(" {next}="))
                .unwrap_or_else(|| panic!("timing line lacks {next}: {line}")),
            None => rest.len(),
        };
        pairs.push((key.to_string(), rest[..end].to_string()));
        rest = rest[end..].trim_start();
    }
    for (key, value) in &pairs {
        if key != "cache" {
            let ms: f64 = value
                .parse()
                .unwrap_or_else(|_| panic!("{key}={value} is not a number"));
            assert!(ms >= 0.0 && ms.is_finite(), "{key}={value}");
        }
    }
    pairs
}

/// The `cache=` value of the timing line.
fn cache_state(err: &str) -> String {
    timing_line(err)
        .into_iter()
        .find(|(k, _)| k == "cache")
        .map(|(_, v)| v)
        .expect("timing line has cache")
}

/// Checks the documented shape of a matrix for `n` points and returns it.
fn check_shape(doc: &Value, n: usize) -> &Value {
    for key in ["durations_s", "distances_m"] {
        let rows = doc[key]
            .as_array()
            .unwrap_or_else(|| panic!("{key} is not an array: {doc}"));
        assert_eq!(rows.len(), n, "{key}");
        for (i, row) in rows.iter().enumerate() {
            let row = row.as_array().expect("a row is an array");
            assert_eq!(row.len(), n, "{key} row {i}");
            for (j, cell) in row.iter().enumerate() {
                let v = cell
                    .as_f64()
                    .unwrap_or_else(|| panic!("{key}[{i}][{j}] = {cell}"));
                assert!(v.is_finite() && v >= 0.0, "{key}[{i}][{j}] = {v}");
                assert!(i != j || v == 0.0, "{key}[{i}][{j}] = {v}");
            }
        }
    }
    let snapped = doc["snapped"].as_array().expect("snapped is an array");
    assert_eq!(snapped.len(), n);
    for s in snapped {
        for key in ["lon", "lat", "snap_m"] {
            assert!(s[key].is_f64(), "snapped point without {key}: {s}");
        }
    }
    doc
}

fn cell(doc: &Value, key: &str, i: usize, j: usize) -> f64 {
    doc[key][i][j].as_f64().expect("a number")
}

#[test]
fn roadnet_info_prints_the_network_as_json() {
    let out = vaxride([
        "roadnet".as_ref(),
        "info".as_ref(),
        fixture().as_os_str(),
        "--no-cache".as_ref(),
    ]);
    let info = ok_json(&out);
    assert_eq!(info["nodes"], 20, "{info}");
    assert_eq!(info["edges"], 30, "{info}");
    assert_eq!(info["arcs"], 52, "{info}");
    assert_eq!(info["components"]["total"], 3, "{info}");
    assert_eq!(info["components"]["dropped"], 2, "{info}");
    assert_eq!(info["dropped"]["nodes"], 5, "{info}");
    assert_eq!(info["dropped"]["edges"], 4, "{info}");
    assert_eq!(info["input"]["ways"], 20, "{info}");
    assert_eq!(info["input"]["car_ways"], 17, "{info}");
    assert_eq!(info["cache"], "off");
    assert_eq!(info["bbox"].as_array().map(Vec::len), Some(4));
}

#[test]
fn matrix_of_a_plain_array_has_the_documented_shape_and_timings() {
    let dir = TempDir::new("plain");
    let points = dir.json("points.json", &points_array(&POINTS));
    let out = matrix(&points, &["--no-cache"]);
    let doc = ok_json(&out);
    check_shape(&doc, POINTS.len());
    let keys: Vec<String> = timing_line(&stderr(&out))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        keys,
        ["load_ms", "preprocess_ms", "cache", "snap_ms", "matrix_ms"]
    );
    assert_eq!(cache_state(&stderr(&out)), "off");
    // The eastward one-way: going back west costs a detour.
    assert!(cell(&doc, "durations_s", 1, 0) > 2.0 * cell(&doc, "durations_s", 0, 1));
    // The clinic's door is on its road; the point beside the one-way column is 8 m off it.
    let snap_m = |i: usize| doc["snapped"][i]["snap_m"].as_f64().expect("a number");
    assert!(snap_m(4) < 0.1, "{}", doc["snapped"]);
    assert!((7.0..10.0).contains(&snap_m(2)), "{}", doc["snapped"]);
}

#[test]
fn a_feature_collection_gives_the_same_matrix_as_a_plain_array() {
    let dir = TempDir::new("geojson");
    let plain = ok_json(&matrix(
        &dir.json("plain.json", &points_array(&POINTS)),
        &["--no-cache"],
    ));
    let fc = dir.json("points.geojson", &feature_collection(&POINTS));
    let out_file = dir.path().join("matrix.json");
    let out = matrix(
        &fc,
        &[
            "--no-cache",
            "--out",
            out_file.to_str().expect("UTF-8 path"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "--out writes nothing to stdout");
    timing_line(&stderr(&out));
    let written: Value =
        serde_json::from_slice(&std::fs::read(&out_file).expect("--out file")).expect("JSON");
    check_shape(&written, POINTS.len());
    assert_eq!(written, plain);
}

#[test]
fn chinese_coordinates_give_the_same_matrix_as_wgs84() {
    let dir = TempDir::new("crs");
    let wgs = ok_json(&matrix(
        &dir.json("wgs84.json", &points_array(&POINTS)),
        &["--no-cache"],
    ));
    for (crs, convert) in [
        ("gcj02", wgs84_to_gcj02 as fn(f64, f64) -> (f64, f64)),
        ("bd09", wgs84_to_bd09),
    ] {
        let shifted: Vec<[f64; 2]> = POINTS
            .iter()
            .map(|p| {
                let (lon, lat) = convert(p[0], p[1]);
                [lon, lat]
            })
            .collect();
        // In Shenyang the offsets are hundreds of metres: reading them as WGS-84 would differ.
        assert!(
            (shifted[0][0] - POINTS[0][0]).abs() > 0.003,
            "{crs}: {:?}",
            shifted[0]
        );
        let doc = ok_json(&matrix(
            &dir.json(&format!("{crs}.json"), &points_array(&shifted)),
            &["--no-cache", "--crs", crs],
        ));
        check_shape(&doc, POINTS.len());
        for key in ["durations_s", "distances_m"] {
            for i in 0..POINTS.len() {
                for j in 0..POINTS.len() {
                    let (a, b) = (cell(&doc, key, i, j), cell(&wgs, key, i, j));
                    assert!((a - b).abs() < 1e-3, "{crs} {key}[{i}][{j}]: {a} vs {b}");
                }
            }
        }
        for i in 0..POINTS.len() {
            for key in ["lon", "lat"] {
                let (a, b) = (&doc["snapped"][i][key], &wgs["snapped"][i][key]);
                let (a, b) = (a.as_f64().expect("number"), b.as_f64().expect("number"));
                assert!((a - b).abs() < 1e-7, "{crs} snapped {i} {key}: {a} vs {b}");
            }
        }
    }
}

#[test]
fn a_bad_points_file_names_the_bad_point_and_fails() {
    let dir = TempDir::new("bad");
    let bad = dir.json(
        "bad.json",
        &json!([[123.4303, 41.8], [123.4330, "north"], [123.43, 41.8]]),
    );
    let err = failure(&matrix(&bad, &["--no-cache"]));
    assert!(err.contains("point 1"), "{err}");
    assert!(
        !err.contains("point 0") && !err.contains("point 2"),
        "{err}"
    );

    let mut fc = feature_collection(&POINTS[..3]);
    fc["features"][2]["geometry"] = json!({"type": "LineString", "coordinates": [[1, 2], [3, 4]]});
    let err = failure(&matrix(&dir.json("bad.geojson", &fc), &["--no-cache"]));
    assert!(err.contains("feature 2") && err.contains("Point"), "{err}");

    let path = dir.path().join("broken.json");
    std::fs::write(&path, "[[123.43, 41.8],").expect("write");
    let err = failure(&matrix(&path, &["--no-cache"]));
    assert!(err.contains("not valid JSON"), "{err}");
}

#[test]
fn a_point_50_km_away_fails_naming_the_point_and_its_distance() {
    let dir = TempDir::new("far");
    let mut points = POINTS.to_vec();
    points.insert(2, [123.4312, 41.8027 + 0.45]);
    let err = failure(&matrix(
        &dir.json("far.json", &json!(points)),
        &["--no-cache"],
    ));
    assert!(err.contains("1 of 7 points"), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("point 2"))
        .unwrap_or_else(|| panic!("point 2 is not named: {err}"));
    let metres: f64 = line
        .split(" m away")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no distance in {line:?}"));
    assert!((49_000.0..51_000.0).contains(&metres), "{line}");
    assert!(line.contains("limit of 1000 m"), "{line}");
}

#[test]
fn route_prints_a_feature_whose_duration_equals_the_matrix_cell() {
    let dir = TempDir::new("route");
    let doc = ok_json(&matrix(
        &dir.json("points.json", &points_array(&POINTS)),
        &["--no-cache"],
    ));
    for (i, j) in [(0, 1), (1, 0), (2, 4), (3, 5), (5, 3)] {
        let lonlat = |p: [f64; 2]| format!("{},{}", p[0], p[1]);
        let out = vaxride([
            "route".to_string(),
            "--osm".into(),
            fixture().display().to_string(),
            "--from".into(),
            lonlat(POINTS[i]),
            "--to".into(),
            lonlat(POINTS[j]),
            "--no-cache".into(),
        ]);
        let feature = ok_json(&out);
        assert_eq!(feature["type"], "Feature");
        assert_eq!(feature["geometry"]["type"], "LineString");
        let coords = feature["geometry"]["coordinates"]
            .as_array()
            .expect("coordinates");
        assert!(coords.len() >= 2, "{feature}");
        let first = [coords[0][0].as_f64(), coords[0][1].as_f64()];
        let snapped = &doc["snapped"][i];
        assert_eq!(first, [snapped["lon"].as_f64(), snapped["lat"].as_f64()]);
        let props = &feature["properties"];
        assert_eq!(
            props["duration_s"].as_f64(),
            Some(cell(&doc, "durations_s", i, j)),
            "route {i} -> {j}"
        );
        assert_eq!(
            props["distance_m"].as_f64(),
            Some(cell(&doc, "distances_m", i, j)),
            "route {i} -> {j}"
        );
    }
}

#[test]
fn the_cache_is_hit_on_the_second_run_and_a_damaged_cache_is_rebuilt() {
    let dir = TempDir::new("cache");
    let points = dir.json("points.json", &points_array(&POINTS));
    let cache = dir.path().join("cache");
    let args = ["--cache-dir", cache.to_str().expect("UTF-8 path")];

    let first = matrix(&points, &args);
    let answer = ok_json(&first);
    assert_eq!(cache_state(&stderr(&first)), "miss");
    let files: Vec<PathBuf> = std::fs::read_dir(&cache)
        .expect("the cache folder is created")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    assert!(
        file.extension().is_some_and(|e| e == "vxrnet"),
        "{}",
        file.display()
    );

    let second = matrix(&points, &args);
    assert_eq!(cache_state(&stderr(&second)), "hit");
    assert_eq!(ok_json(&second), answer);

    // Flip bytes in the middle of the body: the checksum catches it.
    let mut bytes = std::fs::read(file).expect("read the cache");
    let middle = bytes.len() / 2;
    assert!(middle > 64, "cache file of {} bytes", bytes.len());
    for b in &mut bytes[middle..middle + 4] {
        *b ^= 0xa5;
    }
    std::fs::write(file, &bytes).expect("damage the cache");
    let third = matrix(&points, &args);
    let state = cache_state(&stderr(&third));
    assert!(
        state.starts_with("rebuilt (") && state.contains("damaged"),
        "{state}"
    );
    assert_eq!(ok_json(&third), answer);

    // The rebuilt cache was written back.
    let fourth = matrix(&points, &args);
    assert_eq!(cache_state(&stderr(&fourth)), "hit");
    assert_eq!(ok_json(&fourth), answer);

    // A truncated cache file is rebuilt too.
    std::fs::write(file, &bytes[..bytes.len() / 3]).expect("truncate the cache");
    let fifth = matrix(&points, &args);
    assert!(cache_state(&stderr(&fifth)).starts_with("rebuilt ("));
    assert_eq!(ok_json(&fifth), answer);

    // `roadnet info` reads the same cache.
    let info = ok_json(&vaxride([
        "roadnet".as_ref(),
        "info".as_ref(),
        fixture().as_os_str(),
        "--cache-dir".as_ref(),
        cache.as_os_str(),
    ]));
    assert_eq!(info["cache"], "hit");
}

/// The shared Monaco extract, when this machine has it.
fn monaco_extract() -> Option<PathBuf> {
    let name = "monaco.osrm.osm.pbf";
    std::env::var_os("VAXRIDE_OSM_DIR")
        .map(|d| PathBuf::from(d).join(name))
        .into_iter()
        .chain([workspace().join("../shared/osm").join(name)])
        .find(|p| p.is_file())
}

#[test]
fn matrix_on_the_monaco_extract_has_no_gaps() {
    let Some(osm) = monaco_extract() else {
        eprintln!(
            "skipped: no monaco.osrm.osm.pbf in $VAXRIDE_OSM_DIR or <workspace>/../shared/osm"
        );
        return;
    };
    let sample = workspace().join("../shared/peers/osrm/monaco_points_1000.json");
    let Ok(text) = std::fs::read_to_string(&sample) else {
        eprintln!("skipped: no {}", sample.display());
        return;
    };
    let all: Vec<[f64; 2]> = serde_json::from_str(&text).expect("an array of [lon, lat]");
    assert!(
        all.len() >= 20,
        "{} points in {}",
        all.len(),
        sample.display()
    );
    let dir = TempDir::new("monaco");
    let points = dir.json("points.json", &points_array(&all[..20]));
    let out = vaxride([
        "matrix".as_ref(),
        "--osm".as_ref(),
        osm.as_os_str(),
        "--points".as_ref(),
        points.as_os_str(),
        "--cache-dir".as_ref(),
        dir.path().join("cache").as_os_str(),
    ]);
    let doc = ok_json(&out);
    check_shape(&doc, 20);
    timing_line(&stderr(&out));
}

#[test]
fn solve_writes_every_customer_with_its_schedule_and_the_objective() {
    let file = workspace().join("crates/formats/tests/data/c101_10.txt");
    let out = vaxride([
        OsString::from("solve"),
        file.into_os_string(),
        "--iterations".into(),
        "300".into(),
        "--seed".into(),
        "3".into(),
    ]);
    let doc = ok_json(&out);
    assert_eq!(doc["objective"]["served"], 10, "{doc}");
    let stops: usize = doc["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stops"].as_array().unwrap().len())
        .sum();
    assert_eq!(stops, 10);
    for r in doc["routes"].as_array().unwrap() {
        for s in r["stops"].as_array().unwrap() {
            assert!(
                s["start"].as_f64().unwrap() >= s["arrival"].as_f64().unwrap(),
                "{s}"
            );
            assert!(s["id"].is_string() && s["load"].is_number(), "{s}");
        }
    }
    assert!(doc["objective"]["total_distance"].as_f64().unwrap() > 0.0);
    assert_eq!(doc["unassigned"].as_array().unwrap().len(), 0);
    // Same seed and iterations: the same answer.
    let again = ok_json(&vaxride([
        OsString::from("solve"),
        workspace()
            .join("crates/formats/tests/data/c101_10.txt")
            .into_os_string(),
        "--iterations".into(),
        "300".into(),
        "--seed".into(),
        "3".into(),
    ]));
    assert_eq!(doc["routes"], again["routes"]);
}

#[test]
fn solve_refuses_a_malformed_file_with_the_line() {
    let dir = std::env::temp_dir().join(format!("vaxride-cli-solve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, "2 4 480 3 30\n0 0 0 0 0 0 1440\n1 1 1 3 1\n").unwrap();
    let out = vaxride([
        OsString::from("solve"),
        bad.clone().into_os_string(),
        "--format".into(),
        "cordeau".into(),
    ]);
    let err = failure(&out);
    assert!(err.contains("line 3"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn solve_reads_vaxride_json_and_brings_every_elder_there_and_back() {
    let file = workspace().join("data/fixtures/elders_small.json");
    let doc = ok_json(&vaxride([
        OsString::from("solve"),
        file.into_os_string(),
        "--iterations".into(),
        "500".into(),
    ]));
    assert_eq!(doc["objective"]["served"], 3, "{doc}");
    let ids: Vec<String> = doc["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["stops"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].as_str().unwrap().to_string())
        })
        .collect();
    for elder in ["wang", "li"] {
        assert!(
            ids.iter().any(|i| i == &format!("{elder}/home/return")),
            "{elder} goes home: {ids:?}"
        );
    }
    assert!(
        !ids.iter().any(|i| i == "zhang/home/return"),
        "zhang asked for no ride home"
    );
    let load = &doc["routes"][0]["stops"][0]["load"];
    assert!(
        load.is_array() && load.as_array().unwrap().len() == 2,
        "[seats, wheelchairs]: {load}"
    );
}

#[test]
fn serve_refuses_a_bad_tile_url_before_starting() {
    let err = failure(&vaxride([
        "serve",
        "--no-demo",
        "--database-url",
        "sqlite::memory:",
        "--tile-url",
        "https://{s}.tile.example.org/{z}/{x}/{y}.png",
    ]));
    assert!(err.contains("--tile-url"), "{err}");
    assert!(err.contains("{z}, {x} and {y}"), "{err}");
    let err = failure(&vaxride([
        "serve",
        "--no-demo",
        "--tile-attribution",
        "Tiles © Example",
    ]));
    assert!(
        err.contains("--tile-url"),
        "a credit needs a tile server: {err}"
    );
}
