#!/usr/bin/env python3
"""Turns checksum and segmentation offloads off on interfaces (ethtool -K without ethtool).

    offloads-off.py IFACE...     (run inside the interface's namespace)

Why: frames relayed through AF_PACKET must carry complete checksums and be at most one MTU;
lab.sh does the same with ethtool where that is installed. Unsupported settings are skipped.
"""
import array
import fcntl
import os
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
SETTINGS = {"tx-checksum": 0x17, "sg": 0x19, "tso": 0x1F, "gso": 0x24, "gro": 0x2C}


def set_off(sock: socket.socket, ifname: str, cmd: int) -> bool:
    value = array.array("I", [cmd, 0])  # struct ethtool_value { u32 cmd; u32 data; }
    addr, _ = value.buffer_info()
    ifreq = struct.pack("16sP", ifname.encode(), addr)
    try:
        fcntl.ioctl(sock.fileno(), SIOCETHTOOL, ifreq)
        return True
    except OSError:
        return False


def main() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # PAQET_BENCH_OFFLOADS=gro,tso limits the settings touched (to find which one matters).
    only = [n for n in os.environ.get("PAQET_BENCH_OFFLOADS", "").split(",") if n]
    settings = {n: c for n, c in SETTINGS.items() if not only or n in only}
    for ifname in sys.argv[1:]:
        done = [name for name, cmd in settings.items() if set_off(sock, ifname, cmd)]
        print(f"{ifname}: off {' '.join(done) or '(none)'}")


if __name__ == "__main__":
    main()
