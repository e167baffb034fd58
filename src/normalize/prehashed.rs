//! Recognizing values that are already digests (tiktok-api.md §5.5).
//!
//! Anchored on purpose: Segment's unanchored pattern took any string *containing* 64 hex
//! characters for a hash and sent it unhashed. Here the whole trimmed value must be hex of
//! exactly the digest's length.

/// True when `s` is exactly `len` ASCII hex digits, in either case.
pub fn is_hex_of_len(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// True when `s` is exactly `len` *lowercase* hex digits: the only form TikTok (and the
/// proxy's guard) accepts on the wire.
pub fn is_lower_hex_of_len(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Appends `hex` lowercased (ASCII only: it was checked to be hex).
pub(crate) fn push_lowercase(hex: &str, out: &mut String) {
    out.extend(hex.chars().map(|c| c.to_ascii_lowercase()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_and_exact_length() {
        let h = "848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f";
        assert!(is_hex_of_len(h, 64));
        assert!(is_hex_of_len(&h.to_uppercase(), 64));
        assert!(!is_hex_of_len(&format!("x{h}"), 64));
        assert!(!is_hex_of_len(&format!("{h}0"), 64));
        assert!(!is_hex_of_len(&h[..63], 64));
        assert!(is_lower_hex_of_len(h, 64));
        assert!(!is_lower_hex_of_len(&h.to_uppercase(), 64));
    }
}
