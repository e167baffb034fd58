//! The four-lane SHA-256 and MD5 (src/hash/sha256x4.rs, md5x4.rs) and the batch fast paths
//! against independent references: the `sha2` and `md-5` crates for digests, per-value `hash`
//! for batches. Runs natively
//! (`cargo test`, the portable `[u32; 4]` lanes) and in wasm (`wasm-pack test --node`, the
//! `v128` lanes and the batch's four-at-a-time queue). No proptest: it does not build for wasm32,
//! so a small seeded generator makes the random inputs.

use md5::Md5;
use sha2::{Digest, Sha256};
use tikhash::batch::{hash_batch, hash_batch_hex_into};
use tikhash::hash::lanes::{padded_blocks, SingleBlockQueue, LANES, MAX_SINGLE_BLOCK};
use tikhash::hash::{md5x4, sha256x4::digest4};
use tikhash::{hash, Algorithm, Kind, Options, Profile};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// xorshift64*: deterministic, so a failure names a reproducible case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn sha2(m: &[u8]) -> [u8; 32] {
    Sha256::digest(m).into()
}

fn md5(m: &[u8]) -> [u8; 16] {
    Md5::digest(m).into()
}

#[test]
fn every_length_up_to_300_in_every_lane() {
    let mut r = Rng(0x5eed);
    for len in 0..=300 {
        // The lane under test gets `len` random bytes; the others random lengths, so lanes
        // finish after different numbers of blocks.
        for lane in 0..LANES {
            let msgs: Vec<Vec<u8>> = (0..LANES)
                .map(|l| {
                    let n = if l == lane { len } else { r.below(301) };
                    r.bytes(n)
                })
                .collect();
            let four = [&msgs[0][..], &msgs[1], &msgs[2], &msgs[3]];
            let got = digest4(four);
            let got_md5 = md5x4::digest4(four);
            for (l, m) in msgs.iter().enumerate() {
                assert_eq!(got[l], sha2(m), "SHA-256, length {} in lane {l}", m.len());
                assert_eq!(got_md5[l], md5(m), "MD5, length {} in lane {l}", m.len());
            }
        }
    }
}

#[test]
fn block_boundaries() {
    // Lengths where the padding spills into another block.
    for len in [55, 56, 63, 64, 65, 119, 120, 127, 128] {
        let m = vec![0xa5u8; len];
        assert_eq!(digest4([&m, &m, &m, &m])[2], sha2(&m), "length {len}");
        assert_eq!(md5x4::digest4([&m, &m, &m, &m])[1], md5(&m), "length {len}");
        assert_eq!(padded_blocks(len), (len + 9).div_ceil(64));
    }
}

#[test]
fn single_block_queue_returns_each_digest_with_its_tag() {
    let mut r = Rng(7);
    let msgs: Vec<Vec<u8>> = (0..103)
        .map(|_| {
            let n = r.below(MAX_SINGLE_BLOCK + 1);
            r.bytes(n)
        })
        .collect();
    for algorithm in [Algorithm::Sha256, Algorithm::Md5] {
        let mut seen = vec![None; msgs.len()];
        let mut q = SingleBlockQueue::<usize>::new(algorithm);
        for (i, m) in msgs.iter().enumerate() {
            q.push(m, i, |i, d| seen[i] = Some(d.to_vec()));
        }
        q.flush(|i, d| seen[i] = Some(d.to_vec()));
        for (i, m) in msgs.iter().enumerate() {
            let want = match algorithm {
                Algorithm::Sha256 => sha2(m).to_vec(),
                Algorithm::Md5 => md5(m).to_vec(),
            };
            assert_eq!(
                seen[i].as_deref(),
                Some(&want[..]),
                "{algorithm:?} message {i}"
            );
        }
    }
}

