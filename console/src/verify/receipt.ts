/**
 * A receipt verified in the browser, independently of the server that issued it: the checks of the
 * offline CLI (src/cli/verify.ts → src/core/validate-receipt.ts) under the same names and with the
 * same reasons, against the trust root the user pinned. RFC 8785 bytes, Merkle proofs, entry and note
 * parsing, key windows and the bundle comparison run the service's own code (src/core, bundled);
 * SHA-256 of the evidence (SHA-384 too for a P-384 key) and every signature use WebCrypto.
 *
 * One check is not made here: the RFC 3161 timestamp (a CMS signature under an X.509 chain). A
 * receipt that carries one shows that check as skipped, "not checked in this browser", and its time
 * is not used; the log's integrated time (Rekor v1, the embedded log) still is.
 */
import { matchReceiptBundle } from '../../../src/core/bundle/match.js';
import { canonicalBytes } from '../../../src/core/canonical.js';
import { checkClaimedTime, checkKeyWindow, type TrustedTime } from '../../../src/core/key-window.js';
import { toLogEntry } from '../../../src/core/receipt-entry.js';
import { isV2 } from '../../../src/core/transparency/hashedrekord.js';
import type { EntryCheck } from '../../../src/core/transparency/verify-entry.js';
import type { CheckResult, Verification as CliVerification } from '../../../src/cli/verify.js';
import { verifyEntry } from './entry.js';
import type { SigningKey, TrustRoot } from './trust-root.js';
import { digest, hashOf, sha256, toHex, verifySignature } from './webcrypto.js';

export type { CheckResult };

/** The offline CLI's result, plus what the verdict rests on for the page to say. */
export interface Verification extends CliVerification {
  trusted: { fingerprint: string; key?: Pick<SigningKey, 'keyId' | 'version'>; logId: string; origin: string };
}

type Obj = Record<string, unknown>;
export const NOT_CHECKED_IN_BROWSER = 'not checked in this browser';
const ENTRY_CHECK_NAMES: Record<EntryCheck['check'], string> = {
  body: 'log entry body',
  set: 'SET',
  inclusion: 'inclusion proof',
  checkpoint: 'checkpoint',
};

