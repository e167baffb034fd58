//! Digest sets as fixed-size byte arrays: 32 bytes (SHA-256) or 16 (MD5, IDFA/GAID only).
//!
//! A diff of 10 million members a side must fit in a browser tab (issue #3), so members are
//! kept as `[u8; N]`, not hex strings (32 bytes against a 64-character string plus its JS or
//! heap overhead), and sorted and compared in place.

use super::PayloadError;
use crate::hash::{parse_hex, write_hex, HexDigest};

/// Byte width of a SHA-256 digest.
pub const SHA256_LEN: usize = 32;
/// Byte width of an MD5 digest.
pub const MD5_LEN: usize = 16;

/// A list of digests of one width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Digests {
    /// SHA-256 digests.
    Sha256(Vec<[u8; SHA256_LEN]>),
    /// MD5 digests (IDFA/GAID).
    Md5(Vec<[u8; MD5_LEN]>),
}

impl Digests {
    /// An empty list of `width`-byte digests (32 or 16).
    pub fn with_width(width: usize) -> Result<Digests, PayloadError> {
        match width {
            SHA256_LEN => Ok(Digests::Sha256(Vec::new())),
            MD5_LEN => Ok(Digests::Md5(Vec::new())),
            _ => Err(PayloadError::InvalidDigest(0, width)),
        }
    }

    /// Bytes per digest.
    pub fn width(&self) -> usize {
        match self {
            Digests::Sha256(_) => SHA256_LEN,
            Digests::Md5(_) => MD5_LEN,
        }
    }

