import { Duplex } from 'node:stream';

/**
 * Two connected in-memory Duplex ends that keep write boundaries: each write arrives as
 * one chunk on the other end, as an smux stream delivers one frame per read. Destroying
 * or ending one end ends the other.
 */
export function framedPair(): [Duplex, Duplex] {
  let a: Duplex;
  let b: Duplex;
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        peer().push(Buffer.from(chunk));
        callback();
      },
      final(callback) {
        peer().push(null);
        callback();
      },
      destroy(error, callback) {
        const other = peer();
        if (!other.destroyed) other.destroy();
        callback(error);
      },
    });
  a = make(() => b);
  b = make(() => a);
  return [a, b];
}
