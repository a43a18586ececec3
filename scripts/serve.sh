#!/usr/bin/env bash
# README command 1: build everything, then serve www/ on http://127.0.0.1:8080/ (or the
# next free port; PORT=… or a first argument picks another).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$NNDL_ROOT"
bash scripts/build.sh
exec node scripts/serve.mjs "$@"
