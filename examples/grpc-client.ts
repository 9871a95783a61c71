/**
 * Example: notarize an evidence package over gRPC, then validate the receipt.
 *
 *   npx tsx examples/grpc-client.ts [host:port] [evidence.json]
 *   (defaults: localhost:50051 and ../shared/fixtures/evidence/gpt-4-finetune-evidence.json)
 *
 * Self-contained on purpose: copy this file and proto/ into a pipeline. It needs only
 * @grpc/grpc-js and @grpc/proto-loader. For TLS use grpc.credentials.createSsl(ca[, key, cert]).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_DIR = join(import.meta.dirname, '..', 'proto');
const address = process.argv[2] ?? 'localhost:50051';
const file = process.argv[3] ?? join(import.meta.dirname, '..', '..', 'shared', 'fixtures', 'evidence', 'gpt-4-finetune-evidence.json');

// keepCase: proto field names (evidence_package, hash_sha256); longs as strings: no int64 rounding
const definition = protoLoader.loadSync('afdp/notary/v1/notary.proto', { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true, includeDirs: [PROTO_DIR] });
const { afdp } = grpc.loadPackageDefinition(definition) as any;
const client = new afdp.notary.v1.NotaryService(address, grpc.credentials.createInsecure());

/** JSON → google.protobuf.Value (protobufjs names Struct's members in camelCase). */
function toValue(v: unknown): object {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  if (typeof v === 'object') return { structValue: toStruct(v as Record<string, unknown>) };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return { stringValue: String(v) };
}
const toStruct = (o: Record<string, unknown>) => ({ fields: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, toValue(v)])) });

/**
 * The notary hashes a Timestamp as `YYYY-MM-DDTHH:MM:SS.mmmZ` (Date#toISOString). A package whose
 * timestamp_utc is written that way can send a Timestamp; any other spelling goes verbatim in
 * timestamp_utc_rfc3339, so the hash is the same as over REST.
 */
function toEvidencePackage(pkg: any) {
  const ms = Date.parse(pkg.timestamp_utc);
  const iso = Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  const time = iso === pkg.timestamp_utc
    ? { timestamp_utc: { seconds: String(Math.floor(ms / 1000)), nanos: (((ms % 1000) + 1000) % 1000) * 1e6 } }
    : { timestamp_utc_rfc3339: pkg.timestamp_utc };
  return { ...pkg, ...time, ...(pkg.metadata ? { metadata: toStruct(pkg.metadata) } : {}) };
}

const call = <T>(method: string, request: object, timeoutMs = 10_000) => new Promise<T>((resolve, reject) =>
  client[method](request, { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res))));

async function main() {
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  const evidence_package = toEvidencePackage(pkg);
  // idempotency_key: a retry after a timeout returns the first receipt instead of signing twice
  const signed = await call<any>('SignEvidence', { evidence_package, idempotency_key: `example-${pkg.event_type}-${pkg.timestamp_utc}` });
  console.log(`workflow ${signed.workflow_id}: ${signed.status}`);
  console.log(`evidence_package_hash ${signed.receipt.evidence_package_hash}`);
  console.log(`log index ${signed.receipt.log_index} (${signed.receipt.anchoring}) key v${signed.receipt.key_version}`);

  // Anyone holding the package and the receipt can ask the notary to check both.
  const check = await call<any>('ValidateEvidence', { evidence_package, receipt: signed.receipt });
  console.log(`valid: ${check.is_valid}`, check.validation_result);
  if (!check.is_valid) process.exitCode = 1;
}

main()
  .catch((err: grpc.ServiceError) => {
    // err.code is a grpc.status; err.details the readable message. The google.rpc.Status with the
    // offending field (BadRequest) is in err.metadata.get('grpc-status-details-bin').
    console.error(`failed: ${grpc.status[err.code] ?? ''} ${err.details ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(() => client.close());
