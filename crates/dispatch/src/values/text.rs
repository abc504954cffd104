//! Free text a person types: names, phone numbers, addresses, notes.

use crate::error::Problem;
use crate::problems;

/// Characters that show as nothing: whitespace, zero-width spaces and joiners, the word
/// joiner, the byte-order mark.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

/// [`check_text`] with `required = false` as a regular expression (ECMAScript, as OpenAPI's
/// `pattern`; lengths are the schema's `maxLength`): no control character but line breaks and tabs.
pub const TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// [`check_text`] with `required = true` as a regular expression: as [`TEXT_PATTERN`], with at
/// least one character that shows.
pub const REQUIRED_TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u180E\\u2000-\\u200D\\u2028\\u2029\\u202F\\u205F\\u2060\\u3000\\uFEFF][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// Checks one text field the same way on every database: no control character (a NUL is
/// stored by SQLite and refused by PostgreSQL; line breaks and tabs are allowed), at most `max`
/// characters, and, when `required`, at least one character that shows.
pub fn check_text(s: &str, required: bool, max: usize) -> Result<(), Problem> {
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(problems::control_character());
    }
    if required && s.chars().all(invisible) {
        return Err(problems::chars_between(1, max));
    }
    if s.chars().count() > max {
        return Err(if required {
            problems::chars_between(1, max)
        } else {
            problems::max_chars(max)
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patterns_say_what_check_text_does() {
        let plain = regex::Regex::new(TEXT_PATTERN).unwrap();
        let required = regex::Regex::new(REQUIRED_TEXT_PATTERN).unwrap();
        // Every character of the planes in use, alone and around a letter.
        for c in (0u32..0x3_0000).filter_map(char::from_u32) {
            for s in [c.to_string(), format!("a{c}"), format!("{c}\u{200B}")] {
                assert_eq!(
                    plain.is_match(&s),
                    check_text(&s, false, 100).is_ok(),
                    "{s:?} (U+{:04X})",
                    c as u32
                );
                assert_eq!(
                    required.is_match(&s),
                    check_text(&s, true, 100).is_ok(),
                    "{s:?} (U+{:04X})",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn text_is_checked_alike_everywhere() {
        assert!(check_text("王秀英", true, 100).is_ok());
        assert!(check_text("", false, 100).is_ok());
        assert!(check_text("line 1\nline 2\tend", false, 100).is_ok());
        for s in ["", "   ", "\u{200B}\u{FEFF} \u{2060}"] {
            assert_eq!(
                check_text(s, true, 100).unwrap_err().code,
                "chars_between",
                "{s:?}"
            );
        }
        for s in ["Wang\0Li", "a\u{7}b", "\u{85}"] {
            assert_eq!(
                check_text(s, false, 100).unwrap_err().code,
                "control_character",
                "{s:?}"
            );
        }
        assert_eq!(check_text("abcd", false, 3).unwrap_err().code, "max_chars");
        assert_eq!(
            check_text("abcd", true, 3).unwrap_err().code,
            "chars_between"
        );
    }
}
