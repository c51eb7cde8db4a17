#!/usr/bin/env bash
# Network-namespace lab shared by the rawsock tests, the end-to-end tests and the demo.
#
#   lab.sh up PREFIX [--server-port N] [--client-port N|LO:HI]
#   lab.sh down PREFIX
#   lab.sh exec PREFIX client|server|target CMD [ARGS...]
#   lab.sh info PREFIX            # KEY=VALUE lines describing the lab
#   lab.sh rules PREFIX client|server IFACE PORT|LO:HI   # paqet iptables rules for one more port
#   lab.sh wan PREFIX             # splice PREFIX-wan into the client<->server link (see wan())
#
# Topology (mirrors the golden captures in fixtures/go-paqet-captures):
#
#   PREFIX-client                 PREFIX-server                      PREFIX-target
#   pqc0 10.200.1.1/24  <--veth-->  pqs0 10.200.1.2/24
#        fd00:200:1::1/64            fd00:200:1::2/64
#                                  pqs1 10.200.2.1/24  <--veth-->  pqt0 10.200.2.2/24
#
# Interfaces are created directly inside their namespaces, so their names are the same in
# every lab and several labs (different PREFIXes) coexist. Only addresses inside the lab's
# own namespaces are used. `down` always succeeds, also after a partial `up`.
set -uo pipefail

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
prefix=$2
shift 2

case "$prefix" in
  *[!A-Za-z0-9_.-]* | "") echo "lab.sh: bad prefix '$prefix' (use letters, digits, . _ -)" >&2; exit 2 ;;
esac

NS_CLIENT="$prefix-client"
NS_SERVER="$prefix-server"
NS_TARGET="$prefix-target"
NS_WAN="$prefix-wan"

CLIENT_IF=pqc0
SERVER_IF=pqs0
SERVER_TARGET_IF=pqs1
TARGET_IF=pqt0

CLIENT_MAC=02:50:51:00:01:01
SERVER_MAC=02:50:51:00:01:02
SERVER_TARGET_MAC=02:50:51:00:02:01
TARGET_MAC=02:50:51:00:02:02

CLIENT_IP=10.200.1.1
SERVER_IP=10.200.1.2
SERVER_TARGET_IP=10.200.2.1
TARGET_IP=10.200.2.2
CLIENT_IP6=fd00:200:1::1
SERVER_IP6=fd00:200:1::2

info() {
  cat <<EOF
PREFIX=$prefix
NS_CLIENT=$NS_CLIENT
NS_SERVER=$NS_SERVER
NS_TARGET=$NS_TARGET
NS_WAN=$NS_WAN
CLIENT_IF=$CLIENT_IF
SERVER_IF=$SERVER_IF
SERVER_TARGET_IF=$SERVER_TARGET_IF
TARGET_IF=$TARGET_IF
CLIENT_MAC=$CLIENT_MAC
SERVER_MAC=$SERVER_MAC
SERVER_TARGET_MAC=$SERVER_TARGET_MAC
TARGET_MAC=$TARGET_MAC
CLIENT_IP=$CLIENT_IP
SERVER_IP=$SERVER_IP
SERVER_TARGET_IP=$SERVER_TARGET_IP
TARGET_IP=$TARGET_IP
CLIENT_IP6=$CLIENT_IP6
SERVER_IP6=$SERVER_IP6
EOF
}

ns_of() {
  case "$1" in
    client) echo "$NS_CLIENT" ;;
    server) echo "$NS_SERVER" ;;
    target) echo "$NS_TARGET" ;;
    wan) echo "$NS_WAN" ;;
    *) echo "lab.sh: unknown host '$1' (client, server, target or wan)" >&2; exit 2 ;;
  esac
}

# Tear down: stop whatever still runs inside the namespaces (it would keep them alive),
# then delete them; the veth pairs go with them. Every step tolerates absence.
down() {
  local ns pids
  for ns in "$NS_CLIENT" "$NS_SERVER" "$NS_TARGET" "$NS_WAN"; do
    [ -e "/run/netns/$ns" ] || continue
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -n "$pids" ] && kill $pids 2>/dev/null
  done
  for ns in "$NS_CLIENT" "$NS_SERVER" "$NS_TARGET" "$NS_WAN"; do
    [ -e "/run/netns/$ns" ] || continue
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -n "$pids" ] && sleep 0.2 && kill -9 $pids 2>/dev/null
    ip netns del "$ns" 2>/dev/null || true
  done
  return 0
}

