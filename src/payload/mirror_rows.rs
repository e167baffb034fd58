//! Mirror for an audience filled row by row (Partner Audiences: a `/segment/mapping/` row is
//! positional, its identifiers sent together): which rows of the file hold a digest the
//! audience lacks, and which acknowledged digests left (tiktok-api.md §8.1).
//!
//! Built on the sorted diff of [`super::mirror_diff`], which gives the digests to add; one
//! pass over the file's rows in their own order then finds where they are. With ten million
//! rows and a few percent changed, that pass probes a table of the changes small enough to
//! stay in cache.

use super::digest::Digests;
use super::mirror::mirror_diff;
use super::PayloadError;

/// What a row-by-row Mirror sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsDiff {
    /// Positions in `current` (its own order, ascending) whose digest is not in previous. A
    /// digest that appears twice gives both positions.
    pub added: Vec<usize>,
    /// In previous, not in current: sorted, free of repeats.
    pub remove: Digests,
}

/// The row-by-row diff of `current` (in file order, repeats allowed) against `previous` (what
/// the audience holds). An empty `previous` (a new audience) adds every position unsorted.
pub fn mirror_rows(previous: Digests, current: &Digests) -> Result<RowsDiff, PayloadError> {
    if previous.width() != current.width() {
        return Err(PayloadError::DigestWidthMismatch);
    }
    if previous.is_empty() {
        return Ok(RowsDiff {
            added: (0..current.len()).collect(),
            remove: previous,
        });
    }
    // Diffed as a copy: the positions are found in the rows' own order.
    let diff = mirror_diff(previous, current.clone())?;
    Ok(RowsDiff {
        added: positions(diff.add.as_packed(), current.as_packed(), current.width()),
        remove: diff.remove,
    })
}

/// No entry in a [`positions`] table slot.
const EMPTY: u32 = u32::MAX;

/// The positions in `list` of the digests in `wanted` (both packed, `width` bytes each): an
/// open-addressing table of `wanted` (at most half full), one probe per item of `list` in the
/// common case. Slices, not arrays: one copy of the code serves both widths.
fn positions(wanted: &[u8], list: &[u8], width: usize) -> Vec<usize> {
    if wanted.is_empty() {
        return Vec::new();
    }
    let count = wanted.len() / width;
    let bits = (2 * count).next_power_of_two().trailing_zeros();
    let mask = (1usize << bits) - 1;
    let mut table = vec![EMPTY; mask + 1];
    for (i, d) in wanted.chunks_exact(width).enumerate() {
        let mut s = slot(d, bits);
        while table[s] != EMPTY {
            s = (s + 1) & mask;
        }
        table[s] = i as u32;
    }
    let mut out = Vec::new();
    for (at, d) in list.chunks_exact(width).enumerate() {
        let mut s = slot(d, bits);
        while table[s] != EMPTY {
            let i = table[s] as usize * width;
            if same(&wanted[i..i + width], d) {
                out.push(at);
                break;
            }
            s = (s + 1) & mask;
        }
    }
    out
}

/// The 8-byte words of a digest (16 or 32 bytes).
fn words(d: &[u8]) -> impl Iterator<Item = u64> + '_ {
    d.chunks_exact(8).map(|w| {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        u64::from_le_bytes(a)
    })
}

/// Equal digests, compared a word at a time (wasm compares slices byte by byte).
fn same(a: &[u8], b: &[u8]) -> bool {
    words(a).zip(words(b)).all(|(x, y)| x == y)
}

/// The table slot of `d`: its words folded and multiplied (Fibonacci hashing), so digests
/// that share a prefix do not share a slot.
fn slot(d: &[u8], bits: u32) -> usize {
    let folded = words(d).fold(0u64, |acc, w| acc.rotate_left(5) ^ w);
    (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}
