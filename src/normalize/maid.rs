//! Mobile advertising ids: Apple's IDFA and Google's GAID (tiktok-api.md §5.3).
//!
//! Trim and lowercase, hyphens kept (every TikTok example hashes the lowercase UUID with its
//! hyphens). It must be a UUID; the all-zero id a device reports when the user limits ad
//! tracking is rejected, since it would put every such user into one "person".

use crate::error::Reject;

/// A checked, lowercased advertising id, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Maid(String);

impl Maid {
    /// The normalized id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Normalizes an IDFA or a GAID (the rules are the same).
pub fn normalize_maid(input: &str) -> Result<Maid, Reject> {
    let trimmed = super::trim_identifier(input);
    if trimmed.is_empty() {
        return Err(Reject::Empty);
    }
    let mut out = String::with_capacity(36);
    write_normalized(trimmed, &mut out)?;
    Ok(Maid(out))
}

/// Writes the normalized form of an already trimmed, non-empty `input` into `out`.
///
/// Branch-free over a fixed-size array (no bounds checks, no early exits to mispredict): this
/// runs once per row of IDFA/GAID batches.
// simd128 here lets LLVM vectorize the byte loops (the UUID check and the lowercasing).
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
pub(crate) fn write_normalized(input: &str, out: &mut String) -> Result<(), Reject> {
    let Ok(b) = <&[u8; 36]>::try_from(input.as_bytes()) else {
        return Err(Reject::InvalidMaid);
    };
    let mut is_uuid = true;
    let mut digits_or = 0u8;
    for (&c, &hyphen) in b.iter().zip(&UUID_HYPHENS) {
        if hyphen {
            is_uuid &= c == b'-';
        } else {
            is_uuid &= c.is_ascii_hexdigit();
            digits_or |= c ^ b'0';
        }
    }
    if !is_uuid {
        return Err(Reject::InvalidMaid);
    }
    if digits_or == 0 {
        return Err(Reject::MaidZero);
    }
    let start = out.len();
    out.push_str(input);
    out[start..].make_ascii_lowercase();
    Ok(())
}

/// Where a UUID has its hyphens: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
const UUID_HYPHENS: [bool; 36] = {
    let mut t = [false; 36];
    t[8] = true;
    t[13] = true;
    t[18] = true;
    t[23] = true;
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_and_keeps_hyphens() {
        let m = normalize_maid(" 7A3CBEA0-BDF5-11E4-8DFC-AA07A5B093DB ").unwrap();
        assert_eq!(m.as_str(), "7a3cbea0-bdf5-11e4-8dfc-aa07a5b093db");
    }

    #[test]
    fn rejects_non_uuids_and_the_zero_id() {
        assert_eq!(
            normalize_maid("00000000-0000-0000-0000-000000000000"),
            Err(Reject::MaidZero)
        );
        for bad in [
            "1234567",
            "ABCDEF",
            "7a3cbea0bdf511e48dfcaa07a5b093db",
            "7a3cbea0-bdf5-11e4-8dfc-aa07a5b093dg",
            "7a3cbea0-bdf5-11e48-dfc-aa07a5b093db",
        ] {
            assert_eq!(normalize_maid(bad), Err(Reject::InvalidMaid), "{bad}");
        }
        assert_eq!(normalize_maid(" "), Err(Reject::Empty));
    }
}
