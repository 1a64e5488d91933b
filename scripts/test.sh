#!/usr/bin/env bash
# Every test eventsource-wasm has, in order of cost. Called by `npm test`
# after scripts/setup.sh; stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

section() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

section "format and lints"
cargo fmt --all -- --check
# The fuzz crate is outside the workspace (it builds on nightly only).
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy -p eventsource-wasm-demo-server --quiet -- -D warnings
cargo clippy -p eventsource-wasm-rust-frontend --target wasm32-unknown-unknown --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --tests --examples --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --features npm --quiet -- -D warnings
# As the npm modules are built: without the default `stats` feature.
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features npm --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features npm,stats --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --features npm-parser --quiet -- -D warnings
# Every intra-doc link resolves, for both targets.
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet --target wasm32-unknown-unknown
# The crate as it would be published, built from its packaged files alone
# (the file list itself: tests/e2e/package-files.test.mjs).
cargo package --allow-dirty --quiet -p eventsource-wasm --target wasm32-unknown-unknown
# The JavaScript and JSON: formatted and linted by Biome (biome.json).
biome ci .

section "native Rust: unit, vectors, property tests, doc examples"
cargo test --quiet

section "build the WebAssembly and npm packages, the examples and the demo server"
node scripts/build-examples.mjs

section "type-check the JavaScript against its declarations (tsc --checkJs)"
# Needs the built package: js/ imports the module wasm-bindgen generated,
# whose types are in dist/package/wasm (tsconfig.json). TypeScript 7, by
# its path: `typescript-5.9` (for tests/e2e/types.test.mjs) has a `tsc` too.
node node_modules/typescript/bin/tsc -p .

section "WebAssembly in headless Chromium (wasm-pack test)"
# The scriptable SSE server the browser tests talk to, and the interop
# servers (FastAPI, Express, axum, an MCP server of the official SDK, the
# AI SDK's chat endpoint);
# their URLs reach the tests at compile time. All are stopped on exit.
server_log=$(mktemp)
interop_env=$(mktemp)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -f "$server_log" "$interop_env"
}
trap cleanup EXIT
node tests/server/sse-test-server.mjs 0 > "$server_log" &
pids+=($!)
node tests/interop/servers.mjs > "$interop_env" &
pids+=($!)
# (The MCP and AI SDK servers' packages are installed first: up to two
# minutes.)
for _ in $(seq 1200); do
  grep -q listening "$server_log" && [ "$(grep -c '^INTEROP_' "$interop_env")" = 5 ] && break
  sleep 0.1
done
SSE_TEST_SERVER=$(awk '/listening/ { print $2 }' "$server_log")
[ -n "$SSE_TEST_SERVER" ] || { echo "the SSE test server did not start" >&2; exit 1; }
[ "$(grep -c '^INTEROP_' "$interop_env")" = 5 ] || { echo "the interop servers did not start" >&2; exit 1; }
export SSE_TEST_SERVER
while IFS='=' read -r name url; do export "$name=$url"; done < <(grep '^INTEROP_' "$interop_env")
# The runner gives a whole test file 20 s by default; the chaos test alone
# takes 10-20 s (longer on a loaded machine).
export WASM_BINDGEN_TEST_TIMEOUT=300
wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)" -- \
  --test web --test web_client --test web_worker --test web_interop --test web_scenarios

section "WebAssembly in headless Firefox (wasm-pack test)"
wasm-pack test --headless --firefox --geckodriver "$(command -v geckodriver)" -- \
  --test web --test web_client --test web_worker --test web_interop --test web_scenarios
cleanup
trap - EXIT

section "JavaScript and end-to-end in headless Chromium (node --test)"
node --test tests/e2e/

# The suites that compare with, or stand in for, the native class, and the
# scenario table the Rust API runs too (tests/web_scenarios.rs), in the
# other two engines (driven over W3C WebDriver: tests/e2e/webdriver.mjs).
# The bundler, demo and interop suites are engine-independent builds and
# servers, and run in Chromium only.
for engine in firefox webkit; do
  section "JavaScript differential, API, robustness, LLM streams, MCP and AI SDK servers, sharing, the scenario table and stream stats in headless ${engine} (node --test)"
  ENGINE=$engine node --test tests/e2e/differential.test.mjs tests/e2e/js-api.test.mjs tests/e2e/robustness.test.mjs \
    tests/e2e/llm.test.mjs tests/e2e/mcp.test.mjs tests/e2e/ai-sdk.test.mjs tests/e2e/share.test.mjs tests/e2e/scenarios.test.mjs \
    tests/e2e/stats.test.mjs
done
