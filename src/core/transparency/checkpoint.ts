/**
 * C2SP tlog-checkpoint in a C2SP signed note. Signatures by ECDSA keys (Rekor v1 and v2, key hint
 * = first 4 bytes of SHA-256(SPKI DER), rekor pkg/util/signed_note.go) and Ed25519 keys (the C2SP
 * type: Rekor v2, witnesses); see note-key.ts.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { noteKey, signNoteBody, spkiDer, type NoteKey } from './note-key.js';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  otherContent: string[];
}

export interface NoteSignature {
  name: string;
  keyHint: Buffer; // 4 bytes
  signature: Buffer; // DER for ECDSA
}

export interface SignedNote {
  body: string; // ends with '\n'; exactly the signed bytes
  signatures: NoteSignature[];
}

const EM_DASH = '\u2014';

export function keyHint(key: KeyObject): Buffer {
  return createHash('sha256').update(spkiDer(key)).digest().subarray(0, 4);
}

export function formatCheckpoint(c: Checkpoint): string {
  if (!c.origin || c.origin.includes('\n')) throw new Error('checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new Error(`bad checkpoint size ${c.size}`);
  if (c.rootHash.length !== 32) throw new Error('checkpoint root hash must be 32 bytes');
  const extra = c.otherContent.map((line) => {
    if (line === '' || line.includes('\n')) throw new Error('checkpoint extension lines must be non-empty single lines');
    return `${line}\n`;
  });
  return `${c.origin}\n${c.size}\n${c.rootHash.toString('base64')}\n${extra.join('')}`;
}

export interface NoteSigner {
  /** the key name (Rekor uses its hostname, C2SP logs their origin) */
  name: string;
  privateKey: KeyObject;
}

/**
 * The 4-byte key hint of each (key, name) a checkpoint was signed with: a log signs a checkpoint per
 * commit batch with the same keys, and deriving the hint (public key, SPKI or JWK export, SHA-256)
 * cost more than the Ed25519 signature it labels.
 */
const hints = new WeakMap<KeyObject, Map<string, Buffer>>();

function noteKeyHint(privateKey: KeyObject, name: string): Buffer {
  let byName = hints.get(privateKey);
  if (!byName) hints.set(privateKey, (byName = new Map()));
  let hint = byName.get(name);
  if (!hint) byName.set(name, (hint = noteKey(privateKey, name).id.subarray(0, 4)));
  return hint;
}

/** Formats a checkpoint and signs it with each signer, one signature line each. */
export function signCheckpoint(c: Checkpoint, ...signers: NoteSigner[]): string {
  const body = formatCheckpoint(c);
  const lines = signers.map(({ name, privateKey }) => {
    if (!name || /\s|\+/.test(name)) throw new Error('signature name must be non-empty, without spaces or "+"');
    const sig = signNoteBody(Buffer.from(body, 'utf8'), privateKey);
    return `${EM_DASH} ${name} ${Buffer.concat([noteKeyHint(privateKey, name), sig]).toString('base64')}\n`;
  });
  return `${body}\n${lines.join('')}`;
}

export function parseSignedNote(text: string): SignedNote {
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw new Error('malformed signed note: no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (!block.endsWith('\n')) throw new Error('malformed signed note: signature block must end with a newline');
  const signatures = block
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+=*)$/.exec(line);
      if (!m) throw new Error(`malformed signature line: ${JSON.stringify(line.slice(0, 80))}`);
      const raw = Buffer.from(m[2], 'base64');
      if (raw.length < 5) throw new Error('signature too short');
      return { name: m[1], keyHint: raw.subarray(0, 4), signature: raw.subarray(4) };
    });
  return { body, signatures };
}

export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw new Error('checkpoint body must end with a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new Error('checkpoint needs origin, size and root hash lines');
  const [origin, sizeText, rootText, ...otherContent] = lines;
  if (!origin) throw new Error('checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new Error(`checkpoint size is not a decimal integer: ${JSON.stringify(sizeText)}`);
  }
  const rootHash = Buffer.from(rootText, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== rootText) {
    throw new Error('checkpoint root hash is not base64 of 32 bytes');
  }
  if (otherContent.some((l) => l === '')) throw new Error('checkpoint has an empty extension line');
  return { origin, size: Number(sizeText), rootHash, otherContent };
}

export interface VerifiedCheckpoint extends Checkpoint {
  /** the log key as the verifying signature line named it */
  key: NoteKey;
}

/**
 * Verifies a signed checkpoint against one log key; throws Error saying what failed. `keyName`,
 * when given, is the name the log's signature line must carry (an Ed25519 key ID commits to it).
 */
export function verifyCheckpoint(note: string, publicKey: KeyObject, expectedOrigin?: string, keyName?: string): VerifiedCheckpoint {
  const parsed = parseSignedNote(note);
  // Signatures by other keys (witnesses) are ignored, as signed-note verifiers must.
  const mine = parsed.signatures
    .filter((s) => keyName === undefined || s.name === keyName)
    .map((s) => ({ s, key: noteKey(publicKey, s.name) }))
    .filter(({ s, key }) => s.keyHint.equals(key.id.subarray(0, 4)));
  if (mine.length === 0) throw new Error('checkpoint has no signature from the log key (key hint mismatch)');
  const data = Buffer.from(parsed.body, 'utf8');
  const verified = mine.find(({ s, key }) => key.verify(data, s.signature));
  if (!verified) throw new Error('checkpoint signature does not verify with the log key');
  const checkpoint = { ...parseCheckpoint(parsed.body), key: verified.key };
  if (expectedOrigin !== undefined && checkpoint.origin !== expectedOrigin) {
    throw new Error(`checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(expectedOrigin)}`);
  }
  return checkpoint;
}
