/**
 * MAC addresses in the config: @paqet/wire's parser (Go's net.ParseMAC rules: 6-, 8- or 20-byte
 * addresses as `xx:xx:..`, `xx-xx-..` or `xxxx.xxxx...`) with the reference program's error text.
 */
import { PaqetValueError, formatHardwareAddress, parseHardwareAddress } from '@paqet/wire';
import { shown } from './issues.js';

export class MacParseError extends Error {}

export function parseMac(text: string): Uint8Array {
  try {
    return parseHardwareAddress(text);
  } catch (err) {
    if (!(err instanceof PaqetValueError)) throw err;
    throw new MacParseError(text ? `address ${shown(text)}: invalid MAC address` : 'invalid MAC address');
  }
}

export const formatMac = formatHardwareAddress;
