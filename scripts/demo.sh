#!/usr/bin/env bash
# Sets up a fresh machine and runs the demo: builds the npm package and the proxy, then starts
# the proxy in SANDBOX mode (no TikTok token: a built-in TikTok simulator answers, nothing leaves
# this machine) serving the web page. Open the one-time sign-in link it prints. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TIKHASH_NO_BROWSER=1 bash scripts/setup-toolchain.sh
bash scripts/build-pkg.sh
cargo build -p tikhash-proxy
unset TIKTOK_ACCESS_TOKEN
export TIKHASH_LISTEN=${TIKHASH_LISTEN:-127.0.0.1:8787}
export TIKHASH_DB=${TIKHASH_DB:-./tikhash-demo.db}
echo "[demo] sandbox mode; ledger in ${TIKHASH_DB}"
echo "[demo] open the one-time sign-in link the proxy prints below (http://${TIKHASH_LISTEN}/?login=…); it signs you in as the owner."
echo "[demo] (no link is printed once users exist in ${TIKHASH_DB}: sign in at http://${TIKHASH_LISTEN}/signin.html instead)"
# exec, so the proxy's own output (the link included) goes straight to this terminal.
exec ./target/debug/tikhash-proxy
