import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalEvidenceCipher } from '../../src/adapters/signer/local/evidence-cipher.js';
import { EvidenceIntegrityError } from '../../src/ports/evidence-cipher.js';
import { tempDir } from '../support/databases.js';

const hash = () => randomBytes(32).toString('hex');

describe('LocalEvidenceCipher', async () => {
  it('seals a body that only the same hash, KEK and data key open; every seal uses a fresh data key', async () => {
    const cipher = new LocalEvidenceCipher({ dir: tempDir() });
    const [h, other] = [hash(), hash()];
    const plain = Buffer.from('{"diagnosis":"confidential"}');
    const a = await cipher.seal(h, plain);
    const b = await cipher.seal(h, plain);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.body).not.toBe(b.body);
    expect(Buffer.from(a.body, 'base64').includes(plain)).toBe(false);
    expect(await cipher.open(h, a)).toEqual(plain);
    await expect(cipher.open(other, a)).rejects.toThrow(EvidenceIntegrityError); // moved to another row
    await expect(cipher.open(h, { ...a, body: b.body })).rejects.toThrow(EvidenceIntegrityError); // another data key's body
    const flipped = Buffer.from(a.body, 'base64');
    flipped[flipped.length - 1]! ^= 1;
    await expect(cipher.open(h, { ...a, body: flipped.toString('base64') })).rejects.toThrow(EvidenceIntegrityError);
    await expect(cipher.open(h, { ...a, kekVersion: 9 })).rejects.toThrow(EvidenceIntegrityError);
  });

  it('keeps its KEKs sealed under the keyring passphrase: another passphrase cannot load them', async () => {
    const dir = tempDir();
    const cipher = new LocalEvidenceCipher({ dir, passphrase: 'correct horse' });
    const h = hash();
    const sealed = await cipher.seal(h, Buffer.from('x'));
    expect(await new LocalEvidenceCipher({ dir, passphrase: 'correct horse' }).open(h, sealed)).toEqual(Buffer.from('x'));
    expect(() => new LocalEvidenceCipher({ dir, passphrase: 'wrong' })).toThrow(/NOTARY_KEYRING_PASSPHRASE/);
  });

  it('re-wraps a data key under the newest KEK; a process that loaded the old file learns the new version on read', async () => {
    const dir = tempDir();
    const running = new LocalEvidenceCipher({ dir });
    const h = hash();
    const sealed = await running.seal(h, Buffer.from('body'));
    const operator = new LocalEvidenceCipher({ dir });
    expect(await operator.rotate()).toBe(2);
    const moved = (await operator.rewrap(h, sealed))!;
    expect(moved.kekVersion).toBe(2);
    expect(await operator.rewrap(h, { ...sealed, ...moved })).toBeUndefined();
    expect(await running.open(h, { ...sealed, ...moved })).toEqual(Buffer.from('body'));
    await expect(running.open(hash(), { ...sealed, ...moved })).rejects.toThrow(EvidenceIntegrityError);
  });
});
