/**
 * Example: notarize an evidence package over gRPC with the typed client, check the receipt offline
 * against the trust root, and ask the notary to validate it.
 *
 *   npx tsx examples/grpc-client.ts [host:port] [evidence.json] [rest-url]
 *   (defaults: localhost:50051, ../shared/fixtures/evidence/gpt-4-finetune-evidence.json,
 *   http://localhost:3030 for the trust root)
 *
 * @afdp-notary/client (packages/client) does the proto work: stubs generated from proto/ by
 * ts-proto, the package's timestamp and metadata converted so it hashes as over REST, an
 * idempotency key on the sign (so its retries on UNAVAILABLE cannot sign twice), receipts in the
 * REST shape. For TLS pass channelCredentials: grpc.credentials.createSsl(ca[, key, cert]).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGrpcClient, createRestClient, NotaryError, readTrustRoot, verifyReceiptOffline } from '@afdp-notary/client';

const address = process.argv[2] ?? 'localhost:50051';
const file = process.argv[3] ?? join(import.meta.dirname, '..', '..', 'shared', 'fixtures', 'evidence', 'gpt-4-finetune-evidence.json');
const restUrl = process.argv[4] ?? 'http://localhost:3030';
const credentials = { apiKey: process.env.AFDP_NOTARY_API_KEY, bearerToken: process.env.AFDP_NOTARY_TOKEN };

const client = createGrpcClient({ address, ...credentials });
try {
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const signed = await client.sign(pkg, { waitAnchoredMs: 10_000 });
  console.log(`workflow ${signed.workflow_id}: ${signed.status}`);
  console.log(`evidence_package_hash ${signed.receipt.evidence_package_hash}`);
  console.log(`log index ${signed.receipt.log_index} (${signed.receipt.anchoring}) key v${signed.receipt.key_version}`);

  // Offline: trust only the trust root (fetched here for the example; publish it out of band).
  const trust = readTrustRoot(await createRestClient({ url: restUrl, ...credentials }).trustRoot(), restUrl);
  const offline = await verifyReceiptOffline(pkg, signed.receipt, trust);
  console.log(
    `offline: ${offline.ok ? 'verified' : 'NOT verified'} (${offline.checks.filter((c) => c.status === 'pass').length} checks passed)`,
  );

  // Online: anyone holding the package and the receipt can ask the notary to check both.
  const check = await client.validate(pkg, signed.receipt);
  console.log(`valid: ${check.is_valid}`);
  if (!offline.ok || !check.is_valid) process.exitCode = 1;
} catch (err) {
  // err.code is the service's stable code (validation_failed, unauthenticated …), err.details.field the offending field
  console.error(err instanceof NotaryError ? `failed: ${err.code} ${err.message}` : err);
  process.exitCode = 1;
} finally {
  client.close();
}
