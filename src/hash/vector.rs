//! A vector of four `u32` lanes for the multi-message hashes ([`super::sha256x4`],
//! [`super::md5x4`]): one `v128` on wasm32, a plain array elsewhere (natively it serves the
//! tests; native batches use `sha2`/`md-5`).
//!
//! On wasm32 only these functions and their callers in `sha256x4`/`md5x4` are compiled with the
//! `simd128` target feature (`#[target_feature]`, safe to call on wasm): enabling it for the
//! whole crate (`-C target-feature=+simd128`) lets LLVM vectorize loops everywhere, which made
//! the binary 5.5 KB (gzipped) bigger and batches no faster.

#[cfg(not(target_arch = "wasm32"))]
pub(super) use portable::V;
#[cfg(target_arch = "wasm32")]
pub(super) use simd::V;

/// How many messages one call hashes.
pub const LANES: usize = 4;

/// On wasm32: one `v128` register.
#[cfg(target_arch = "wasm32")]
mod simd {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy)]
    pub(in crate::hash) struct V(v128);

    impl V {
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn splat(x: u32) -> V {
            V(u32x4_splat(x))
        }
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn from_lanes(l: [u32; 4]) -> V {
            V(u32x4(l[0], l[1], l[2], l[3]))
        }
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn to_lanes(self) -> [u32; 4] {
            [
                u32x4_extract_lane::<0>(self.0),
                u32x4_extract_lane::<1>(self.0),
                u32x4_extract_lane::<2>(self.0),
                u32x4_extract_lane::<3>(self.0),
            ]
        }
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn add(self, o: V) -> V {
            V(u32x4_add(self.0, o.0))
        }
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn xor(self, o: V) -> V {
            V(v128_xor(self.0, o.0))
        }
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn shr(self, n: u32) -> V {
            V(u32x4_shr(self.0, n))
        }
        /// wasm has no vector rotate: two shifts and an or.
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn rotr(self, n: u32) -> V {
            V(v128_or(u32x4_shr(self.0, n), u32x4_shl(self.0, 32 - n)))
        }
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn rotl(self, n: u32) -> V {
            V(v128_or(u32x4_shl(self.0, n), u32x4_shr(self.0, 32 - n)))
        }
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn or_not(self, o: V) -> V {
            V(v128_or(self.0, v128_not(o.0)))
        }
        /// Bits of `a` where `mask` is set, of `b` elsewhere.
        #[inline]
        #[target_feature(enable = "simd128")]
        pub(in crate::hash) fn select(a: V, b: V, mask: V) -> V {
            V(v128_bitselect(a.0, b.0, mask.0))
        }
    }
}

/// Elsewhere: a plain array.
#[cfg(not(target_arch = "wasm32"))]
mod portable {
    #[derive(Clone, Copy)]
    pub(in crate::hash) struct V([u32; 4]);

    impl V {
        #[inline(always)]
        pub(in crate::hash) fn splat(x: u32) -> V {
            V([x; 4])
        }
        #[inline(always)]
        pub(in crate::hash) fn from_lanes(l: [u32; 4]) -> V {
            V(l)
        }
        #[inline(always)]
        pub(in crate::hash) fn to_lanes(self) -> [u32; 4] {
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
        pub(in crate::hash) fn add(self, o: V) -> V {
            self.zip(o, u32::wrapping_add)
        }
        #[inline(always)]
        pub(in crate::hash) fn xor(self, o: V) -> V {
            self.zip(o, |x, y| x ^ y)
        }
        #[inline(always)]
        pub(in crate::hash) fn shr(self, n: u32) -> V {
            V(self.0.map(|x| x >> n))
        }
        #[inline(always)]
        pub(in crate::hash) fn rotr(self, n: u32) -> V {
            V(self.0.map(|x| x.rotate_right(n)))
        }
        #[inline(always)]
        pub(in crate::hash) fn rotl(self, n: u32) -> V {
            V(self.0.map(|x| x.rotate_left(n)))
        }
        #[inline(always)]
        pub(in crate::hash) fn or_not(self, o: V) -> V {
            self.zip(o, |x, y| x | !y)
        }
        /// Bits of `a` where `mask` is set, of `b` elsewhere.
        #[inline(always)]
        pub(in crate::hash) fn select(a: V, b: V, mask: V) -> V {
            V([0, 1, 2, 3].map(|i| (a.0[i] & mask.0[i]) | (b.0[i] & !mask.0[i])))
        }
    }
}
