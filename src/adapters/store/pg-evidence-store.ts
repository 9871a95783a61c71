import type { PurgedEvidence, StoredEvidence, Workflow } from '../../core/workflow.js';
import type { EvidenceCipher } from '../../ports/evidence-cipher.js';
import { BODY_COLUMNS } from './evidence-body.js';
import type {
  EvidenceQuery,
  EvidenceStore,
  IdempotencyClaim,
  NotarizationRecord,
  Page,
  PendingAnchor,
  PendingTimestamp,
  ReceiptRecord,
  StoredAnchor,
  WorkflowPage,
  WorkflowQuery,
} from '../../ports/evidence-store.js';
import type { SignedTimestamp } from '../../ports/timestamp-authority.js';
import type { CommitUnit } from '../../ports/colocated-append.js';
import type { LogEntry } from '../../ports/transparency-log.js';
import type { HashName } from '../../core/signing-algorithm.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { Where } from './sql-where.js';
import { GroupCommitter } from '../db/group-commit.js';
import {
  toAnchor,
  toEvidence,
  toSignature,
  toSignedWorkflow,
  toWorkflow,
  type EvidenceRow,
  type SignatureRow,
  type WorkflowRow,
} from './rows.js';
import { runAll } from '../db/statements.js';
import type { SqlClient } from '../db/sql-client.js';
import {
  anchorRowsStatement,
  insertAnchors,
  insertNotarizations,
  notarizationStatements,
  timestampRowsStatement,
  withBody,
  type AnchorWrite,
  type BodiedNotarization,
} from './writes.js';
import { isUuid, storeCall } from './store-calls.js';
import { mayBeOneRow } from '../db/sql-state.js';
import { joinRecord, type BatchWriter } from '../db/commit-units.js';
import type { AuditChainWriter, PlanAudit } from '../audit/chain-writer.js';
import type { AuditEntry } from '../../ports/audit.js';

export interface PgEvidenceStoreOptions {
  /** an idempotency claim whose workflow never got stored may be taken over after this long */
  staleClaimSeconds?: number;
  /** a signature is left to the request that made it for this long before the anchorer retries it */
  anchorGraceSeconds?: number;
  /** more to check before a write is tried (the embedded server's state and free disk) */
  health?: () => void;
  /** the audit chain: each notarization's row commits in its transaction */
  audit?: AuditChainWriter;
  /** evidence bodies are sealed with it (issue 22); without one they are written in clear */
  cipher?: EvidenceCipher;
}

/** EvidenceStore over PostgreSQL (external, or the embedded server). */
export class PgEvidenceStore implements EvidenceStore {
  private readonly notarizations: GroupCommitter<BodiedNotarization, undefined>;
  private readonly anchors: GroupCommitter<AnchorWrite, undefined>;

  constructor(
    private readonly db: SqlClient,
    private readonly options: PgEvidenceStoreOptions = {},
  ) {
    // one caller's row that the database refuses must not fail the others committed with it
    this.notarizations = new GroupCommitter(
      (batch) =>
        this.audited((planAudit) =>
          db.transaction(async (tx) => {
            const audit = await planAudit(tx, auditRows(batch)); // the chain's lock before any row lock
            if (audit) await tx.query(audit.text, audit.params);
            await insertNotarizations(tx, batch, false);
            return batch.map(() => undefined);
          }),
        ),
      undefined,
      mayBeOneRow,
    );
    this.anchors = new GroupCommitter(
      async (batch) => {
        await db.transaction((tx) => insertAnchors(tx, batch));
        return batch.map(() => undefined);
      },
      undefined,
      mayBeOneRow,
    );
  }

  async save(record: NotarizationRecord, unit?: CommitUnit): Promise<void> {
    const bodied = await withBody(record, this.options.cipher);
    await wrap('save', unit ? joinRecord(unit, bodied) : this.notarizations.submit(bodied));
  }

  /**
   * The store's writer for notarizations that commit with their log entry (see CommitUnits): its
   * rows, the anchor rows of the entries the log planned (logged at `logUrl`), and the audit rows.
   */
  anchoredWriter(logUrl: string): BatchWriter<BodiedNotarization, undefined, LogEntry> {
    return {
      exclusive: this.options.audit?.exclusive ?? true,
      atomically: (work) =>
        this.audited((planAudit) =>
          work(async (tx, batch, entries) => {
            const audit = await planAudit(tx, auditRows(batch));
            return {
              results: batch.map(() => undefined),
              statements: [
                ...notarizationStatements(batch, true),
                anchorRowsStatement(batch.map((r, i) => ({ workflowId: r.workflow.id, anchor: { entry: entries[i]!, logUrl } }))),
                ...(audit ? [audit] : []),
              ],
            };
          }),
        ),
    };
  }

  private audited<T>(work: (planAudit: PlanAudit) => Promise<T>): Promise<T> {
    return this.options.audit ? this.options.audit.atomically(work) : work(async () => undefined);
  }

