#!/usr/bin/env bash
# Where the bytes of the package's WebAssembly modules go: each module built
# as the package builds it (scripts/wasm-module.sh) but with the function
# names kept (`--debuginfo`), then `twiggy top` (the largest
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
bash scripts/wasm-module.sh "$feature" "$out" "$feature" --names
bash scripts/wasm-module.sh "$feature" "$out/stripped" "$feature"
cp "$out/stripped/${feature}_bg.wasm" "$out/$feature.wasm"
mv "$out/${feature}_bg.wasm" "$out/$feature.named.wasm"
echo "module ($feature): $(stat -c%s "$out/$feature.wasm") B, $(gzip -9c "$out/$feature.wasm" | wc -c) B gzip -9"
echo
twiggy top -n "$rows" "$out/$feature.named.wasm"
echo
twiggy dominators -d 2 -r "$rows" "$out/$feature.named.wasm"
