//! SHA-256 (FIPS 180-4 §6.2) of four messages at once, one message per 32-bit lane.
//!
//! Identifiers are short: nearly every normalized email, phone or advertising id is a single
//! 64-byte block, so hashing one message at a time leaves three quarters of a 128-bit register
//! idle. Here the eight working variables and the message schedule are `u32x4` vectors and each
//! lane runs its own message: four compressions for the price of about one and a half.
//! On wasm32 with the `simd128` target feature the vectors are `v128`; elsewhere they are
//! `[u32; 4]`, which the compiler vectorizes on its own (and which lets native tests check the
//! same algorithm against the `sha2` crate).

use vector::V;

/// How many messages one call hashes.
pub const LANES: usize = 4;

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

/// Number of 64-byte blocks of `len` bytes once padded (FIPS 180-4 §5.1.1: `0x80`, zeros,
/// the 64-bit bit length).
pub const fn padded_blocks(len: usize) -> usize {
    (len + 9).div_ceil(64)
}

/// Block `index` of the padded form of `msg` (FIPS 180-4 §5.1.1).
fn padded_block(msg: &[u8], index: usize, block: &mut [u8; 64]) {
    let total = padded_blocks(msg.len());
    let start = index * 64;
    block.fill(0);
    if start < msg.len() {
        let n = (msg.len() - start).min(64);
        block[..n].copy_from_slice(&msg[start..start + n]);
        if n < 64 {
            block[n] = 0x80;
        }
    } else if start == msg.len() {
        block[0] = 0x80;
    }
    if index + 1 == total {
        block[56..].copy_from_slice(&((msg.len() as u64) * 8).to_be_bytes());
    }
}

