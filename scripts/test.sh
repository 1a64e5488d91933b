#!/usr/bin/env bash
# Every test eventsource-wasm has, in order of cost. Called by `npm test`
# after scripts/setup.sh; stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

section() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

section "format and lints"
cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --tests --quiet -- -D warnings

section "native Rust: unit, vectors, property tests, doc examples"
cargo test --quiet

section "WebAssembly in headless Chromium (wasm-pack test)"
wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)" -- --test web

section "build the WebAssembly package"
bash scripts/build-wasm.sh

section "JavaScript and end-to-end in headless Chromium (node --test)"
node --test tests/e2e/
