#!/usr/bin/env bash
# Creates (or reuses) the Python environment with the official OpenMetadata
# ingestion client that the contract tests run: .venv-ingestion/ in the checkout
# (git-ignored). Prints the venv's path on the last line of stdout.
#
#   ./scripts/python-env.sh            # create if missing, verify
#   TESSERA_PYTHON_ENV_FORCE=1 ./scripts/python-env.sh   # rebuild from scratch
#
# The pins come from installing this client offline, here: without them the
# install fails offline (dbt-core 1.12 builds an sdist that downloads from
# GitHub), the CLI crashes on import (cachetools is undeclared), or the
# test-connection step fails with a misleading CheckAccess error (jaraco.context 6).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${TESSERA_PYTHON_ENV:-$ROOT/.venv-ingestion}
CLIENT_VERSION=1.7.7.4
# Bump when the pins below change, so existing venvs are rebuilt.
# [postgres] brings psycopg2, for the PostgreSQL source of the acceptance runs.
RECIPE="openmetadata-ingestion[postgres]==$CLIENT_VERSION cachetools; dbt-core<1.11; jaraco.context<6"

log() { printf '==> %s\n' "$*" >&2; }

verify() {
    "$VENV/bin/metadata" --version >&2 &&
        "$VENV/bin/python" -c 'import metadata.generated.schema.entity.data.table, psycopg2' >&2
}

# Test binaries may ask for the venv at the same time: one builds it, the others wait and reuse it.
mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9

if [ "${TESSERA_PYTHON_ENV_FORCE:-0}" = 1 ]; then rm -rf "$VENV"; fi

# Reuse a venv built from the same recipe (checked when it was built; the contract test's own
# imports fail loudly if it broke since). TESSERA_PYTHON_ENV_VERIFY=1 checks it again.
if [ -f "$VENV/.tessera-recipe" ] && [ "$(cat "$VENV/.tessera-recipe")" = "$RECIPE" ] && [ -x "$VENV/bin/python" ] &&
    { [ "${TESSERA_PYTHON_ENV_VERIFY:-0}" != 1 ] || verify 2>/dev/null; }; then
    echo "$VENV"
    exit 0
fi

PYTHON=${TESSERA_PYTHON:-python3}
command -v "$PYTHON" >/dev/null || { echo "error: $PYTHON not found (Python >= 3.9 needed)" >&2; exit 1; }

log "creating $VENV with openmetadata-ingestion==$CLIENT_VERSION (takes about a minute)"
start=$(date +%s)
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
constraints=$(mktemp)
trap 'rm -f "$constraints"' EXIT
printf 'dbt-core<1.11\njaraco.context<6\n' >"$constraints"
"$VENV/bin/pip" install --quiet --upgrade pip >&2
"$VENV/bin/pip" install --quiet "openmetadata-ingestion[postgres]==$CLIENT_VERSION" cachetools -c "$constraints" >&2
verify || { echo "error: the ingestion client was installed but does not import" >&2; exit 1; }
echo "$RECIPE" >"$VENV/.tessera-recipe"
log "python env ready in $(( $(date +%s) - start )) s"
echo "$VENV"