    /// How many digests.
    pub fn len(&self) -> usize {
        match self {
            Digests::Sha256(v) => v.len(),
            Digests::Md5(v) => v.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends packed digests (`width` bytes each, back to back). Lets JS hand over a big
    /// `Uint8Array` in chunks, so wasm memory never holds a second copy of it.
    pub fn extend_packed(&mut self, packed: &[u8]) -> Result<(), PayloadError> {
        let width = self.width();
        if packed.len() % width != 0 {
            return Err(PayloadError::InvalidDigest(
                self.len() + packed.len() / width,
                width,
            ));
        }
        match self {
            Digests::Sha256(v) => extend(v, packed),
            Digests::Md5(v) => extend(v, packed),
        }
        Ok(())
    }

    /// Appends lowercase or uppercase hex digests of this list's width.
    pub fn extend_hex<'a, I: IntoIterator<Item = &'a str>>(
        &mut self,
        hex: I,
    ) -> Result<(), PayloadError> {
        let width = self.width();
        let mut bytes = [0u8; SHA256_LEN];
        for s in hex {
            let at = self.len();
            if !parse_hex(s.trim().as_bytes(), &mut bytes[..width]) {
                return Err(PayloadError::InvalidDigest(at, width));
            }
            self.extend_packed(&bytes[..width])?;
        }
        Ok(())
    }

    /// Appends the digests of rows in the `hashBatchPacked` layout (`2 × width` hex digits a
    /// row, either case; `-`s for a row without a hash, skipped) and pushes onto `rows` the
    /// number of each row that had one, counting from `first_row`. The error names the first
    /// row that is neither, never its text.
    pub fn extend_packed_hex(
        &mut self,
        hex: &[u8],
        first_row: usize,
        rows: &mut Vec<u32>,
    ) -> Result<(), PayloadError> {
        let width = self.width();
        if hex.len() % (2 * width) != 0 {
            return Err(PayloadError::InvalidDigest(
                first_row + hex.len() / (2 * width),
                width,
            ));
        }
        // Parsed into bytes first, then appended as packed: one code path for both widths.
        let mut packed = Vec::with_capacity(hex.len() / 2);
        let mut bytes = [0u8; SHA256_LEN];
        for (i, cell) in hex.chunks_exact(2 * width).enumerate() {
            if parse_hex(cell, &mut bytes[..width]) {
                packed.extend_from_slice(&bytes[..width]);
                rows.push((first_row + i) as u32);
            } else if !cell.iter().all(|&b| b == b'-') {
                return Err(PayloadError::InvalidDigest(first_row + i, width));
            }
        }
        self.extend_packed(&packed)
    }

    /// The digests back to back.
    pub fn as_packed(&self) -> &[u8] {
        match self {
            Digests::Sha256(v) => v.as_flattened(),
            Digests::Md5(v) => v.as_flattened(),
        }
    }

    /// Sorts and removes repeats, in place. Returns how many repeats there were.
    pub fn sort_dedup(&mut self) -> usize {
        match self {
            Digests::Sha256(v) => v.sort_dedup(),
            Digests::Md5(v) => v.sort_dedup(),
        }
    }

    /// The digests as lowercase hex, one per item.
    pub fn to_hex(&self) -> Vec<HexDigest> {
        self.as_packed()
            .chunks_exact(self.width())
            .map(HexDigest::from_bytes)
            .collect()
    }
}

fn extend<const N: usize>(v: &mut Vec<[u8; N]>, packed: &[u8]) {
    v.reserve(packed.len() / N);
    v.extend(packed.chunks_exact(N).map(|c| {
        let mut a = [0u8; N];
        a.copy_from_slice(c);
        a
    }));
}

/// Sorting and removing repeats, for both digest widths.
pub(crate) trait SortDedup {
    /// Sorts and removes repeats, in place; returns how many repeats there were.
    fn sort_dedup(&mut self) -> usize;
}

impl SortDedup for Vec<[u8; 32]> {
    fn sort_dedup(&mut self) -> usize {
        sort_dedup_wide(self)
    }
}

/// MD5 digests are sorted through the SHA-256 width (zero-padded: the same order), so the
/// wasm holds one instantiation of the sort instead of two (kilobytes); the copies are two
/// linear passes, small beside the sort.
impl SortDedup for Vec<[u8; 16]> {
    fn sort_dedup(&mut self) -> usize {
        let mut wide: Vec<[u8; 32]> = self
            .iter()
            .map(|d| {
                let mut w = [0u8; 32];
                w[..16].copy_from_slice(d);
                w
            })
            .collect();
        let repeats = sort_dedup_wide(&mut wide);
        self.clear();
        self.extend(wide.iter().map(|w| {
            let mut d = [0u8; 16];
            d.copy_from_slice(&w[..16]);
            d
        }));
        repeats
    }
}

/// Sorts (in the order of comparing the arrays) and removes repeats.
fn sort_dedup_wide(v: &mut Vec<[u8; 32]>) -> usize {
    // The proxy's ledger answers in digest order (`ORDER BY digest`): then one pass suffices.
    if v.windows(2).all(|w| ascending(&w[0], &w[1])) {
        return 0;
    }
    radix_sort(v, 0);
    let before = v.len();
    v.dedup();
    before - v.len()
}

/// `a < b`, deciding by the first 8 bytes as one integer where they differ (nearly always for
/// digests; wasm's byte-wise `memcmp` is slow).
fn ascending(a: &[u8; 32], b: &[u8; 32]) -> bool {
    match prefix(a).cmp(&prefix(b)) {
        std::cmp::Ordering::Equal => a < b,
        order => order.is_lt(),
    }
}

/// Buckets this small are finished by insertion sort.
const SMALL_BUCKET: usize = 32;

/// In-place most-significant-byte-first radix sort (American flag sort) of digests that
/// agree on their first `byte` bytes. Digests are uniform, so two passes leave buckets of a
/// few hundred from ten million and the third finishes them: each pass moves every digest at
/// most once, in cache after the first, where a comparison sort moves each one ~23 times
/// (10 million digests a side sort 3-4× faster). Repeats or shared prefixes only make a
/// bucket go a byte deeper.
fn radix_sort(v: &mut [[u8; 32]], byte: usize) {
    if v.len() <= SMALL_BUCKET || byte == 32 {
        insertion_sort(v, byte);
        return;
    }
    // ends[b]: where bucket b ends; next[b]: its first slot not yet holding a b.
    let mut ends = [0usize; 256];
    for d in v.iter() {
        ends[usize::from(d[byte])] += 1;
    }
    let mut next = [0usize; 256];
    let mut sum = 0;
    for (end, start) in ends.iter_mut().zip(next.iter_mut()) {
        *start = sum;
        sum += *end;
        *end = sum;
    }
    for b in 0..256 {
        while next[b] < ends[b] {
            let to = usize::from(v[next[b]][byte]);
            if to != b {
                v.swap(next[b], next[to]);
            }
            next[to] += 1;
        }
    }
    let mut start = 0;
    for end in ends {
        radix_sort(&mut v[start..end], byte + 1);
        start = end;
    }
}

/// Insertion sort of digests that agree on their first `byte` bytes.
fn insertion_sort(v: &mut [[u8; 32]], byte: usize) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1][byte..] > v[j][byte..] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

pub(crate) fn prefix<const N: usize>(d: &[u8; N]) -> u64 {
    let mut p = [0u8; 8];
    p.copy_from_slice(&d[..8]);
    u64::from_be_bytes(p)
}

/// Writes `hex\n` for every digest: the lines of a customer file.
pub(crate) fn write_hex_lines(bytes: &[u8], width: usize, out: &mut Vec<u8>) {
    out.reserve(bytes.len() / width * (width * 2 + 1));
    for d in bytes.chunks_exact(width) {
        let at = out.len();
        out.resize(at + 2 * width, 0);
        write_hex(d, &mut out[at..]);
        out.push(b'\n');
    }
}

// proptest does not build for wasm32 (Cargo.toml): this property runs natively.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The radix sort sorts exactly like comparing the arrays, through shared prefixes
        /// (`shared` leading bytes equal), repeats and every bucket size.
        #[test]
        fn sort_dedup_is_a_sorted_set(
            seeds in proptest::collection::vec(any::<u64>(), 0..3000),
            shared in 0usize..33,
            modulus in 1u64..5000,
        ) {
            let digest = |s: u64| {
                let mut d = [7u8; 32];
                let r = (s % modulus).wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes();
                for (i, byte) in d.iter_mut().enumerate().skip(shared) {
                    *byte = r[i % 8] ^ (i as u8);
                }
                d
            };
            let mut v: Vec<[u8; 32]> = seeds.iter().map(|&s| digest(s)).collect();
            let mut want = v.clone();
            want.sort_unstable();
            want.dedup();
            let repeats = v.sort_dedup();
            prop_assert_eq!(repeats, seeds.len() - want.len());
            prop_assert_eq!(&v, &want);
            // Already sorted (as the ledger answers): unchanged.
            prop_assert_eq!(v.sort_dedup(), 0);
            prop_assert_eq!(v, want);
        }
    }
}
