//! Many identifiers of one kind at once: hashes out, rejected rows reported, nothing stops.
//!
//! A rejected value never stops the batch (design.md): its row and reason are reported and the
//! remaining rows go on. One normalization buffer serves every row.

use crate::error::{OptionsError, Reject, Rejection};
use crate::hash::lanes::{SingleBlockQueue, MAX_SINGLE_BLOCK};
use crate::hash::{digest, write_hex, HexDigest};
use crate::normalize::{normalize_into, trim_identifier, Outcome};
use crate::options::{Kind, Options, Profile};

/// What a batch produced: one slot per input row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchResult {
    /// `hashes[row]` is `None` exactly for the rows in `rejected`.
    pub hashes: Vec<Option<HexDigest>>,
    /// The rows that were rejected, in row order, with their reasons.
    pub rejected: Vec<Rejection>,
}

/// Normalizes and hashes every value. Fails only when the options do not fit the kind.
pub fn hash_batch<'a, I>(
    kind: Kind,
    values: I,
    options: &Options,
) -> Result<BatchResult, OptionsError>
where
    I: IntoIterator<Item = &'a str>,
{
    options.check_for(kind)?;
    let mut result = BatchResult::default();
    let mut buf = String::new();
    let email_fast = kind == Kind::Email && plain_email_options(options);
    for (row, value) in values.into_iter().enumerate() {
        let hashed = match normalize_row(kind, value, options, email_fast, &mut buf) {
            Ok(Outcome::Text) => Ok(digest(options.algorithm, buf.as_bytes())),
            Ok(Outcome::PreHashed) => Ok(HexDigest::from_lower_hex(&buf)),
            Err(reason) => Err(reason),
        };
        match hashed {
            Ok(d) => result.hashes.push(Some(d)),
            Err(reason) => {
                result.hashes.push(None);
                result.rejected.push(Rejection { row, reason });
            }
        }
    }
    Ok(result)
}

/// Whether batches hash four rows at a time: where `v128` is there to do it.
const USE_LANES: bool = cfg!(target_arch = "wasm32");

/// The fast path behind the JS `hashBatch`: appends each row's digest to `out` as fixed-width
/// hex (`options.algorithm.hex_len()` bytes a row, a rejected row is that many `-`), so the
/// whole batch leaves wasm as one string that JS slices.
///
/// In wasm, texts that fit one block (nearly every identifier) are hashed four rows at a time
/// by [`SingleBlockQueue`]; each row's slot in `out` is reserved first and filled when its group
/// of four is hashed. Natively `sha2`/`md-5` one row at a time is faster (SHA-NI, and the
/// portable lanes are not vectorized as well as wasm's `v128`).
pub fn hash_batch_hex_into<'a, I>(
    kind: Kind,
    values: I,
    options: &Options,
    out: &mut Vec<u8>,
    rejected: &mut Vec<Rejection>,
) -> Result<(), OptionsError>
where
    I: IntoIterator<Item = &'a str>,
{
    options.check_for(kind)?;
    let width = options.algorithm.hex_len();
    let hex_len = width;
    let email_fast = kind == Kind::Email && plain_email_options(options);
    let mut buf = String::new();
    let mut queue = SingleBlockQueue::<usize>::new(options.algorithm);
    for (row, value) in values.into_iter().enumerate() {
        let at = out.len();
        // The reject marker doubles as the placeholder of a row still in the queue.
        out.resize(at + width, b'-');
        match normalize_row(kind, value, options, email_fast, &mut buf) {
            Ok(Outcome::PreHashed) => out[at..].copy_from_slice(buf.as_bytes()),
            Ok(Outcome::Text) if USE_LANES && buf.len() <= MAX_SINGLE_BLOCK => {
                queue.push(buf.as_bytes(), at, |at, d| {
                    write_hex(d, &mut out[at..at + hex_len])
                });
            }
            Ok(Outcome::Text) => {
                let d = digest(options.algorithm, buf.as_bytes());
                out[at..].copy_from_slice(d.as_str().as_bytes());
            }
            Err(reason) => rejected.push(Rejection { row, reason }),
        }
    }
    queue.flush(|at, d| write_hex(d, &mut out[at..at + hex_len]));
    Ok(())
}

/// `normalize_into`, through a one-pass path first for the common shapes of emails (when
/// `email_fast`) and advertising ids. These paths accept only values the full rules accept
/// and write the same text (tests/sha256_lanes.rs checks batches against per-value `hash`); the
/// full rules iterate `char`s and search substrings, most of a wasm batch's time before.
#[inline]
fn normalize_row(
    kind: Kind,
    value: &str,
    options: &Options,
    email_fast: bool,
    buf: &mut String,
) -> Result<Outcome, Reject> {
    let fast = match kind {
        Kind::Email => email_fast && plain_email_into(value, buf),
        Kind::Idfa | Kind::Gaid => plain_maid_into(value, buf),
        Kind::Phone | Kind::ExternalId => false,
    };
    if fast {
        Ok(Outcome::Text)
    } else {
        normalize_into(kind, value, options, buf)
    }
}