  saveAnchor(workflowId: string, anchor: StoredAnchor): Promise<void> {
    return wrap('saveAnchor', this.anchors.submit({ workflowId, anchor }));
  }

  async claimIdempotencyKey(key: string, requestHash: string, workflowId: string): Promise<IdempotencyClaim> {
    const stale = this.options.staleClaimSeconds ?? 60;
    // Inserts the claim, or takes over one whose owner died before storing anything.
    const { rows } = await this.db.query<{ request_hash: string; workflow_id: string; mine: boolean }>(
      `INSERT INTO idempotency_keys AS k (key, request_hash, workflow_id) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET request_hash = EXCLUDED.request_hash, workflow_id = EXCLUDED.workflow_id, claimed_at = now()
         WHERE k.claimed_at < now() - make_interval(secs => $4)
           AND NOT EXISTS (SELECT 1 FROM workflows w WHERE w.id = k.workflow_id)
       RETURNING request_hash, workflow_id::text, true AS mine`,
      [key, requestHash, workflowId, stale],
    );
    if (rows.length === 1) return { claimed: true };
    const existing = await this.db.query<{ request_hash: string; workflow_id: string }>(
      'SELECT request_hash, workflow_id::text FROM idempotency_keys WHERE key = $1',
      [key],
    );
    const row = existing.rows[0];
    if (!row) return this.claimIdempotencyKey(key, requestHash, workflowId); // released in between
    return { claimed: false, requestHash: row.request_hash, workflowId: row.workflow_id };
  }

  async releaseIdempotencyKey(key: string, workflowId: string): Promise<void> {
    await this.db.query('DELETE FROM idempotency_keys WHERE key = $1 AND workflow_id = $2', [key, workflowId]);
  }

  async getWorkflow(id: string): Promise<Workflow | undefined> {
    if (!isUuid(id)) return undefined;
    const { rows } = await this.db.query<WorkflowRow>('SELECT * FROM workflows WHERE id = $1', [id]);
    return rows[0] && toWorkflow(rows[0]);
  }

  async getReceiptRecord(workflowId: string): Promise<ReceiptRecord | undefined> {
    if (!isUuid(workflowId)) return undefined;
    const { rows } = await this.db.query<WorkflowRow & SignatureRow & { entry: unknown; log_url: string | null }>(
      `SELECT w.*, s.key_id, s.key_version, s.signature, s.public_key_pem, s.signed_at, s.timestamp_pending, s.digest_algorithm, s.digest_hex, a.entry, a.log_url,
              t.response AS ts_response, t.gen_time AS ts_gen_time, t.tsa_url AS ts_url
         FROM workflows w JOIN signatures s ON s.workflow_id = w.id LEFT JOIN anchors a ON a.workflow_id = w.id
         LEFT JOIN signature_timestamps t ON t.workflow_id = w.id
        WHERE w.id = $1`,
      [workflowId],
    );
    const r = rows[0];
    return r && { workflow: toSignedWorkflow(r), signature: toSignature(r), anchor: toAnchor(r) };
  }

