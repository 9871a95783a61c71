import type { Workflow } from '../../core/workflow.js';
import type { ApprovalState, BatchState, Effect, Transition } from '../../core/workflows/types.js';
import type {
  ApprovalRecord,
  BatchRecord,
  Claimed,
  Created,
  NewApproval,
  NewBatch,
  Step,
  WorkflowStore,
} from '../../ports/workflow-store.js';
import type { AuditEntry } from '../../ports/audit.js';
import type { AuditChainWriter, PlanAudit } from '../audit/chain-writer.js';
import type { SqlClient, SqlQueryable } from '../db/sql-client.js';
import type { EvidenceCipher } from '../../ports/evidence-cipher.js';
import { BODY_COLUMNS, openBody, type BodyRow } from './evidence-body.js';
import { loadApprovals, loadBatch } from './workflow-rows.js';
import { advanced, insertEvidence, insertWorkflow, persistTransition } from './workflow-writes.js';
import { isUuid, storeCall } from './store-calls.js';

export interface PgWorkflowStoreOptions {
  /** how long a signer holds a workflow before another replica may take it over (it died) */
  leaseMs?: number;
  /** NOTARY_WEBHOOK_URL: every notification also goes here */
  globalWebhookUrl?: string;
  /** the audit chain: a workflow's creation commits its audit row with it */
  audit?: AuditChainWriter;
  /** evidence bodies are sealed with it (issue 22); without one they are written in clear */
  cipher?: EvidenceCipher;
}

/** WorkflowStore over PostgreSQL. Transitions run under the workflow row's lock. */
export class PgWorkflowStore implements WorkflowStore {
  private readonly leaseMs: number;