# The three rules paqet needs (wire.md section 7) for one port or port range, restricted to
# the lab interface so that loopback traffic in the namespace is untouched, plus one more
# (docs/operations.md): inbound paqet segments are dropped in raw PREROUTING. libpcap
# captures them before netfilter, so paqet still sees every one, but the kernel no longer
# runs TCP input and builds a RST for each (on veth that work is billed to the sender:
# injection measured 86-122k -> 163-175k frames/s). The NOTRACK rule stays for the
# documented setup and for whoever removes the DROP.
# IPv6 (the client<->server link carries it) gets the same rules through ip6tables.
rules() {
  local ns=$1 ifname=$2 port=$3 tool
  for tool in iptables ip6tables; do
    ip netns exec "$ns" $tool -w -t raw -A PREROUTING -i "$ifname" -p tcp --dport "$port" -j DROP &&
      ip netns exec "$ns" $tool -w -t raw -A PREROUTING -i "$ifname" -p tcp --dport "$port" -j NOTRACK &&
      ip netns exec "$ns" $tool -w -t raw -A OUTPUT -o "$ifname" -p tcp --sport "$port" -j NOTRACK &&
      ip netns exec "$ns" $tool -w -t mangle -A OUTPUT -o "$ifname" -p tcp --sport "$port" --tcp-flags RST RST -j DROP ||
      return 1
  done
}

# Offloads: paqet computes its own checksums; turn checksum/segmentation offloads off
# where ethtool exists (scripts/setup.sh installs it) so kernel-built packets in captures
# carry valid checksums, and so libpcap sizes its capture ring slots by the MTU rather
# than by the 64 KiB snaplen it must allow for offloaded super-frames: the same buffer
# then holds about 40 times more frames.
offloads_off() {
  local ethtool
  ethtool=$(command -v ethtool || ls /usr/sbin/ethtool /sbin/ethtool 2>/dev/null | head -1)
  [ -n "$ethtool" ] || return 0
  ip netns exec "$1" "$ethtool" -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
}

up() {
  local server_port=9999 client_port=32768:65535
  while [ $# -gt 0 ]; do
    case "$1" in
      --server-port) server_port=$2; shift 2 ;;
      --client-port) client_port=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  if [ "$(id -u)" != 0 ]; then
    echo "lab.sh: must run as root (creates network namespaces)" >&2
    exit 1
  fi
  down
  set -e
  trap 'echo "lab.sh: setup failed at line $LINENO; tearing down" >&2; down; exit 1' ERR

  ip netns add "$NS_CLIENT"
  ip netns add "$NS_SERVER"
  ip netns add "$NS_TARGET"

  ip link add "$CLIENT_IF" netns "$NS_CLIENT" address "$CLIENT_MAC" type veth \
    peer name "$SERVER_IF" netns "$NS_SERVER" address "$SERVER_MAC"
  ip link add "$SERVER_TARGET_IF" netns "$NS_SERVER" address "$SERVER_TARGET_MAC" type veth \
    peer name "$TARGET_IF" netns "$NS_TARGET" address "$TARGET_MAC"

  # IPv6 only where tests use it (client<->server); no router advertisements, no DAD delay.
  local ns
  for ns in "$NS_CLIENT" "$NS_SERVER" "$NS_TARGET"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
      net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip -n "$ns" link set lo up
  done
  ip netns exec "$NS_SERVER" sysctl -qw "net.ipv6.conf.$SERVER_TARGET_IF.disable_ipv6=1"
  ip netns exec "$NS_TARGET" sysctl -qw "net.ipv6.conf.$TARGET_IF.disable_ipv6=1"

  ip -n "$NS_CLIENT" addr add "$CLIENT_IP/24" dev "$CLIENT_IF"
  ip -n "$NS_CLIENT" addr add "$CLIENT_IP6/64" dev "$CLIENT_IF" nodad
  ip -n "$NS_SERVER" addr add "$SERVER_IP/24" dev "$SERVER_IF"
  ip -n "$NS_SERVER" addr add "$SERVER_IP6/64" dev "$SERVER_IF" nodad
  ip -n "$NS_SERVER" addr add "$SERVER_TARGET_IP/24" dev "$SERVER_TARGET_IF"
  ip -n "$NS_TARGET" addr add "$TARGET_IP/24" dev "$TARGET_IF"

  ip -n "$NS_CLIENT" link set "$CLIENT_IF" up
  ip -n "$NS_SERVER" link set "$SERVER_IF" up
  ip -n "$NS_SERVER" link set "$SERVER_TARGET_IF" up
  ip -n "$NS_TARGET" link set "$TARGET_IF" up

  # The server is the client's gateway (default route, so discovery finds it) and the
  # target's way back.
  ip -n "$NS_CLIENT" route add default via "$SERVER_IP" dev "$CLIENT_IF"
  ip -n "$NS_CLIENT" -6 route add default via "$SERVER_IP6" dev "$CLIENT_IF"
  ip -n "$NS_TARGET" route add default via "$SERVER_TARGET_IP" dev "$TARGET_IF"
  ip netns exec "$NS_SERVER" sysctl -qw net.ipv4.ip_forward=1

  # Static neighbours: no ARP/NDP on the wire during tests.
  ip -n "$NS_CLIENT" neigh replace "$SERVER_IP" lladdr "$SERVER_MAC" dev "$CLIENT_IF" nud permanent
  ip -n "$NS_CLIENT" neigh replace "$SERVER_IP6" lladdr "$SERVER_MAC" dev "$CLIENT_IF" nud permanent
  ip -n "$NS_SERVER" neigh replace "$CLIENT_IP" lladdr "$CLIENT_MAC" dev "$SERVER_IF" nud permanent
  ip -n "$NS_SERVER" neigh replace "$CLIENT_IP6" lladdr "$CLIENT_MAC" dev "$SERVER_IF" nud permanent
  ip -n "$NS_SERVER" neigh replace "$TARGET_IP" lladdr "$TARGET_MAC" dev "$SERVER_TARGET_IF" nud permanent
  ip -n "$NS_TARGET" neigh replace "$SERVER_TARGET_IP" lladdr "$SERVER_TARGET_MAC" dev "$TARGET_IF" nud permanent

  offloads_off "$NS_CLIENT" "$CLIENT_IF"
  offloads_off "$NS_SERVER" "$SERVER_IF"

  rules "$NS_SERVER" "$SERVER_IF" "$server_port"
  rules "$NS_CLIENT" "$CLIENT_IF" "$client_port"
  # The client's paqet ports (random in 32768-65535 by default) overlap the kernel's
  # ephemeral range, and the rules above drop inbound TCP to them: keep the kernel's own
  # connections (curl straight to the target, for a baseline) below that range.
  ip netns exec "$NS_CLIENT" sysctl -qw net.ipv4.ip_local_port_range="10000 32767"

  trap - ERR
  set +e
  info
}

