#!/usr/bin/env bash
# Builds the package's WebAssembly modules (ES modules for browsers):
# pkg/ with the `npm` feature (the EventSource class's connection core),
# pkg-stats/ the same core with the `stats` feature (stream stats and
# diagnostics, for `eventsource-wasm/stats`; its glue must be pkg/'s,
# which scripts/build-package.mjs checks), and pkg-parser/ with
# `npm-parser` (the parser alone, for createParser and the
# TransformStream). All use the Talc allocator (Cargo.toml); how each is
# built is scripts/wasm-module.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/wasm-module.sh npm pkg eventsource_wasm
bash scripts/wasm-module.sh npm-stats pkg-stats eventsource_wasm
bash scripts/wasm-module.sh npm-parser pkg-parser eventsource_wasm_parser
