/**
 * Runs inside a lab namespace (spawned through `ip netns exec`) and drives real
 * raw PacketConns (either backend) there on behalf of the test process, over Node IPC. Received
 * datagrams are batched back once per event-loop turn.
 */
import type { Endpoint } from '@paqet/wire';
import { AfPacketPacketConn, openRawPacketConn, type RawBackend, type RawPacketConnBase, type RawSocketOptions } from '@paqet/rawsock';
import { defaultRoute, listInterfaces } from '@paqet/rawsock';

type Request =
  | { t: 'open'; id: number; options: RawSocketOptions; backend: RawBackend }
  | { t: 'send'; id: number; datagrams: Uint8Array[]; to: Endpoint[] }
  | { t: 'close'; id: number }
  | { t: 'counters'; id: number; rid: number }
  | { t: 'native'; id: number; rid: number }
  | { t: 'setRemoteFlags'; id: number; peer: Endpoint; flags: string[] }
  | { t: 'clearRemoteFlags'; id: number; peer: Endpoint }
  | { t: 'discover'; rid: number; family: 4 | 6 }
  | { t: 'list'; rid: number };

const conns = new Map<number, RawPacketConnBase>();
const pending = new Map<number, { datagrams: Uint8Array[]; from: Endpoint[] }>();
let flushScheduled = false;

function reply(msg: unknown): void {
  process.send!(msg);
}

function flush(): void {
  flushScheduled = false;
  for (const [id, batch] of pending) reply({ t: 'recv', id, datagrams: batch.datagrams, from: batch.from });
  pending.clear();
}

function errorInfo(err: unknown): { code?: string; message: string } {
  return { code: (err as { code?: string }).code, message: err instanceof Error ? err.message : String(err) };
}

process.on('message', (m: Request) => {
  switch (m.t) {
    case 'open': {
      try {
        const conn = openRawPacketConn(m.options, m.backend);
        conns.set(m.id, conn);
        conn.onDatagram((d, from) => {
          let batch = pending.get(m.id);
          if (!batch) pending.set(m.id, (batch = { datagrams: [], from: [] }));
          batch.datagrams.push(d.slice());
          batch.from.push({ address: from.address, port: from.port });
          if (!flushScheduled) {
            flushScheduled = true;
            setImmediate(flush);
          }
        });
        reply({ t: 'opened', id: m.id, port: conn.port, maxDatagramSize: conn.maxDatagramSize });
      } catch (err) {
        reply({ t: 'open-failed', id: m.id, error: errorInfo(err) });
      }
      break;
    }
    case 'send': {
      const conn = conns.get(m.id);
      if (!conn) break;
      for (let i = 0; i < m.datagrams.length; i++) conn.send(m.datagrams[i], m.to[i]);
      // afpacket batches sends until the end of the job; IPC may hand this message and the
      // next (say, a counters request) to one job, so send now: the counters then include it.
      conn.flush();
      break;
    }
    case 'close':
      conns.get(m.id)?.close();
      break;
    case 'counters':
      reply({ t: 'counters', rid: m.rid, counters: conns.get(m.id)?.counters ?? null });
      break;
    case 'native': {
      const conn = conns.get(m.id);
      reply({ t: 'native', rid: m.rid, stats: conn instanceof AfPacketPacketConn ? conn.nativeStats() : null });
      break;
    }
    case 'setRemoteFlags':
      conns.get(m.id)?.setRemoteFlags(m.peer, m.flags);
      break;
    case 'clearRemoteFlags':
      conns.get(m.id)?.clearRemoteFlags(m.peer);
      break;
    case 'list':
      listInterfaces().then(
        (interfaces) => reply({ t: 'listed', rid: m.rid, interfaces }),
        (err) => reply({ t: 'listed', rid: m.rid, error: errorInfo(err) }),
      );
      break;
    case 'discover':
      defaultRoute({ family: m.family }).then(
        (route) => reply({ t: 'discovered', rid: m.rid, route }),
        (err) => reply({ t: 'discovered', rid: m.rid, error: errorInfo(err) }),
      );
      break;
  }
});

process.on('disconnect', () => {
  for (const c of conns.values()) c.close();
  process.exit(0);
});
reply({ t: 'ready' });
