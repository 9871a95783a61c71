import type { Logger } from 'pino';
import { GroupCommitter, valuesList } from '../store/group-commit.js';
import type { SqlClient, SqlQueryable, Statement } from '../store/sql-client.js';
import { chainEvents, type AuditEvent, type AuditOutcome, type AuditRecord } from './chain.js';
import { AUDIT_COLUMNS, toRecord, type AuditRow } from './rows.js';
import { verifyAuditChain, type ChainVerification } from './verify.js';
import { Where } from '../store/sql-where.js';

// Any constant, distinct from the migration lock: every replica appending to the chain queues on it.
const AUDIT_CHAIN_LOCK = 7_414_2025;

export interface AuditQuery {
  event?: string;
  principal?: string;
  outcome?: AuditOutcome;
  since?: string;
  until?: string;
  /** newest first; continue below this seq */
  beforeSeq?: number;
  pageSize: number;
}

async function readHead(db: SqlQueryable): Promise<{ seq: number; hash: string } | undefined> {
  const { rows } = await db.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
}

const insertStatement = (records: AuditRecord[]): Statement => ({
  text: `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ${valuesList(records.length, ['::bigint', '::timestamptz', '', '', '', '', '', ''])}`,
  params: records.flatMap((r) => [r.seq, r.at, r.event, r.outcome, r.principal, r.details, r.prev_hash, r.hash]),
});

/**
 * The hash-chained audit trail over the SQL store. Appends are group-committed (one transaction per
 * burst, not per request) and serialized across replicas by a transaction-scoped advisory lock, so
 * two processes can never both link a row to the same predecessor (the seq primary key would
 * refuse it anyway). `record` does not make the caller wait; `flush` does.
 */
export class SqlAuditLog {
  private readonly committer: GroupCommitter<AuditEvent, undefined>;
  private readonly inflight = new Set<Promise<void>>();
  /** chain head, kept only where this process is the database's one writer (the embedded server) */
  private head: { seq: number; hash: string } | undefined | null = null;

  constructor(private readonly db: SqlClient, private readonly logger?: Pick<Logger, 'error'>) {
    this.committer = new GroupCommitter((events) => this.appendBatch(events), 200);
  }

  /** Appends and resolves once the row is committed. */
  append(event: AuditEvent): Promise<void> {
    return this.committer.submit(event);
  }

  /** Fire-and-forget for the request path: a failed append is logged at error level, never thrown at the caller. */
  record(event: AuditEvent): void {
    const p = this.append(event).catch((err: unknown) => this.logger?.error({ err, event: event.event }, 'audit append failed'));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Waits for every recorded event to be committed (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  private async appendBatch(events: AuditEvent[]): Promise<undefined[]> {
    if (this.db.kind === 'embedded') await this.appendExclusive(events);
    else {
      await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
        const insert = insertStatement(chainEvents(await readHead(tx), events, new Date().toISOString()));
        await tx.query(insert.text, insert.params);
      });
    }
    return events.map(() => undefined);
  }

  /** No other writer: link after the cached head and write in one round trip. */
  private async appendExclusive(events: AuditEvent[]): Promise<void> {
    if (this.head === null) this.head = await readHead(this.db);
    const records = chainEvents(this.head, events, new Date().toISOString());
    try {
      await this.db.batch([insertStatement(records)]);
      this.head = records[records.length - 1]!;
    } catch (err) {
      this.head = null; // read it again: the failure may have been anywhere
      throw err;
    }
  }

  /** Walks the whole chain (see verifyAuditChain). */
  verify(): Promise<ChainVerification> {
    return verifyAuditChain(this.db);
  }

  async query(q: AuditQuery): Promise<{ items: AuditRecord[]; nextBeforeSeq: number | null }> {
    const where = new Where();
    if (q.event !== undefined) where.add('event = ?', q.event);
    if (q.principal !== undefined) where.add('principal = ?', q.principal);
    if (q.outcome !== undefined) where.add('outcome = ?', q.outcome);
    if (q.since !== undefined) where.add('at >= ?::timestamptz', q.since);
    if (q.until !== undefined) where.add('at < ?::timestamptz', q.until);
    if (q.beforeSeq !== undefined) where.add('seq < ?::bigint', q.beforeSeq);
    const limit = where.limit(q.pageSize + 1);
    const { rows } = await this.db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ORDER BY seq DESC ${limit}`, where.params);
    const items = rows.slice(0, q.pageSize).map(toRecord);
    return { items, nextBeforeSeq: rows.length > q.pageSize ? items.at(-1)!.seq : null };
  }
}
