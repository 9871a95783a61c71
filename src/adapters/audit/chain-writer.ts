import { unnestInsert } from '../db/statements.js';
import type { SqlClient, SqlQueryable, Statement } from '../db/sql-client.js';
import { chainEvents, type AuditEvent, type AuditRecord } from './chain.js';
import { AUDIT_COLUMNS } from './rows.js';

// Any constant, distinct from the migration lock: every replica appending to the chain queues on it.
const AUDIT_CHAIN_LOCK = 7_414_2025;

type Head = { seq: number; hash: string };

/**
 * Links events after the chain's head and returns the statement that stores them, to be committed
 * by the caller with its own rows (undefined for no events). Where other replicas append too, `tx`
 * is the caller's transaction: planning takes the chain's lock and reads the head in it.
 */
export type PlanAudit = (tx: SqlQueryable | undefined, events: AuditEvent[]) => Promise<Statement | undefined>;

export async function readAuditHead(db: SqlQueryable): Promise<Head | undefined> {
  const { rows } = await db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
}

const insertStatement = (records: AuditRecord[]): Statement =>
  unnestInsert(
    `INSERT INTO audit_log (${AUDIT_COLUMNS})`,
    ['bigint', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'text'],
    records.map((r) => [r.seq, r.at, r.event, r.outcome, r.principal, r.details, r.prev_hash, r.hash]),
  );

/**
 * The one writer of the hash chain in this process. Whoever appends (the audit log's own group
 * commits, a notarization batch, a workflow's creation) does it inside `atomically`, so the audit
 * rows commit in the same transaction as what they record, and two appends never link to the same
 * predecessor: in-process they queue on a promise chain, across replicas on an advisory lock held
 * until commit. On the embedded server (one writer) the head is cached: no read per append.
 */
export class AuditChainWriter {
  private lock: Promise<unknown> = Promise.resolve();
  /** the committed head; null: unknown (read it) */
  private head: Head | undefined | null = null;

  constructor(private readonly db: SqlClient) {}

  get exclusive(): boolean {
    return this.db.kind === 'embedded';
  }

  atomically<T>(work: (plan: PlanAudit) => Promise<T>): Promise<T> {
    const run = this.lock.then(async () => {
      let planned: Head | undefined;
      const plan: PlanAudit = async (tx, events) => {
        if (events.length === 0) return undefined;
        let head: Head | undefined;
        if (planned) head = planned;
        else if (this.exclusive) head = this.head === null ? (this.head = await readAuditHead(this.db)) : this.head;
        else {
          if (!tx) throw new Error("a shared audit chain is planned inside the caller's transaction");
          await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
          head = await readAuditHead(tx);
        }
        const records = chainEvents(head, events, new Date().toISOString());
        planned = records[records.length - 1]!;
        return insertStatement(records);
      };
      try {
        const result = await work(plan);
        if (planned) this.head = this.exclusive ? planned : null;
        return result;
      } catch (err) {
        this.head = null; // what was planned may or may not have committed: read it again
        throw err;
      }
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Appends on its own: one transaction (one round trip on the embedded server). */
  append(events: AuditEvent[]): Promise<void> {
    return this.atomically(async (plan) => {
      if (this.exclusive) {
        const statement = await plan(undefined, events);
        if (statement) await this.db.batch([statement]);
        return;
      }
      await this.db.transaction(async (tx) => {
        const statement = await plan(tx, events);
        if (statement) await tx.query(statement.text, statement.params);
      });
    });
  }
}
