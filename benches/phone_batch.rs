//! Native phone batches on the mixed-country phones that bench/phones.mjs writes, the same file
//! the wasm side (bench/phone-batch.mjs) hashes: `node bench/phones.mjs && cargo bench -p
//! tikhash --bench phone_batch`, or let bench/phone-batch.mjs run it between its own rounds.
//!
//! Arguments: `[FILE] [--runs N] [--json]`. Prints the median M rows/s of `hash_batch`,
//! `hash_batch_hex_into` (the entry point the wasm batch uses), normalization alone and
//! SHA-256 of the normalized numbers alone, as a table or (`--json`) one line for the driver.

use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::time::Instant;
use tikhash::batch::{hash_batch, hash_batch_hex_into};
use tikhash::normalize::phone::normalize_phone;
use tikhash::{Kind, Options};

/// Median M rows/s of `runs` timed runs of `f` (after one untimed run) over `rows` rows.
fn measure(rows: usize, runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut speeds: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            rows as f64 / t.elapsed().as_secs_f64() / 1e6
        })
        .collect();
    speeds.sort_by(f64::total_cmp);
    speeds[runs / 2]
}

/// Reads the phones, times each case, prints the table (or one JSON line).
fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut file = String::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/bench/data/phones.txt"
    ));
    let (mut runs, mut json) = (7, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs),
            _ => file = arg,
        }
    }
    let Ok(text) = std::fs::read_to_string(&file) else {
        eprintln!("phone_batch: cannot read {file}; write it first with `node bench/phones.mjs`");
        std::process::exit(2);
    };
    let values: Vec<&str> = text.lines().collect();
    let rows = values.len();
    let options = Options::default();

    let mut out = Vec::with_capacity(rows * 64);
    let mut rejected = Vec::new();
    let hex_into = measure(rows, runs, || {
        out.clear();
        rejected.clear();
        hash_batch_hex_into(
            Kind::Phone,
            values.iter().copied(),
            &options,
            &mut out,
            &mut rejected,
        )
        .unwrap();
        black_box(&out);
    });
    let typed = measure(rows, runs, || {
        black_box(hash_batch(Kind::Phone, values.iter().copied(), &options).unwrap());
    });
    let normalize_only = measure(rows, runs, || {
        for v in &values {
            let _ = black_box(normalize_phone(v));
        }
    });
    let normalized: Vec<String> = values
        .iter()
        .filter_map(|v| normalize_phone(v).ok())
        .map(|p| p.as_str().to_owned())
        .collect();
    let hash_only = measure(rows, runs, || {
        for n in &normalized {
            black_box(Sha256::digest(n.as_bytes()));
        }
    });
    if json {
        println!(
            "{{\"rows\":{rows},\"rejected\":{},\"hash_batch_hex_into\":{hex_into},\"hash_batch\":{typed},\"normalize_only\":{normalize_only},\"sha256_only\":{hash_only}}}",
            rejected.len()
        );
    } else {
        println!("{rows} phones from {file}, median of {runs} runs, M rows/s\n");
        println!("| native | M rows/s |");
        println!("|---|---:|");
        println!("| hash_batch_hex_into | {hex_into:.2} |");
        println!("| hash_batch | {typed:.2} |");
        println!("| normalize only (normalize_phone) | {normalize_only:.2} |");
        println!("| SHA-256 only (sha2, normalized) | {hash_only:.2} |");
        println!("\n{} rejected", rejected.len());
    }
}
