#!/usr/bin/env bash
# Runs every test of tikhash: formatting and lints, the Rust tests (crate and proxy), the same
# vectors in wasm under Node and headless Chromium, the JS tests against the built npm package,
# the Python package (python/) against the same pkg/, and the browser end-to-end tests against
# the proxy's sandbox. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
bash scripts/setup-toolchain.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "generated phone metadata and vectors match libphonenumber-js"
(cd tools/phone-metadata && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && node generate.mjs && node vectors.mjs) >/dev/null
git diff --exit-code --stat -- src/normalize/phone/metadata.rs tests/vectors/phone.json

step "Rust tests (native)"
cargo test --workspace

step "wasm tests under Node"
wasm-pack test --node

step "wasm tests in headless Chromium"
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=$(command -v chromedriver) wasm-pack test --headless --chrome

step "npm package build"
bash scripts/build-pkg.sh

step "wasm size budget (150 KB = 150,000 bytes gzipped, phone metadata included)"
gz=$(gzip -9c pkg/tikhash_core_bg.wasm | wc -c)
echo "tikhash_core_bg.wasm: ${gz} bytes gzipped (budget 150000)"
[ "$gz" -le 150000 ] || { echo "the wasm binary is over its size budget" >&2; exit 1; }

step "JS tests against the built package"
(cd tests/js && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; })
node --test tests/js/
(cd tests/js && npx --no-install tsc -p tsconfig.json && npx --no-install tsc -p tsconfig.node.json && npx --no-install tsc -p tsconfig.bare.json)
echo "type check of the TypeScript surface (DOM, Node-only and bare ES2022 projects): ok"

step "npm package lint: the packed tarball through publint and arethetypeswrong (esm-only)"
pack_dir=$(mktemp -d)
(cd pkg && npm pack --silent --pack-destination "$pack_dir" >/dev/null)
tarball=$(ls "$pack_dir"/tikhash-*.tgz)
packed_files=$(tar -tzf "$tarball")
for license in LICENSE-MIT LICENSE-APACHE; do
  grep -qx "package/$license" <<<"$packed_files" || { echo "$license is missing from the npm tarball" >&2; exit 1; }
done
node -e 'const u = require("./pkg/package.json").repository.url; if (!u.startsWith("git+https://")) throw new Error(`repository.url is not git+https: ${u}`)'
lint=$(cd tests/js && npx --no-install publint run "$tarball" --strict --level suggestion)
echo "$lint"
! grep -qE '^(Errors|Warnings|Suggestions):' <<<"$lint" || { echo "publint has something to say about the package" >&2; exit 1; }
# The .wasm subpath is an asset (for bundlers and import.meta.resolve), not a module with types.
(cd tests/js && npx --no-install attw "$tarball" --profile esm-only --exclude-entrypoints ./tikhash_core_bg.wasm --format ascii)
rm -rf "$pack_dir"

step "Python package (PyO3 wheel; vectors, properties, Spark/DuckDB/Polars against pkg/)"
bash scripts/test-python.sh

if [ -x scripts/e2e.sh ]; then
  step "browser end-to-end tests (proxy sandbox + Chromium)"
  bash scripts/e2e.sh
fi

step "all tests passed"
