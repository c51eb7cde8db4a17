#!/usr/bin/env python3
"""Layer-2 impairment relay between two interfaces (the kernel here has no sch_netem).

    impair-relay.py IF_A IF_B DELAY_MS LOSS_PCT

Runs in a namespace of its own that sits in the middle of the client<->server link.
Every Ethernet frame received on one interface is dropped with probability LOSS_PCT/100,
otherwise sent out of the other interface DELAY_MS later (per direction; FIFO since the
delay is constant). Loss and delay apply independently to each direction.
"""
import os
import random
import select
import socket
import sys
import time
from collections import deque

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def open_if(name: str) -> socket.socket:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 << 20)
    s.bind((name, 0))
    s.setblocking(False)
    return s


def main() -> None:
    if_a, if_b, delay_ms, loss_pct = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    delay = delay_ms / 1000.0
    loss = loss_pct / 100.0
    a, b = open_if(if_a), open_if(if_b)
    peer = {a.fileno(): b, b.fileno(): a}
    queues = {a.fileno(): deque(), b.fileno(): deque()}  # frames waiting to leave via peer
    counts = {"in": 0, "dropped": 0}
    rnd = random.random
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        now = time.monotonic()
        timeout = None
        for q in queues.values():
            if q:
                wait = q[0][0] - now
                timeout = wait if timeout is None else min(timeout, wait)
        ready, _, _ = select.select([a, b], [], [], max(0.0, timeout) if timeout is not None else 1.0)
        for s in ready:
            fd = s.fileno()
            q = queues[fd]
            for _ in range(256):
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:  # our own transmissions looped back
                    continue
                counts["in"] += 1
                if loss and rnd() < loss:
                    counts["dropped"] += 1
                    continue
                q.append((time.monotonic() + delay, frame))
        now = time.monotonic()
        for fd, q in queues.items():
            out = peer[fd]
            while q and q[0][0] <= now:
                try:
                    out.send(q[0][1])
                except BlockingIOError:
                    break
                except OSError:
                    pass  # e.g. a frame larger than the MTU: drop it
                q.popleft()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        os._exit(0)