# Splits the client<->server veth into client<->wan<->server: PREFIX-wan holds wanc (to the
# client) and wans (to the server) with no addresses, so nothing crosses until a relay
# forwards frames between them (scripts/impair-relay.py: loss, delay, duplication,
# reordering, bandwidth, garbage; this kernel has no sch_netem). Addresses, MACs, routes and
# static neighbours are restored as up() set them; the iptables rules match by interface
# name and still apply.
wan() {
  [ -e "/run/netns/$NS_CLIENT" ] || { echo "lab.sh: lab $prefix is not up" >&2; exit 1; }
  [ -e "/run/netns/$NS_WAN" ] && { echo "lab.sh: $NS_WAN exists already" >&2; exit 1; }
  set -e
  trap 'echo "lab.sh: wan setup failed at line $LINENO" >&2; exit 1' ERR
  ip netns add "$NS_WAN"
  ip -n "$NS_WAN" link set lo up
  # The wan namespace only carries frames: no IPv6 of its own (no RS/MLD/DAD noise).
  ip netns exec "$NS_WAN" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$NS_CLIENT" link del "$CLIENT_IF"
  ip link add "$CLIENT_IF" netns "$NS_CLIENT" address "$CLIENT_MAC" type veth peer name wanc netns "$NS_WAN"
  ip link add "$SERVER_IF" netns "$NS_SERVER" address "$SERVER_MAC" type veth peer name wans netns "$NS_WAN"
  ip -n "$NS_CLIENT" addr add "$CLIENT_IP/24" dev "$CLIENT_IF"
  ip -n "$NS_CLIENT" addr add "$CLIENT_IP6/64" dev "$CLIENT_IF" nodad
  ip -n "$NS_SERVER" addr add "$SERVER_IP/24" dev "$SERVER_IF"
  ip -n "$NS_SERVER" addr add "$SERVER_IP6/64" dev "$SERVER_IF" nodad
  local dev
  for dev in "$NS_CLIENT:$CLIENT_IF" "$NS_SERVER:$SERVER_IF" "$NS_WAN:wanc" "$NS_WAN:wans"; do
    ip -n "${dev%%:*}" link set "${dev#*:}" up
    offloads_off "${dev%%:*}" "${dev#*:}"
  done
  ip -n "$NS_CLIENT" route add default via "$SERVER_IP" dev "$CLIENT_IF"
  ip -n "$NS_CLIENT" -6 route add default via "$SERVER_IP6" dev "$CLIENT_IF"
  ip -n "$NS_CLIENT" neigh replace "$SERVER_IP" lladdr "$SERVER_MAC" dev "$CLIENT_IF" nud permanent
  ip -n "$NS_CLIENT" neigh replace "$SERVER_IP6" lladdr "$SERVER_MAC" dev "$CLIENT_IF" nud permanent
  ip -n "$NS_SERVER" neigh replace "$CLIENT_IP" lladdr "$CLIENT_MAC" dev "$SERVER_IF" nud permanent
  ip -n "$NS_SERVER" neigh replace "$CLIENT_IP6" lladdr "$CLIENT_MAC" dev "$SERVER_IF" nud permanent
  trap - ERR
  set +e
}

case "$cmd" in
  up) up "$@" ;;
  wan) wan ;;
  down) down ;;
  info) info ;;
  exec)
    [ $# -ge 2 ] || usage
    ns=$(ns_of "$1") || exit 2
    shift
    exec ip netns exec "$ns" "$@"
    ;;
  rules)
    [ $# -eq 3 ] || usage
    ns=$(ns_of "$1") || exit 2
    rules "$ns" "$2" "$3"
    ;;
  *) usage ;;
esac
