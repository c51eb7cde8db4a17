import type { Duplex } from 'node:stream';
import { formatTarget, type TargetAddress } from '../address.js';
import type { Dialer } from '../dialer.js';
import { toDialError } from '../errors.js';
import { escapingLogger } from '../log-text.js';
import { silentLogger } from '../logger.js';
import { pipeBidirectional } from './pipe.js';
import type { RelayOptions, RelayOutcome } from './options.js';

/**
 * Server side of a TCP-relay stream (protocol.md §3.3): dials `target` and relays bytes
 * both ways with backpressure until either side ends. `stream` and the dialed socket are
 * always destroyed when this resolves; it never rejects.
 */
export async function relayTcp(stream: Duplex, target: TargetAddress, dialer: Dialer, options: RelayOptions = {}): Promise<RelayOutcome> {
  const logger = escapingLogger(options.logger ?? silentLogger);
  const stats = options.stats;
  const targetText = formatTarget(target);
  const label = options.label ? `${options.label} ` : '';
  // The client may give up (stream closes) or the process may shut down while dialing.
  const dialAbort = new AbortController();
  const onStreamGone = (): void => dialAbort.abort();
  const onShutdown = (): void => dialAbort.abort();
  stream.once('close', onStreamGone);
  stream.on('error', () => {});
  options.signal?.addEventListener('abort', onShutdown, { once: true });
  stream.pause();

  let socket: Duplex;
  try {
    socket = await dialer.dialTcp(target.host, target.port, dialAbort.signal);
  } catch (error) {
    const dialError = toDialError(error, targetText);
    if (stats) stats.errors[dialError.reason]++;
    logger.error(`${label}failed to establish TCP connection to ${targetText}: ${dialError.message}`);
    stream.destroy();
    return { connected: false, error: dialError };
  } finally {
    stream.off('close', onStreamGone);
    options.signal?.removeEventListener('abort', onShutdown);
  }
  if (stream.destroyed || options.signal?.aborted) {
    socket.destroy();
    stream.destroy();
    return { connected: true };
  }

  if (stats) stats.activeConnections++;
  const onAbort = (): void => {
    stream.destroy();
    socket.destroy();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const result = await pipeBidirectional(stream, socket, {
    halfClose: options.halfClose,
    idleTimeoutMs: options.idleTimeoutMs,
    lingerMs: options.lingerMs,
    onBytesUp: stats ? (n) => void (stats.bytesUp += n) : undefined,
    onBytesDown: stats ? (n) => void (stats.bytesDown += n) : undefined,
  });
  options.signal?.removeEventListener('abort', onAbort);
  if (stats) stats.activeConnections--;
  if (result.error && !isQuietError(result.error)) {
    if (stats) stats.errors.relay++;
    logger.error(`${label}TCP relay to ${targetText} failed: ${result.error.message}`);
  }
  logger.debug(`${label}closed TCP connection ${targetText}`);
  return { connected: true, error: result.error };
}

/** EOF-like ends the reference does not log as errors. */
export function isQuietError(error: Error): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ERR_STREAM_DESTROYED';
}
