//! Best-known-solution tables (`bks.csv`, `bks_literature.csv`).
//!
//! A header line names the columns; `instance` and `distance` are required, `vehicles` and
//! `source` are read when present (the DARP table has no `vehicles`). Fields may be quoted
//! (`"a, b"`, with `""` for a quote inside).

use crate::error::{ErrorKind, FormatError, Src};
use crate::text::{self, excerpt};

/// One row of a best-known-solution table.
#[derive(Debug, Clone, PartialEq)]
pub struct Bks {
    /// Instance name (the file stem: `C101`, `lc101`, `a2-16`).
    pub instance: String,
    /// Routes of the best-known solution, when the table says.
    pub vehicles: Option<usize>,
    /// Its total distance, in the family's convention.
    pub distance: f64,
    /// Where the value comes from (empty when the table has no `source` column).
    pub source: String,
}

/// Reads a best-known-solution CSV table.
pub fn read_bks_csv(text: &str) -> Result<Vec<Bks>, FormatError> {
    let src = Src { file: "" };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((h, header)) = rows.next() else {
        return Err(src.err(1, ErrorKind::Empty));
    };
    let names: Vec<String> = fields(src, h + 1, header)?
        .into_iter()
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| names.iter().position(|n| n == name);
    let missing = |name: &str| src.err(h + 1, ErrorKind::Missing(format!("column '{name}'")));
    let instance = col("instance").ok_or_else(|| missing("instance"))?;
    let distance = col("distance").ok_or_else(|| missing("distance"))?;
    let (vehicles, source) = (col("vehicles"), col("source"));

    let mut out = Vec::new();
    for (i, line) in rows {
        let no = i + 1;
        let f = fields(src, no, line)?;
        if f.len() != names.len() {
            return Err(src.err(
                no,
                ErrorKind::Csv(format!(
                    "expected {} fields like the header, got {}",
                    names.len(),
                    f.len()
                )),
            ));
        }
        let name = f[instance].trim();
        if name.is_empty() {
            return Err(src.err(no, ErrorKind::Missing("instance name".into())));
        }
        out.push(Bks {
            instance: name.to_string(),
            vehicles: vehicles
                .map(|v| text::count(src, no, "vehicles", f[v].trim()))
                .transpose()?,
            distance: text::non_negative(
                src,
                no,
                "distance",
                text::number(src, no, "distance", f[distance].trim())?,
            )?,
            source: source.map(|s| f[s].clone()).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Splits one CSV line; quoted fields may hold commas and doubled quotes.
fn fields(src: Src<'_>, no: usize, line: &str) -> Result<Vec<String>, FormatError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cur.push(c),
            (false, '"') if cur.trim().is_empty() && !was_quoted => {
                cur.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                out.push(std::mem::take(&mut cur));
                was_quoted = false;
            }
            (false, '"') => {
                return Err(src.err(
                    no,
                    ErrorKind::Csv(format!("stray quote in '{}'", excerpt(line))),
                ));
            }
            (false, c) => cur.push(c),
        }
    }
    if quoted {
        return Err(src.err(
            no,
            ErrorKind::Csv(format!("unterminated quote in '{}'", excerpt(line))),
        ));
    }
    out.push(cur);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_their_commas_and_quotes() {
        let f = fields(Src { file: "" }, 1, r#"a,"b, c",,"d ""e""""#).unwrap();
        assert_eq!(f, ["a", "b, c", "", r#"d "e""#]);
    }

    #[test]
    fn an_unterminated_quote_is_an_error() {
        assert!(fields(Src { file: "" }, 1, r#"a,"b"#).is_err());
    }
}
