//! Every problem the server can name in a field error reads in both of the page's languages.
//!
//! The server writes each one with `problem!("code", "English text {value}", value = …)`. This
//! test reads the workspace's sources for those calls and checks, against `assets/i18n.js`:
//! - both dictionaries hold `field_msg.<code>`, the English one with the server's very words;
//! - one code always has the same English text (a code means one thing);
//! - the English text names only placeholders passed as values (nothing captured silently), and
//!   without a format spec (the values are text already);
//! - each translation uses the placeholders the text has: no other (it would show as `{x}`),
//!   and none left out except the few in [`MAY_DROP`].
//!
//! A call the reader cannot take apart fails the test: none may slip past the dictionaries.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Values a translation may leave out: a parser's own English detail (serde's, the csv
/// crate's), which would put English words on the Chinese page.
const MAY_DROP: &[(&str, &str)] = &[
    ("bad_json", "detail"),
    ("bad_query", "detail"),
    ("csv_unreadable_header", "detail"),
    ("csv_unreadable_row", "detail"),
];

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
    for file in files
        .iter()
        .filter(|f| f.components().any(|c| c.as_os_str() == "src"))
    {
        let src = std::fs::read_to_string(file).expect("readable source");
        let mut at = 0;
        while let Some(found) = src[at..].find("problem!") {
            let start = at + found;
            at = start + 1;
            let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
            if src[line_start..start].trim_start().starts_with("//") {
                continue; // documentation
            }
            let line = src[..start].matches('\n').count() + 1;
            let place = format!("{}:{line}", file.display());
            let rest = src[start + "problem!".len()..]
                .strip_prefix('(')
                .unwrap_or_else(|| panic!("{place}: write problem!( … ) with round brackets"))
                .trim_start()
                .strip_prefix('"')
                .unwrap_or_else(|| panic!("{place}: the code must be a plain string literal"));
            let (code, rest) = literal(rest);
            let rest = rest
                .trim_start()
                .strip_prefix(',')
                .and_then(|r| r.trim_start().strip_prefix('"'))
                .unwrap_or_else(|| panic!("{place}: the text must be a plain string literal"));
            let (text, rest) = literal(rest);
            calls.push(Call {
                place,
                code,
                text,
                args: arg_names(rest),
            });
        }
    }
    calls
}

/// The `{name}` placeholders of a text; `{name:spec}` comes back as `name:spec` (refused).
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name))
        .filter(|n| !n.is_empty() && !n.contains(' '))
        .map(str::to_string)
        .collect()
}

/// `field_msg.*` entries of one dictionary: key → text, with the JavaScript escapes undone.
fn dictionary(part: &str) -> BTreeMap<String, String> {
    part.lines()
        .filter_map(|l| l.strip_prefix("  'field_msg."))
        .filter_map(|l| l.split_once("': '"))
        .map(|(k, v)| {
            let v = v.trim_end_matches("',");
            (k.to_string(), v.replace("\\'", "'").replace("\\\\", "\\"))
        })
        .collect()
}

/// What is wrong with one translation of `call`'s text, if anything.
fn check_words(call: &Call, lang: &str, words: &str, wrong: &mut Vec<String>) {
    let needed = placeholders(&call.text);
    let used = placeholders(words);
    let extra: Vec<_> = used.difference(&needed).collect();
    if !extra.is_empty() {
        wrong.push(format!(
            "field_msg.{} ({lang}) uses {extra:?}, which the server never sends",
            call.code
        ));
    }
    let dropped: Vec<_> = needed
        .difference(&used)
        .filter(|p| !MAY_DROP.contains(&(call.code.as_str(), p.as_str())))
        .collect();
    if !dropped.is_empty() {
        wrong.push(format!(
            "field_msg.{} ({lang}) leaves out {dropped:?}",
            call.code
        ));
    }
    if lang == "en" && words != call.text {
        wrong.push(format!(
            "{}: field_msg.{} (en) reads {words:?}, the server {:?}",
            call.place, call.code, call.text
        ));
    }
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
        if let Some(spec) = needed.iter().find(|n| n.contains(':')) {
            wrong.push(format!(
                "{}: {{{spec}}} has a format spec: format the value before passing it",
                call.place
            ));
        }
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
            Some(_) => {}
            None => {
                texts.insert(&call.code, call);
            }
        }
        for (lang, dict) in [("zh", &zh), ("en", &en)] {
            match dict.get(&call.code) {
                None => wrong.push(format!(
                    "{}: field_msg.{} missing in {lang}",
                    call.place, call.code
                )),
                Some(words) => check_words(call, lang, words, &mut wrong),
            }
        }
    }
    for (lang, dict) in [("zh", &zh), ("en", &en)] {
        for code in dict.keys().filter(|c| !texts.contains_key(c.as_str())) {
            wrong.push(format!("field_msg.{code} ({lang}) is never sent"));
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
