import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BLOCK_NAMES, CfbTransform, Blowfish, Cast5, createDatagramCipher, crc32, deriveKey, deriveKeyAsync, type BlockName, type NonceSource } from '../src/crypto/index.js';
import { XorPadTransform } from '../src/crypto/transforms/xor.js';
import { Salsa20Transform } from '../src/crypto/transforms/salsa20.js';
import { NodeCfbTransform } from '../src/crypto/transforms/node-cfb.js';
import { ownCfb } from '../src/crypto/transforms/own-cfb.js';
import { blockKey } from '../src/crypto/factory.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fixedNonce = (nonce: Uint8Array): NonceSource => (buf, offset, length) => buf.set(nonce.subarray(0, length), offset);

// docs/protocol/crypto.md
const DKEY = '8bdc316de8f97c833aec117d9d1ed9425ec4bec18e9741f2294da38f3bb7d067';
const SIXTY_NINE: Record<string, string> = {
  aes: 'f1fc11b3d4b44b2349759675fb2fa214ce7420a5805191f1a4bc72fea0079bca7e921731eec3528b8fa20a9f0a57dc471926b065ef491c671ad8ab091b5c16d053ec3261fb',
  'aes-128': '03363044f875d7eb6705e7152492f781b3fceaa648e47e3938037ed748dccb7bcf347147c641af22b1eb27f310ecddc6063d528026b021e49dffd2624d8571aa53733f7170',
  'aes-192': '0b8c95089d4049e15f627001a9bfbff1f5de3eca6af7199720c35e56c6d6c43bd097e52a629419c9b817f1668f43c757bd91dd9a514cf0fe9b889c8a69347567310c11323c',
  salsa20: '000102030405060740d44da45a612a829a4a0d70dd0d0a0b16b467a72b23384abb2563d7dc04a7be3a74adeff71ac0801012d1201bc0f2c9ddbe4ae002b03d053c91a7d559',
  blowfish: 'cab6e30ef169effb6dc13908e645e9d30711a2efb7c73fcc64564bce29337e015eee2c568d0aa24d95d099bac5e89d88ba1136b3d8be4def93ed7054a44caf9fde08d911c6',
  twofish: '9b5d819849e81ae76cc4804aa4b1161784dd6d5e46d10dab653102222960abb5bfe93abed0b6cb2778884451f8f3f3be8099d81026a90d7f5d2d22ce0b167ef9c527991718',
  cast5: '644610f548544712d7b042f6002a0909af4409710b3787ec5cf5ec010f570f25f4524db45bd80905afdee8eb98fd22301ff48c3f0d84adf680fc8d0e5879fb79b662d25e68',
  '3des': 'd5b84ed48bbc5cbab2638c2fe3b40572673476e75b7cb4d66442ab470171a0f6a2cf49ae7c8c50384fc8dc382dd28ef7ee6cb1e981c5ac21bca1e758f144fa9d1bb1411703',
  tea: '48ecd5f1ecaa3962bb08c8420ebaefeba05d7ea5a26c213d007af312ba3ce8966b4f4b31ae263a35634919a3577659a8bb83c4e6a098011071802a447f308732712664a674',
  xtea: 'f643fae745a76d4a714edeecf8288c1ff4661e53e1a36660d811251c362d8eda1c1a088a93b21c8a04cac12da6fa5962866272e5c660f0f41ba871916300d07e3aed5378d2',
  xor: '2a941ba5908aab70271ce89365da52b802a5c4e0787bf19b1e8acca8062a49079696e1d1e0ecce4e85410bb4097ea2e69f8e1378c8f51f6c1686897e1ca058e50ba602636b',
  sm4: '6004108939ee4b7a1ab0f0f87a4298efbee82dda2aaf19065580dd60e5968992bed2e309ac59f553e636034710c5aee5d4feff61b24e98fe25c85e0dc026df1d0e352e1fc6',
};
const FIVE: Record<string, string> = {
  aes: 'f0ff10b4d5', 'aes-128': '02353143f9', 'aes-192': '0a8f940f9c', blowfish: 'cbb5e209f0', twofish: '9a5e809f48',
  cast5: '654511f249', '3des': 'd4bb4fd38a', tea: '49efd4f6ed', xtea: 'f740fbe044', xor: '2b971aa291', sm4: '6107118e38',
  salsa20: '0102030405',
};

type StreamBlock = Exclude<BlockName, 'aes-128-gcm' | 'null' | 'none'>;
function transform(block: StreamBlock, dkey: Uint8Array) {
  const key = blockKey(block, dkey);
  switch (block) {
    case 'aes': return new NodeCfbTransform('aes-256-cfb', key, 16);
    case 'aes-128': return new NodeCfbTransform('aes-128-cfb', key, 16);
    case 'aes-192': return new NodeCfbTransform('aes-192-cfb', key, 16);
    case 'sm4': return new NodeCfbTransform('sm4-cfb', key, 16);
    case '3des': return new NodeCfbTransform('des-ede3-cfb', key, 8);
    case 'salsa20': return new Salsa20Transform(key);
    case 'xor': return new XorPadTransform(key);
    default: return ownCfb[block](key);
  }
}

describe('key derivation (docs/protocol/crypto.md, section 1)', () => {
  it('derives the spec and golden keys, sync and async', async () => {
    expect(toHex(deriveKey('paqet-secret'))).toBe(DKEY);
    expect(toHex(await deriveKeyAsync('paqet-golden-key'))).toBe('f1f500b40677997e25568f78f717021c9ba7d003b4cd73a267ce9758efc650e3');
  });
});

