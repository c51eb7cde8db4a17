/** The complete frames of docs/protocol/frames.md, section 3 (T0 = 0x12345678, payload "PING"). */
import { hex } from './hex.js';

export const SPEC_T0 = 0x12345678;
export const SPEC_ENVELOPE = {
  localMac: '02:00:00:00:00:01',
  routerMacV4: '02:00:00:00:00:fe',
  routerMacV6: '02:00:00:00:00:fe',
  localIpv4: '192.0.2.10',
  localIpv6: '2001:db8::10',
  localPort: 40000,
  startTimeMs: SPEC_T0,
};
export const SPEC_DST_V4 = { address: '198.51.100.20', port: 9999 };
export const SPEC_DST_V6 = { address: '2001:db8::20', port: 9999 };
export const PING = hex('50494e47');

const V4_HEAD = '0200000000fe 020000000001 0800';
const V4_IP = (len: string, sum: string) => `45 b8 ${len} 0000 4000 40 06 ${sum} c000020a c6336414`;

export interface SpecFrame {
  name: string;
  flags: string;
  counter: number;
  v6?: boolean;
  payload: Uint8Array;
  frame: Uint8Array;
}

export const SPEC_FRAMES: SpecFrame[] = [
  {
    name: 'IPv4 PA c=1', flags: 'PA', counter: 1, payload: PING,
    frame: hex(`${V4_HEAD} ${V4_IP('0038', '4db6')} 9c40 270f 123456f8 12345c6f 8018 ffff 7f89 0000 0101080a 12345678 12345645 50494e47`),
  },
  {
    name: 'IPv4 S c=2', flags: 'S', counter: 2, payload: PING,
    frame: hex(`${V4_HEAD} ${V4_IP('0040', '4dae')} 9c40 270f 00000003 00000000 a002 ffff 9119 0000 020405b4 0402 080a 12345678 00000000 01 030308 50494e47`),
  },
  {
    name: 'IPv4 SA c=9', flags: 'SA', counter: 9, payload: PING,
    frame: hex(`${V4_HEAD} ${V4_IP('0040', '4dae')} 9c40 270f 00000002 00000003 a012 ffff 9106 0000 020405b4 0402 080a 12345679 00000000 01 030308 50494e47`),
  },
  {
    name: 'IPv6 PA c=1', flags: 'PA', counter: 1, v6: true, payload: PING,
    frame: hex(`0200000000fe 020000000001 86dd 6b800000 0024 06 40 20010db8000000000000000000000010 20010db8000000000000000000000020
      9c40 270f 123456f8 12345c6f 8018 ffff 103a 0000 0101080a 12345678 12345645 50494e47`),
  },
  {
    name: 'IPv4 A c=3 empty payload', flags: 'A', counter: 3, payload: new Uint8Array(0),
    frame: hex(`${V4_HEAD} ${V4_IP('0034', '4dba')} 9c40 270f 123457f8 12345d6d 8010 ffff 1c2a 0000 0101080a 12345678 12345643`),
  },
  {
    name: 'IPv4 NCEU c=300', flags: 'NCEU', counter: 300, payload: PING,
    frame: hex(`${V4_HEAD} ${V4_IP('0038', '4db6')} 9c40 270f 1234ec78 1234f0c4 81e0 ffff 5404 0000 0101080a 1234569d 12345607 50494e47`),
  },
];
