/** Rekor hashedrekord entry bodies: build the canonical 0.0.1 body, and read a 0.0.1 or 0.0.2 one back. */
import canonicalize from 'canonicalize';
import { specOfHash } from '../signing-algorithm.js';
import { checkedDigest, type HashedRekordFields } from './hashedrekord-fields.js';
import { HASHEDREKORD_V2, parseHashedRekordV2Spec } from './hashedrekord-v2.js';

export { checkedDigest, type HashedRekordFields } from './hashedrekord-fields.js';

/** The proposed entry Rekor accepts at POST /api/v1/log/entries and stores (canonicalized) as the body. */
export function hashedRekordEntry(f: HashedRekordFields): object {
  const algorithm = checkedDigest(f);
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm, value: f.digestHex } },
      signature: {
        content: f.signature.toString('base64'),
        publicKey: { content: Buffer.from(f.publicKeyPem, 'utf8').toString('base64') },
      },
    },
  };
}

export function hashedRekordBody(f: HashedRekordFields): Buffer {
  return Buffer.from(canonicalize(hashedRekordEntry(f)) as string, 'utf8');
}

export interface ParsedHashedRekord extends HashedRekordFields {
  apiVersion: '0.0.1' | '0.0.2';
}

/** Parses a base64 entry body of either version; throws Error naming the first field that is wrong. */
export function parseHashedRekordBody(b64: string): ParsedHashedRekord {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    throw new Error('entry body is not base64 JSON');
  }
  // untrusted JSON, walked field by field: every field is type-checked before use
  const d = doc as { apiVersion?: unknown; kind?: unknown; spec?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  // kind and apiVersion first, as Rekor's clients must: an unknown version fails here, cleanly
  if (d?.kind === 'hashedrekord' && d.apiVersion === HASHEDREKORD_V2)
    return { apiVersion: HASHEDREKORD_V2, ...parseHashedRekordV2Spec(d.spec) };
  if (d?.kind !== 'hashedrekord' || d.apiVersion !== '0.0.1') {
    throw new Error(`entry body is ${String(d?.kind)} ${String(d?.apiVersion)}, not hashedrekord 0.0.1 or 0.0.2`);
  }
  const hash = d.spec?.data?.hash;
  const known = typeof hash?.algorithm === 'string' ? specOfHash(hash.algorithm) : undefined;
  if (!known || typeof hash.value !== 'string') throw new Error('body hash is not sha256 or sha384');
  const sig = d.spec?.signature;
  if (typeof sig?.content !== 'string') throw new Error('body has no signature content');
  if (typeof sig.publicKey?.content !== 'string') throw new Error('body has no public key content');
  return {
    apiVersion: '0.0.1',
    digestHex: hash.value,
    ...(known.hash !== 'sha256' && { hashAlgorithm: known.hash }),
    signature: Buffer.from(sig.content, 'base64'),
    publicKeyPem: Buffer.from(sig.publicKey.content, 'base64').toString('utf8'),
  };
}

/** Whether the entry's body is a Rekor v2 hashedrekord 0.0.2 (which then has no SET to check). */
export function isV2(entry: { body: string }): boolean {
  try {
    return parseHashedRekordBody(entry.body).apiVersion === '0.0.2';
  } catch {
    return false;
  }
}
