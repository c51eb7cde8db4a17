#!/usr/bin/env python3
"""Layer-2 impairment relay between two interfaces (this kernel has no sch_netem).

    impair-relay.py IF_A IF_B [DELAY_MS [LOSS_PCT]] [--SETTING VALUE ...] [--seed N] [--control]

Runs in the lab's wan namespace (scripts/lab.sh wan), which sits in the middle of the
client<->server link: every Ethernet frame received on one interface is sent out of the
other, after the impairments below. Each applies to each direction on its own.

  --delay MS       one-way delay                   --jitter MS    extra uniform 0..MS delay
  --loss PCT       i.i.d. loss                     --dup PCT      a second copy, 0-2 ms later
  --reorder PCT    frames held back --reorder-ms longer (default 2 x delay, at least 10 ms),
                   so that later frames overtake them
  --rate KBIT      bottleneck bandwidth (0: none); a frame that would wait more than
                   --queue-ms (default 100) behind it is dropped (tail drop)
  --blackhole 1    drop everything (a partition)
  --garbage PPS    inject PPS garbage frames per second per direction, aimed at the
                   receiver's capture port: random bytes, truncated copies of real frames,
                   valid TCP with a random payload (half from spoofed source ports), and real
                   paqet frames with one payload bit flipped (a KCP datagram whose CRC no
                   longer matches after decryption); checksums are fixed where the kind
                   calls for it
  --seed N         seeds every random choice (default 1)

With --control, settings change at run time: one JSON object per stdin line,
{"set": {"loss": 5, ...}} (answered {"ok": true}) or {"stats": true} (answered with the
counters); the relay exits when stdin closes. It prints "ready" once both sockets are open.
"""
import argparse
import heapq
import json
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
DEFAULTS = {"delay": 0.0, "jitter": 0.0, "loss": 0.0, "dup": 0.0, "reorder": 0.0, "reorder_ms": 0.0,
            "rate": 0.0, "queue_ms": 100.0, "blackhole": 0.0, "garbage": 0.0}
GARBAGE_KINDS = ("random", "truncated", "tcp_random", "kcp_bad_crc")


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 << 20)
    s.bind((name, 0))
    s.setblocking(False)
    return s


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def tcp_frame(template, payload, src_port=None):
    """The template's Ethernet/IPv4/TCP headers around a new payload, lengths and checksums fixed."""
    ihl = (template[14] & 0x0F) * 4
    tcp_at = 14 + ihl
    doff = (template[tcp_at + 12] >> 4) * 4
    ip = bytearray(template[14:tcp_at])
    tcp = bytearray(template[tcp_at:tcp_at + doff])
    struct.pack_into("!H", ip, 2, ihl + doff + len(payload))
    struct.pack_into("!H", ip, 10, 0)
    struct.pack_into("!H", ip, 10, csum(bytes(ip)))
    if src_port is not None:
        struct.pack_into("!H", tcp, 0, src_port)
    struct.pack_into("!H", tcp, 16, 0)
    pseudo = bytes(ip[12:20]) + struct.pack("!BBH", 0, 6, doff + len(payload))
    struct.pack_into("!H", tcp, 16, csum(pseudo + bytes(tcp) + payload))
    return bytes(template[:14]) + bytes(ip) + bytes(tcp) + payload


def tcp_payload_at(frame):
    """Offset of the TCP payload of an IPv4 frame, or None."""
    if len(frame) < 54 or frame[12:14] != b"\x08\x00" or frame[23] != 6:
        return None
    at = 14 + (frame[14] & 0x0F) * 4
    at += (frame[at + 12] >> 4) * 4
    return at if at < len(frame) else None


class Direction:
    """Frames that arrive on one interface and leave through the other."""

    def __init__(self, name, out):
        self.name = name
        self.out = out
        self.link_free = 0.0  # when the bottleneck finishes sending what it holds
        self.template = None  # the latest IPv4 TCP frame with a payload, for garbage
        self.garbage_due = 0.0
        self.counts = {"in": 0, "out": 0, "lost": 0, "duplicated": 0, "reordered": 0, "queue_dropped": 0,
                       "blackholed": 0, "send_failed": 0}
        self.counts.update({"garbage_" + k: 0 for k in GARBAGE_KINDS})


