/**
 * The TLS identity both ends derive from the shared secret (docs/quic.md,
 * "Authentication"): an Ed25519 key whose 32-byte seed is
 * HKDF-SHA256(secret, salt "paqet-quic", info "ed25519 identity v1"), and a
 * self-signed X.509 v3 certificate over it with fixed fields, so every holder
 * of the secret builds the same certificate byte for byte. Each side presents
 * it and trusts only it (the certificate is its own CA): a peer without the
 * secret cannot sign the TLS 1.3 CertificateVerify for that key, and the
 * handshake fails on whichever side meets it.
 */
import { createPrivateKey, createPublicKey, hkdfSync, pbkdf2Sync, sign, type KeyObject } from 'node:crypto';
import { bitString, boolean, explicit, generalizedTime, integer, octetString, oid, sequence, set, utcTime, utf8String } from './der.js';

const ED25519 = '1.3.101.112';
/** PKCS#8 v1 wrapper for a raw Ed25519 seed (RFC 8410 7). */
const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
/** The paqet passphrase derivation (as transport.kcp.key): PBKDF2-HMAC-SHA256(key, "paqet", 100000, 32). */
const PASSPHRASE_KDF = { salt: 'paqet', iterations: 100_000, length: 32, digest: 'sha256' } as const;

export interface QuicIdentity {
  /** PEM of the derived private key (PKCS#8). */
  readonly keyPem: string;
  /** PEM of the derived self-signed certificate; also the only trusted CA. */
  readonly certPem: string;
  /** DER of the certificate, to compare with what a peer presented. */
  readonly certDer: Uint8Array;
}

/**
 * `secret` is either the paqet passphrase (a string: stretched with PBKDF2
 * exactly as transport.kcp.key is) or already-derived key bytes (at least 16).
 */
export function deriveQuicIdentity(secret: string | Uint8Array): QuicIdentity {
  let ikm: Uint8Array;
  if (typeof secret === 'string') {
    if (secret.length === 0) throw new RangeError('QUIC secret is empty');
    const k = PASSPHRASE_KDF;
    ikm = pbkdf2Sync(secret, k.salt, k.iterations, k.length, k.digest);
  } else {
    if (secret.length < 16) throw new RangeError(`QUIC secret has ${secret.length} bytes; at least 16 are needed`);
    ikm = secret;
  }
  const seed = new Uint8Array(hkdfSync('sha256', ikm, 'paqet-quic', 'ed25519 identity v1', 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const certDer = selfSignedCertificate(privateKey);
  return {
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    certPem: toPem('CERTIFICATE', certDer),
    certDer,
  };
}

function selfSignedCertificate(privateKey: KeyObject): Uint8Array {
  const spki = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
  const algorithm = sequence(oid(ED25519));
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8String('paqet-quic'))));
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    integer(1),
    algorithm,
    name,
    // Fixed dates so the bytes depend on the secret only; RFC 5280's "no well-defined expiry" end.
    sequence(utcTime('200101000000Z'), generalizedTime('99991231235959Z')),
    name,
    spki,
    explicit(3, sequence(
      // basicConstraints, critical, CA: the certificate is its own trust anchor.
      sequence(oid('2.5.29.19'), boolean(true), octetString(sequence(boolean(true)))),
    )),
  );
  const signature = new Uint8Array(sign(null, tbs, privateKey));
  return sequence(tbs, algorithm, bitString(signature));
}

function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}
