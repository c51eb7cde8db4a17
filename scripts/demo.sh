#!/usr/bin/env bash
# The paqet demo: a throw-away network-namespace lab (scripts/lab.sh), an HTTP server in
# the target namespace serving a generated 20 MB file, OUR paqet server and client
# (apps/paqet/dist/cli.js) with configs generated from examples/*.yaml, and curl fetching
# the file through the client's SOCKS5 proxy. Checks sha256, prints the throughput and
# always tears the lab down. Needs root; run `pnpm build` first (scripts/setup.sh does).
#
#   bash scripts/demo.sh            # DEMO_MB=20 DEMO_BLOCK=aes by default
#   bash scripts/demo.sh quic       # the same over QUIC (transport.protocol: quic, shared key)
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
CLI="$ROOT/apps/paqet/dist/cli.js"
# Launched as the paqet bin launches itself (its shebang): small young generation.
NODE="node --max-semi-space-size=2 --optimize-for-size"
MB=${DEMO_MB:-20}
BLOCK=${DEMO_BLOCK:-aes}
PROTOCOL=${1:-kcp}
case "$PROTOCOL" in kcp|quic) ;; *) echo "usage: $0 [kcp|quic]" >&2; exit 2 ;; esac
PREFIX="pqdemo$$"
WORK=$(mktemp -d "/tmp/paqet-demo.XXXXXX")
PIDS=()

say() { printf '\033[1mdemo:\033[0m %s\n' "$*"; }
fail() { printf '\033[31mdemo: FAILED: %s\033[0m\n' "$*" >&2; exit 1; }

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 0.3
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  bash scripts/lab.sh down "$PREFIX" >/dev/null 2>&1
  if [ $rc -ne 0 ]; then
    for f in server client http; do
      [ -s "$WORK/$f.log" ] && { echo "--- $f log (last 20 lines)"; tail -n 20 "$WORK/$f.log"; }
    done
  fi
  rm -rf "$WORK"
  say "lab $PREFIX torn down"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || fail "run as root (network namespaces and pcap)"
[ -f "$CLI" ] || fail "$CLI missing: run 'pnpm build' first"
for tool in ip iptables curl python3 sha256sum; do command -v $tool >/dev/null || fail "$tool is not installed"; done

say "bringing up the namespace lab $PREFIX (client 10.200.1.1, server 10.200.1.2, target 10.200.2.2)"
bash scripts/lab.sh up "$PREFIX" >"$WORK/lab.env" || fail "lab.sh up failed"
NS_CLIENT="$PREFIX-client"; NS_SERVER="$PREFIX-server"; NS_TARGET="$PREFIX-target"

say "generating a ${MB} MB file and serving it from the target namespace (python3 -m http.server 8000)"
mkdir -p "$WORK/www"
head -c $((MB * 1024 * 1024)) /dev/urandom >"$WORK/www/file.bin"
WANT=$(sha256sum "$WORK/www/file.bin" | cut -d' ' -f1)
ip netns exec "$NS_TARGET" python3 -m http.server 8000 --bind 10.200.2.2 --directory "$WORK/www" >"$WORK/http.log" 2>&1 &
PIDS+=($!)

# Configs from the examples: a shared random key, the block, and everything else as shipped.
KEY=$(node "$CLI" secret)
gen() {
  # quic: the same files with transport.protocol switched and a transport.quic section holding the key.
  local quic=()
  [ "$PROTOCOL" = quic ] && quic=(-e "s/^  protocol: \"kcp\"/  protocol: \"quic\"\n  quic:\n    key: \"$KEY\"/")
  sed -e "s/change-me-to-the-output-of-paqet-secret/$KEY/" -e "s/block: \"aes\"/block: \"$BLOCK\"/" "${quic[@]}" "examples/$1.yaml" >"$WORK/$1.yaml"
}
gen server
gen client

DESC="block $BLOCK"
[ "$PROTOCOL" = quic ] && DESC="QUIC, key-authenticated"
say "starting our paqet server ($DESC) in $NS_SERVER and our client in $NS_CLIENT"
ip netns exec "$NS_SERVER" $NODE "$CLI" run -c "$WORK/server.yaml" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PIDS+=($SERVER_PID)
ip netns exec "$NS_CLIENT" $NODE "$CLI" run -c "$WORK/client.yaml" >"$WORK/client.log" 2>&1 &
CLIENT_PID=$!
PIDS+=($CLIENT_PID)

wait_for() { # ns host port
  for _ in $(seq 1 100); do
    ip netns exec "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
wait_for "$NS_TARGET" 10.200.2.2 8000 || fail "HTTP server did not start"
wait_for "$NS_CLIENT" 127.0.0.1 1080 || fail "paqet client did not open its SOCKS5 port"

say "curl --socks5-hostname 127.0.0.1:1080 http://10.200.2.2:8000/file.bin (inside $NS_CLIENT)"
START=$(date +%s.%N)
ip netns exec "$NS_CLIENT" curl -sS --fail --max-time 50 --socks5-hostname 127.0.0.1:1080 \
  -o "$WORK/got.bin" -w '%{size_download} %{time_total}\n' "http://10.200.2.2:8000/file.bin" >"$WORK/curl.out" || fail "curl through the SOCKS5 proxy failed"
read -r SIZE SECS <"$WORK/curl.out"
GOT=$(sha256sum "$WORK/got.bin" | cut -d' ' -f1)
[ "$GOT" = "$WANT" ] || fail "sha256 mismatch: got $GOT, want $WANT"

RATE=$(awk -v b="$SIZE" -v s="$SECS" 'BEGIN { printf "%.1f", b / s / 1e6 }')
say "fetched $SIZE bytes in ${SECS}s through paqet: ${RATE} MB/s (10^6 B/s), sha256 OK ($GOT)"
peak() { awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
say "peak RSS: server $(peak "$SERVER_PID"), client $(peak "$CLIENT_PID")"
say "server log:"
grep -E "\[(INFO|ERROR)\]" "$WORK/server.log" | sed 's/^/    /' | head -n 8
say "client log:"
grep -E "\[(INFO|ERROR)\]" "$WORK/client.log" | sed 's/^/    /' | head -n 8
say "done"
