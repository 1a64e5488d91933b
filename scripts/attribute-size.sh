#!/usr/bin/env bash
# Where the bytes of the package's WebAssembly modules go: each module built
# as the package builds it (release, wasm-bindgen, wasm-opt -O3) but with
# the function names kept (`--debuginfo`), then `twiggy top` (the largest
# functions and data) and `twiggy dominators` (what keeps what). Function
# names add about 9 KB to the module; nothing else differs.
# Usage: bash scripts/attribute-size.sh [npm|npm-parser] [rows]
# Needs twiggy: `cargo install twiggy --locked` (not installed by setup).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
feature=${1:-npm}
rows=${2:-40}
command -v twiggy >/dev/null || { echo "twiggy not found: cargo install twiggy --locked" >&2; exit 1; }
out=target/attribute
mkdir -p "$out"
cargo build --release --target wasm32-unknown-unknown --lib --features "$feature" --quiet
wasm-bindgen target/wasm32-unknown-unknown/release/eventsource_wasm.wasm \
  --out-dir "$out" --target web --out-name "$feature"
wasm-opt "$out/${feature}_bg.wasm" -O3 --debuginfo --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  -o "$out/$feature.named.wasm"
wasm-opt "$out/${feature}_bg.wasm" -O3 --strip-debug --strip-producers --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  -o "$out/$feature.wasm"
echo "module ($feature): $(stat -c%s "$out/$feature.wasm") B, $(gzip -9c "$out/$feature.wasm" | wc -c) B gzip -9"
echo
twiggy top -n "$rows" "$out/$feature.named.wasm"
echo
twiggy dominators -d 2 -r "$rows" "$out/$feature.named.wasm"
