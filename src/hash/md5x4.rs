//! MD5 (RFC 1321 §3.4) of four messages at once, one message per 32-bit lane: the IDFA/GAID
//! batches that ask for MD5 hash 36-byte ids, one block each. Same layout as
//! [`super::sha256x4`].

use super::lanes::{padded_block, padded_blocks, LANES};
use super::vector::V;

/// RFC 1321 §3.3: the initial state A, B, C, D.
const INIT: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

/// RFC 1321 §3.4: `T[i] = floor(2^32 * abs(sin(i + 1)))`.
const T: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

/// RFC 1321 §3.4: the left rotations of each round.
const S: [[u32; 4]; 4] = [
    [7, 12, 17, 22],
    [5, 9, 14, 20],
    [4, 11, 16, 23],
    [6, 10, 15, 21],
];

/// The MD5 digests of four messages of any lengths (lanes that finish early keep their state;
/// see [`super::sha256x4::digest4`]).
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
pub fn digest4(msgs: [&[u8]; LANES]) -> [[u8; 16]; LANES] {
    let blocks = msgs.map(|m| padded_blocks(m.len()));
    let most = blocks.iter().copied().max().unwrap_or(1);
    let mut state = initial_state();
    let mut buf = [[0u8; 64]; LANES];
    for index in 0..most {
        for (lane, b) in buf.iter_mut().enumerate() {
            if index < blocks[lane] {
                padded_block(msgs[lane], index, b, false);
            }
        }
        let active = V::from_lanes(blocks.map(|n| if index < n { u32::MAX } else { 0 }));
        let next = compress(state, &buf);
        for (s, n) in state.iter_mut().zip(next) {
            *s = V::select(n, *s, active);
        }
    }
    let full = output(&state);
    full.map(|d| {
        let mut o = [0u8; 16];
        o.copy_from_slice(&d[..16]);
        o
    })
}

/// `INIT` in every lane. (A loop: `INIT.map(V::splat)` cannot take a `#[target_feature]`
/// function as a closure.)
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn initial_state() -> [V; 4] {
    let mut state = [V::splat(0); 4];
    for (s, &x) in state.iter_mut().zip(&INIT) {
        *s = V::splat(x);
    }
    state
}

/// The digests of four messages that are each one padded block (in the first 16 bytes of
/// each 32): the batch fast path.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
pub(super) fn digest_single_blocks(blocks: &[[u8; 64]; LANES]) -> [[u8; 32]; LANES] {
    output(&compress(initial_state(), blocks))
}

/// Little-endian words of the four lanes' digests, in the first 16 bytes of 32 (the shape
/// of [`super::sha256x4`]'s output, which keeps the queue simple).
#[inline]
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn output(state: &[V; 4]) -> [[u8; 32]; LANES] {
    let mut out = [[0u8; 32]; LANES];
    for (i, s) in state.iter().enumerate() {
        for (lane, word) in s.to_lanes().into_iter().enumerate() {
            out[lane][i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
        }
    }
    out
}

/// RFC 1321 §3.4: one block per lane, returning the new state.
#[inline]
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn compress(state: [V; 4], blocks: &[[u8; 64]; LANES]) -> [V; 4] {
    let mut x = [V::splat(0); 16];
    for (k, xk) in x.iter_mut().enumerate() {
        *xk = V::from_lanes(
            blocks
                .map(|b| u32::from_le_bytes([b[4 * k], b[4 * k + 1], b[4 * k + 2], b[4 * k + 3]])),
        );
    }
    let [mut a, mut b, mut c, mut d] = state;
    for i in 0..64 {
        let (f, k) = match i / 16 {
            // F = (b & c) | (!b & d): c where b is set.
            0 => (V::select(c, d, b), i),
            // G = (b & d) | (c & !d): b where d is set.
            1 => (V::select(b, c, d), (5 * i + 1) % 16),
            2 => (b.xor(c).xor(d), (3 * i + 5) % 16),
            _ => (c.xor(b.or_not(d)), (7 * i) % 16),
        };
        let sum = a.add(f).add(x[k].add(V::splat(T[i])));
        a = d;
        d = c;
        c = b;
        b = b.add(sum.rotl(S[i / 16][i % 4]));
    }
    let [a0, b0, c0, d0] = state;
    [a0.add(a), b0.add(b), c0.add(c), d0.add(d)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::{Digest, Md5};

    #[test]
    fn matches_md5_on_mixed_lengths() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 11 + 5) as u8).collect();
        for len in 0..=200 {
            let msgs = [
                &data[..len],
                &data[3..3 + len / 3],
                b"abc".as_slice(),
                &data[..],
            ];
            let got = digest4(msgs);
            for (lane, m) in msgs.iter().enumerate() {
                assert_eq!(got[lane], <[u8; 16]>::from(Md5::digest(m)), "len {len}");
            }
        }
    }
}
