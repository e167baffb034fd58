//! Many identifiers of one kind at once: hashes out, rejected rows reported, nothing stops.
//!
//! A rejected value never stops the batch (design.md): its row and reason are reported and the
//! remaining rows go on. One normalization buffer serves every row.

use crate::error::{OptionsError, Rejection};
use crate::hash::lanes::{SingleBlockQueue, MAX_SINGLE_BLOCK};
use crate::hash::{digest, write_hex, HexDigest};
use crate::normalize::{normalize_into, Outcome};
use crate::options::{Kind, Options};

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
    for (row, value) in values.into_iter().enumerate() {
        let hashed = match normalize_into(kind, value, options, &mut buf) {
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
pub(crate) const USE_LANES: bool = cfg!(target_arch = "wasm32");

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
    let mut buf = String::new();
    let mut queue = SingleBlockQueue::<usize>::new(options.algorithm);
    for (row, value) in values.into_iter().enumerate() {
        let at = out.len();
        // The reject marker doubles as the placeholder of a row still in the queue.
        out.resize(at + width, b'-');
        match normalize_into(kind, value, options, &mut buf) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Reject;

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
