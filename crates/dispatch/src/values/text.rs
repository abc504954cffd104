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
