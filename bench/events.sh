#!/usr/bin/env bash
# Time per input row of `rekon run` on a world with endorsements against the same world with new
# business only (issue 3's budget: at most 25% more per row). Usage: bench/events.sh [POLICIES]
# Env: RUNS (default 3), SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
RUNS=${RUNS:-3}
WORK=bench/work/events
mkdir -p "$WORK"
[ "${SKIP_BUILD:-0}" = 1 ] || swift build -c release --product rekon >/dev/null
REKON=.build/release/rekon

for kind in nb all; do
  world="$WORK/world-$kind-$N"
  if [ ! -f "$world/truth.json" ]; then
    flag=""; [ "$kind" = nb ] && flag="--no-endorsements --no-claims"
    rm -rf "$world"
    "$REKON" gen --out "$world" --policies "$N" --seed 42 --formats csv $flag 2>/dev/null
  fi
  cat "$world"/bank/* "$world"/ledger/* > /dev/null   # warm the page cache
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A WALL ROWS RSS
for kind in nb all; do
  world="$WORK/world-$kind-$N"
  : > "$WORK/times-$kind"
  rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$REKON" run --config "$world/rekon.json" --out "$WORK/out-$kind" 2>/dev/null
    read -r wall kb < "$WORK/time.txt"
    echo "$wall" >> "$WORK/times-$kind"
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  WALL[$kind]=$(median < "$WORK/times-$kind")
  ROWS[$kind]=$(python3 -c "import json,sys; print(sum(i['rows'] for i in json.load(open(sys.argv[1]))['inputs']))" "$WORK/out-$kind/summary.json")
  RSS[$kind]=$((rss / 1024))
done

python3 - "${WALL[nb]}" "${ROWS[nb]}" "${RSS[nb]}" "${WALL[all]}" "${ROWS[all]}" "${RSS[all]}" "$N" "$RUNS" <<'PY' | tee "$WORK/last-run.txt"
import sys
wn, rn, mn, wa, ra, ma, n, runs = sys.argv[1:]
wn, wa, rn, ra = float(wn), float(wa), int(rn), int(ra)
pn, pa = wn / rn * 1e6, wa / ra * 1e6
print(f"rekon, {n} policies, CSV, median of {runs} runs")
print(f"new business only : {wn:.2f} s for {rn} input rows = {pn:.2f} us/row, peak RSS {mn} MiB")
print(f"with events       : {wa:.2f} s for {ra} input rows = {pa:.2f} us/row, peak RSS {ma} MiB")
print(f"per-row cost growth: {100 * (pa / pn - 1):+.1f}% (budget +25%)")
PY
