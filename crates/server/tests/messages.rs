//! Every problem the server can name in a field error or a conflict reads in both of the page's
//! languages.
//!
//! Each crate declares its problem codes once, with the values their words name and the English
//! words (`declare_problems!`: the domain's, the store's and the server's `problems::ALL`). This
//! test iterates those registries and checks, against the page's dictionaries
//! (`assets/i18n.zh-CN.json`, `assets/i18n.en.json`):
//! - no code is declared twice (a code means one thing);
//! - both dictionaries hold `field_msg.<code>`, the English one with the declared words, and
//!   nothing else under `field_msg.`;
//! - the words name no placeholder with a format spec (the values are text already);
//! - each translation uses the placeholders the words have: no other (it would show as `{x}`),
//!   and none left out except the few in [`MAY_DROP`].
//!
//! That the English words name exactly the declared values is checked by the compiler.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use vaxride_dispatch::error::Code;

/// Values a translation may leave out: a parser's own English detail (serde's, the csv
/// crate's), which would put English words on the Chinese page.
const MAY_DROP: &[(&str, &str)] = &[
    ("bad_json", "detail"),
    ("bad_query", "detail"),
    ("csv_unreadable_header", "detail"),
    ("csv_unreadable_row", "detail"),
];

/// The `{name}` placeholders of a text; `{name:spec}` comes back as `name:spec` (refused).
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name))
        .filter(|n| !n.is_empty() && !n.contains(' '))
        .map(str::to_string)
        .collect()
}

/// The `field_msg.*` entries of one dictionary: code → words.
fn dictionary(name: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the dictionary");
    let all: BTreeMap<String, String> = serde_json::from_str(&text).expect("a JSON object");
    all.into_iter()
        .filter_map(|(k, v)| k.strip_prefix("field_msg.").map(|c| (c.to_string(), v)))
        .collect()
}

/// What is wrong with one translation of `code`'s words, if anything.
fn check_words(code: &Code, lang: &str, words: &str, wrong: &mut Vec<String>) {
    let needed = placeholders(code.text);
    let used = placeholders(words);
    let extra: Vec<_> = used.difference(&needed).collect();
    if !extra.is_empty() {
        wrong.push(format!(
            "field_msg.{} ({lang}) uses {extra:?}, which the server never sends",
            code.code
        ));
    }
    let dropped: Vec<_> = needed
        .difference(&used)
        .filter(|p| !MAY_DROP.contains(&(code.code, p.as_str())))
        .collect();
    if !dropped.is_empty() {
        wrong.push(format!(
            "field_msg.{} ({lang}) leaves out {dropped:?}",
            code.code
        ));
    }
    if lang == "en" && words != code.text {
        wrong.push(format!(
            "field_msg.{} (en) reads {words:?}, the server {:?}",
            code.code, code.text
        ));
    }
}

#[test]
fn every_field_problem_reads_in_both_languages() {
    let registries: [(&str, &[Code]); 3] = [
        ("vaxride_dispatch", vaxride_dispatch::problems::ALL),
        ("vaxride_store", vaxride_store::problems::ALL),
        ("vaxride_server", vaxride_server::problems::ALL),
    ];
    let (zh, en) = (dictionary("i18n.zh-CN.json"), dictionary("i18n.en.json"));
    let mut wrong = Vec::new();
    let mut declared: BTreeMap<&str, &str> = BTreeMap::new();
    for (krate, codes) in registries {
        assert!(!codes.is_empty(), "{krate} declares no problem");
        for code in codes {
            if let Some(other) = declared.insert(code.code, krate) {
                wrong.push(format!("{} is declared by {other} and {krate}", code.code));
            }
            let needed = placeholders(code.text);
            if let Some(spec) = needed.iter().find(|n| n.contains(':')) {
                wrong.push(format!(
                    "{krate}::problems::{}: {{{spec}}} has a format spec: format the value \
                     before passing it",
                    code.code
                ));
            }
            let params: BTreeSet<String> = code.params.iter().map(|p| p.to_string()).collect();
            assert_eq!(needed, params, "{}: the compiler checks this", code.code);
            for (lang, dict) in [("zh", &zh), ("en", &en)] {
                match dict.get(code.code) {
                    None => wrong.push(format!("field_msg.{} missing in {lang}", code.code)),
                    Some(words) => check_words(code, lang, words, &mut wrong),
                }
            }
        }
    }
    assert!(declared.len() > 60, "only {} codes", declared.len());
    for (lang, dict) in [("zh", &zh), ("en", &en)] {
        for code in dict.keys().filter(|c| !declared.contains_key(c.as_str())) {
            wrong.push(format!("field_msg.{code} ({lang}) is never sent"));
        }
    }
    wrong.sort();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_declared_problem_carries_its_values_and_words() {
    let p = vaxride_server::problems::range(1, 60);
    assert_eq!(p.code, "range");
    assert_eq!(p.message, "must be 1 to 60");
    assert_eq!(p.params["min"], "1");
    assert_eq!(p.params["max"], "60");
    let p = vaxride_server::problems::csv_empty();
    assert!(p.params.is_empty());
}
