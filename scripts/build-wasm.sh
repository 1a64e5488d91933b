#!/usr/bin/env bash
# Builds the WebAssembly package into pkg/ (ES module for browsers, with
# wasm-opt from the npm `binaryen` package on PATH), with the `npm` feature:
# the exports for js/, and the Talc allocator (Cargo.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
wasm-pack --log-level warn build --release --target web --no-pack \
  --out-dir pkg --out-name eventsource_wasm -- --features npm
