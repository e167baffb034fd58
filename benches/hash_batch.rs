//! Native batch throughput per identifier kind: `cargo bench -p tikhash --bench hash_batch`.
//!
//! No criterion, to keep build time low: every case runs a few times over the same rows and the
//! median is printed as a markdown table. Numbers from one run compare with each other only
//! (shared machines are noisy); the wasm numbers come from bench/hash-batch.mjs.

use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::time::Instant;
use tikhash::batch::{hash_batch, hash_batch_hex_into};
use tikhash::hash::lanes::SingleBlockQueue;
use tikhash::hash::sha256x4::digest4;
use tikhash::{Algorithm, Kind, Options};

const ROWS: usize = 200_000;
const RUNS: usize = 7;

/// A small deterministic generator (xorshift64*), so every run hashes the same rows.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn emails(n: usize) -> Vec<String> {
    let mut r = Rng(1);
    let first = [
        "alice", "Bob", "CHARLIE", "dana", "Eve", "frank", "Grace", "Ivan",
    ];
    let last = [
        "smith", "Jones", "LEE", "garcia", "nguyen", "Kim", "brown", "Rossi",
    ];
    let domains = [
        "gmail.com",
        "Yahoo.com",
        "outlook.com",
        "Example.CO.uk",
        "GMX.de",
    ];
    let pad = ["", " ", "  ", "\t"];
    (0..n)
        .map(|_| {
            format!(
                "{}{}.{}{}@{}{}",
                r.pick(&pad),
                r.pick(&first),
                r.pick(&last),
                r.next() % 1000,
                r.pick(&domains),
                r.pick(&pad)
            )
        })
        .collect()
}

fn phones(n: usize) -> Vec<String> {
    let mut r = Rng(2);
    (0..n)
        .map(|_| format!(" +1415{:07} ", r.next() % 10_000_000))
        .collect()
}

fn maids(n: usize) -> Vec<String> {
    let mut r = Rng(3);
    (0..n)
        .map(|_| {
            let (a, b) = (r.next(), r.next());
            format!(
                "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xffff,
                b >> 48,
                b & 0xffff_ffff_ffff
            )
        })
        .collect()
}

fn external_ids(n: usize) -> Vec<String> {
    let mut r = Rng(4);
    (0..n)
        .map(|_| format!("user_{}", r.next() % 100_000_000))
        .collect()
}

/// Median M rows/s of `f` over `rows` rows.
fn measure(rows: usize, mut f: impl FnMut()) -> f64 {
    f(); // warm caches and allocations
    let mut speeds: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            rows as f64 / t.elapsed().as_secs_f64() / 1e6
        })
        .collect();
    speeds.sort_by(f64::total_cmp);
    speeds[RUNS / 2]
}

fn main() {
    let us = Options {
        default_country: "US".parse().ok(),
        ..Options::default()
    };
    let md5 = Options {
        algorithm: Algorithm::Md5,
        ..Options::default()
    };
    let cases: Vec<(&str, Kind, Options, Vec<String>)> = vec![
        ("email", Kind::Email, Options::default(), emails(ROWS)),
        ("phone", Kind::Phone, us, phones(ROWS)),
        ("idfa sha256", Kind::Idfa, Options::default(), maids(ROWS)),
        ("idfa md5", Kind::Idfa, md5, maids(ROWS)),
        (
            "external_id",
            Kind::ExternalId,
            Options::default(),
            external_ids(ROWS),
        ),
    ];

    println!("{ROWS} rows per run, median of {RUNS} runs, M rows/s\n");
    println!("| kind | hash_batch_hex_into | hash_batch | rejected |");
    println!("|---|---:|---:|---:|");
    for (name, kind, options, values) in &cases {
        let mut out = Vec::with_capacity(ROWS * 64);
        let mut rejected = Vec::new();
        let hex = measure(ROWS, || {
            out.clear();
            rejected.clear();
            hash_batch_hex_into(
                *kind,
                values.iter().map(String::as_str),
                options,
                &mut out,
                &mut rejected,
            )
            .unwrap();
            black_box(&out);
        });
        let typed = measure(ROWS, || {
            black_box(hash_batch(*kind, values.iter().map(String::as_str), options).unwrap());
        });
        println!("| {name} | {hex:.2} | {typed:.2} | {} |", rejected.len());
    }

    // The digest alone, on normalized emails: the `sha2` crate one message at a time (with
    // SHA-NI when the CPU has it) against the four-lane code.
    let normalized: Vec<Vec<u8>> = emails(ROWS)
        .iter()
        .map(|e| e.trim().to_lowercase().into_bytes())
        .collect();
    let one = measure(ROWS, || {
        for m in &normalized {
            black_box(Sha256::digest(m));
        }
    });
    let four = measure(ROWS, || {
        for m in normalized.chunks_exact(4) {
            black_box(digest4([&m[0], &m[1], &m[2], &m[3]]));
        }
    });
    let mut queue = SingleBlockQueue::<usize>::new(Algorithm::Sha256);
    let queued = measure(ROWS, || {
        for (i, m) in normalized.iter().enumerate() {
            queue.push(m, i, |i, d| {
                black_box((i, d));
            });
        }
        queue.flush(|i, d| {
            black_box((i, d));
        });
    });
    println!("\n| SHA-256 of normalized emails | M messages/s |");
    println!("|---|---:|");
    println!("| sha2, one at a time | {one:.2} |");
    println!("| sha256x4::digest4 | {four:.2} |");
    println!("| sha256x4::SingleBlockQueue | {queued:.2} |");
}
