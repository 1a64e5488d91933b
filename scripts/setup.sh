#!/usr/bin/env bash
# Installs everything eventsource-wasm needs to build, test and run its demo,
# on a fresh Debian machine with only rustup, Node and npm present.
# Idempotent: every step checks first and does nothing when already satisfied,
# so `npm test` and `npm start` can call it on every run.
#
# Pitfalls this script avoids are listed in docs/development.md.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="$HOME/.cargo/bin:$PATH"
have cargo || { echo "setup: cargo not found; install Rust with rustup first" >&2; exit 1; }

# 1. The wasm32 target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 1b. The pinned nightly that builds the npm package's modules
#     (scripts/toolchain.env, scripts/wasm-module.sh): minimal, with the
#     standard library's source for `-Z build-std`.
source scripts/toolchain.env
if ! rustup run "$NPM_TOOLCHAIN" rustc --version >/dev/null 2>&1 \
  || [ ! -d "$(rustup run "$NPM_TOOLCHAIN" rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  step "installing $NPM_TOOLCHAIN with rust-src (builds the npm package's modules)"
  rustup toolchain install "$NPM_TOOLCHAIN" --profile minimal --component rust-src
fi

# 2. wasm-bindgen-cli, at exactly the version Cargo.lock pins (wasm-pack
#    ignores a CLI of any other version and then tries to download one).
[ -f Cargo.lock ] || cargo generate-lockfile
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
got=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$got" != "$want" ]; then
  step "installing wasm-bindgen-cli $want (found: ${got:-none}); takes a few minutes"
  # --locked fails on some registry mirrors (a pinned transitive version is
  # missing), so fall back to a normal resolution.
  cargo install wasm-bindgen-cli --version "$want" --locked --force \
    || cargo install wasm-bindgen-cli --version "$want" --force
fi

# 3. wasm-pack.
if ! have wasm-pack; then
  step "installing wasm-pack; takes a few minutes"
  cargo install wasm-pack --locked
fi

# 4. The three browser engines, from Debian (never a browser download):
#    Chromium and its matching driver; Firefox ESR; WebKitGTK's WebDriver
#    with its MiniBrowser, and Xvfb, which MiniBrowser needs for a display.
webkit_browser=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
if ! have chromium || ! have chromedriver || ! have firefox-esr || ! have WebKitWebDriver \
  || [ ! -x "$webkit_browser" ] || ! have xvfb-run; then
  step "installing chromium, chromium-driver, firefox-esr, webkit2gtk-driver and xvfb from apt"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    chromium chromium-driver firefox-esr webkit2gtk-driver xvfb >/dev/null
fi

# 5. geckodriver, Firefox's WebDriver (not packaged by Debian).
if ! have geckodriver; then
  step "installing geckodriver; takes a few minutes"
  cargo install geckodriver --locked
fi

# 6. npm packages (wasm-opt from `binaryen`, browser drivers, bundlers).
#    `npm install` honours package-lock.json; `npm ci` trips over optional
#    packages of other platforms with npm 11. Re-run only when the lockfile
#    changed since the last install.
stamp=node_modules/.setup-stamp
manifest_sum() { { cat package.json; cat package-lock.json 2>/dev/null || true; } | sha256sum | cut -d' ' -f1; }
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(manifest_sum)" ]; then
  step "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
  manifest_sum > "$stamp"
fi

# 7. The Python side of the interop tests: FastAPI + sse-starlette, pinned,
#    in a virtual environment of the repository (tests/interop/.venv).
venv=tests/interop/.venv
req_sum=$(sha256sum tests/interop/requirements.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.setup-stamp" 2>/dev/null)" != "$req_sum" ]; then
  step "installing the Python interop server's packages"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
  echo "$req_sum" > "$venv/.setup-stamp"
fi

step "ready (wasm-bindgen $want, $(wasm-pack --version), $(chromium --version 2>/dev/null | head -1), $(firefox-esr --version 2>/dev/null | head -1), $(geckodriver --version 2>/dev/null | head -1), WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0 2>/dev/null))"