/// The SHA-256 digests of four messages of any lengths.
///
/// Lanes whose message needs fewer blocks than the longest keep their state while the others
/// finish, so mixed lengths are correct but waste work: callers after speed group messages
/// by [`padded_blocks`].
pub fn digest4(msgs: [&[u8]; LANES]) -> [[u8; 32]; LANES] {
    let blocks = msgs.map(|m| padded_blocks(m.len()));
    let most = blocks.iter().copied().max().unwrap_or(1);
    let mut state = H0.map(V::splat);
    let mut buf = [[0u8; 64]; LANES];
    for index in 0..most {
        for (lane, b) in buf.iter_mut().enumerate() {
            if index < blocks[lane] {
                padded_block(msgs[lane], index, b);
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

/// The longest message that pads to a single block.
pub const MAX_SINGLE_BLOCK: usize = 55;

/// Collects messages of at most [`MAX_SINGLE_BLOCK`] bytes and hashes them four at a time:
/// the batch fast path. Each message carries a tag (say, where its hex goes) that comes back
/// with its digest.
#[derive(Debug, Clone)]
pub struct SingleBlockQueue<T: Copy + Default> {
    blocks: [[u8; 64]; LANES],
    tags: [T; LANES],
    len: usize,
}

impl<T: Copy + Default> Default for SingleBlockQueue<T> {
    fn default() -> Self {
        SingleBlockQueue {
            blocks: [[0; 64]; LANES],
            tags: [T::default(); LANES],
            len: 0,
        }
    }
}

impl<T: Copy + Default> SingleBlockQueue<T> {
    /// Queues `msg` (at most [`MAX_SINGLE_BLOCK`] bytes, else it panics); when four are
    /// queued, hashes them and calls `done(tag, digest)` for each, in the order queued.
    #[inline]
    pub fn push(&mut self, msg: &[u8], tag: T, done: impl FnMut(T, &[u8; 32])) {
        padded_block(msg, 0, &mut self.blocks[self.len]);
        self.tags[self.len] = tag;
        self.len += 1;
        if self.len == LANES {
            self.flush(done);
        }
    }

    /// Hashes whatever is queued (the unused lanes hash stale blocks, ignored) and calls
    /// `done(tag, digest)` for each queued message.
    pub fn flush(&mut self, mut done: impl FnMut(T, &[u8; 32])) {
        if self.len == 0 {
            return;
        }
        let digests = output(&compress(H0.map(V::splat), &self.blocks));
        for (tag, d) in self.tags.iter().zip(&digests).take(self.len) {
            done(*tag, d);
        }
        self.len = 0;
    }
}

/// Big-endian words of the four lanes' digests.
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
#[inline(always)]
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

/// The four-lane `u32` vector on wasm32 with `simd128`: one `v128` register.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod vector {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy)]
    pub(super) struct V(v128);

    impl V {
        #[inline(always)]
        pub(super) fn splat(x: u32) -> V {
            V(u32x4_splat(x))
        }
        #[inline(always)]
        pub(super) fn from_lanes(l: [u32; 4]) -> V {
            V(u32x4(l[0], l[1], l[2], l[3]))
        }
        #[inline(always)]
        pub(super) fn to_lanes(self) -> [u32; 4] {
            [
                u32x4_extract_lane::<0>(self.0),
                u32x4_extract_lane::<1>(self.0),
                u32x4_extract_lane::<2>(self.0),
                u32x4_extract_lane::<3>(self.0),
            ]
        }
        #[inline(always)]
        pub(super) fn add(self, o: V) -> V {
            V(u32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn xor(self, o: V) -> V {
            V(v128_xor(self.0, o.0))
        }
        #[inline(always)]
        pub(super) fn shr(self, n: u32) -> V {
            V(u32x4_shr(self.0, n))
        }
        /// wasm has no vector rotate: two shifts and an or.
        #[inline(always)]
        pub(super) fn rotr(self, n: u32) -> V {
            V(v128_or(u32x4_shr(self.0, n), u32x4_shl(self.0, 32 - n)))
        }
        /// Bits of `a` where `mask` is set, of `b` elsewhere.
        #[inline(always)]
        pub(super) fn select(a: V, b: V, mask: V) -> V {
            V(v128_bitselect(a.0, b.0, mask.0))
        }
    }
}

/// The four-lane `u32` vector elsewhere: a plain array the compiler vectorizes.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod vector {
    #[derive(Clone, Copy)]
    pub(super) struct V([u32; 4]);

    impl V {
        #[inline(always)]
        pub(super) fn splat(x: u32) -> V {
            V([x; 4])
        }
        #[inline(always)]
        pub(super) fn from_lanes(l: [u32; 4]) -> V {
            V(l)
        }
        #[inline(always)]
        pub(super) fn to_lanes(self) -> [u32; 4] {
            self.0
        }
        #[inline(always)]
        fn zip(self, o: V, f: impl Fn(u32, u32) -> u32) -> V {
            V([
                f(self.0[0], o.0[0]),
                f(self.0[1], o.0[1]),
                f(self.0[2], o.0[2]),
                f(self.0[3], o.0[3]),
            ])
        }
        #[inline(always)]
        pub(super) fn add(self, o: V) -> V {
            self.zip(o, u32::wrapping_add)
        }
        #[inline(always)]
        pub(super) fn xor(self, o: V) -> V {
            self.zip(o, |x, y| x ^ y)
        }
        #[inline(always)]
        pub(super) fn shr(self, n: u32) -> V {
            V(self.0.map(|x| x >> n))
        }
        #[inline(always)]
        pub(super) fn rotr(self, n: u32) -> V {
            V(self.0.map(|x| x.rotate_right(n)))
        }
        /// Bits of `a` where `mask` is set, of `b` elsewhere.
        #[inline(always)]
        pub(super) fn select(a: V, b: V, mask: V) -> V {
            V([0, 1, 2, 3].map(|i| (a.0[i] & mask.0[i]) | (b.0[i] & !mask.0[i])))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn padding_block_counts() {
        assert_eq!(padded_blocks(0), 1);
        assert_eq!(padded_blocks(55), 1);
        assert_eq!(padded_blocks(56), 2);
        assert_eq!(padded_blocks(119), 2);
        assert_eq!(padded_blocks(120), 3);
    }

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
