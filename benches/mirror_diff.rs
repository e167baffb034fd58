//! mirrorDiff on 10 million SHA-256 digests a side (issue #3): sort + dedup + in-place merge.
//! No criterion: medians of a few runs keep the build short. `cargo bench --bench mirror_diff`;
//! `MIRROR_N` and `MIRROR_RUNS` change the size and the number of runs.
//!
//! The lists overlap by 90%: previous = A ∪ B, current = A ∪ C with |B| = |C| = 10%, in random
//! order (digests are uniformly random, like real SHA-256 output).

use std::hint::black_box;
use std::time::{Duration, Instant};
use tikhash::payload::{mirror_diff, Digests};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: reproducible, fast, good enough to stand in for digests.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn digest(&mut self) -> [u8; 32] {
        let mut d = [0u8; 32];
        for c in d.chunks_exact_mut(8) {
            c.copy_from_slice(&self.next().to_le_bytes());
        }
        d
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, (self.next() % (i as u64 + 1)) as usize);
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let n = env("MIRROR_N", 10_000_000);
    let runs = env("MIRROR_RUNS", 3);
    let changed = n / 10;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let shared: Vec<[u8; 32]> = (0..n - changed).map(|_| rng.digest()).collect();
    let mut previous = shared.clone();
    previous.extend((0..changed).map(|_| rng.digest()));
    let mut current = shared;
    current.extend((0..changed).map(|_| rng.digest()));
    rng.shuffle(&mut previous);
    rng.shuffle(&mut current);

    let mut times = Vec::new();
    for _ in 0..runs {
        let (p, c) = (previous.clone(), current.clone());
        let t = Instant::now();
        let d = mirror_diff(Digests::Sha256(p), Digests::Sha256(c)).unwrap();
        times.push(t.elapsed());
        assert_eq!((d.add.len(), d.remove.len()), (changed, changed));
        black_box(d);
    }
    let med = median(times.clone());
    println!(
        "mirror_diff: {n} x 2 SHA-256 digests, {changed} added + {changed} removed: median {:.3} s \
         over {runs} runs (min {:.3} s, max {:.3} s); {:.1} M digests/s; working memory {} MB",
        med.as_secs_f64(),
        times.iter().min().unwrap().as_secs_f64(),
        times.iter().max().unwrap().as_secs_f64(),
        (2 * n) as f64 / med.as_secs_f64() / 1e6,
        2 * n * 32 / 1_000_000,
    );
}
