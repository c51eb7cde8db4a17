#!/usr/bin/env bash
# pnpm bench: builds, runs every package's micro-benchmarks (vitest bench) and the
# whole-tunnel benchmark in the network-namespace lab (bench/lab/run.mjs), writes
# bench-results/<UTC stamp>/*.json (bench-results/latest points at it) and regenerates
# docs/PERFORMANCE.md and docs/performance.json.
#
#   pnpm bench [--quick] [--lab-only | --micro-only] [--phases LIST] [--impair-paths LIST]
#
#   --quick       one run per workload, small sizes; a smoke check (docs are not rewritten)
#   --lab-only    skip the micro-benchmarks (docs keep the previous micro results)
#   --micro-only  skip the lab (docs keep the previous lab results)
#   --phases      lab phases to run, of baseline,aes,null,quic,idle,impair (default all);
#                 the docs keep the previous run's rows for the rest, marked as such
#   --impair-paths  impairment tunnels, of baseline,baseline-cubic,aes,aes+fec10/3,quic (default all)
#
# Needs root (network namespaces, pcap). The lab is always torn down on exit or failure.
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
QUICK=0
MICRO=1
LAB=1
LAB_ARGS=()
while [ $# -gt 0 ]; do
  arg=$1
  shift
  case "$arg" in
    --phases | --impair-paths)
      [ $# -gt 0 ] || { echo "bench: $arg needs a list" >&2; exit 2; }
      LAB_ARGS+=("$arg" "$1")
      shift ;;
    --quick) QUICK=1 ;;
    --lab-only) MICRO=0 ;;
    --micro-only) LAB=0 ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
[ $MICRO = 0 ] && [ $LAB = 0 ] && { echo "bench: --lab-only and --micro-only exclude each other" >&2; exit 2; }

say() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[31mbench: FAILED: %s\033[0m\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: the lab creates network namespaces and the daemons use pcap"
for tool in ip curl python3 node pnpm; do command -v $tool >/dev/null || fail "$tool is not installed"; done

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench-results/$STAMP"
PREFIX="pqbench$$"
LAB_PID=
mkdir -p "$OUT" || fail "cannot create $OUT"

cleanup() {
  local rc=$?
  if [ -n "$LAB_PID" ] && kill -0 "$LAB_PID" 2>/dev/null; then
    kill "$LAB_PID" 2>/dev/null
    wait "$LAB_PID" 2>/dev/null
  fi
  if [ -e "/run/netns/$PREFIX-wan" ]; then
    # shellcheck disable=SC2046
    kill -9 $(ip netns pids "$PREFIX-wan" 2>/dev/null) 2>/dev/null
    ip netns del "$PREFIX-wan" 2>/dev/null
  fi
  bash scripts/lab.sh down "$PREFIX" >/dev/null 2>&1
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

START=$SECONDS
say "building (pnpm build)"
pnpm build >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; fail "pnpm build (log: $OUT/build.log)"; }

MICRO_FAILED=()
if [ $MICRO = 1 ]; then
  # One turbo invocation per package so that each writes its own JSON report.
  for manifest in packages/*/package.json apps/*/package.json; do
    dir=$(dirname "$manifest")
    name=$(node -p "const p=require('./$manifest'); p.scripts && p.scripts.bench ? p.name : ''")
    [ -n "$name" ] || continue
    ls "$dir"/bench/*.bench.ts >/dev/null 2>&1 || continue
    short=$(basename "$dir")
    say "micro-benchmarks: $name"
    if ! PAQET_BENCH_OUT_DIR="$ROOT/$OUT" pnpm exec turbo run bench --concurrency=1 --output-logs=errors-only --filter="$name" -- \
      --outputJson "$ROOT/$OUT/micro-$short.json" >"$OUT/micro-$short.log" 2>&1; then
      MICRO_FAILED+=("$name")
      say "micro-benchmarks of $name failed (log: $OUT/micro-$short.log); continuing"
    fi
  done
fi

LAB_RC=0
if [ $LAB = 1 ]; then
  say "lab benchmark (prefix $PREFIX)"
  args=(--prefix "$PREFIX" --out "$OUT/lab.json" --work "$ROOT/$OUT/work" "${LAB_ARGS[@]}")
  [ $QUICK = 1 ] && args+=(--quick)
  node bench/lab/run.mjs "${args[@]}" 2> >(tee "$OUT/lab.log" >&2) &
  LAB_PID=$!
  wait "$LAB_PID"
  LAB_RC=$?
  LAB_PID=
  [ $LAB_RC = 0 ] || say "lab benchmark failed (log: $OUT/lab.log)"
fi

ln -sfn "$STAMP" bench-results/latest
report=(--dir "$OUT" --seconds $((SECONDS - START)))
if [ $QUICK = 1 ]; then
  node bench/report.mjs "${report[@]}" --md "$OUT/PERFORMANCE.md" --json "$OUT/performance.json" || fail "report"
  say "quick run: docs untouched; summary in $OUT/PERFORMANCE.md"
else
  node bench/report.mjs "${report[@]}" --md docs/PERFORMANCE.md --json docs/performance.json || fail "report"
  say "docs/PERFORMANCE.md and docs/performance.json regenerated"
fi
say "results in $OUT ($((SECONDS - START)) s)"
[ ${#MICRO_FAILED[@]} = 0 ] || fail "micro-benchmarks failed: ${MICRO_FAILED[*]}"
[ $LAB_RC = 0 ] || fail "lab benchmark failed"
