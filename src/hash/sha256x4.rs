//! SHA-256 (FIPS 180-4 §6.2) of four messages at once, one message per 32-bit lane.
//!
//! Identifiers are short: nearly every normalized email, phone or advertising id is a single
//! 64-byte block, so hashing one message at a time leaves three quarters of a 128-bit register
//! idle. Here the eight working variables and the message schedule are `u32x4` vectors and each
//! lane runs its own message: four compressions for the price of about one and a half.
//! The vectors are `v128` on wasm32 with `simd128` and plain arrays elsewhere (see
//! `vector.rs`), so native tests check the same algorithm against the `sha2` crate.

use super::lanes::{padded_block, padded_blocks, LANES};
use super::vector::V;

/// FIPS 180-4 §4.2.2: the round constants.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// FIPS 180-4 §5.3.3: the initial hash value.
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// The SHA-256 digests of four messages of any lengths.
///
/// Lanes whose message needs fewer blocks than the longest keep their state while the others
/// finish, so mixed lengths are correct but waste work: callers after speed group messages
/// by [`padded_blocks`] (or use [`super::lanes::SingleBlockQueue`]).
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
pub fn digest4(msgs: [&[u8]; LANES]) -> [[u8; 32]; LANES] {
    let blocks = msgs.map(|m| padded_blocks(m.len()));
    let most = blocks.iter().copied().max().unwrap_or(1);
    let mut state = initial_state();
    let mut buf = [[0u8; 64]; LANES];
    for index in 0..most {
        for (lane, b) in buf.iter_mut().enumerate() {
            if index < blocks[lane] {
                padded_block(msgs[lane], index, b, true);
            }
        }
        let active = V::from_lanes(blocks.map(|n| if index < n { u32::MAX } else { 0 }));
        let next = compress(state, &buf);
        for (s, n) in state.iter_mut().zip(next) {
            *s = V::select(n, *s, active);
        }
    }
    output(&state)
}

/// `H0` in every lane. (A loop: `H0.map(V::splat)` cannot take a `#[target_feature]`
/// function as a closure.)
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn initial_state() -> [V; 8] {
    let mut state = [V::splat(0); 8];
    for (s, &x) in state.iter_mut().zip(&H0) {
        *s = V::splat(x);
    }
    state
}

/// The digests of four messages that are each one padded block: the batch fast path.
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
pub(super) fn digest_single_blocks(blocks: &[[u8; 64]; LANES]) -> [[u8; 32]; LANES] {
    output(&compress(initial_state(), blocks))
}

/// Big-endian words of the four lanes' digests.
#[inline]
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn output(state: &[V; 8]) -> [[u8; 32]; LANES] {
    let mut out = [[0u8; 32]; LANES];
    for (i, s) in state.iter().enumerate() {
        for (lane, word) in s.to_lanes().into_iter().enumerate() {
            out[lane][i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
        }
    }
    out
}

/// FIPS 180-4 §6.2.2: one compression of a block per lane, returning the new state.
#[inline]
#[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
fn compress(state: [V; 8], blocks: &[[u8; 64]; LANES]) -> [V; 8] {
    let mut w = [V::splat(0); 16];
    for (t, wt) in w.iter_mut().enumerate() {
        *wt = V::from_lanes(
            blocks
                .map(|b| u32::from_be_bytes([b[4 * t], b[4 * t + 1], b[4 * t + 2], b[4 * t + 3]])),
        );
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = state;
    for t in 0..64 {
        let wt = if t < 16 {
            w[t]
        } else {
            // The schedule lives in a 16-word ring: W[t] replaces W[t-16].
            let w15 = w[(t + 1) % 16];
            let w2 = w[(t + 14) % 16];
            let s0 = w15.rotr(7).xor(w15.rotr(18)).xor(w15.shr(3));
            let s1 = w2.rotr(17).xor(w2.rotr(19)).xor(w2.shr(10));
            let next = w[t % 16].add(s0).add(w[(t + 9) % 16]).add(s1);
            w[t % 16] = next;
            next
        };
        let s1 = e.rotr(6).xor(e.rotr(11)).xor(e.rotr(25));
        // Ch(e, f, g): f where e is set, g elsewhere.
        let ch = V::select(f, g, e);
        let t1 = h.add(s1).add(ch).add(wt.add(V::splat(K[t])));
        let s0 = a.rotr(2).xor(a.rotr(13)).xor(a.rotr(22));
        // Maj(a, b, c): b where b and c agree, a where they differ.
        let maj = V::select(a, b, b.xor(c));
        let t2 = s0.add(maj);
        h = g;
        g = f;
        f = e;
        e = d.add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.add(t2);
    }
    let [a0, b0, c0, d0, e0, f0, g0, h0] = state;
    [
        a0.add(a),
        b0.add(b),
        c0.add(c),
        d0.add(d),
        e0.add(e),
        f0.add(f),
        g0.add(g),
        h0.add(h),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn matches_sha2_on_mixed_lengths() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..=200 {
            let msgs = [
                &data[..len],
                &data[1..1 + len / 2],
                b"abc".as_slice(),
                &data[..],
            ];
            let got = digest4(msgs);
            for (lane, m) in msgs.iter().enumerate() {
                assert_eq!(got[lane], <[u8; 32]>::from(Sha256::digest(m)), "len {len}");
            }
        }
    }
}
