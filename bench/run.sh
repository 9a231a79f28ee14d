#!/usr/bin/env bash
# bench/run.sh [POLICIES]: times rekon against the same reconciliation written as a DuckDB SQL job
# (bench/duckdb_job.py) on a generated world, and compares their break counts. See bench/README.md.
#
#   POLICIES      policies of the generated world (default 1000000)
#   RUNS          timed runs of each side, alternating rekon, duckdb, rekon, ... (default 3)
#   BENCH_WORLD   use this existing world folder (bank/, ledger/, rekon.json) instead of generating one
#   SKIP_BUILD=1  do not run `swift build` (use the release binary as it is)
#   REGEN=1       generate the world even when bench/work/world/.bench-stamp says it is up to date
#
# Everything it writes goes under bench/work/ (git-ignored) and bench/.venv/; the summary also goes to
# bench/work/last-run.txt.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

POLICIES=${1:-1000000}
RUNS=${RUNS:-3}
SEED=42
WORK=bench/work
VENV=bench/.venv
PY=$VENV/bin/python
REKON=.build/release/rekon
OUT_REKON=$WORK/out-rekon
OUT_DUCKDB=$WORK/out-duckdb

log() { echo "bench: $*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $POLICIES =~ ^[1-9][0-9]*$ ]] || die "POLICIES must be a positive whole number, not '$POLICIES'"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive whole number, not '$RUNS'"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
command -v python3 >/dev/null || die "python3 is missing"
mkdir -p "$WORK/logs"

# 1. rekon, release build.
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
    log "swift build -c release --product rekon"
    if ! swift build -c release --product rekon >"$WORK/logs/build.log" 2>&1; then
        tail -n 30 "$WORK/logs/build.log" >&2
        die "the release build failed (full log: $WORK/logs/build.log)"
    fi
fi
[[ -x $REKON ]] || die "$REKON is missing"

# 2. DuckDB in its own virtual env.
if [[ ! -x $PY ]]; then
    log "creating $VENV"
    python3 -m venv "$VENV" || die "python3 -m venv $VENV failed"
fi
if ! "$PY" -c 'import duckdb' 2>/dev/null; then
    log "pip install duckdb"
    "$VENV/bin/pip" install --quiet duckdb || die "pip install duckdb failed"
fi

# 3. The world, generated once per (policies, seed): the stamp inside it says which.
if [[ -n ${BENCH_WORLD:-} ]]; then
    WORLD=${BENCH_WORLD%/}
    [[ -f $WORLD/rekon.json && -d $WORLD/bank && -d $WORLD/ledger ]] ||
        die "BENCH_WORLD=$WORLD has no rekon.json, bank/ and ledger/"
    WORLD_TEXT="world $WORLD (given by BENCH_WORLD)"
else
    WORLD=$WORK/world
    # The generator's sources are in the stamp too, so that a changed generator makes a new world.
    GEN_SHA=$(cat Sources/RekonGen/*.swift Sources/RekonCommand/GenCommand.swift 2>/dev/null | sha256sum | cut -c1-12)
    STAMP="policies=$POLICIES seed=$SEED formats=csv new-business-only generator=$GEN_SHA"
    if [[ ${REGEN:-0} != 1 && -f $WORLD/.bench-stamp && "$(cat "$WORLD/.bench-stamp")" == "$STAMP" ]]; then
        log "reusing $WORLD ($STAMP)"
    else
        log "rekon gen: $STAMP"
        rm -rf "$WORLD" "$WORLD.tmp"
        if ! /usr/bin/time -f "%e s, %M KiB" -o "$WORK/logs/gen.time" \
            "$REKON" gen --out "$WORLD.tmp" --policies "$POLICIES" --seed "$SEED" --formats csv --no-endorsements --no-claims \
            >"$WORK/logs/gen.log" 2>&1; then
            cat "$WORK/logs/gen.log" >&2
            rm -rf "$WORLD.tmp"
            die "rekon gen failed; to benchmark a world made another way, set BENCH_WORLD=DIR"
        fi
        log "generated in $(tail -n 1 "$WORK/logs/gen.time")"
        echo "$STAMP" >"$WORLD.tmp/.bench-stamp"
        mv "$WORLD.tmp" "$WORLD"
    fi
    WORLD_TEXT="world $WORLD: $POLICIES policies, seed $SEED, CSV only"
fi
shopt -s nullglob
BANK_FILES=("$WORLD"/bank/*_NB_*.csv)
LEDGER_FILES=("$WORLD"/ledger/ledger_certificates_*.csv)
shopt -u nullglob
((${#BANK_FILES[@]} > 0 && ${#LEDGER_FILES[@]} > 0)) || die "$WORLD has no bank/*_NB_*.csv or ledger/ledger_certificates_*.csv"

# 4. Timed runs, alternating the sides; both read from a warm page cache.
cat "${BANK_FILES[@]}" "${LEDGER_FILES[@]}" >/dev/null
rm -rf "$WORK/times"
mkdir -p "$WORK/times"

# timed SIDE RUN OUT_DIR COMMAND...: one run under /usr/bin/time -v into $WORK/times/SIDE-RUN.txt.
timed() {
    local side=$1 run=$2 out=$3
    shift 3
    rm -rf "$out"
    if ! /usr/bin/time -v -o "$WORK/times/$side-$run.txt" "$@" \
        >"$WORK/logs/$side-$run.out" 2>"$WORK/logs/$side-$run.err"; then
        tail -n 20 "$WORK/logs/$side-$run.err" >&2
        die "run $run of $side failed (logs: $WORK/logs/$side-$run.*)"
    fi
    log "run $run $side: $(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/times/$side-$run.txt")"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for ((run = 1; run <= RUNS; run++)); do
    timed A "$run" "$OUT_REKON" \
        env REKON_TRACE=1 "$REKON" run --config "$WORLD/rekon.json" --bank "$WORLD/bank" --ledger "$WORLD/ledger" --out "$OUT_REKON"
    timed B "$run" "$OUT_DUCKDB" \
        "$PY" bench/duckdb_job.py --config "$WORLD/rekon.json" --bank "$WORLD/bank" --ledger "$WORLD/ledger" \
        --out "$OUT_DUCKDB"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
cp "$WORK/logs/B-$RUNS.out" "$WORK/duckdb-counts.json"

# 5 and 6. The summary, on stdout and in bench/work/last-run.txt.
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then REV="$REV+uncommitted changes"; fi
"$PY" bench/report.py --times "$WORK/times" --runs "$RUNS" \
    --rekon-out "$OUT_REKON" --rekon-trace "$WORK/logs/A-$RUNS.err" --duckdb-json "$WORK/duckdb-counts.json" --duckdb-out "$OUT_DUCKDB" \
    --label "rekon bench $(date -u +%Y-%m-%dT%H:%M:%SZ): $WORLD_TEXT; $RUNS runs each, alternating" \
    --label "machine: $(nproc) cores, $(awk '/^MemTotal:/ {printf "%.1f", $2 / 1048576}' /proc/meminfo) GiB; load average $LOAD_BEFORE before, $LOAD_AFTER after; rekon at $REV" \
    >"$WORK/last-run.txt.tmp"
mv "$WORK/last-run.txt.tmp" "$WORK/last-run.txt"
cat "$WORK/last-run.txt"
