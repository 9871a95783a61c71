// Checks a notary receipt's signature with Node and the `canonicalize` package alone: the signature
// is plain ECDSA P-256 / SHA-256 (DER) over the evidence package's RFC 8785 bytes.
//   node examples/verify-signature.mjs <evidence.json> <signed.json> <trust-root.json>
// (outside this checkout: npm install canonicalize, then run a copy of this file)
import { verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';

const [evidenceFile, signedFile, trustRootFile] = process.argv.slice(2);
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const evidencePackage = readJson(evidenceFile); // the package exactly as it was sent
const signed = readJson(signedFile); // the sign response, or the receipt alone
const receipt = signed.receipt ?? signed;
// trust the trust root's key for the receipt's key version, not the copy inside the receipt
const key = readJson(trustRootFile).signing_keys.find((k) => k.version === receipt.key_version);
const valid =
  key !== undefined &&
  verify('sha256', Buffer.from(canonicalize(evidencePackage)), key.public_key_pem, Buffer.from(receipt.signature_b64, 'base64'));
console.log(valid ? `signature valid: ${key.key_id} v${key.version}` : 'signature NOT valid');
process.exit(valid ? 0 : 1);
