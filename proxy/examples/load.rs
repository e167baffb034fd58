//! Load benchmark (placeholder until it lands).
fn main() {}
