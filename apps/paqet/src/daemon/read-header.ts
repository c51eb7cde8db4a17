/**
 * Reads the one paqet message that starts every stream (protocol.md 2.4) with
 * @paqet/wire's incremental reader, in either header kind: upstream's binary
 * header or the QUIC fork's gob header (docs/upstream-and-fork.md). Bytes
 * after the message are pushed back into the (paused) stream for the relay.
 */
import type { Duplex } from 'node:stream';
import { StreamHeaderReader, type GobStreamMessage, type StreamHeaderKind } from '@paqet/wire';

export type HeaderResult =
  /** `kind`: which header the client wrote, and so how to answer it. */
  | { ok: true; kind: StreamHeaderKind; message: GobStreamMessage }
  /** `eof`: the stream ended (or died) before a whole header arrived. */
  | { ok: false; eof: boolean; error: Error };

export function readStreamHeader(stream: Duplex): Promise<HeaderResult> {
  return new Promise((resolve) => {
    const reader = new StreamHeaderReader();
    const finish = (r: HeaderResult) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      stream.pause();
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      const r = reader.push(chunk);
      if (r.status === 'need-more') return;
      if (r.status === 'malformed') return finish({ ok: false, eof: false, error: r.error });
      finish({ ok: true, kind: r.kind, message: r.message });
      if (r.rest.length > 0) stream.unshift(Buffer.from(r.rest));
    };
    const onEnd = () => {
      const err = new Error(reader.bufferedLength === 0 ? 'EOF' : 'unexpected EOF');
      finish({ ok: false, eof: true, error: err });
    };
    const onError = (error: Error) => finish({ ok: false, eof: true, error });
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onError);
  });
}