class Relay:
    def __init__(self, if_a, if_b, settings, seed):
        self.s = dict(settings)
        self.rnd = random.Random(seed)
        self.a, self.b = open_if(if_a), open_if(if_b)
        self.dirs = {self.a.fileno(): Direction(if_a + "->" + if_b, self.b),
                     self.b.fileno(): Direction(if_b + "->" + if_a, self.a)}
        self.queue = []  # heap of (due, seq, direction, frame)
        self.seq = 0

    def push(self, due, d, frame):
        self.seq += 1
        heapq.heappush(self.queue, (due, self.seq, d, frame))

    def ingress(self, d, frame, now):
        s, rnd, c = self.s, self.rnd.random, d.counts
        c["in"] += 1
        if tcp_payload_at(frame) is not None:
            d.template = frame
        if s["blackhole"]:
            c["blackholed"] += 1
            return
        if s["loss"] and rnd() * 100 < s["loss"]:
            c["lost"] += 1
            return
        start = now
        if s["rate"] > 0:
            start = max(now, d.link_free)
            if (start - now) * 1000 > s["queue_ms"]:
                c["queue_dropped"] += 1
                return
            d.link_free = start + len(frame) * 8 / (s["rate"] * 1000)
        due = (d.link_free if s["rate"] > 0 else start) + s["delay"] / 1000
        if s["jitter"]:
            due += rnd() * s["jitter"] / 1000
        if s["reorder"] and rnd() * 100 < s["reorder"]:
            c["reordered"] += 1
            due += (s["reorder_ms"] or max(10.0, 2 * s["delay"])) / 1000
        self.push(due, d, frame)
        if s["dup"] and rnd() * 100 < s["dup"]:
            c["duplicated"] += 1
            self.push(due + rnd() * 0.002, d, frame)

    def garbage_frame(self, d):
        rnd = self.rnd
        t = d.template
        kinds = GARBAGE_KINDS if t is not None else ("random",)
        kind = kinds[rnd.randrange(len(kinds))]
        d.counts["garbage_" + kind] += 1
        if kind == "random":
            body = rnd.randbytes(rnd.randrange(1, 1501))
            # Half carry the receiver's MACs and the IPv4 EtherType, so they pass the MAC check.
            return (t[:12] + b"\x08\x00" + body) if t is not None and rnd.random() < 0.5 else rnd.randbytes(14) + body
        if kind == "truncated":
            return t[: rnd.randrange(14, len(t))]
        at = tcp_payload_at(t)
        if kind == "tcp_random":
            port = rnd.randrange(1024, 65536) if rnd.random() < 0.5 else None
            return tcp_frame(t, rnd.randbytes(rnd.randrange(1, 1401)), port)
        payload = bytearray(t[at:])
        # Past the 16-byte nonce and the 4-byte CRC: decryption gives a KCP datagram whose CRC fails.
        i = rnd.randrange(min(20, len(payload) - 1), len(payload))
        payload[i] ^= 1 << rnd.randrange(8)
        return tcp_frame(t, bytes(payload))

    def inject_garbage(self, now):
        pps = self.s["garbage"]
        if pps <= 0:
            return
        for d in self.dirs.values():
            if d.garbage_due < now - 0.1:
                d.garbage_due = now - 0.1  # after a stall, catch up at most 100 ms worth
            while d.garbage_due <= now:
                d.garbage_due += 1.0 / pps
                self.push(now, d, self.garbage_frame(d))

    def drain(self, now):
        q = self.queue
        while q and q[0][0] <= now:
            _, _, d, frame = q[0]
            try:
                d.out.send(frame)
                d.counts["out"] += 1
            except BlockingIOError:
                return
            except OSError:
                d.counts["send_failed"] += 1  # e.g. a frame larger than the MTU
            heapq.heappop(q)

    def stats(self):
        return {d.name: d.counts for d in self.dirs.values()}


def parse_args(argv):
    p = argparse.ArgumentParser(description="Layer-2 impairment relay", add_help=True)
    p.add_argument("if_a")
    p.add_argument("if_b")
    p.add_argument("pos_delay", nargs="?", type=float)
    p.add_argument("pos_loss", nargs="?", type=float)
    for key in DEFAULTS:
        p.add_argument("--" + key.replace("_", "-"), dest=key, type=float, default=DEFAULTS[key])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--control", action="store_true")
    a = p.parse_args(argv)
    settings = {k: getattr(a, k) for k in DEFAULTS}
    if a.pos_delay is not None:
        settings["delay"] = a.pos_delay
    if a.pos_loss is not None:
        settings["loss"] = a.pos_loss
    return a, settings


def control(relay, line):
    try:
        msg = json.loads(line)
        if "set" in msg:
            unknown = [k for k in msg["set"] if k not in DEFAULTS]
            if unknown:
                return {"ok": False, "error": "unknown settings: " + ", ".join(unknown)}
            relay.s.update({k: float(v) for k, v in msg["set"].items()})
            return {"ok": True, "settings": relay.s}
        if msg.get("stats"):
            return {"ok": True, "stats": relay.stats(), "settings": relay.s}
        return {"ok": False, "error": "expected set or stats"}
    except (ValueError, TypeError, AttributeError) as e:
        return {"ok": False, "error": str(e)}


def main():
    args, settings = parse_args(sys.argv[1:])
    relay = Relay(args.if_a, args.if_b, settings, args.seed)
    inputs = [relay.a, relay.b] + ([sys.stdin] if args.control else [])
    pending = ""
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        now = time.monotonic()
        timeout = 1.0
        if relay.queue:
            timeout = max(0.0, min(timeout, relay.queue[0][0] - now))
        if relay.s["garbage"] > 0:
            timeout = min(timeout, 0.002)
        ready, _, _ = select.select(inputs, [], [], timeout)
        for s in ready:
            if s is sys.stdin:
                chunk = os.read(sys.stdin.fileno(), 65536).decode()
                if not chunk:
                    return
                pending += chunk
                while "\n" in pending:
                    line, pending = pending.split("\n", 1)
                    if line.strip():
                        sys.stdout.write(json.dumps(control(relay, line)) + "\n")
                        sys.stdout.flush()
                continue
            d = relay.dirs[s.fileno()]
            for _ in range(256):
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:  # our own transmissions looped back
                    continue
                relay.ingress(d, frame, time.monotonic())
        now = time.monotonic()
        relay.inject_garbage(now)
        relay.drain(now)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        os._exit(0)