describe('whole-datagram transforms against docs/protocol/crypto.md', () => {
  const dkey = hex(DKEY);
  for (const [block, expected] of Object.entries(SIXTY_NINE)) {
    it(`${block}: 69-byte and 5-byte vectors, both directions`, () => {
      const t = transform(block as StreamBlock, dkey);
      const buf = Uint8Array.from({ length: 69 }, (_, i) => i);
      t.encrypt(buf, buf.length);
      expect(toHex(buf)).toBe(expected);
      t.decrypt(buf, buf.length);
      expect(buf).toEqual(Uint8Array.from({ length: 69 }, (_, i) => i));
      const five = hex('0102030405');
      t.encrypt(five, 5);
      expect(toHex(five)).toBe(FIVE[block]);
      t.decrypt(five, 5);
      expect(toHex(five)).toBe('0102030405');
    });
  }

  it('xor pad starts as the spec says', () => {
    expect(toHex(new XorPadTransform(hex(DKEY)).pad.subarray(0, 32))).toBe('2a9519a6948fad772f15e29869d75cb712b4d6f36c6ee78c0693d6b31a375718');
  });

  it('CRC32 is zlib’s', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('full envelopes (docs/protocol/crypto.md)', () => {
  it('aes envelope (A) around the 29-byte KCP PUSH', () => {
    const payload = hex('7856341251000002e803000000000000000000000500000068656c6c6f');
    const cipher = createDatagramCipher('aes', hex(DKEY), { nonceSource: fixedNonce(hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff')) });
    const buf = new Uint8Array(100);
    buf.set(payload, 20);
    const n = cipher.seal(buf, payload.length);
    expect(toHex(buf.subarray(0, n))).toBe(
      '010ce1432444bbd3b98566850bdf52e444b4a108c69ce5a2728f86917e25d9a71ab5cf875f54ff16bac0aabe93ad769ea4',
    );
    const opened = cipher.open(buf.slice(0, n));
    expect(opened).toEqual(payload);
  });

  it('aes-128-gcm envelope (B)', () => {
    const cipher = createDatagramCipher('aes-128-gcm', hex(DKEY), { nonceSource: fixedNonce(hex('a0a1a2a3a4a5a6a7a8a9aaab')) });
    const text = new TextEncoder().encode('hello kcp over gcm');
    const buf = new Uint8Array(12 + text.length + 16);
    buf.set(text, 12);
    expect(cipher.seal(buf, text.length)).toBe(buf.length);
    expect(toHex(buf)).toBe('a0a1a2a3a4a5a6a7a8a9aaabef1b9c78f1708d410fbd7a50d73c31257adc8baa0d33f45aa6c2082c07cf4a47cb03');
    expect(cipher.open(buf.slice())).toEqual(text);
    const tampered = buf.slice();
    tampered[20]! ^= 1;
    expect(cipher.open(tampered)).toBe('auth');
  });

  it('every block round-trips and reports its header/trailer sizes; a flipped bit is a crc/auth drop', () => {
    const dkey = hex(DKEY);
    for (const block of BLOCK_NAMES) {
      const cipher = createDatagramCipher(block, dkey);
      expect(cipher.block).toBe(block);
      expect(cipher.headerSize).toBe(block === 'null' ? 0 : block === 'aes-128-gcm' ? 12 : 20);
      expect(cipher.trailerSize).toBe(block === 'aes-128-gcm' ? 16 : 0);
      const payload = randomBytes(1000);
      const buf = new Uint8Array(1500);
      buf.set(payload, cipher.headerSize);
      const n = cipher.seal(buf, payload.length);
      expect(n).toBe(cipher.headerSize + payload.length + cipher.trailerSize);
      expect(cipher.open(buf.slice(0, n))).toEqual(new Uint8Array(payload));
      if (block !== 'null') {
        const bad = buf.slice(0, n);
        bad[n - 1 - cipher.trailerSize]! ^= 0x40;
        expect(cipher.open(bad)).toBe(block === 'aes-128-gcm' ? 'auth' : 'crc');
      }
    }
  });
});

describe('cross-check with OpenSSL’s legacy provider (test only; never needed at run time)', () => {
  it('Blowfish-CFB64 (32-byte key) and CAST5-CFB64 match bf-cfb / cast5-cfb', () => {
    const cases = Array.from({ length: 4 }, (_, i) => ({ bf: randomBytes(32), cast: randomBytes(16), data: randomBytes(50 + i * 37) }));
    const script = `
      const c = require('node:crypto');
      const iv = Buffer.from('a7734f9c12ac1b01', 'hex');
      const cases = JSON.parse(process.argv[1]);
      console.log(JSON.stringify(cases.map(k => [
        c.createCipheriv('bf-cfb', Buffer.from(k.bf, 'hex'), iv).update(Buffer.from(k.data, 'hex')).toString('hex'),
        c.createCipheriv('cast5-cfb', Buffer.from(k.cast, 'hex'), iv).update(Buffer.from(k.data, 'hex')).toString('hex'),
      ])));`;
    const arg = JSON.stringify(cases.map((c) => ({ bf: toHex(c.bf), cast: toHex(c.cast), data: toHex(c.data) })));
    const out = JSON.parse(execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', script, arg], { encoding: 'utf8' })) as [string, string][];
    cases.forEach((c, i) => {
      const a = new Uint8Array(c.data);
      new CfbTransform(new Blowfish(c.bf)).encrypt(a, a.length);
      expect(toHex(a)).toBe(out[i]![0]);
      const b = new Uint8Array(c.data);
      new CfbTransform(new Cast5(c.cast)).encrypt(b, b.length);
      expect(toHex(b)).toBe(out[i]![1]);
    });
  });
});
