/**
 * A receipt's bundle repeats the receipt's own fields in Sigstore's form. Rather than verify it a
 * second way, verifiers check that it is exactly what those (separately verified) fields render to:
 * then the bundle cannot claim anything the other checks did not cover.
 */
import type { LogEntry } from '../../ports/transparency-log.js';
import type { SignedDigest } from '../../ports/evidence-store.js';
import { parseHashedRekordBody } from '../transparency/hashedrekord.js';
import { toSigstoreBundle } from './to-bundle.js';

export type BundleMatch =
  | { state: 'absent' } // receipt issued before bundles existed
  | { state: 'pending' } // no log entry yet, and rightly no bundle
  | { state: 'match'; hint: string }
  | { state: 'mismatch'; detail: string };

type Obj = Record<string, unknown>;

/**
 * `entry` is the receipt's flat log entry (validate-receipt's toLogEntry), if complete. A P-384
 * signature covers SHA-384, which the receipt does not repeat: verifiers pass the one they computed
 * from the evidence; without it, the (separately checked) entry body's digest is taken.
 */
export function matchReceiptBundle(receipt: Obj, entry: LogEntry | undefined, signedDigest?: SignedDigest): BundleMatch {
  const bundle = receipt.bundle;
  if (bundle === undefined) return { state: 'absent' };
  if (!entry) return bundle === null ? { state: 'pending' } : { state: 'mismatch', detail: 'a bundle on a receipt without a log entry' };
  try {
    const expected = toSigstoreBundle({
      digestHex: String(receipt.evidence_package_hash),
      ...(signedDigest ? { signedDigest } : bodyDigest(entry)),
      signature: Buffer.from(String(receipt.signature_b64), 'base64'),
      keyId: String(receipt.key_id),
      keyVersion: Number(receipt.key_version),
      entry,
      timestamp: typeof receipt.rfc3161_timestamp === 'string' ? Buffer.from(receipt.rfc3161_timestamp, 'base64') : undefined,
    });
    const diff = firstDifference(expected, bundle, 'bundle');
    return diff
      ? { state: 'mismatch', detail: `${diff} differs from the receipt` }
      : { state: 'match', hint: expected.verificationMaterial.publicKey.hint };
  } catch (err) {
    return { state: 'mismatch', detail: err instanceof Error ? err.message : String(err) };
  }
}

function bodyDigest(entry: LogEntry): { signedDigest?: SignedDigest } {
  try {
    const body = parseHashedRekordBody(entry.body);
    return body.hashAlgorithm ? { signedDigest: { hash: body.hashAlgorithm, hex: body.digestHex } } : {};
  } catch {
    return {}; // a body that does not parse fails its own check
  }
}

function firstDifference(want: unknown, got: unknown, path: string): string | undefined {
  if (typeof want !== 'object' || want === null) return Object.is(want, got) ? undefined : path;
  if (typeof got !== 'object' || got === null || Array.isArray(want) !== Array.isArray(got)) return path;
  for (const k of new Set([...Object.keys(want), ...Object.keys(got)])) {
    const d = firstDifference((want as Obj)[k], (got as Obj)[k], Array.isArray(want) ? `${path}[${k}]` : `${path}.${k}`);
    if (d) return d;
  }
  return undefined;
}