/// A well-formed advertising id in one pass: a UUID (`8-4-4-4-12` hex digits), not all zeros,
/// lowercased, exactly as `maid::write_normalized` writes it (a UUID is never taken for a
/// pre-hashed value: it has hyphens). Anything else returns `false` for the full rules to
/// reject with the right reason.
// simd128 here lets LLVM vectorize the byte loops (the UUID check and the lowercasing).
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn plain_maid_into(value: &str, out: &mut String) -> bool {
    let trimmed = trim_identifier(value);
    let Ok(b) = <&[u8; 36]>::try_from(trimmed.as_bytes()) else {
        return false;
    };
    // Branch-free over a fixed-size array: no bounds checks, no early exits to mispredict.
    let mut ok = true;
    let mut digits_or = 0u8;
    for (&c, &hyphen) in b.iter().zip(&UUID_HYPHENS) {
        if hyphen {
            ok &= c == b'-';
        } else {
            ok &= c.is_ascii_hexdigit();
            digits_or |= c ^ b'0';
        }
    }
    if !ok || digits_or == 0 {
        return false; // not a UUID, or the all-zero id (`maid_zero`)
    }
    out.clear();
    out.push_str(trimmed);
    out.make_ascii_lowercase();
    true
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

/// Options under which [`plain_email_into`] gives exactly what `email::write_normalized` gives:
/// no `+tag` removal (customer-file profile) and no dot stripping.
fn plain_email_options(options: &Options) -> bool {
    options.profile != Profile::CustomerFile && !options.strip_email_dots
}

/// The common email in one pass over its bytes: ASCII, one `@`, a local part of RFC 5322
/// `atext` and single inner dots, a domain of at least two letter/digit/hyphen labels that do
/// not start or end with a hyphen, within RFC 5321's lengths. Such an address passes every
/// check of `email::write_normalized` and normalizes to its lowercase, so the result is the
/// same; anything else returns `false` for the full rules to decide (and reject with the
/// right reason). The general path spends most of a wasm batch's time on `char` iteration and
/// substring searches; this keeps the batch off it for nearly every row.
// simd128 here lets LLVM vectorize the byte loops (the UUID check and the lowercasing).
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn plain_email_into(value: &str, out: &mut String) -> bool {
    let trimmed = trim_identifier(value);
    let b = trimmed.as_bytes();
    if b.len() > MAX_ADDRESS_LEN {
        return false;
    }
    // The local part: atext and dots, no dot first, last or doubled, up to the first `@`.
    let mut i = 0;
    let mut prev = b'.';
    while i < b.len() {
        let c = b[i];
        if c == b'@' {
            break;
        }
        if (c == b'.' && prev == b'.') || (c != b'.' && CLASS[usize::from(c)] & ATEXT == 0) {
            return false;
        }
        prev = c;
        i += 1;
    }
    if i == b.len() || prev == b'.' || i > MAX_LOCAL_LEN {
        return false; // no `@`, an empty local part or one ending in a dot, or too long
    }
    // The domain: labels of letters, digits and inner hyphens, at least two of them.
    let mut labels = 1;
    prev = b'.';
    for &c in &b[i + 1..] {
        let ok = if c == b'.' {
            labels += 1;
            prev != b'.' && prev != b'-'
        } else {
            CLASS[usize::from(c)] & LABEL != 0 && !(c == b'-' && prev == b'.')
        };
        if !ok {
            return false;
        }
        prev = c;
    }
    if prev == b'.' || prev == b'-' || labels < 2 {
        return false;
    }
    out.clear();
    // Only ASCII was accepted, so lowercasing in place keeps the length and the UTF-8.
    out.push_str(trimmed);
    out.make_ascii_lowercase();
    true
}

/// [`CLASS`] bit: RFC 5322 `atext` (letters, digits, ``!#$%&'*+-/=?^_`{|}~``). None of these is
/// white space, a control character, `@`, `,`, `;`, `:` or one of `"()<>[]\\`, the characters
/// `email.rs` refuses in a local part.
const ATEXT: u8 = 1;
/// [`CLASS`] bit: a domain label character (ASCII letter, digit, `-`).
const LABEL: u8 = 2;

/// Character classes of the bytes [`plain_email_into`] accepts; 0 for every other byte,
/// including all non-ASCII ones.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() {
            t[c] = ATEXT | LABEL;
        }
        c += 1;
    }
    t[b'-' as usize] = ATEXT | LABEL;
    let specials = b"!#$%&'*+/=?^_`{|}~";
    let mut k = 0;
    while k < specials.len() {
        t[specials[k] as usize] = ATEXT;
        k += 1;
    }
    t
};

/// RFC 5321's limit on a whole address, as in `email.rs`.
const MAX_ADDRESS_LEN: usize = 254;
/// RFC 5321's limit on the local part, as in `email.rs`.
const MAX_LOCAL_LEN: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_are_reported_and_the_rest_goes_on() {
        let values = ["a@b.co", "nope", "", " C@D.com "];
        let r = hash_batch(Kind::Email, values, &Options::default()).unwrap();
        assert_eq!(r.hashes.len(), 4);
        assert!(r.hashes[0].is_some() && r.hashes[3].is_some());
        assert_eq!(
            r.rejected,
            vec![
                Rejection {
                    row: 1,
                    reason: Reject::InvalidEmail
                },
                Rejection {
                    row: 2,
                    reason: Reject::Empty
                }
            ]
        );
        let mut out = Vec::new();
        let mut rej = Vec::new();
        hash_batch_hex_into(Kind::Email, values, &Options::default(), &mut out, &mut rej).unwrap();
        assert_eq!(out.len(), 4 * 64);
        assert_eq!(&out[..64], r.hashes[0].unwrap().as_str().as_bytes());
        assert!(out[64..192].iter().all(|&b| b == b'-'));
        assert_eq!(rej, r.rejected);
    }
}
