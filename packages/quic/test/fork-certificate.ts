/**
 * A server certificate shaped like the QUIC fork's (docs/quic.md, "Fork mode"): a
 * fresh RSA-2048 key, self-signed with sha256WithRSAEncryption, serial 1, valid
 * from now for 365 days, no subject and no SAN, key usage digitalSignature +
 * keyEncipherment, extended key usage serverAuth. Nothing can verify it, which is
 * why the fork's clients skip verification.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { bitString, boolean, explicit, integer, octetString, oid, sequence, tlv, utcTime } from '../src/tls/der.js';
import type { QuicIdentity } from '../src/index.js';

const utc = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

export function forkStyleIdentity(): QuicIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const algorithm = sequence(oid('1.2.840.113549.1.1.11'), tlv(0x05));
  const emptyName = sequence();
  const now = new Date();
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(1),
    algorithm,
    emptyName,
    sequence(utcTime(utc(now)), utcTime(utc(new Date(now.getTime() + 365 * 86_400_000)))),
    emptyName,
    new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    explicit(3, sequence(
      sequence(oid('2.5.29.15'), boolean(true), octetString(tlv(0x03, Uint8Array.of(5, 0xa0)))),
      sequence(oid('2.5.29.37'), octetString(sequence(oid('1.3.6.1.5.5.7.3.1')))),
    )),
  );
  const certDer = sequence(tbs, algorithm, bitString(new Uint8Array(sign('sha256', tbs, privateKey))));
  const b64 = Buffer.from(certDer).toString('base64').replace(/.{64}/g, '$&\n');
  return {
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    certPem: `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`,
    certDer,
  };
}
