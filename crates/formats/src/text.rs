//! Lines, tokens and numbers, with the checks every reader shares.

use crate::error::{ErrorKind, FormatError, Src};

/// Largest magnitude accepted for any number in an instance file. Real instances stay far
/// below; the bound keeps every scaled value and every sum of them inside `i64`.
pub(crate) const MAX_ABS: f64 = 1e9;

/// Most locations a reader accepts: the full matrix is `n²` cells of two `i64` each
/// (5 000 locations ≈ 400 MB).
pub const MAX_LOCATIONS: usize = 5_000;

/// Most vehicles a reader accepts.
pub const MAX_VEHICLES: usize = 100_000;

/// One non-blank line, split on white space.
#[derive(Debug, Clone)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub no: usize,
    /// The line without surrounding white space.
    pub text: &'a str,
    /// White-space separated fields.
    pub tokens: Vec<&'a str>,
}

/// The non-blank lines of a text (a leading byte-order mark is ignored).
pub(crate) fn lines(text: &str) -> Vec<Line<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let t = l.trim();
            (!t.is_empty()).then(|| Line {
                no: i + 1,
                text: t,
                tokens: t.split_whitespace().collect(),
            })
        })
        .collect()
}

/// The number of the last line (for errors about a whole file), at least 1.
pub(crate) fn last_line(text: &str) -> usize {
    text.lines().count().max(1)
}

/// The line's text, shortened for an error message.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// Whether a token looks like the start of a data row (a number, possibly signed).
pub(crate) fn is_numeric(tok: &str) -> bool {
    let t = tok.strip_prefix(['-', '+']).unwrap_or(tok);
    t.starts_with(|c: char| c.is_ascii_digit() || c == '.')
}

/// A finite number of moderate size.
pub(crate) fn number(src: Src<'_>, line: usize, what: &str, tok: &str) -> Result<f64, FormatError> {
    // Rust accepts "inf", "NaN" and "infinity": instance files never mean those.
    let looks_numeric = tok
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    let v: f64 = match tok.parse() {
        Ok(v) if looks_numeric => v,
        _ => {
            return Err(src.err(
                line,
                ErrorKind::NotANumber {
                    what: what.to_string(),
                    text: excerpt(tok),
                },
            ));
        }
    };
    if !v.is_finite() || v.abs() > MAX_ABS {
        return Err(src.err(
            line,
            ErrorKind::OutOfRange {
                what: what.to_string(),
                text: excerpt(tok),
            },
        ));
    }
    Ok(v)
}

/// A whole number (written with or without a decimal point: `3`, `3.0`).
pub(crate) fn integer(
    src: Src<'_>,
    line: usize,
    what: &str,
    tok: &str,
) -> Result<i64, FormatError> {
    let v = number(src, line, what, tok)?;
    whole(src, line, what, tok, v)
}

/// `v` (parsed from `tok`) as a whole number.
pub(crate) fn whole(
    src: Src<'_>,
    line: usize,
    what: &str,
    tok: &str,
    v: f64,
) -> Result<i64, FormatError> {
    if v.fract() != 0.0 {
        return Err(src.err(
            line,
            ErrorKind::NotAWholeNumber {
                what: what.to_string(),
                text: excerpt(tok),
            },
        ));
    }
    // |v| <= MAX_ABS, so the conversion is exact.
    Ok(v as i64)
}

/// A non-negative whole number.
pub(crate) fn count(
    src: Src<'_>,
    line: usize,
    what: &str,
    tok: &str,
) -> Result<usize, FormatError> {
    let v = integer(src, line, what, tok)?;
    usize::try_from(v).map_err(|_| {
        src.err(
            line,
            ErrorKind::Negative {
                what: what.to_string(),
                value: v as f64,
            },
        )
    })
}

/// Exactly `N` numbers on a line, named by `fields` for the error message.
pub(crate) fn row<const N: usize>(
    src: Src<'_>,
    line: &Line<'_>,
    fields: &'static str,
) -> Result<[f64; N], FormatError> {
    if line.tokens.len() != N {
        return Err(src.err(
            line.no,
            ErrorKind::FieldCount {
                expected: N,
                fields,
                got: line.tokens.len(),
            },
        ));
    }
    let names: Vec<&str> = fields.split_whitespace().collect();
    let mut out = [0.0; N];
    for (i, (o, tok)) in out.iter_mut().zip(&line.tokens).enumerate() {
        let what = names.get(i).copied().unwrap_or("field");
        *o = number(src, line.no, what, tok)?;
    }
    Ok(out)
}

/// Checks that a value is not negative.
pub(crate) fn non_negative(
    src: Src<'_>,
    line: usize,
    what: &str,
    v: f64,
) -> Result<f64, FormatError> {
    if v < 0.0 {
        return Err(src.err(
            line,
            ErrorKind::Negative {
                what: what.to_string(),
                value: v,
            },
        ));
    }
    Ok(v)
}

/// Checks that a window opens no later than it closes.
pub(crate) fn window(src: Src<'_>, line: usize, early: f64, late: f64) -> Result<(), FormatError> {
    if early > late {
        return Err(src.err(line, ErrorKind::InvertedWindow { early, late }));
    }
    Ok(())
}

/// The file name without directories and extension (`a/b/C101.vrp` → `C101`).
pub(crate) fn stem(path: &str) -> String {
    let base = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match base.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s.to_string(),
        _ => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: Src<'static> = Src { file: "t" };

    #[test]
    fn numbers_reject_words_that_rust_would_parse() {
        for tok in ["inf", "NaN", "infinity", "-inf", "abc", "", "1e400"] {
            assert!(number(SRC, 1, "x", tok).is_err(), "{tok}");
        }
        assert_eq!(number(SRC, 1, "x", "-1.5e2").unwrap(), -150.0);
        assert_eq!(integer(SRC, 1, "x", "3.0").unwrap(), 3);
        assert!(integer(SRC, 1, "x", "3.5").is_err());
    }

    #[test]
    fn stems_drop_directories_and_extensions() {
        assert_eq!(stem("/a/b/C101.vrp"), "C101");
        assert_eq!(stem("a2-16.txt"), "a2-16");
        assert_eq!(stem("noext"), "noext");
        assert_eq!(stem(""), "");
    }
}
