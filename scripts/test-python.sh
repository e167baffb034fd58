#!/usr/bin/env bash
# Tests the Python package (python/): its own cargo fmt and clippy (it is outside the root
# workspace), then pytest over the wheel built with maturin: the shared vectors, hypothesis
# properties, and PySpark (local[2]), DuckDB and Polars against the npm package's hashes of the
# same 1M rows, which needs pkg/ (`bash scripts/build-pkg.sh`, run before this in scripts/test.sh).
# Installs what it needs and skips what is there: Java 17 for Spark, a venv in python/.venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

java_major() { java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1; }
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then
  step "Java 17 for PySpark"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

venv=python/.venv
if [ ! -x "$venv/bin/python" ]; then
  step "Python venv ($venv)"
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import maturin, pyarrow, pyspark, duckdb, polars, pytest, hypothesis, pandas' 2>/dev/null; then
  step "Python test dependencies"
  "$venv/bin/pip" install -q --upgrade pip
  # pandas: PySpark imports it for its Arrow conversions; it does not yet support pandas 3.
  "$venv/bin/pip" install -q maturin pyarrow pyspark duckdb polars pytest hypothesis "pandas<3"
fi

step "python/: cargo fmt --check and clippy"
(cd python && cargo fmt -- --check && cargo clippy --all-targets -- -D warnings)

step "python/: build and install the wheel (maturin, abi3)"
"$venv/bin/pip" install -q --force-reinstall --no-deps ./python

step "pytest (python/tests)"
[ -f pkg/node.js ] || { echo "pkg/ is not built: run bash scripts/build-pkg.sh first" >&2; exit 1; }
# Run from the tests folder so that `import tikhash` is the installed wheel, not python/tikhash.
set +e
(cd python/tests && "../.venv/bin/python" -m pytest -q -p no:cacheprovider "$@")
status=$?
set -e
# pytest exits 5 when it collected no test: that is a failure here too.
[ "$status" -eq 0 ] || { echo "pytest failed (exit $status)" >&2; exit 1; }
