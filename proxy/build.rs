//! Picks the folders embedded in the binary: the repository's `www/` (the page) and `pkg/`
//! (the npm package made by `scripts/build-pkg.sh`). `pkg/` may not exist yet (clippy and the
//! Rust tests run before the package is built), so an empty folder under `OUT_DIR` stands in
//! for it and `/pkg/` answers 404 saying how to build it. Cargo re-runs this script, and so
//! re-embeds, whenever anything under either folder changes.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let repo = manifest.parent().unwrap_or(&manifest).to_path_buf();
    embed(
        "TIKHASH_EMBED_WWW",
        &repo.join("www"),
        &out.join("empty-www"),
    );
    embed(
        "TIKHASH_EMBED_PKG",
        &repo.join("pkg"),
        &out.join("empty-pkg"),
    );
    println!("cargo:rerun-if-changed=build.rs");
}

/// Points `var` (read by rust-embed's `#[folder]`) at `dir`, or at an empty `stand_in` when
/// `dir` is missing, and asks cargo to watch `dir`.
fn embed(var: &str, dir: &Path, stand_in: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let present = dir.is_dir();
    let chosen = if present {
        dir.to_path_buf()
    } else {
        std::fs::create_dir_all(stand_in).expect("OUT_DIR is writable");
        stand_in.to_path_buf()
    };
    println!("cargo:rustc-env={var}={}", chosen.display());
    println!(
        "cargo:rustc-env={var}_PRESENT={}",
        if present { "1" } else { "0" }
    );
}
