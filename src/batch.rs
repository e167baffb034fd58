//! Many identifiers of one kind at once: hashes out, rejected rows reported, nothing stops.
//!
//! A rejected value never stops the batch (design.md): its row and reason are reported and the
//! remaining rows go on. One normalization buffer serves every row.

use crate::error::{OptionsError, Rejection};
use crate::hash::{hash_with_buffer, HexDigest};
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
        match hash_with_buffer(kind, value, options, &mut buf) {
            Ok(d) => result.hashes.push(Some(d)),
            Err(reason) => {
                result.hashes.push(None);
                result.rejected.push(Rejection { row, reason });
            }
        }
    }
    Ok(result)
}

/// The fast path behind the JS `hashBatch`: appends each row's digest to `out` as fixed-width
/// hex (`options.algorithm.hex_len()` bytes a row, a rejected row is that many `-`), so the
/// whole batch leaves wasm as one string that JS slices.
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
    let mut buf = String::new();
    for (row, value) in values.into_iter().enumerate() {
        match hash_with_buffer(kind, value, options, &mut buf) {
            Ok(d) => out.extend_from_slice(d.as_str().as_bytes()),
            Err(reason) => {
                out.extend(std::iter::repeat_n(b'-', width));
                rejected.push(Rejection { row, reason });
            }
        }
    }
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
