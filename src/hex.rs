//! Lowercase hex digests: the one leaf module that both normalization (which recognizes
//! values that are already digests) and hashing (which produces them) depend on, so neither
//! depends on the other for it.

use std::fmt;

/// True when `s` is exactly `len` ASCII hex digits, in either case.
pub fn is_hex_of_len(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// True when `s` is exactly `len` *lowercase* hex digits: the only form TikTok (and the
/// proxy's guard) accepts on the wire.
pub fn is_lower_hex_of_len(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The two lowercase hex digits of every byte: one lookup per byte instead of two.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 0xf]];
        i += 1;
    }
    t
};

/// Writes `bytes` as lowercase hex into `out[..2 * bytes.len()]`.
#[inline]
pub(crate) fn write_hex(bytes: &[u8], out: &mut [u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
}

/// A lowercase hex digest: 64 characters (SHA-256) or 32 (MD5). Stored inline, no heap.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HexDigest {
    hex: [u8; 64],
    len: u8,
}

impl HexDigest {
    /// The digest as lowercase hex.
    pub fn as_str(&self) -> &str {
        // Only ever filled with ASCII hex digits.
        std::str::from_utf8(&self.hex[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The raw digest bytes (32 for SHA-256, 16 for MD5).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = vec![0; usize::from(self.len) / 2];
        // Always true: only hex digits are ever stored.
        let _ = parse_hex(self.as_str().as_bytes(), &mut bytes);
        bytes
    }

    /// Parses lowercase hex of 64 or 32 characters; `None` for anything else.
    pub fn parse(s: &str) -> Option<HexDigest> {
        if is_lower_hex_of_len(s, 64) || is_lower_hex_of_len(s, 32) {
            Some(HexDigest::from_lower_hex(s))
        } else {
            None
        }
    }

    /// Wraps text already checked to be 32 or 64 lowercase hex digits.
    pub(crate) fn from_lower_hex(s: &str) -> HexDigest {
        let mut hex = [0u8; 64];
        let len = s.len().min(64);
        hex[..len].copy_from_slice(&s.as_bytes()[..len]);
        HexDigest {
            hex,
            len: len as u8,
        }
    }

    /// The lowercase hex of `bytes` (32 or 16 of them).
    pub(crate) fn from_bytes(bytes: &[u8]) -> HexDigest {
        let mut hex = [0u8; 64];
        write_hex(bytes, &mut hex);
        HexDigest {
            hex,
            len: (bytes.len() * 2) as u8,
        }
    }
}

/// Parses `2 × out.len()` hex digits (either case) into `out`; false for anything else.
/// Branch-free per digit (a Mirror parses ten million digests): a bad digit is remembered
/// and the whole input refused at the end, `out` then holding garbage. In wasm the loop is
/// vectorized (`simd128`, as the four-lane hashes are).
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
pub(crate) fn parse_hex(b: &[u8], out: &mut [u8]) -> bool {
    if b.len() != out.len() * 2 {
        return false;
    }
    let mut bad = 0;
    for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
        let (h, l) = (nibble(pair[0]), nibble(pair[1]));
        bad |= h | l;
        *o = (h << 4) | (l & 15);
    }
    bad < 16
}

/// The value of a hex digit, or `0xff` for anything else.
#[inline(always)]
fn nibble(c: u8) -> u8 {
    let digit = c.wrapping_sub(b'0');
    // `| 0x20` lowercases a letter; nothing else lands in `a`..=`f` by it.
    let letter = (c | 0x20).wrapping_sub(b'a');
    if digit < 10 {
        digit
    } else if letter < 6 {
        letter + 10
    } else {
        0xff
    }
}

impl fmt::Debug for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod parse_tests {
    use super::parse_hex;

    #[test]
    fn parses_either_case_and_refuses_every_other_character() {
        let mut out = [0u8; 4];
        assert!(parse_hex(b"00fFa9C1", &mut out));
        assert_eq!(out, [0x00, 0xff, 0xa9, 0xc1]);
        assert!(!parse_hex(b"00ff", &mut out), "too short");
        for c in 0..=255u8 {
            let hex = c.is_ascii_hexdigit();
            for at in [0, 3, 7] {
                let mut text = *b"0123abcd";
                text[at] = c;
                assert_eq!(parse_hex(&text, &mut out), hex, "byte {c:#x} at {at}");
            }
        }
    }
}
