#!/usr/bin/env bash
# Builds one of the npm package's WebAssembly modules:
#   bash scripts/wasm-module.sh <feature> <out-dir> <out-name> [--names]
# `feature` is `npm` (the EventSource class's connection core),
# `npm-stats` (the same with stream stats and diagnostics, for
# `eventsource-wasm/stats`: same exports, same glue) or `npm-parser` (the
# parser alone); `--names` keeps function names, for
# scripts/attribute-size.sh.
#
# The modules are built with a pinned nightly toolchain ($NPM_TOOLCHAIN),
# rebuilding the standard library (`-Z build-std`) with panics as an
# immediate trap (`-C panic=immediate-abort`): the core never panics by
# design, and without std's panic handler (which formats its message
# whatever the code does) the class's module is about 3 KB gzip smaller and
# the parser's about 2.3 KB (docs/benchmarks.md). A panic traps as it did
# with `panic = "abort"`; only the message that nobody could read is gone.
# The crate itself builds on stable: Rust frontends never use this script.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
source scripts/toolchain.env
feature=$1 out=$2 name=$3 names=${4:-}
target=target/npm
features=$feature
[ "$feature" = npm-stats ] && feature=npm features=npm,stats
# The class's module inlines less than LLVM's -O3 default (threshold 50
# instead of 250): 488 B gzip less, with the class's throughput and latency
# unchanged in the benchmark run that measured it (docs/benchmarks.md). The
# parser's module keeps the default: parsing speed is all it is for.
inline=()
[ "$feature" = npm ] && inline=(-Cllvm-args=-inline-threshold=50)
RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort --cfg npm_size ${inline[*]}" \
  cargo "+$NPM_TOOLCHAIN" build --quiet --release --lib --target wasm32-unknown-unknown \
  --no-default-features --features "$features" -Z build-std=std,panic_abort --target-dir "$target"
mkdir -p "$out"
wasm-bindgen "$target/wasm32-unknown-unknown/release/eventsource_wasm.wasm" \
  --out-dir "$out" --target web --out-name "$name" --encode-into always
# wasm-opt from the npm `binaryen` package (the Debian one corrupts modules).
# The `producers` and `target_features` sections are for toolchains, not
# browsers: stripped (the second, 98 B gzip on the class's module).
# The features are the ones the module is built with; tests/e2e/support.test.mjs
# holds them to the browsers the package supports.
# The class's module takes --flatten --rereloop, a second round of -O3, and
# one more with similar functions merged: 185 B gzip less, at the same
# speed in the benchmark (docs/benchmarks.md); then locals simplified once
# more before a last -O3 (66 B gzip less).
# The parser's grows with the second round (12 B), so it keeps one.
passes=(-O3)
[ "$feature" = npm ] && passes=(-O3 --flatten --rereloop -O3 -O3 --merge-similar-functions -O3 --simplify-locals -O3)
keep=(--strip-debug)
[ "$names" = --names ] && keep=(--debuginfo)
# Last, the imports and exports get short names (the glue is rewritten to
# match: scripts/minify-names.mjs).
wasm-opt "$out/${name}_bg.wasm" "${passes[@]}" "${keep[@]}" --strip-producers --strip-target-features --enable-bulk-memory \
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
  --minify-imports-and-exports-and-modules -o "$out/${name}_bg.wasm" > "$out/${name}.names.json"
node scripts/minify-names.mjs "$out/${name}.names.json" "$out/${name}.js" "$out/${name}.d.ts"
rm "$out/${name}.names.json"
