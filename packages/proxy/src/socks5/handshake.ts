import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import {
  Method,
  ReplyCode,
  encodeMethodSelection,
  encodeReply,
  encodeUserPassStatus,
  parseGreeting,
  parseRequest,
  parseUserPass,
  type SocksRequest,
} from './protocol.js';

export interface Credentials {
  readonly username: Buffer;
  readonly password: Buffer;
}

export type HandshakeResult =
  | { readonly ok: true; readonly request: SocksRequest; readonly leftover: Buffer }
  /** `reason` for logs; `kind` for the error counters. The socket has been ended or destroyed. */
  | { readonly ok: false; readonly kind: 'handshake' | 'auth' | 'protocol'; readonly reason: string };

/**
 * Runs method negotiation, optional RFC 1929 authentication and reads the request
 * (packages/proxy/README.md) within `timeoutMs`. On failure the socket is answered as the
 * spec says (or closed silently) and ended. Bytes after the request are returned as
 * `leftover` so early client data is not lost. The socket is left paused.
 */
export function runHandshake(socket: Socket, credentials: Credentials | null, timeoutMs: number): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    let stage: 'greeting' | 'auth' | 'request' = 'greeting';
    let buffered: Buffer = Buffer.alloc(0);
    let settled = false;

    const finish = (result: HandshakeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      resolve(result);
    };
    const fail = (kind: 'handshake' | 'auth' | 'protocol', reason: string, reply?: Buffer): void => {
      finish({ ok: false, kind, reason });
      if (reply) socket.end(reply);
      else socket.destroy();
    };
    const timer = setTimeout(() => fail('handshake', `no complete handshake within ${timeoutMs} ms`), timeoutMs);
    const onEnd = (): void => fail('handshake', `closed during ${stage}`);

    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      // Each stage consumes what it parsed; loop while a complete message is available.
      while (!settled) {
        if (stage === 'greeting') {
          const greeting = parseGreeting(buffered);
          if (greeting.status === 'incomplete') return;
          if (greeting.status === 'invalid') return fail('protocol', greeting.reason);
          const required = credentials ? Method.UserPass : Method.NoAuth;
          if (!greeting.value.methods.includes(required)) {
            return fail('auth', `client offers no acceptable method (need ${required})`, encodeMethodSelection(Method.NoneAcceptable));
          }
          socket.write(encodeMethodSelection(required));
          buffered = buffered.subarray(greeting.length);
          stage = credentials ? 'auth' : 'request';
        } else if (stage === 'auth') {
          const auth = parseUserPass(buffered);
          if (auth.status === 'incomplete') return;
          if (auth.status === 'invalid') return fail('protocol', auth.reason);
          if (!sameBytes(auth.value.username, credentials!.username) || !sameBytes(auth.value.password, credentials!.password)) {
            return fail('auth', 'wrong username or password', encodeUserPassStatus(false));
          }
          socket.write(encodeUserPassStatus(true));
          buffered = buffered.subarray(auth.length);
          stage = 'request';
        } else {
          const request = parseRequest(buffered);
          if (request.status === 'incomplete') return;
          if (request.status === 'invalid') {
            return fail('protocol', request.reason, request.reply === undefined ? undefined : encodeReply(request.reply));
          }
          // Copy the leftover so the (possibly large) chunk it came from is not retained.
          const leftover = Buffer.from(buffered.subarray(request.length));
          return finish({ ok: true, request: request.value, leftover });
        }
      }
    };

    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}

/** Exact byte comparison in constant time for equal lengths. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export { ReplyCode };
