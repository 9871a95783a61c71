/**
 * A genuine receipt and each kind of forgery of it, for the tests that hold the console's browser
 * verifier to the offline CLI's verdict (in Node and in Chromium). Each case makes what a verifier
 * is handed, a package and a receipt, from genuine ones; some are verified against another notary's
 * trust root instead.
 */
type Obj = Record<string, any>;

export interface Forgery {
  name: string;
  /** what a faithful verifier answers overall */
  valid: boolean;
  /** verified against another notary's trust root */
  otherTrustRoot?: boolean;
  /** forges only the RFC 3161 timestamp, which the browser does not check (it says so): valid there */
  timestampOnly?: boolean;
  make(pkg: Obj, receipt: Obj): { pkg: Obj; receipt: Obj };
}

const flip = (b64: string) => {
  const buf = Buffer.from(b64, 'base64');
  buf[buf.length - 1]! ^= 1;
  return buf.toString('base64');
};
const ofReceipt = (name: string, edit: (r: Obj) => Obj, valid = false): Forgery => ({
  name,
  valid,
  make: (pkg, receipt) => ({ pkg, receipt: { ...receipt, ...edit(receipt) } }),
});
const ofProof = (name: string, edit: (p: Obj) => Obj): Forgery =>
  ofReceipt(name, (r) => ({ inclusion_proof: { ...r.inclusion_proof, ...edit(r.inclusion_proof) } }));

export const FORGERIES: readonly Forgery[] = [
  { name: 'genuine', valid: true, make: (pkg, receipt) => ({ pkg, receipt }) },
  { name: 'package changed', valid: false, make: (pkg, receipt) => ({ pkg: { ...pkg, event_type: 'x.changed' }, receipt }) },
  ofReceipt('signature flipped', (r) => ({ signature_b64: flip(r.signature_b64) })),
  ofReceipt('key version not pinned', () => ({ key_version: 9 })),
  // the receipt's own key is never trusted: a warning, and the trust root's key still verifies
  ofReceipt(
    'public key swapped in the receipt',
    () => ({ public_key_b64: Buffer.from('-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n').toString('base64') }),
    true,
  ),
  ofReceipt('SET flipped', (r) => ({ signed_entry_timestamp: flip(r.signed_entry_timestamp) })),
  ofReceipt('integrated time moved', (r) => ({ integrated_time: r.integrated_time + 1 })),
  ofReceipt('log index moved', (r) => ({ log_index: r.log_index + 1 })),
  ofReceipt('entry body of another entry', () => ({ rekor_entry_body: Buffer.from('{"kind":"hashedrekord"}').toString('base64') })),
  ofProof('inclusion proof hash changed', (p) => ({ hashes: p.hashes.map((h: string, i: number) => (i === 0 ? 'f'.repeat(64) : h)) })),
  ofProof('checkpoint signature flipped', (p) => ({
    checkpoint: p.checkpoint.replace(/([A-Za-z0-9+/])(=*\n)$/, (_: string, c: string, end: string) => `${c === 'A' ? 'B' : 'A'}${end}`),
  })),
  ofReceipt('no log entry (pending)', () => ({ inclusion_proof: null, anchoring: 'pending', bundle: null })),
  ofReceipt('bundle edited', (r) => ({ bundle: { ...r.bundle, mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1' } })),
  {
    name: 'package claims a time after logging',
    valid: false,
    make: (pkg, receipt) => ({ pkg: { ...pkg, timestamp_utc: '2099-01-01T00:00:00Z' }, receipt }),
  },
  // the token altered in the receipt and in its bundle alike, so that only its own check can tell
  {
    ...ofReceipt('RFC 3161 timestamp altered', (r) => {
      const token = flip(r.rfc3161_timestamp);
      const vm = r.bundle.verificationMaterial;
      return {
        rfc3161_timestamp: token,
        bundle: {
          ...r.bundle,
          verificationMaterial: { ...vm, timestampVerificationData: { rfc3161Timestamps: [{ signedTimestamp: token }] } },
        },
      };
    }),
    timestampOnly: true,
  },
  { name: "another notary's trust root", valid: false, otherTrustRoot: true, make: (pkg, receipt) => ({ pkg, receipt }) },
];
