/**
 * The gob header byte vectors (docs/upstream-and-fork.md): what the fork's Go
 * program writes, generated with Go's encoding/gob for the fork's types.
 */
import type { GobStreamMessage } from '@paqet/wire';

/** The four type-definition writes, in the fork's order (Proto, Addr, []conf.TCPF, TCPF). */
export const GOB_DEFINITION_HEX = [
  '30ff810301010550726f746f01ff8200010301045479706501060001044164647201ff840001045443504601ff88000000',
  '24ff83030101044164647201ff840001020104486f7374010c000104506f72740104000000',
  '1aff870201010b5b5d636f6e662e5443504601ff880001ff860000',
  '59ff85030101045443504601ff86000109010346494e010200010353594e01020001035253540102000103505348010200010341434b01020001035552470102000103454345010200010343575201020001024e530102000000',
];

/** Value messages after the definitions, with what they carry. */
export const GOB_VALUE_VECTORS: [string, string, GobStreamMessage][] = [
  ['PING', '05 ff82 01 01 00', { type: 'ping' }],
  ['PONG', '05 ff82 01 02 00', { type: 'pong' }],
  ['TUN', '05 ff82 01 06 00', { type: 'tun' }],
  ['TCPF ["PA"]', '0c ff82 01 03 02 01 04 01 01 01 00 00', { type: 'tcpf', flags: [0x18] }],
  ['TCPF ["S","PA"]', '0f ff82 01 03 02 02 02 01 00 04 01 01 01 00 00', { type: 'tcpf', flags: [0x02, 0x18] }],
  ['TCPF []', '05 ff82 01 03 00', { type: 'tcpf', flags: [] }],
  ['TCP example.com:443', '18 ff82 01 04 01 01 0b 6578616d706c652e636f6d 01 fe0376 00 00', { type: 'tcp', host: 'example.com', port: 443 }],
  ['UDP 8.8.8.8:53', '12 ff82 01 05 01 01 07 382e382e382e38 01 6a 00 00', { type: 'udp', host: '8.8.8.8', port: 53 }],
];