  async listWorkflows(q: WorkflowQuery): Promise<WorkflowPage> {
    const filters = (where: Where) => {
      if (q.status) where.add('w.status = ?', q.status);
      if (q.startTime) where.add('w.created_at >= ?', q.startTime);
      if (q.endTime) where.add('w.created_at < ?', q.endTime);
      return where;
    };
    const where = filters(new Where());
    const cursor = decodeCursor(q.pageToken, 'uuid');
    if (cursor) where.add('(w.created_at, w.id) < (?, ?::uuid)', cursor.t, cursor.k);
    const limit = where.limit(q.pageSize + 1);
    const counted = filters(new Where());
    const [{ rows }, count] = await Promise.all([
      this.db.query<WorkflowRow & { event_type: string | null; actor_id: string | null }>(
        `SELECT w.*, e.event_type, e.actor_id FROM workflows w LEFT JOIN evidence e ON e.hash = w.evidence_hash
          ${where} ORDER BY w.created_at DESC, w.id DESC ${limit}`,
        where.params,
      ),
      // AFDP's total_count: every match, not this page (the status and created_at indexes serve it)
      this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM workflows w ${counted}`, counted.params),
    ]);
    const summaries = rows.map((r) => ({ ...toWorkflow(r), event_type: r.event_type, actor_id: r.actor_id }));
    return { ...page(summaries, q.pageSize, (w) => ({ t: w.created_at, k: w.id })), totalCount: count.rows[0]?.n ?? 0 };
  }

  async getEvidence(hashHex: string): Promise<StoredEvidence | PurgedEvidence | undefined> {
    const { rows } = await this.db.query<EvidenceRow>(`${EVIDENCE_SELECT} WHERE e.hash = $1`, [hashHex]);
    return rows[0] && toEvidence(rows[0], this.options.cipher);
  }

  async findEvidence(q: EvidenceQuery): Promise<Page<StoredEvidence>> {
    const where = new Where();
    where.add('e.body_purged_at IS NULL'); // a purged body is no longer listed; GET by hash says it is gone
    if (q.artifactHash) where.add('e.artifact_hashes @> ARRAY[?]::text[]', q.artifactHash);
    if (q.eventType) where.add('e.event_type = ?', q.eventType);
    if (q.actorId) where.add('e.actor_id = ?', q.actorId);
    if (q.startTime) where.add('e.created_at >= ?', q.startTime);
    if (q.endTime) where.add('e.created_at < ?', q.endTime);
    const cursor = decodeCursor(q.pageToken, 'hash');
    if (cursor) where.add('(e.created_at, e.hash) < (?, ?)', cursor.t, cursor.k);
    const limit = where.limit(q.pageSize + 1);
    const { rows } = await this.db.query<EvidenceRow>(
      `${EVIDENCE_SELECT} ${where} ORDER BY e.created_at DESC, e.hash DESC ${limit}`,
      where.params,
    );
    return page(
      await Promise.all(rows.map(async (r) => (await toEvidence(r, this.options.cipher)) as StoredEvidence)),
      q.pageSize,
      (e) => ({ t: e.created_at, k: e.evidence_package_hash }),
    );
  }

  async pendingAnchors(limit: number): Promise<PendingAnchor[]> {
    const { rows } = await this.db.query<{
      workflow_id: string;
      evidence_hash: string;
      signature: string;
      public_key_pem: string;
      digest_algorithm: string | null;
      digest_hex: string | null;
    }>(
      `SELECT s.workflow_id::text, w.evidence_hash, s.signature, s.public_key_pem, s.digest_algorithm, s.digest_hex
         FROM signatures s JOIN workflows w ON w.id = s.workflow_id
        WHERE NOT s.anchored AND s.signed_at < now() - make_interval(secs => $2)
        ORDER BY s.signed_at LIMIT $1`,
      [limit, this.options.anchorGraceSeconds ?? 5],
    );
    return rows.map((r) => ({
      workflowId: r.workflow_id,
      signature: Buffer.from(r.signature, 'base64'),
      publicKeyPem: r.public_key_pem,
      ...(r.digest_algorithm && r.digest_hex
        ? { digestHex: r.digest_hex, hashAlgorithm: r.digest_algorithm as HashName }
        : { digestHex: r.evidence_hash }),
    }));
  }

  async saveTimestamp(workflowId: string, timestamp: SignedTimestamp): Promise<void> {
    await wrap(
      'saveTimestamp',
      this.db.transaction((tx) =>
        runAll(tx, [
          timestampRowsStatement([{ workflowId, timestamp }]),
          { text: 'UPDATE signatures SET timestamp_pending = false WHERE workflow_id = $1', params: [workflowId] },
        ]),
      ),
    );
  }

  async pendingTimestamps(limit: number): Promise<PendingTimestamp[]> {
    const { rows } = await this.db.query<{ workflow_id: string; signature: string }>(
      `SELECT workflow_id::text, signature FROM signatures
        WHERE timestamp_pending AND signed_at < now() - make_interval(secs => $2)
        ORDER BY signed_at LIMIT $1`,
      [limit, this.options.anchorGraceSeconds ?? 5],
    );
    return rows.map((r) => ({ workflowId: r.workflow_id, signature: Buffer.from(r.signature, 'base64') }));
  }

  /** How many signatures wait for anchoring, and how long the oldest has waited. */
  async anchorBacklog(): Promise<{ count: number; oldestSeconds: number }> {
    const { rows } = await this.db.query<{ n: number; age: number | null }>(
      `SELECT count(*)::int AS n, extract(epoch FROM now() - min(signed_at))::float8 AS age FROM signatures WHERE NOT anchored`,
    );
    return { count: rows[0]?.n ?? 0, oldestSeconds: rows[0]?.age ?? 0 };
  }

  /** Ready means a write commits: SELECT 1 also answers while the disk is full or the database read-only. */
  async ping(): Promise<void> {
    this.options.health?.();
    await wrap(
      'ping',
      this.db.query(
        'INSERT INTO readiness_probe (id, probed_at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET probed_at = EXCLUDED.probed_at',
      ),
    );
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

const auditRows = (batch: NotarizationRecord[]): AuditEntry[] => batch.flatMap((r) => (r.audit ? [r.audit] : []));

const EVIDENCE_SELECT = `SELECT e.hash, ${BODY_COLUMNS.replace(/(\w+)/g, 'e.$1')}, e.body_purged_at, e.event_type, e.actor_id, e.created_at, e.submitted_by,
  ARRAY(SELECT w.id::text FROM workflows w WHERE w.evidence_hash = e.hash ORDER BY w.created_at) AS workflow_ids
  FROM evidence e`;

function page<T>(rows: T[], size: number, key: (t: T) => { t: string; k: string }): Page<T> {
  const items = rows.slice(0, size);
  const last = items[items.length - 1];
  return { items, nextPageToken: rows.length > size && last ? encodeCursor(key(last)) : null };
}

const wrap = <T>(operation: string, p: Promise<T>): Promise<T> => storeCall('evidence store', operation, p);
