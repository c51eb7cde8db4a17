import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveQuicIdentity } from '../src/tls/identity.js';

describe('deriveQuicIdentity', () => {
  it('builds the same key and certificate from the same secret, byte for byte', () => {
    const a = deriveQuicIdentity('correct horse');
    const b = deriveQuicIdentity('correct horse');
    expect(a.keyPem).toBe(b.keyPem);
    expect(Buffer.from(a.certDer).equals(Buffer.from(b.certDer))).toBe(true);
  });

  it('builds a different identity from a different secret', () => {
    const a = deriveQuicIdentity('correct horse');
    const c = deriveQuicIdentity('battery staple');
    expect(a.keyPem).not.toBe(c.keyPem);
    expect(Buffer.from(a.certDer).equals(Buffer.from(c.certDer))).toBe(false);
  });

  it('a passphrase and its PBKDF2 bytes (the paqet key derivation) give the same identity', async () => {
    const { pbkdf2Sync } = await import('node:crypto');
    const derived = new Uint8Array(pbkdf2Sync('correct horse', 'paqet', 100_000, 32, 'sha256'));
    expect(deriveQuicIdentity(derived).certPem).toBe(deriveQuicIdentity('correct horse').certPem);
  });

  it('is a valid self-signed Ed25519 CA certificate whose key matches', () => {
    const id = deriveQuicIdentity('correct horse');
    const cert = new X509Certificate(id.certPem);
    expect(cert.subject).toBe('CN=paqet-quic');
    expect(cert.issuer).toBe('CN=paqet-quic');
    expect(cert.ca).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(id.keyPem))).toBe(true);
    expect(cert.validTo).toMatch(/9999/);
  });

  it('refuses empty and short secrets', () => {
    expect(() => deriveQuicIdentity('')).toThrow(/empty/);
    expect(() => deriveQuicIdentity(new Uint8Array(8))).toThrow(/16/);
  });
});
