import type {
  ApprovalAttestation,
  ApprovalDecision,
  ApprovalState,
  BatchItemState,
  BatchState,
  Decision,
  ItemError,
} from '../../core/workflows/types.js';
import type { ApprovalRecord, BatchRecord } from '../../ports/workflow-store.js';
import { toWorkflow, type WorkflowRow } from './rows.js';
import type { SqlQueryable } from '../db/sql-client.js';

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();

export type ApprovalRow = WorkflowRow & {
  approvers: string[];
  quorum: number;
  expires_at: unknown;
  attestation: string | null;
  webhook_url: string | null;
};

interface DecisionRow {
  workflow_id: string;
  approver: string;
  decision: string;
  comment: string | null;
  decided_at: unknown;
}

interface ItemRow {
  idx: number;
  item_workflow_id: string;
  evidence_hash: string | null;
  status: string;
  error_code: string | null;
  error_message: string | null;
  error_field: string | null;
}

/** A loaded workflow plus where its notifications go. */
export interface Loaded<R> {
  record: R;
  webhookUrl: string | null;
}

const APPROVAL_SELECT = `SELECT w.*, a.approvers, a.quorum, a.expires_at, a.attestation, r.webhook_url
  FROM workflows w JOIN approval_requests a ON a.workflow_id = w.id LEFT JOIN workflow_runs r ON r.workflow_id = w.id`;

/** Approval workflows by id; `lock` takes their rows FOR UPDATE (decisions serialize on it). */
export async function loadApprovals(db: SqlQueryable, ids: string[], lock = false): Promise<Map<string, Loaded<ApprovalRecord>>> {
  const out = new Map<string, Loaded<ApprovalRecord>>();
  if (ids.length === 0) return out;
  const { rows } = await db.query<ApprovalRow>(`${APPROVAL_SELECT} WHERE w.id = ANY($1::uuid[]) ${lock ? 'FOR UPDATE OF w' : ''}`, [ids]);
  const decisions = await db.query<DecisionRow>(
    'SELECT workflow_id::text, approver, decision, comment, decided_at FROM approval_decisions WHERE workflow_id = ANY($1::uuid[]) ORDER BY decided_at, approver',
    [ids],
  );
  for (const row of rows) {
    const mine = decisions.rows.filter((d) => d.workflow_id === row.id).map(toDecision);
    out.set(row.id, { record: toApprovalRecord(row, mine), webhookUrl: row.webhook_url });
  }
  return out;
}

function toApprovalRecord(row: ApprovalRow, decisions: ApprovalDecision[]): ApprovalRecord {
  const workflow = toWorkflow(row);
  const state: ApprovalState = {
    status: workflow.status,
    request: { approvers: row.approvers, quorum: Number(row.quorum), expires_at: iso(row.expires_at) },
    decisions,
    error_message: workflow.error_message,
  };
  return { workflow, state, attestation: row.attestation === null ? null : (JSON.parse(row.attestation) as ApprovalAttestation) };
}

const toDecision = (d: DecisionRow): ApprovalDecision => ({
  approver: d.approver,
  decision: d.decision as Decision,
  comment: d.comment,
  decided_at: iso(d.decided_at),
});

/** A batch and its items; `lock` takes the batch row FOR UPDATE (item results serialize on it). */
export async function loadBatch(db: SqlQueryable, id: string, lock = false): Promise<Loaded<BatchRecord> | undefined> {
  const { rows } = await db.query<WorkflowRow & { webhook_url: string | null }>(
    `SELECT w.*, r.webhook_url FROM workflows w LEFT JOIN workflow_runs r ON r.workflow_id = w.id
      WHERE w.id = $1 AND w.type = 'batch_sign' ${lock ? 'FOR UPDATE OF w' : ''}`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const items = await db.query<ItemRow>(
    `SELECT idx, item_workflow_id::text, evidence_hash, status, error_code, error_message, error_field
       FROM batch_items WHERE batch_id = $1 ORDER BY idx`,
    [id],
  );
  const workflow = toWorkflow(row);
  const state: BatchState = { status: workflow.status, error_message: workflow.error_message, items: items.rows.map(toItem) };
  return { record: { workflow, state }, webhookUrl: row.webhook_url };
}

function toItem(r: ItemRow): BatchItemState {
  const error: ItemError | null =
    r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '', field: r.error_field };
  return {
    index: Number(r.idx),
    item_workflow_id: r.item_workflow_id,
    evidence_package_hash: r.evidence_hash,
    status: r.status as BatchItemState['status'],
    error,
  };
}
