#!/usr/bin/env bash
# pnpm test:chaos: the chaos and fault suite at full strength (apps/paqet/test/chaos), in
# network-namespace labs of its own: an impairment relay (loss, delay, duplication,
# reordering, bandwidth, partitions), garbage floods at both daemons' capture ports, kill -9
# and restart loops, link flaps, memory pressure, property-based config and SOCKS5 fuzzing,
# the inbound packet fuzzer, and a soak. `pnpm test` runs the same files at a short profile.
#
#   pnpm test:chaos [--seed N] [--minutes N] [-- VITEST_FILTER...]
#
#   --seed N      seed of every random choice (default 24301); a failure prints the seed
#   --minutes N   soak mode: only the soak, for N minutes; it reports the RSS slope
#                 (MB/min after warmup) and the open fds of both daemons
#
# Needs root (namespaces, pcap). Ends with the numbers the tests measured (lines "chaos: ...").
set -uo pipefail
cd "$(dirname "$0")/.."

SEED=24301
MINUTES=0
FILTER=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) SEED=$2; shift 2 ;;
    --minutes) MINUTES=$2; shift 2 ;;
    --) shift; FILTER=("$@"); break ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "chaos: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case "$SEED$MINUTES" in *[!0-9]*) echo "chaos: --seed and --minutes take whole numbers" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "chaos: run as root (the labs create network namespaces, the daemons use pcap)" >&2; exit 1; }
for tool in ip curl python3 node pnpm; do command -v $tool >/dev/null || { echo "chaos: $tool is not installed" >&2; exit 1; }; done

pnpm exec turbo run build --filter=paqet... --output-logs=errors-only || exit 1

if [ "$MINUTES" -gt 0 ]; then
  FILTER=(test/chaos/soak.chaos.ts)
  export PAQET_CHAOS_SOAK_MINUTES=$MINUTES
fi
LOG=$(mktemp /tmp/paqet-chaos-XXXXXX.log)
START=$SECONDS
(
  cd apps/paqet &&
    PAQET_CHAOS=long PAQET_CHAOS_SEED=$SEED NO_COLOR=1 pnpm exec vitest run --config vitest.chaos.config.ts "${FILTER[@]}"
) 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}

echo
echo "chaos: measured (seed $SEED, $((SECONDS - START)) s; full log $LOG):"
grep -a '^chaos: ' "$LOG" | sed 's/^chaos: /  /'
node -e '
  const r = require("./apps/paqet/.chaos-results.json");
  console.log(`chaos: ${r.numPassedTests} passed (expected failures included, marked "expected fail" above), ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' 2>/dev/null
# Labs tear themselves down; a run killed half-way may leave namespaces behind.
leftover=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^pqx[a-z]+[0-9]+-' || true)
[ -z "$leftover" ] || echo "chaos: namespaces left by an interrupted run (remove with scripts/lab.sh down PREFIX): $leftover" >&2
exit "$rc"
