import type { Logger } from 'pino';
import { GroupCommitter } from '../db/group-commit.js';
import type { SqlClient } from '../db/sql-client.js';
import { AuditChainWriter } from './chain-writer.js';
import type { AuditLog, AuditQuery } from '../../ports/audit.js';
import type { AuditEvent, AuditRecord } from './chain.js';
import { AUDIT_COLUMNS, toRecord, type AuditRow } from './rows.js';
import { verifyAuditChain, type ChainVerification } from './verify.js';
import { Where } from '../store/sql-where.js';

/**
 * The hash-chained audit trail over the SQL store. Appends are group-committed (one transaction per
 * burst, not per request) through the chain's one writer (chain-writer.ts), which also links the
 * rows other transactions commit with their own (a notarization's evidence.created). `record` does
 * not make the caller wait; `flush` does.
 */
export class SqlAuditLog implements AuditLog {
  private readonly committer: GroupCommitter<AuditEvent, undefined>;
  private readonly inflight = new Set<Promise<void>>();
  readonly chain: AuditChainWriter;

  constructor(
    private readonly db: SqlClient,
    private readonly logger?: Pick<Logger, 'error'>,
  ) {
    this.chain = new AuditChainWriter(db);
    this.committer = new GroupCommitter(async (events) => {
      await this.chain.append(events);
      return events.map(() => undefined);
    }, 200);
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
    const { rows } = await this.db.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ORDER BY seq DESC ${limit}`,
      where.params,
    );
    const items = rows.slice(0, q.pageSize).map(toRecord);
    return { items, nextBeforeSeq: rows.length > q.pageSize ? items.at(-1)!.seq : null };
  }
}
