#!/usr/bin/env bash
# README command 2: set up, build, then run every test suite in order:
#   1. cargo test --no-fail-fast        native unit + integration tests (every test binary)
#   2. wasm-bindgen tests               tests/wasm.rs in headless Chromium (if it exists)
#   3. node --test tests/browser/       the page in headless Chromium (Playwright)
# Every suite runs even if an earlier one failed; the exit status is non-zero when any
# step failed. The last line is "summary: N passed, N failed" over all tests counted.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NNDL_ROOT"

T0="$(now_s)"
LOGDIR="test-results/logs"
mkdir -p "$LOGDIR"
PASSED=0
FAILED=0
STEP_LINES=()
ANY_FAIL=0

# Counts from the runners' own summary lines in a log.
count_cargo() { # "test result: ok. 12 passed; 0 failed; ..."
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
       END { printf "%d %d\n", p, f }' "$1"
}
count_node() { # spec reporter "ℹ pass 3" / TAP "# pass 3"
  awk '/^(ℹ|#) pass [0-9]+$/ { p += $3 } /^(ℹ|#) fail [0-9]+$/ { f += $3 } END { printf "%d %d\n", p, f }' "$1"
}

# step NAME COUNTER CMD...: runs CMD with output to the terminal and to a log.
step() {
  local name="$1" counter="$2"; shift 2
  local log="$LOGDIR/$name.log" t rc p f
  t="$(now_s)"
  log ""
  log "=== test: $name ==="
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  read -r p f < <("$counter" "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # failed before any test ran (e.g. a compile error)
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  if [ "$rc" -eq 0 ]; then
    STEP_LINES+=("  ok    $name: $p passed ($(elapsed "$t"))")
  else
    ANY_FAIL=1
    STEP_LINES+=("  FAIL  $name: exit $rc, $p passed, $f failed ($(elapsed "$t")); log: $log")
  fi
  return 0
}

finish() {
  log ""
  log "=== test summary ($(elapsed "$T0")) ==="
  printf '%s\n' "${STEP_LINES[@]}"
  if [ "$ANY_FAIL" -ne 0 ] && [ "$FAILED" -eq 0 ]; then FAILED=1; fi
  log "summary: $PASSED passed, $FAILED failed"
  [ "$ANY_FAIL" -eq 0 ]
  exit $?
}

t="$(now_s)"
if ! bash scripts/setup.sh; then
  STEP_LINES+=("  FAIL  setup"); ANY_FAIL=1; finish
fi
STEP_LINES+=("  ok    setup ($(elapsed "$t"))")

t="$(now_s)"
if ! NNDL_SKIP_SETUP=1 bash scripts/build.sh; then
  # Without the wasm build the browser suites cannot run; the native tests still can.
  STEP_LINES+=("  FAIL  build ($(elapsed "$t"))"); ANY_FAIL=1
  step cargo-test count_cargo cargo test --no-fail-fast
  finish
fi
STEP_LINES+=("  ok    build ($(elapsed "$t"))")

step cargo-test count_cargo cargo test --no-fail-fast

if [ -f tests/wasm.rs ]; then
  step wasm-bindgen-test count_cargo env \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER=/usr/bin/chromedriver \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$NNDL_ROOT/webdriver.json" \
    WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}" \
    WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-30}" \
    cargo test --target wasm32-unknown-unknown --test wasm
else
  STEP_LINES+=("  skip  wasm-bindgen-test (no tests/wasm.rs)")
fi

shopt -s nullglob
browser_tests=(tests/browser/*.test.mjs)
shopt -u nullglob
if [ "${#browser_tests[@]}" -gt 0 ]; then
  step browser count_node node --test --test-reporter=spec "${browser_tests[@]}"
else
  STEP_LINES+=("  skip  browser (no tests/browser/*.test.mjs)")
fi

finish
