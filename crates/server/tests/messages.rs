//! Every problem the server can name in a field error reads in both of the page's languages.
//!
//! The server writes each one with `problem!("code", "English text {value}", value = …)`. This
//! test reads the workspace's sources for those calls and checks, against `assets/i18n.js`:
//! - both dictionaries hold `field_msg.<code>`;
//! - one code always has the same English text (a code means one thing);
//! - the English text names only placeholders passed as values (nothing captured silently);
//! - each translation uses only placeholders the text has (so nothing shows as `{x}`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One `problem!` call: where, its code, its English text, and the names of its values.
#[derive(Debug)]
struct Call {
    place: String,
    code: String,
    text: String,
    args: BTreeSet<String>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Reads a Rust string literal starting just after its opening quote; returns its value
/// (escapes and line continuations applied) and the rest after the closing quote.
fn literal(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 1..]),
            '\\' => match chars.next().map(|(_, n)| n) {
                Some('\n') => {
                    // A continuation: the newline and the next line's indent are dropped.
                    let rest = &s[i + 2..];
                    let skip = rest.len() - rest.trim_start().len();
                    for _ in 0..skip {
                        chars.next();
                    }
                }
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                other => panic!("unexpected escape {other:?}"),
            },
            c => out.push(c),
        }
    }
    panic!("unterminated string literal");
}

/// The `name = ` arguments of a call, up to its closing bracket.
fn arg_names(rest: &str) -> BTreeSet<String> {
    let mut depth = 0i32;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                end = i;
                break;
            }
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    rest[..end]
        .split(',')
        .filter_map(|part| {
            let (name, value) = part.split_once('=')?;
            let name = name.trim();
            (!value.starts_with('=') && !name.is_empty())
                .then(|| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .filter(|ok| *ok)
                .map(|_| name.to_string())
        })
        .collect()
}

fn calls() -> Vec<Call> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    let mut calls = Vec::new();
    for file in files.iter().filter(|f| {
        f.components().any(|c| c.as_os_str() == "src") && !f.ends_with("tests/messages.rs")
    }) {
        let src = std::fs::read_to_string(file).expect("readable source");
        let mut at = 0;
        while let Some(found) = src[at..].find("problem!(") {
            let start = at + found;
            at = start + 1;
            let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
            if src[line_start..start].trim_start().starts_with("//") {
                continue; // documentation
            }
            let rest = src[start + "problem!(".len()..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                continue;
            };
            let (code, rest) = literal(rest);
            let rest = rest
                .trim_start()
                .strip_prefix(',')
                .expect("text")
                .trim_start();
            let rest = rest.strip_prefix('"').expect("text literal");
            let (text, rest) = literal(rest);
            let line = src[..start].lines().count();
            calls.push(Call {
                place: format!("{}:{line}", file.display()),
                code,
                text,
                args: arg_names(rest),
            });
        }
    }
    calls
}

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_string)
        .collect()
}

/// `field_msg.*` entries of one dictionary: key → text.
fn dictionary(part: &str) -> BTreeMap<String, String> {
    part.lines()
        .filter_map(|l| l.strip_prefix("  'field_msg."))
        .filter_map(|l| l.split_once("': '"))
        .map(|(k, v)| (k.to_string(), v.trim_end_matches("',").replace("\\'", "'")))
        .collect()
}

#[test]
fn every_field_problem_reads_in_both_languages() {
    let src = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/i18n.js"))
        .expect("i18n.js");
    let (zh, en) = src.split_once("const en = {").expect("en dictionary");
    let (zh, en) = (dictionary(zh), dictionary(en));
    let calls = calls();
    assert!(
        calls.len() > 60,
        "found only {} problem! calls",
        calls.len()
    );

    let mut wrong = Vec::new();
    let mut texts: BTreeMap<&str, &Call> = BTreeMap::new();
    for call in &calls {
        let needed = placeholders(&call.text);
        if !needed.is_subset(&call.args) {
            wrong.push(format!(
                "{}: {} names {needed:?} but passes {:?}",
                call.place, call.code, call.args
            ));
        }
        match texts.get(call.code.as_str()) {
            Some(first) if first.text != call.text => wrong.push(format!(
                "{} and {}: the code {} has two texts",
                first.place, call.place, call.code
            )),
            _ => {
                texts.insert(&call.code, call);
            }
        }
        for (lang, dict) in [("zh", &zh), ("en", &en)] {
            match dict.get(&call.code) {
                None => wrong.push(format!(
                    "{}: field_msg.{} missing in {lang}",
                    call.place, call.code
                )),
                Some(words) => {
                    let extra: Vec<_> = placeholders(words).difference(&needed).cloned().collect();
                    if !extra.is_empty() {
                        wrong.push(format!(
                            "field_msg.{} ({lang}) uses {extra:?}, which the server never sends",
                            call.code
                        ));
                    }
                }
            }
        }
    }
    for (lang, dict) in [("zh", &zh), ("en", &en)] {
        for code in dict.keys().filter(|c| !texts.contains_key(c.as_str())) {
            wrong.push(format!("field_msg.{code} ({lang}) is never sent"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
