import { createHash } from 'node:crypto';
import canonicalizeJson from 'canonicalize';
import { NotaryError } from './errors.js';

/** RFC 8785 (JCS) canonical UTF-8 bytes of a JSON value. */
export function canonicalBytes(value: unknown): Buffer {
  let text: string | undefined;
  try {
    text = canonicalizeJson(value);
  } catch (err) {
    // validation refuses what RFC 8785 cannot encode (lone surrogates, non-finite numbers) before
    // this point; should anything slip through, it is the input's fault, never a retryable failure
    throw new NotaryError('validation_failed', 'value cannot be canonicalized (RFC 8785)', { cause: err });
  }
  if (text === undefined) throw new NotaryError('invalid_request', 'value has no JSON representation');
  return Buffer.from(text, 'utf8');
}

export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
