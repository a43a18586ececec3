# Shared helpers for scripts/*.sh (sourced, not run).
# shellcheck shell=bash

NNDL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NNDL_ROOT

# cargo install puts binaries here; a fresh shell may not have it on PATH.
case ":$PATH:" in
  *":$HOME/.cargo/bin:"*) ;;
  *) export PATH="$HOME/.cargo/bin:$PATH" ;;
esac

log()  { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# now_s: seconds since the epoch with a fraction (for step timings).
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1fs", b - a }'; }

# run_quiet DESCRIPTION CMD...: runs CMD with its output in a log file; on failure
# prints the log's tail and returns CMD's status.
run_quiet() {
  local desc="$1"; shift
  local logfile
  logfile="$(mktemp "${TMPDIR:-/tmp}/nndl-XXXXXX.log")"
  if "$@" >"$logfile" 2>&1; then
    rm -f "$logfile"
    return 0
  else
    local rc=$?
    printf 'error: %s failed (exit %d); last lines of %s:\n' "$desc" "$rc" "$logfile" >&2
    tail -n 40 "$logfile" >&2
    return "$rc"
  fi
}

# as_root CMD...: runs CMD as root (directly when we are root, else through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $*"
  fi
}

# lock_version PACKAGE: the version of PACKAGE recorded in Cargo.lock (empty if none).
lock_version() {
  awk -v want="$1" '
    /^\[\[package\]\]/ { name = ""; next }
    /^name = / { gsub(/"/, "", $3); name = $3; next }
    /^version = / && name == want { gsub(/"/, "", $3); print $3; exit }
  ' "$NNDL_ROOT/Cargo.lock" 2>/dev/null || true
}
