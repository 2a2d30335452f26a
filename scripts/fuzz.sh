#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (fuzz/README.md), installing cargo-fuzz when missing.
#
#   ./scripts/fuzz.sh smoke [seconds]     each target for a few seconds (default 20), with
#                                         AddressSanitizer: what ./scripts/test.sh runs
#   ./scripts/fuzz.sh long [executions]   each target for N executions (default 10 million),
#                                         without a sanitizer (5-10x faster), two at a time;
#                                         prints the table fuzz/README.md records
#   ./scripts/fuzz.sh minimize            shrinks the corpora to the inputs that add coverage
#
# Targets: TESSERA_FUZZ_TARGETS="fqn condition" picks some. The long runs add what they find to
# fuzz/corpus/<target>/ (committed; the smoke starts from it and keeps its finds in a temporary
# directory); a crash is written to fuzz/artifacts/<target>/ and fails the run. cargo-fuzz needs nightly compiler flags: RUSTC_BOOTSTRAP=1 allows them on stable.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT/fuzz"
export RUSTC_BOOTSTRAP=1
# The fuzz crate is a workspace of its own, built with other flags: keep its artifacts apart.
unset CARGO_TARGET_DIR

MODE=${1:-smoke}
TARGETS=${TESSERA_FUZZ_TARGETS:-"token env_file yaml_config fqn condition json_patch"}
# Inputs no larger than the biggest real file a target reads (deploy/openmetadata.yaml: ~5 KB).
MAX_LEN=8192

step() { printf '==> %s\n' "$*"; }

if ! cargo fuzz --version >/dev/null 2>&1; then
    step "installing cargo-fuzz (cargo install, from crates.io)"
    cargo install --locked cargo-fuzz
fi

# One target's run; its log goes to fuzz/target/logs/<target>.log, its summary to stdout. New
# inputs go to the first corpus directory given (after the options), read from all of them.
run_one() {
    local target=$1 sanitizer=$2 corpus=$3; shift 3
    local log="target/logs/$target.log" started rc=0
    local dirs=("$corpus")
    [ "$corpus" = "corpus/$target" ] || dirs+=("corpus/$target")
    mkdir -p "${dirs[@]}" target/logs
    started=$(date +%s)
    cargo fuzz run -s "$sanitizer" "$target" "${dirs[@]}" -- -max_len=$MAX_LEN "$@" >"$log" 2>&1 || rc=$?
    local seconds=$(($(date +%s) - started))
    local done_line
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
    if [ "$rc" -ne 0 ] || [ -z "$done_line" ]; then
        printf '| %s | FAILED (exit %s) | %ss | see fuzz/%s and fuzz/artifacts/%s |\n' "$target" "$rc" "$seconds" "$log" "$target"
        grep -E 'panicked at|ERROR: AddressSanitizer|SUMMARY' -A2 "$log" | head -n 12 >&2 || true
        return 1
    fi
    local runs cov corpus rate
    runs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$done_line")
    cov=$(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$done_line")
    corpus=$(sed -E 's/.*corp: ([0-9]+)\/([0-9A-Za-z]+).*/\1 inputs, \2/' <<<"$done_line")
    rate=$(sed -E 's/.*exec\/s: ([0-9]+).*/\1/' <<<"$done_line")
    printf '| %s | %s | %ss | %s/s | 0 | %s | %s |\n' "$target" "$runs" "$seconds" "$rate" "$cov" "$corpus"
}

header() {
    printf '| target | executions | time | rate | crashes | coverage (edges) | corpus |\n'
    printf '|---|---|---|---|---|---|---|\n'
}

case "$MODE" in
smoke)
    seconds=${2:-20}
    step "building the fuzz targets (AddressSanitizer)"
    cargo fuzz build -s address >/dev/null
    step "fuzzing each target for ${seconds}s"
    header
    # What the smoke finds is kept out of the committed corpus (a test leaves the checkout as it was).
    found=$(mktemp -d)
    failed=0
    for target in $TARGETS; do
        run_one "$target" address "$found/$target" -max_total_time="$seconds" || failed=1
    done
    rm -rf "$found"
    exit $failed
    ;;
long)
    executions=${2:-10000000}
    step "building the fuzz targets (no sanitizer)"
    cargo fuzz build -s none >/dev/null
    step "fuzzing each target for $executions executions, two at a time ($(nproc) cores)"
    header
    results=$(mktemp -d)
    # shellcheck disable=SC2086
    printf '%s\n' $TARGETS | xargs -P 2 -I{} bash -c \
        "$(declare -f run_one); MAX_LEN=$MAX_LEN run_one {} none corpus/{} -runs=$executions > '$results/{}' 2>&1; echo \$? > '$results/{}.rc'"
    failed=0
    for target in $TARGETS; do
        grep -E '^\|' "$results/$target" || cat "$results/$target"
        [ "$(cat "$results/$target.rc")" = 0 ] || failed=1
    done
    rm -rf "$results"
    exit $failed
    ;;
minimize)
    for target in $TARGETS; do
        step "minimizing corpus/$target"
        cargo fuzz cmin -s none "$target" "corpus/$target" -- -max_len=$MAX_LEN >"target/logs/cmin-$target.log" 2>&1
        printf '    %s inputs, %s\n' "$(ls "corpus/$target" | wc -l)" "$(du -sh "corpus/$target" | cut -f1)"
    done
    ;;
*)
    echo "usage: $0 smoke [seconds] | long [executions] | minimize" >&2
    exit 2
    ;;
esac
