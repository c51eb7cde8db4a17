import type { Duplex } from 'node:stream';
import { formatTarget, type TargetAddress } from '../address.js';
import type { Dialer } from '../dialer.js';
import { toDialError } from '../errors.js';
import { escapingLogger } from '../log-text.js';
import { silentLogger } from '../logger.js';
import { bridgeDatagramChannels } from '../udp/bridge.js';
import { StreamDatagramChannel } from '../udp/stream-channel.js';
import type { RelayOptions, RelayOutcome } from './options.js';

/**
 * Server side of a UDP-relay stream (protocol.md §3.4): opens a datagram channel to
 * `target` (the direct dialer: a connected UDP socket) and maps each stream frame to one
 * datagram and each datagram (≤ 4096 bytes) to one stream write, until either side ends.
 * Both are always closed when this resolves; it never rejects.
 */
export async function relayUdp(stream: Duplex, target: TargetAddress, dialer: Dialer, options: RelayOptions = {}): Promise<RelayOutcome> {
  const logger = escapingLogger(options.logger ?? silentLogger);
  const stats = options.stats;
  const targetText = formatTarget(target);
  const label = options.label ? `${options.label} ` : '';
  // Frames that arrive while dialing stay buffered in the paused stream.
  stream.pause();
  stream.on('error', () => {});
  const dialAbort = new AbortController();
  const onStreamGone = (): void => dialAbort.abort();
  stream.once('close', onStreamGone);
  const onShutdown = (): void => dialAbort.abort();
  options.signal?.addEventListener('abort', onShutdown, { once: true });

  let far;
  try {
    far = await dialer.dialUdp(target.host, target.port, dialAbort.signal);
  } catch (error) {
    const dialError = toDialError(error, targetText);
    if (stats) stats.errors[dialError.reason]++;
    logger.error(`${label}failed to establish UDP connection to ${targetText}: ${dialError.message}`);
    stream.destroy();
    return { connected: false, error: dialError };
  } finally {
    stream.off('close', onStreamGone);
    options.signal?.removeEventListener('abort', onShutdown);
  }

  const near = new StreamDatagramChannel(stream, { reader: 'server' });
  if (stream.destroyed || options.signal?.aborted) near.close();
  const onAbort = (): void => near.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (stats) stats.activeUdpFlows++;
  const error = await bridgeDatagramChannels(
    near,
    far,
    stats
      ? {
          up: () => void stats.datagramsUp++,
          down: () => void stats.datagramsDown++,
          dropped: () => void stats.datagramsDropped++,
        }
      : undefined,
  );
  if (stats) stats.activeUdpFlows--;
  options.signal?.removeEventListener('abort', onAbort);
  if (error) {
    if (stats) stats.errors.relay++;
    logger.error(`${label}UDP relay to ${targetText} failed: ${error.message}`);
  }
  logger.debug(`${label}closed UDP connection ${targetText}`);
  return { connected: true, error };
}
