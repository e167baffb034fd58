#!/usr/bin/env bash
# Browser end-to-end tests: builds the npm package and the proxy, starts the proxy in sandbox
# mode on a free loopback port with a throw-away ledger, runs the Playwright tests (Debian's
# Chromium, never a downloaded browser), the "from npm into a Vite app" check and the CLI tests
# (tests/cli/, which start a proxy of their own), and always
# stops the proxy. Set TIKHASH_E2E_SKIP_BUILD=1 to reuse pkg/ and the proxy binary.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ "${TIKHASH_E2E_SKIP_BUILD:-}" != 1 ]; then
  bash scripts/build-pkg.sh
  cargo build -p tikhash-proxy
fi
[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium is missing (apt-get install chromium)" >&2; exit 1; }

for dir in tests/e2e tests/consumer-vite tests/cli; do
  (cd "$dir" && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; })
done

tmp=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
proxy_pid=
cleanup() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Sandbox: no token. Small audiences are allowed (the fixtures have a handful of rows) and the
# simulated rate limit is out of the way; the 24 h REPLACE rule stays as it is.
env -u TIKTOK_ACCESS_TOKEN \
  TIKHASH_LISTEN="127.0.0.1:${port}" TIKHASH_DB="$tmp/ledger.db" \
  TIKHASH_SANDBOX_MIN_AUDIENCE=1 TIKHASH_SANDBOX_RATE=100000 \
  ./target/debug/tikhash-proxy >"$tmp/proxy.log" 2>&1 &
proxy_pid=$!
url="http://127.0.0.1:${port}"
for _ in $(seq 1 100); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "$proxy_pid" 2>/dev/null || { echo "e2e: the proxy exited:" >&2; cat "$tmp/proxy.log" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "$url/healthz" >/dev/null || { echo "e2e: the proxy did not answer on $url" >&2; cat "$tmp/proxy.log" >&2; exit 1; }
echo "[e2e] proxy (sandbox) on $url"

# The proxy prints a one-time sign-in link at start-up (loopback, no users yet): the browser
# tests sign in through it, as a new user of the demo would.
login=
for _ in $(seq 1 50); do
  login=$(grep -o "http://127\.0\.0\.1:${port}/?login=[0-9a-f]*" "$tmp/proxy.log" | head -n 1 || true)
  [ -n "$login" ] && break
  sleep 0.1
done
[ -n "$login" ] || { echo "e2e: the proxy printed no sign-in link:" >&2; cat "$tmp/proxy.log" >&2; exit 1; }
# A team user (for the sign-in page) and an admin key (for the tests' own checks of what the
# sandbox and ledger saw), added with the subcommands while the proxy runs.
e2e_password="e2e-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$e2e_password" | TIKHASH_DB="$tmp/ledger.db" ./target/debug/tikhash-proxy users add e2e-user --role admin >/dev/null
e2e_key=$(TIKHASH_DB="$tmp/ledger.db" ./target/debug/tikhash-proxy keys create --name e2e-checks --role admin | tail -n 1)

status=0
# connect.test.mjs and a11y.test.mjs connect a TikTok account (the sandbox's made-up advertisers
# replace the default one while connected), so they run after the others, one at a time.
(cd tests/e2e && export TIKHASH_E2E_URL="$url" TIKHASH_E2E_LOGIN="$login" TIKHASH_E2E_USER=e2e-user \
  TIKHASH_E2E_PASSWORD="$e2e_password" TIKHASH_E2E_KEY="$e2e_key" \
  && { node --test --test-concurrency=1 csv.test.mjs announce.test.mjs sync.test.mjs access.test.mjs history.test.mjs rerun.test.mjs; a=$?; node --test --test-concurrency=1 connect.test.mjs a11y.test.mjs; exit $((a | $?)); }) || status=$?
if [ "$status" -ne 0 ]; then echo "[e2e] proxy log:"; tail -n 40 "$tmp/proxy.log"; fi
node tests/consumer-vite/check.mjs || status=$?
# `npx tikhash sync` from the packed package against its own sandbox proxy (tests/cli/).
node --test tests/cli/ || status=$?
exit "$status"
