import { createHash } from 'node:crypto';
import canonicalizeJson from 'canonicalize';
import { NotaryError } from './errors.js';

/** RFC 8785 (JCS) canonical UTF-8 bytes of a JSON value. */
export function canonicalBytes(value: unknown): Buffer {
  const text = canonicalizeJson(value);
  if (text === undefined) throw new NotaryError('invalid_request', 'value has no JSON representation');
  return Buffer.from(text, 'utf8');
}

export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
