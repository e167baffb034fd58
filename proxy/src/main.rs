//! tikhash-proxy: placeholder until the proxy lands.
fn main() {}
