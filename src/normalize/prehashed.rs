//! Recognizing values that are already digests (tiktok-api.md §5.5).
//!
//! Anchored on purpose: Segment's unanchored pattern took any string *containing* 64 hex
//! characters for a hash and sent it unhashed. Here the whole trimmed value must be hex of
//! exactly the digest's length.

pub use crate::hex::{is_hex_of_len, is_lower_hex_of_len};

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