/// Random identifiers around the edges of every rule: cases, padding, non-ASCII, dots,
/// hyphens, `+tags`, separators, pre-hashed values, empty and long values.
fn random_value(r: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "0",
        "9",
        ".",
        "..",
        "-",
        "_",
        "+",
        "+tag",
        "@",
        "@@",
        "gmail.com",
        "Example.CO.uk",
        "x-y",
        "-x",
        "x-",
        " ",
        "\t",
        "\n",
        "\u{a0}",
        "\u{feff}",
        "é",
        "Ü",
        "ß",
        "İ",
        "\u{212a}",
        "😀",
        ",",
        ";",
        ":",
        "\"",
        "(",
        "<",
        "[",
        "\\",
        "!",
        "#",
        "$",
        "%",
        "&",
        "'",
        "*",
        "/",
        "=",
        "?",
        "^",
        "`",
        "{",
        "|",
        "}",
        "~",
        "\u{0}",
        "\u{7f}",
        "+1",
        "(415)",
        "555-0123",
        "00",
        "7A3CBEA0-BDF5-11E4-8DFC-AA07A5B093DB",
        "00000000-0000-0000-0000-000000000000",
        "848A771458438FC2EC420560D769FB9B9B86851EE338EC56517BAABD79D3BB4F",
        "098f6bcd4621d373cade4e832627b4f6",
        "user_123",
    ];
    let n = r.below(8);
    let mut s: String = (0..n).map(|_| PIECES[r.below(PIECES.len())]).collect();
    match r.below(6) {
        0 => s = format!("  {}.{}@{}.com ", s, r.below(1000), "Mail"),
        1 => s = format!("{}@example.org", "a".repeat(r.below(70))),
        2 => s = format!("{}@{}.de", "b".repeat(40), "c".repeat(r.below(230))),
        _ => {}
    }
    s
}

fn batch_matches_per_value_hash(kind: Kind, options: &Options, values: &[String]) {
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    hash_batch_hex_into(
        kind,
        values.iter().map(String::as_str),
        options,
        &mut out,
        &mut rejected,
    )
    .unwrap();
    let typed = hash_batch(kind, values.iter().map(String::as_str), options).unwrap();
    let width = options.algorithm.hex_len();
    assert_eq!(out.len(), values.len() * width);
    let mut rej = rejected.iter().peekable();
    for (row, v) in values.iter().enumerate() {
        let slot = &out[row * width..(row + 1) * width];
        match hash(kind, v, options) {
            Ok(d) => {
                assert_eq!(slot, d.as_str().as_bytes(), "{kind} {v:?}");
                assert_eq!(typed.hashes[row], Some(d), "{kind} {v:?}");
            }
            Err(tikhash::hash::HashError::Rejected(reason)) => {
                let r = rej.next().expect("a rejected row is reported");
                assert_eq!((r.row, r.reason), (row, reason), "{kind} {v:?}");
                assert!(slot.iter().all(|&b| b == b'-'));
                assert_eq!(typed.hashes[row], None);
            }
            Err(e) => panic!("options error {e}"),
        }
    }
    assert!(rej.next().is_none());
    assert_eq!(typed.rejected, rejected);
}

#[test]
fn batches_equal_per_value_hash_on_random_identifiers() {
    let mut r = Rng(42);
    let values: Vec<String> = (0..3000).map(|_| random_value(&mut r)).collect();
    let md5 = Options {
        algorithm: Algorithm::Md5,
        ..Options::default()
    };
    let dots = Options {
        strip_email_dots: true,
        ..Options::default()
    };
    let cases = [
        (Kind::Email, Options::default()),
        (Kind::Email, Options::for_profile(Profile::CustomerFile)),
        (Kind::Email, dots),
        (Kind::Idfa, Options::default()),
        (Kind::Gaid, md5),
        (Kind::ExternalId, Options::default()),
    ];
    for (kind, options) in &cases {
        batch_matches_per_value_hash(*kind, options, &values);
    }
}

#[test]
fn batches_of_every_size_around_the_lane_count() {
    // 0..=9 rows: empty, partial and full groups of four, each with a rejected row or not.
    let pool = [
        "a@b.co",
        "nope",
        " X@Y.org ",
        "",
        "Long.Name+Tag@Sub.Example.com",
    ];
    for n in 0..=9 {
        let values: Vec<String> = (0..n)
            .map(|i| pool[(i * 3) % pool.len()].to_owned())
            .collect();
        batch_matches_per_value_hash(Kind::Email, &Options::default(), &values);
    }
}
