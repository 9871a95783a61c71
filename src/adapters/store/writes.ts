import type { NotarizationRecord, StoredAnchor, StoredSignature } from '../../ports/evidence-store.js';
import type { SignedTimestamp } from '../../ports/timestamp-authority.js';
import type { EvidenceCipher } from '../../ports/evidence-cipher.js';
import type { CanonicalEvidence } from '../../core/evidence.js';
import { BODY_COLUMNS, BODY_TYPES, bodyValues, clearBody, type BodyValues } from './evidence-body.js';
import { runAll, unnestInsert } from '../db/statements.js';
import { type SqlQueryable, type Statement } from '../db/sql-client.js';

export interface AnchorWrite {
  workflowId: string;
  anchor: StoredAnchor;
}

/** A notarization whose body was sealed before it reached the write (absent: stored in clear, as before issue 22). */
export type BodiedNotarization = NotarizationRecord & { body?: BodyValues };

/** Seals the body first: a remote KEK is asked outside the commit, and one that is down fails only this request. */
export async function withBody(record: NotarizationRecord, cipher: EvidenceCipher | undefined): Promise<BodiedNotarization> {
  return cipher ? { ...record, body: await bodyValues(cipher, record.evidence) } : record;
}

/** One multi-row insert per table for a whole batch of notarizations. */
export function notarizationStatements(batch: BodiedNotarization[], anchored = false): Statement[] {
  // The same package may be notarized twice in one batch: evidence rows are unique by hash.
  const evidence = [...new Map(batch.map((r) => [r.evidence.hashHex, r])).values()];
  return [
    evidenceRowsStatement(
      evidence.map(({ evidence: e, workflow: w, body }) => ({
        evidence: e,
        body: body ?? clearBody(e),
        createdAt: w.created_at,
        submittedBy: w.submitted_by ?? null,
      })),
    ),
    unnestInsert(
      'INSERT INTO workflows (id, type, status, evidence_hash, created_at, updated_at, completed_at, error_message, submitted_by)',
      ['uuid', 'text', 'text', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'text', 'text'],
      batch.map(({ workflow: w }) => [
        w.id,
        w.type,
        w.status,
        w.evidence_package_hash,
        w.created_at,
        w.updated_at,
        w.completed_at,
        w.error_message,
        w.submitted_by ?? null,
      ]),
    ),
    signatureRowsStatement(
      batch.map((r) => ({ workflowId: r.workflow.id, signature: r.signature })),
      anchored,
    ),
    ...timestampRowsStatements(batch.map((r) => ({ workflowId: r.workflow.id, signature: r.signature }))),
  ];
}

export interface EvidenceRow {
  evidence: CanonicalEvidence;
  body: BodyValues;
  createdAt: string;
  submittedBy: string | null;
}

/** Evidence rows, each hash once (callers drop repeats); a package stored before is left as it was. */
export function evidenceRowsStatement(rows: EvidenceRow[]): Statement {
  return unnestInsert(
    `INSERT INTO evidence (hash, ${BODY_COLUMNS}, event_type, actor_id, actor_type, artifact_hashes, timestamp_utc, created_at, submitted_by)`,
    ['text', ...BODY_TYPES, 'text', 'text', 'text', 'text[]', 'timestamptz', 'timestamptz', 'text'],
    rows.map(({ evidence: e, body, createdAt, submittedBy }) => [
      e.hashHex,
      ...body,
      e.pkg.event_type,
      e.pkg.actor.id,
      e.pkg.actor.actor_type,
      e.pkg.artifacts.map((a) => a.hash_sha256),
      e.pkg.timestamp_utc,
      createdAt,
      submittedBy,
    ]),
    'ON CONFLICT (hash) DO NOTHING',
  );
}

/** Signature rows; `timestamp_pending` marks those whose timestamp is still to be fetched. */
export function signatureRowsStatement(rows: { workflowId: string; signature: StoredSignature }[], anchored: boolean): Statement {
  return unnestInsert(
    'INSERT INTO signatures (workflow_id, key_id, key_version, signature, public_key_pem, signed_at, anchored, timestamp_pending, digest_algorithm, digest_hex)',
    ['uuid', 'text', 'int', 'text', 'text', 'timestamptz', 'boolean', 'boolean', 'text', 'text'],
    rows.map(({ workflowId, signature: s }) => [
      workflowId,
      s.keyId,
      s.keyVersion,
      s.signature.toString('base64'),
      s.publicKeyPem,
      s.signedAt,
      anchored,
      s.timestamp === 'pending',
      s.signedDigest?.hash ?? null,
      s.signedDigest?.hex ?? null,
    ]),
  );
}

/** The timestamps that came with their signatures (none when timestamps are off or pending). */
export function timestampRowsStatements(rows: { workflowId: string; signature: StoredSignature }[]): Statement[] {
  const stamped = rows.flatMap((r) =>
    typeof r.signature.timestamp === 'object' ? [{ workflowId: r.workflowId, timestamp: r.signature.timestamp }] : [],
  );
  return stamped.length === 0 ? [] : [timestampRowsStatement(stamped)];
}

/** A timestamp is written once: a second one for the same signature (a retry that raced) is ignored. */
export function timestampRowsStatement(rows: { workflowId: string; timestamp: SignedTimestamp }[]): Statement {
  return unnestInsert(
    'INSERT INTO signature_timestamps (workflow_id, tsa_url, gen_time, response)',
    ['uuid', 'text', 'timestamptz', 'text'],
    rows.map(({ workflowId, timestamp: t }) => [workflowId, t.tsaUrl, t.genTime, t.response.toString('base64')]),
    'ON CONFLICT (workflow_id) DO NOTHING',
  );
}

export const insertNotarizations = (tx: SqlQueryable, batch: BodiedNotarization[], anchored = false): Promise<void> =>
  runAll(tx, notarizationStatements(batch, anchored));

/** Anchors are written once: a second anchoring of the same signature (a retry that raced) is ignored. */
export async function insertAnchors(tx: SqlQueryable, batch: AnchorWrite[]): Promise<void> {
  await runAll(tx, [
    anchorRowsStatement(batch),
    { text: 'UPDATE signatures SET anchored = true WHERE workflow_id = ANY($1::uuid[])', params: [batch.map((a) => a.workflowId)] },
  ]);
}

/** One anchor row per workflow: a batch may hold the same workflow twice (a retry that raced). */
export function anchorRowsStatement(batch: AnchorWrite[]): Statement {
  const unique = [...new Map(batch.map((a) => [a.workflowId, a])).values()];
  return unnestInsert(
    'INSERT INTO anchors (workflow_id, log_url, log_id, log_index, entry_uuid, integrated_time, entry)',
    ['uuid', 'text', 'text', 'bigint', 'text', 'bigint', 'text'],
    unique.map(({ workflowId, anchor: { entry, logUrl } }) => [
      workflowId,
      logUrl,
      entry.logID,
      entry.logIndex,
      entry.uuid,
      entry.integratedTime ?? 0,
      JSON.stringify(entry), // Rekor v2: no integrated time
    ]),
    'ON CONFLICT (workflow_id) DO NOTHING',
  );
}
