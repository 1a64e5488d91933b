#!/usr/bin/env bash
# Builds the package's two WebAssembly modules (ES modules for browsers,
# with wasm-opt from the npm `binaryen` package on PATH): pkg/ with the
# `npm` feature (the EventSource class's connection core), and pkg-parser/
# with `npm-parser` (the parser alone, for createParser and the
# TransformStream). Both use the Talc allocator (Cargo.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
wasm-pack --log-level warn build --release --target web --no-pack \
  --out-dir pkg --out-name eventsource_wasm -- --features npm
wasm-pack --log-level warn build --release --target web --no-pack \
  --out-dir pkg-parser --out-name eventsource_wasm_parser -- --features npm-parser
