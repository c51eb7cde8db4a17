#!/usr/bin/env bash
# One command for a fresh Debian machine with Node 20: system packages, pnpm,
# dependencies, build; then (unless --no-demo) the namespace-lab demo.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=1
[ "${1:-}" = "--no-demo" ] && demo=0

need_pkgs=()
[ -f /usr/include/pcap/pcap.h ] || need_pkgs+=(libpcap-dev)
command -v iptables >/dev/null || need_pkgs+=(iptables)
command -v tcpdump >/dev/null || need_pkgs+=(tcpdump)
command -v ip >/dev/null || need_pkgs+=(iproute2)
command -v curl >/dev/null || need_pkgs+=(curl)
# The lab turns veth offloads off so libpcap sizes its ring slots by the MTU, not 64 KiB.
command -v ethtool >/dev/null || [ -x /usr/sbin/ethtool ] || [ -x /sbin/ethtool ] || need_pkgs+=(ethtool)
{ command -v make && command -v g++; } >/dev/null || need_pkgs+=(build-essential)  # node-gyp: cap, the AF_PACKET addon and kcp-native
command -v python3 >/dev/null || need_pkgs+=(python3)
# The status-page test drives Debian's Chromium headless (playwright-core cannot download browsers here).
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
command -v systemd-analyze >/dev/null || need_pkgs+=(systemd)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    echo "setup: missing system packages; run as root:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need_pkgs[*]}" >&2
    exit 1
  fi
fi

if ! command -v pnpm >/dev/null || [ "$(pnpm --version | cut -d. -f1)" != 10 ]; then
  echo "setup: installing pnpm 10"
  npm install -g pnpm@10.34.9 >/dev/null
fi

pnpm install --frozen-lockfile
pnpm build

if [ $demo = 1 ]; then
  if [ -x scripts/demo.sh ]; then exec bash scripts/demo.sh; fi
  echo "setup: built; the demo is not available yet"
fi
