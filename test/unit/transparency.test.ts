// Our own signing (checkpoints, SETs, hashedrekord bodies) round-trips through our verifiers.
import { createHash, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MerkleTree, leafHash } from '../../src/core/merkle/index.js';
import { generateEd25519Key, generateP256KeyPair } from '../../src/core/keys.js';
import {
  formatCheckpoint,
  hashedRekordBody,
  keyHint,
  logIdFromPublicKey,
  noteKey,
  parseHashedRekordBody,
  parseSignedNote,
  signCheckpoint,
  signSET,
  verifyCheckpoint,
  verifyLogEntry,
  verifyP256Digest,
  verifySET,
} from '../../src/core/transparency/index.js';

const { privateKey, publicKey } = generateP256KeyPair();
const other = generateP256KeyPair();
const root = createHash('sha256').update('root').digest();
const cp = { origin: 'notary.test - 42', size: 7, rootHash: root, otherContent: ['Timestamp: 1'] };

describe('checkpoints', () => {
  it('formats the C2SP body and signs it in Rekor style', () => {
    expect(formatCheckpoint(cp)).toBe(`notary.test - 42\n7\n${root.toString('base64')}\nTimestamp: 1\n`);
    const note = signCheckpoint(cp, { name: 'notary.test', privateKey });
    const parsed = parseSignedNote(note);
    expect(parsed.body).toBe(formatCheckpoint(cp));
    expect(parsed.signatures[0].name).toBe('notary.test');
    expect(parsed.signatures[0].keyHint.equals(keyHint(publicKey))).toBe(true);
    expect(note).toMatch(/\n\n\u2014 notary\.test [A-Za-z0-9+/=]+\n$/);
    expect(verifyCheckpoint(note, publicKey, 'notary.test - 42')).toMatchObject(cp);
  });

  it('ignores a witness co-signature and rejects wrong key, origin or edits', () => {
    const note = signCheckpoint(cp, { name: 'notary.test', privateKey });
    const witness = signCheckpoint(cp, { name: 'witness', privateKey: other.privateKey }).split('\n\n')[1];
    expect(verifyCheckpoint(note + witness, publicKey).size).toBe(7);
    expect(() => verifyCheckpoint(note, other.publicKey)).toThrow(/key hint/);
    expect(() => verifyCheckpoint(note, publicKey, 'elsewhere')).toThrow(/origin/);
    expect(() => verifyCheckpoint(note.replace('\n7\n', '\n8\n'), publicKey)).toThrow(/does not verify/);
    expect(() => verifyCheckpoint('no signatures', publicKey)).toThrow(/malformed/);
    expect(() => verifyCheckpoint(note.replace('\u2014', '-'), publicKey)).toThrow(/malformed signature line/);
  });

  it('labels each signature with the hint of its own key and name, however often a key signs', () => {
    // an Ed25519 key ID hashes the name too: the same key under two names gives two hints
    const ed = generateEd25519Key();
    const hints = ['log.a', 'log.b', 'log.a'].map(
      (name) => parseSignedNote(signCheckpoint(cp, { name, privateKey: ed })).signatures[0].keyHint,
    );
    expect(hints.map((h) => h.toString('hex'))).toEqual(
      ['log.a', 'log.b', 'log.a'].map((name) => noteKey(ed, name).id.subarray(0, 4).toString('hex')),
    );
    expect(hints[0].equals(hints[1])).toBe(false);
    const both = parseSignedNote(signCheckpoint(cp, { name: 'log.a', privateKey: ed }, { name: 'log.a', privateKey }));
    expect(both.signatures.map((s) => s.keyHint.toString('hex'))).toEqual([
      noteKey(ed, 'log.a').id.subarray(0, 4).toString('hex'),
      keyHint(publicKey).toString('hex'),
    ]);
  });
});

describe('SET and hashedrekord', () => {
  const digest = createHash('sha256').update('evidence').digest();
  const signature = sign('sha256', Buffer.from('evidence'), privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('builds the canonical hashedrekord body and parses it back', () => {
    const body = hashedRekordBody({ digestHex: digest.toString('hex'), signature, publicKeyPem });
    expect(body.toString()).toBe(
      `{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"${digest.toString('hex')}"}},` +
        `"signature":{"content":"${signature.toString('base64')}","publicKey":{"content":"${Buffer.from(publicKeyPem).toString('base64')}"}}}}`,
    );
    expect(parseHashedRekordBody(body.toString('base64'))).toEqual({
      apiVersion: '0.0.1',
      digestHex: digest.toString('hex'),
      signature,
      publicKeyPem,
    });
    expect(() => parseHashedRekordBody(Buffer.from('{"kind":"intoto"}').toString('base64'))).toThrow(/not hashedrekord/);
    expect(verifyP256Digest(digest, signature, publicKey)).toBe(true);
  });

  it('a self-built entry passes every check; a SET by another key fails', () => {
    const bodyBytes = hashedRekordBody({ digestHex: digest.toString('hex'), signature, publicKeyPem });
    const tree = new MerkleTree([leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))]);
    const index = tree.append(leafHash(bodyBytes));
    const payload = {
      body: bodyBytes.toString('base64'),
      integratedTime: 1700000000,
      logID: logIdFromPublicKey(publicKey),
      logIndex: 1000 + index,
    };
    const entry = {
      ...payload,
      uuid: '0123456789abcdef' + leafHash(bodyBytes).toString('hex'),
      signedEntryTimestamp: signSET(payload, privateKey),
      inclusionProof: {
        logIndex: index,
        treeSize: tree.size,
        rootHash: tree.root().toString('hex'),
        hashes: tree.inclusionProof(index).map((h) => h.toString('hex')),
        checkpoint: signCheckpoint({ origin: 'o', size: tree.size, rootHash: tree.root(), otherContent: [] }, { name: 'o', privateKey }),
      },
    };
    const checks = verifyLogEntry(entry, publicKey, { digestHex: digest.toString('hex'), signature, publicKeyPem });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(verifySET({ ...entry, signedEntryTimestamp: signSET(payload, other.privateKey) }, publicKey)).toBe(false);
    expect(verifyLogEntry({ ...entry, uuid: 'nope' }, publicKey).find((c) => c.check === 'body')?.ok).toBe(false);
  });
});