export async function verifyReceipt(pkg: Obj, receipt: Obj, trust: TrustRoot, now = new Date()): Promise<Verification> {
  const canonical = canonicalBytes(pkg);
  const hashHex = toHex(await sha256(canonical));
  const checks: CheckResult[] = [];
  const warnings: string[] = [];
  const add = (check: string, ok: boolean | 'skip', detail: string): boolean => {
    checks.push({ check, status: ok === 'skip' ? 'skip' : ok ? 'pass' : 'fail', detail });
    return ok === true;
  };

  const claimed = typeof receipt.evidence_package_hash === 'string' ? receipt.evidence_package_hash : undefined;
  add(
    'evidence hash',
    claimed === hashHex,
    claimed === hashHex
      ? `${hashHex} (SHA-256 of the RFC 8785 bytes)`
      : `evidence_package_hash ${claimed ?? '(missing)'} does not match the package's hash ${hashHex}`,
  );

  const signature = Buffer.from(typeof receipt.signature_b64 === 'string' ? receipt.signature_b64 : '', 'base64');
  const version = typeof receipt.key_version === 'number' ? receipt.key_version : undefined;
  const key = trust.keys.find((k) => k.version === version);
  if (!key) add('signature', false, `key_version ${version ?? '(missing)'} is not a key version of this notary`);
  else if (signature.length === 0) add('signature', false, 'signature_b64 is missing');
  else {
    const ok = await verifySignature(key.key, signature, canonical);
    const label = key.key.kind === 'ecdsa-p384' ? 'ECDSA P-384 / SHA-384' : 'ECDSA P-256 / SHA-256';
    add(
      'signature',
      ok,
      ok
        ? `${label} by ${key.keyId} v${key.version} (key from the trust root)`
        : `does not verify with the trust root's key v${key.version}`,
    );
  }
  if (key && receipt.public_key_b64 !== Buffer.from(key.publicKeyPem).toString('base64')) {
    warnings.push("public_key_b64 differs from the trust root's key for this version; the trust root was used");
  }

  const entry = toLogEntry(receipt);
  // a P-384 key signs SHA-384: the log entry and the bundle hold that digest, not the evidence hash
  const p384 = key?.key.kind === 'ecdsa-p384';
  const signedDigest = p384 ? { hash: 'sha384' as const, hex: toHex(await digest(hashOf(key.key.kind), canonical)) } : undefined;
  let entryOk = false;
  if (!entry) {
    // offline a pending receipt has nothing to prove: the CLI fails it too, saying to fetch it again
    add(
      'transparency log',
      false,
      receipt.anchoring === 'pending'
        ? 'not anchored yet (anchoring: pending); fetch the receipt again once anchored'
        : `no complete log entry (anchoring: ${String(receipt.anchoring)})`,
    );
  } else {
    const expected = {
      digestHex: signedDigest?.hex ?? hashHex,
      ...(signedDigest && { hashAlgorithm: signedDigest.hash }),
      signature,
      publicKeyPem: key?.publicKeyPem ?? '',
    };
    const entryChecks = await verifyEntry(entry, trust.log, expected);
    entryOk = entryChecks.map((c) => add(ENTRY_CHECK_NAMES[c.check], c.ok, c.detail)).every(Boolean);
  }

  const times: TrustedTime[] = [];
  const stamp = receipt.rfc3161_timestamp;
  if (stamp !== undefined && stamp !== null)
    add(
      'RFC 3161 timestamp',
      'skip',
      `${NOT_CHECKED_IN_BROWSER}: its time is not used here; the offline CLI (afdp-notary verify) checks it`,
    );
  else if (entry && isV2(entry))
    add('RFC 3161 timestamp', false, 'a Rekor v2 entry carries no time: the receipt needs its RFC 3161 timestamp');
  else add('RFC 3161 timestamp', 'skip', 'none on this receipt');
  if (entry && entryOk && !isV2(entry) && entry.integratedTime !== undefined)
    times.push({ source: 'log integrated time', at: new Date(entry.integratedTime * 1000) });

  if (key) {
    const k = checkKeyWindow(
      trust.keys.map((v) => ({ ...v, algorithm: v.key.kind === 'ecdsa-p384' ? ('ecdsa-p384' as const) : ('ecdsa-p256' as const) })),
      key.version,
      times,
    );
    if (times.length === 0) {
      add('key validity', 'skip', k.detail);
      warnings.push("no trusted time (timestamp or log entry): the key version's validity was not checked");
    } else {
      add('key validity', k.ok, k.detail);
    }
  }
  const t = checkClaimedTime(pkg.timestamp_utc as string, times, now);
  add('timestamp', t.ok, t.detail);

  const bundle = matchReceiptBundle(receipt, entry, signedDigest);
  checks.push(
    bundle.state === 'match'
      ? { check: 'bundle', status: 'pass', detail: `Sigstore bundle v0.3, hint ${bundle.hint}, matches the receipt` }
      : bundle.state === 'mismatch'
        ? { check: 'bundle', status: 'fail', detail: bundle.detail }
        : {
            check: 'bundle',
            status: 'skip',
            detail:
              bundle.state === 'absent' ? 'absent (receipt issued before bundles)' : 'none while anchoring or timestamping is pending',
          },
  );

  return {
    ok: checks.every((c) => c.status !== 'fail'),
    checks,
    warnings,
    trusted: {
      fingerprint: trust.fingerprint,
      key: key && { keyId: key.keyId, version: key.version },
      logId: trust.log.logId,
      origin: trust.log.origin,
    },
  };
}
