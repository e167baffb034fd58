#!/usr/bin/env bash
# Builds the npm package `tikhash` into pkg/: wasm-pack compiles the crate for the `web`
# target (an ES module that works in browsers, bundlers and, through node.js, Node), then the
# hand-written JS entry points and types from js/ are laid beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

profile=${1:---release}
wasm-pack build "$profile" --target web --out-dir pkg --out-name tikhash_core --no-pack .
cp js/*.js js/*.d.ts js/LICENSE-* pkg/
mkdir -p pkg/sync && cp js/sync/*.js js/sync/*.d.ts pkg/sync/
cp README.md pkg/README.md
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync("js/package.json", "utf8"));
  pkg.version = process.argv[1];
  fs.writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
' "$version"
# wasm-pack writes its own .gitignore (`*`) into pkg/; npm pack would honour it.
rm -f pkg/.gitignore pkg/tikhash_core.d.ts pkg/tikhash_core_bg.wasm.d.ts
gz=$(gzip -9c pkg/tikhash_core_bg.wasm | wc -c)
raw=$(wc -c < pkg/tikhash_core_bg.wasm)
echo "[build] pkg/ ready: tikhash_core_bg.wasm ${raw} bytes, ${gz} bytes gzipped"