  constructor(
    private readonly db: SqlClient,
    private readonly options: PgWorkflowStoreOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  async createApproval(a: NewApproval, effects: Effect[]): Promise<Created> {
    return this.create('createApproval', a, async (tx) => {
      await insertEvidence(tx, [a.evidence], a.workflow.created_at, this.options.cipher);
      await this.insertRun(tx, a.workflow, a.webhookUrl, null, a);
      await tx.query('INSERT INTO approval_requests (workflow_id, approvers, quorum, expires_at) VALUES ($1, $2::text[], $3, $4)', [
        a.workflow.id,
        a.request.approvers,
        a.request.quorum,
        a.request.expires_at,
      ]);
      await persistTransition(this.context(tx, a.workflow, a.workflow.created_at, a.webhookUrl), a.workflow, effects);
    });
  }

  createBatch(b: NewBatch, effects: Effect[]): Promise<Created> {
    const at = b.workflow.created_at;
    return this.create('createBatch', b, async (tx) => {
      await insertEvidence(
        tx,
        b.items.flatMap((i) => (i.evidence ? [i.evidence] : [])),
        at,
        this.options.cipher,
      );
      // the creating request signs at once: it holds the lease so the resume loop leaves the batch alone
      await this.insertRun(tx, b.workflow, b.webhookUrl, this.leaseEnd(at), b);
      for (const i of b.items) {
        await tx.query(
          `INSERT INTO batch_items (batch_id, idx, item_workflow_id, evidence_hash, status, error_code, error_message, error_field)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            b.workflow.id,
            i.index,
            i.itemWorkflowId,
            i.evidence?.hashHex ?? null,
            i.error ? 'failed' : 'pending',
            i.error?.code ?? null,
            i.error?.message ?? null,
            i.error?.field ?? null,
          ],
        );
      }
      await persistTransition(this.context(tx, b.workflow, at, b.webhookUrl), b.workflow, effects);
    });
  }

  /**
   * A workflow's creation and its audit row, in one transaction. When the unique idempotency key
   * refuses the row (it waits for a concurrent holder to commit, so the winner is visible now), the
   * whole transaction rolled back and the earlier workflow is the answer.
   */
  private async create(
    operation: string,
    c: { workflow: Workflow; idempotencyKey?: string; audit?: AuditEntry },
    write: (tx: SqlQueryable) => Promise<void>,
  ): Promise<Created> {
    const { audit } = this.options;
    // the chain's lock first, before any row lock: the order every audited transaction takes them in
    const run = (planAudit?: PlanAudit) =>
      this.db.transaction(async (tx) => {
        const statement = planAudit && c.audit ? await planAudit(tx, [c.audit]) : undefined;
        if (statement) await tx.query(statement.text, statement.params);
        await write(tx);
      });
    try {
      await wrap(operation, audit ? audit.atomically(run) : run());
      return { id: c.workflow.id, created: true };
    } catch (err) {
      const kept = c.idempotencyKey === undefined ? undefined : await this.runByKey(c.idempotencyKey).catch(() => undefined);
      if (kept === undefined || kept.id === c.workflow.id) throw err;
      return { id: kept.id, created: false, requestHash: kept.request_hash };
    }
  }

  private async runByKey(key: string): Promise<{ id: string; request_hash: string | null } | undefined> {
    const { rows } = await this.db.query<{ id: string; request_hash: string | null }>(
      'SELECT workflow_id::text AS id, request_hash FROM workflow_runs WHERE idempotency_key = $1',
      [key],
    );
    return rows[0];
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    return (await this.getApprovals([id])).get(id);
  }

  async getApprovals(ids: string[]): Promise<Map<string, ApprovalRecord>> {
    const loaded = await wrap('getApprovals', loadApprovals(this.db, ids.filter(isUuid)));
    return new Map([...loaded].map(([id, l]) => [id, l.record]));
  }

  async getBatch(id: string): Promise<BatchRecord | undefined> {
    if (!isUuid(id)) return undefined;
    return (await wrap('getBatch', loadBatch(this.db, id)))?.record;
  }

  updateApproval(id: string, at: string, step: Step<ApprovalState>): Promise<Transition<ApprovalState> | undefined> {
    if (!isUuid(id)) return Promise.resolve(undefined);
    return this.tx('updateApproval', (tx) => this.applyApproval(tx, id, at, step));
  }

  updateBatch(id: string, at: string, step: Step<BatchState>): Promise<Transition<BatchState> | undefined> {
    return this.tx('updateBatch', async (tx) => {
      const loaded = await loadBatch(tx, id, true);
      if (!loaded) return undefined;
      const { workflow, state } = loaded.record;
      const t = step(state);
      const after = advanced(workflow, t.state, t.effects, at);
      const items = new Map(state.items.map((i) => [i.index, i]));
      await persistTransition({ ...this.context(tx, after, at, loaded.webhookUrl), items }, workflow, t.effects);
      return t;
    });
  }

  async getCanonical(hashHex: string): Promise<Buffer | undefined> {
    const { rows } = await wrap(
      'getCanonical',
      this.db.query<BodyRow>(`SELECT hash, ${BODY_COLUMNS}, body_purged_at FROM evidence WHERE hash = $1`, [hashHex]),
    );
    const bytes = rows[0] && (await openBody(this.options.cipher, rows[0]));
    return bytes === 'purged' ? undefined : bytes; // retention leaves bodies of running workflows alone
  }

  async claimRunnable(limit: number, at: string): Promise<Claimed[]> {
    // SKIP LOCKED: replicas polling together each take different rows instead of queueing on the same ones
    const { rows } = await wrap(
      'claimRunnable',
      this.db.query<Claimed>(
        `UPDATE workflow_runs r SET lease_until = $3, attempts = r.attempts + 1
         FROM workflows w
        WHERE w.id = r.workflow_id AND r.workflow_id IN (
          SELECT r2.workflow_id FROM workflow_runs r2 JOIN workflows w2 ON w2.id = r2.workflow_id
           WHERE w2.status = 'running' AND (r2.lease_until IS NULL OR r2.lease_until <= $2)
           ORDER BY r2.lease_until NULLS FIRST LIMIT $1 FOR UPDATE OF r2 SKIP LOCKED)
        RETURNING r.workflow_id::text AS id, w.type`,
        [limit, at, this.leaseEnd(at)],
      ),
    );
    return rows;
  }

  async releaseLease(id: string, retryAt: string, error: string | null): Promise<void> {
    await wrap(
      'releaseLease',
      this.db.query('UPDATE workflow_runs SET lease_until = $2, last_error = $3 WHERE workflow_id = $1', [id, retryAt, error]),
    );
  }

  expireDue(limit: number, at: string, step: Step<ApprovalState>): Promise<string[]> {
    return this.tx('expireDue', async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `SELECT w.id::text FROM workflows w JOIN approval_requests a ON a.workflow_id = w.id
          WHERE w.status = 'pending' AND a.expires_at <= $1 ORDER BY a.expires_at LIMIT $2
          FOR UPDATE OF w SKIP LOCKED`,
        [at, limit],
      );
      const expired: string[] = [];
      for (const { id } of rows) {
        const t = await this.applyApproval(tx, id, at, step);
        if (t && t.state.status !== 'pending') expired.push(id);
      }
      return expired;
    });
  }

  private async applyApproval(
    tx: SqlQueryable,
    id: string,
    at: string,
    step: Step<ApprovalState>,
  ): Promise<Transition<ApprovalState> | undefined> {
    const loaded = (await loadApprovals(tx, [id], true)).get(id);
    if (!loaded) return undefined;
    const { workflow, state } = loaded.record;
    const t = step(state);
    await persistTransition(this.context(tx, advanced(workflow, t.state, t.effects, at), at, loaded.webhookUrl), workflow, t.effects);
    return t;
  }

  private async insertRun(
    tx: SqlQueryable,
    workflow: Workflow,
    webhookUrl: string | null,
    leaseUntil: string | null,
    key: { idempotencyKey?: string; requestHash?: string },
  ): Promise<void> {
    await insertWorkflow(tx, workflow);
    await tx.query(
      'INSERT INTO workflow_runs (workflow_id, webhook_url, lease_until, idempotency_key, request_hash) VALUES ($1, $2, $3, $4, $5)',
      [
        workflow.id,
        webhookUrl,
        leaseUntil,
        key.idempotencyKey ?? null,
        key.idempotencyKey === undefined ? null : (key.requestHash ?? null),
      ],
    );
  }

  private context(tx: SqlQueryable, workflow: Workflow, at: string, webhookUrl: string | null) {
    const webhookUrls = [webhookUrl, this.options.globalWebhookUrl].filter((u): u is string => !!u);
    return { tx, workflow, at, leaseUntil: this.leaseEnd(at), webhookUrls: [...new Set(webhookUrls)] };
  }

  private leaseEnd(at: string): string {
    return new Date(Date.parse(at) + this.leaseMs).toISOString();
  }

  /** A step's typed refusal (conflict, not an approver …) passes through; driver failures become 'unavailable'. */
  private tx<T>(operation: string, fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return wrap(operation, this.db.transaction(fn));
  }
}

const wrap = <T>(operation: string, p: Promise<T>): Promise<T> => storeCall('workflow store', operation, p);
