//! Trimming shared by every kind.

/// Characters CSV exports and copy-paste leave around identifiers: Unicode white space
/// (`char::is_whitespace`: spaces, tabs, newlines, NBSP, ideographic space…), the byte-order
/// mark and the zero-width characters that are not white space by Unicode's definition.
fn is_padding(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
        )
}

/// The ASCII members of Unicode's White_Space (unlike `u8::is_ascii_whitespace`, includes
/// the vertical tab).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// `value` without leading and trailing padding (see `is_padding`). ASCII input takes a fast
/// path: this runs once per row of every batch.
pub fn trim_identifier(value: &str) -> &str {
    let bytes = value.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return value;
    };
    if first.is_ascii() && last.is_ascii() {
        let start = bytes.iter().position(|&b| !is_ascii_space(b));
        let Some(start) = start else { return "" };
        if bytes[start].is_ascii() {
            let end = bytes
                .iter()
                .rposition(|&b| !is_ascii_space(b))
                .unwrap_or(start);
            if bytes[end].is_ascii() {
                return &value[start..=end];
            }
        }
    }
    value.trim_matches(is_padding)
}

#[cfg(test)]
mod tests {
    use super::trim_identifier;

    #[test]
    fn trims_ascii_and_unicode_padding() {
        assert_eq!(trim_identifier("  a@b.co \t\r\n"), "a@b.co");
        assert_eq!(
            trim_identifier("\u{feff}\u{a0}a@b.co\u{3000}\u{200b}"),
            "a@b.co"
        );
        assert_eq!(trim_identifier(" \u{a0} "), "");
        assert_eq!(trim_identifier(""), "");
        assert_eq!(trim_identifier(" é "), "é");
    }
}
