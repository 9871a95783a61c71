import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalEvidenceCipher } from '../../src/adapters/signer/local/evidence-cipher.js';
import { EvidenceIntegrityError } from '../../src/ports/evidence-cipher.js';
import { tempDir } from '../support/databases.js';

const hash = () => randomBytes(32).toString('hex');

describe('LocalEvidenceCipher', () => {
  it('seals a body that only the same hash, KEK and data key open; every seal uses a fresh data key', () => {
    const cipher = new LocalEvidenceCipher({ dir: tempDir() });
    const [h, other] = [hash(), hash()];
    const plain = Buffer.from('{"diagnosis":"confidential"}');
    const a = cipher.seal(h, plain);
    const b = cipher.seal(h, plain);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.body).not.toBe(b.body);
    expect(Buffer.from(a.body, 'base64').includes(plain)).toBe(false);
    expect(cipher.open(h, a)).toEqual(plain);
    expect(() => cipher.open(other, a)).toThrow(EvidenceIntegrityError); // moved to another row
    expect(() => cipher.open(h, { ...a, body: b.body })).toThrow(EvidenceIntegrityError); // another data key's body
    const flipped = Buffer.from(a.body, 'base64');
    flipped[flipped.length - 1]! ^= 1;
    expect(() => cipher.open(h, { ...a, body: flipped.toString('base64') })).toThrow(EvidenceIntegrityError);
    expect(() => cipher.open(h, { ...a, kekVersion: 9 })).toThrow(EvidenceIntegrityError);
  });

  it('keeps its KEKs sealed under the keyring passphrase: another passphrase cannot load them', () => {
    const dir = tempDir();
    const cipher = new LocalEvidenceCipher({ dir, passphrase: 'correct horse' });
    const h = hash();
    const sealed = cipher.seal(h, Buffer.from('x'));
    expect(new LocalEvidenceCipher({ dir, passphrase: 'correct horse' }).open(h, sealed)).toEqual(Buffer.from('x'));
    expect(() => new LocalEvidenceCipher({ dir, passphrase: 'wrong' })).toThrow(/NOTARY_KEYRING_PASSPHRASE/);
  });

  it('re-wraps a data key under the newest KEK; a process that loaded the old file learns the new version on read', () => {
    const dir = tempDir();
    const running = new LocalEvidenceCipher({ dir });
    const h = hash();
    const sealed = running.seal(h, Buffer.from('body'));
    const operator = new LocalEvidenceCipher({ dir });
    expect(operator.rotate()).toBe(2);
    const moved = operator.rewrap(h, sealed)!;
    expect(moved.kekVersion).toBe(2);
    expect(operator.rewrap(h, { ...sealed, ...moved })).toBeUndefined();
    expect(running.open(h, { ...sealed, ...moved })).toEqual(Buffer.from('body'));
    expect(() => running.open(hash(), { ...sealed, ...moved })).toThrow(EvidenceIntegrityError);
  });
});
