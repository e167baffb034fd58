//! Short messages hashed four at a time: the batch fast path over [`super::sha256x4`] and
//! [`super::md5x4`].
//!
//! SHA-256 and MD5 pad the same way (a `0x80` byte, zeros, the 64-bit bit length; FIPS 180-4
//! §5.1.1, RFC 1321 §3.1–3.2) except for the length's byte order, so one queue serves both.

use super::{md5x4, sha256x4};
use crate::options::Algorithm;

pub use super::vector::LANES;

/// The longest message that pads to a single 64-byte block.
pub const MAX_SINGLE_BLOCK: usize = 55;

/// Number of 64-byte blocks of `len` bytes once padded.
pub const fn padded_blocks(len: usize) -> usize {
    (len + 9).div_ceil(64)
}

/// Block `index` of the padded form of `msg`; the bit length is big-endian for SHA-256 and
/// little-endian for MD5.
pub(super) fn padded_block(msg: &[u8], index: usize, block: &mut [u8; 64], big_endian: bool) {
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
        let bits = (msg.len() as u64).wrapping_mul(8);
        let len = if big_endian {
            bits.to_be_bytes()
        } else {
            bits.to_le_bytes()
        };
        block[56..].copy_from_slice(&len);
    }
}

/// Collects messages of at most [`MAX_SINGLE_BLOCK`] bytes and hashes them four at a time.
/// Each message carries a tag (say, where its hex goes) that comes back with its digest.
#[derive(Debug, Clone)]
pub struct SingleBlockQueue<T: Copy + Default> {
    algorithm: Algorithm,
    blocks: [[u8; 64]; LANES],
    tags: [T; LANES],
    len: usize,
}

impl<T: Copy + Default> SingleBlockQueue<T> {
    /// An empty queue for `algorithm`.
    pub fn new(algorithm: Algorithm) -> Self {
        SingleBlockQueue {
            algorithm,
            blocks: [[0; 64]; LANES],
            tags: [T::default(); LANES],
            len: 0,
        }
    }

    /// Queues `msg` (at most [`MAX_SINGLE_BLOCK`] bytes, else it panics); when four are
    /// queued, hashes them and calls `done(tag, digest)` for each, in the order queued.
    #[inline]
    pub fn push(&mut self, msg: &[u8], tag: T, done: impl FnMut(T, &[u8])) {
        assert!(msg.len() <= MAX_SINGLE_BLOCK, "not a single-block message");
        let big_endian = self.algorithm == Algorithm::Sha256;
        padded_block(msg, 0, &mut self.blocks[self.len], big_endian);
        self.tags[self.len] = tag;
        self.len += 1;
        if self.len == LANES {
            self.flush(done);
        }
    }

    /// Hashes whatever is queued (unused lanes hash stale blocks, ignored) and calls
    /// `done(tag, digest)` for each queued message.
    pub fn flush(&mut self, mut done: impl FnMut(T, &[u8])) {
        if self.len == 0 {
            return;
        }
        match self.algorithm {
            Algorithm::Sha256 => {
                let digests = sha256x4::digest_single_blocks(&self.blocks);
                for (tag, d) in self.tags.iter().zip(&digests).take(self.len) {
                    done(*tag, d);
                }
            }
            Algorithm::Md5 => {
                let digests = md5x4::digest_single_blocks(&self.blocks);
                for (tag, d) in self.tags.iter().zip(&digests).take(self.len) {
                    done(*tag, &d[..16]);
                }
            }
        }
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_block_counts() {
        assert_eq!(padded_blocks(0), 1);
        assert_eq!(padded_blocks(MAX_SINGLE_BLOCK), 1);
        assert_eq!(padded_blocks(56), 2);
        assert_eq!(padded_blocks(119), 2);
        assert_eq!(padded_blocks(120), 3);
    }
}
