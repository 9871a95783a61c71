// Key-version windows and the trusted-time rules of validate-receipt; their export as Sigstore trust material.
import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toSigstoreTrustMaterial } from '../../src/core/bundle/trusted-root.js';
import { generateEd25519Key, generateP256KeyPair } from '../../src/core/keys.js';
import { checkClaimedTime, checkKeyWindow, keyWindow, type TrustedTime } from '../../src/core/receipt-time.js';
import { noteKey } from '../../src/core/transparency/index.js';
import type { PublicKeyVersion } from '../../src/ports/key-signer.js';

const pem = () => generateP256KeyPair().publicKey.export({ type: 'spki', format: 'pem' }).toString();
const version = (v: number, createdAt: string): PublicKeyVersion => ({
  keyId: 'k',
  version: v,
  algorithm: 'ecdsa-p256',
  publicKeyPem: pem(),
  createdAt,
});
const keys = [version(2, '2030-02-01T00:00:00Z'), version(1, '2030-01-01T00:00:00Z'), version(3, '2030-03-01T00:00:00Z')];
const at = (iso: string, source: TrustedTime['source'] = 'RFC 3161 timestamp'): TrustedTime => ({ source, at: new Date(iso) });

describe('key windows', () => {
  it("a version is valid from its creation until the next version's; the newest has no end", () => {
    expect(keyWindow(keys, 1)).toEqual({ start: new Date('2030-01-01T00:00:00Z'), end: new Date('2030-02-01T00:00:00Z') });
    expect(keyWindow(keys, 3)).toEqual({ start: new Date('2030-03-01T00:00:00Z') });
    expect(keyWindow(keys, 9)).toBeUndefined();
  });

  it('accepts a rotated version for a signature timestamped while it was current, within the clock skew; refuses one timestamped later', () => {
    expect(checkKeyWindow(keys, 1, [at('2030-01-15T00:00:00Z')])).toMatchObject({ ok: true });
    expect(checkKeyWindow(keys, 1, [at('2030-02-01T00:04:59Z')])).toMatchObject({ ok: true });
    expect(checkKeyWindow(keys, 1, [at('2030-02-01T00:05:01Z')])).toMatchObject({ ok: false, code: 'key_rotated' });
    // every trusted time must fall in the window: the SET's too
    expect(checkKeyWindow(keys, 1, [at('2030-01-15T00:00:00Z'), at('2030-02-15T00:00:00Z', 'log integrated time')])).toMatchObject({
      ok: false,
      code: 'key_rotated',
    });
    expect(checkKeyWindow(keys, 2, [at('2030-01-31T00:00:00Z')])).toMatchObject({ ok: false, code: 'before_key' });
    expect(checkKeyWindow(keys, 3, [at('2099-01-01T00:00:00Z')])).toMatchObject({ ok: true });
    expect(checkKeyWindow(keys, 1, [])).toMatchObject({ ok: true });
    expect(checkKeyWindow(keys, 7, [at('2030-01-15T00:00:00Z')])).toMatchObject({ ok: false, code: 'unknown_key' });
  });

  it('timestamp_utc may not be after the earliest trusted time; no trusted time may be in the future', () => {
    const now = new Date('2030-06-01T00:00:00Z');
    expect(checkClaimedTime('2030-01-15T00:00:00Z', [at('2030-01-15T00:04:00Z')], now)).toMatchObject({ ok: true });
    expect(checkClaimedTime('2030-01-15T01:00:00Z', [at('2030-01-15T00:00:00Z'), at('2030-01-16T00:00:00Z')], now)).toMatchObject({
      ok: false,
      code: 'after',
    });
    expect(checkClaimedTime('2030-01-15T00:00:00Z', [at('2030-07-01T00:00:00Z')], now)).toMatchObject({ ok: false, code: 'future' });
    expect(checkClaimedTime('2030-06-01T00:10:00Z', [], now)).toMatchObject({ ok: false, code: 'after' });
  });
});

describe('Sigstore trust material', () => {
  const ed = createPublicKey(generateEd25519Key()).export({ type: 'spki', format: 'pem' }).toString();
  const log = {
    logID: '',
    url: 'https://log2025-1.rekor.example',
    publicKeyPem: ed,
    origin: 'log2025-1.rekor.example',
    apiVersion: 2 as const,
    keyName: 'log2025-1.rekor.example',
  };

  it("signing keys by hint, windows widened by the clock skew; the log's whole checkpoint key ID; baseUrl naming the signature name", () => {
    const id = noteKey(createPublicKey(ed), log.keyName).id;
    const m = toSigstoreTrustMaterial(keys, { ...log, logID: id.toString('hex') }, []);
    expect(m.keys['k:v1']!.validFor).toEqual({ start: '2029-12-31T23:55:00.000Z', end: '2030-02-01T00:05:00.000Z' });
    expect(m.keys['k:v3']!.validFor).toEqual({ start: '2030-02-28T23:55:00.000Z' });
    const tlog = m.trustedRoot.tlogs[0] as any;
    expect(tlog).toMatchObject({ baseUrl: 'https://log2025-1.rekor.example', publicKey: { keyDetails: 'PKIX_ED25519' } });
    expect(Buffer.from(tlog.checkpointKeyId.keyId, 'base64')).toEqual(id);
    // a URL that does not contain the key name (the embedded log's) gives way to the name
    const embedded = toSigstoreTrustMaterial(keys, { ...log, url: 'http://localhost:3030', keyName: 'afdp-notary.local/log' }, []);
    expect((embedded.trustedRoot.tlogs[0] as any).baseUrl).toBe('afdp-notary.local/log');
  });
});
