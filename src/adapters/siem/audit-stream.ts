/**
 * Streams audit events to a SIEM as they commit, at least once, from a cursor in the database
 * (siem_cursors) that survives restarts: read the rows after the cursor in seq order, send them,
 * then move the cursor. A crash between send and cursor update re-sends (duplicates, never gaps);
 * a connection that fails re-sends what it carried (up to `resendWindow` events), since bytes a
 * collector took in may die with it. One replica streams at a time, holding a lease in the row.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AUDIT_COLUMNS, toRecord, type AuditRow } from '../audit/rows.js';
import type { AuditRecord } from '../audit/chain.js';
import type { SqlClient } from '../db/sql-client.js';

/** Events re-sent after a connection failure, at most (the default of `resendWindow`). */
export const SIEM_RESEND_WINDOW = 10_000;

export interface AuditSink {
  send(records: AuditRecord[]): Promise<void>;
  /** a connection is open (or failed and not closed yet); false: the next send opens a new one */
  readonly connected: boolean;
  close(): void;
}

export interface AuditStreamOptions {
  db: SqlClient;
  sink: AuditSink;
  /** the cursor's name: one per destination */
  name: string;
  batchSize: number;
  pollMs: number;
  retryMs: number;
  /** how long a streaming replica's lease lasts without renewal */
  leaseMs: number;
  /** events re-sent after a connection failure, at most */
  resendWindow?: number;
  logger: Pick<Logger, 'warn' | 'info'>;
}

export class AuditStream {
  private readonly holder = `${process.pid}-${randomUUID()}`;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** the cursor when the current connection opened: what it carried is after this */
  private connectionStart: number | undefined;

  constructor(private readonly o: AuditStreamOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.o.sink.close();
    // a restarted service takes over at once instead of waiting for the lease to run out
    await this.o.db
      .query('UPDATE siem_cursors SET leased_by = NULL, lease_until = NULL WHERE sink = $1 AND leased_by = $2', [this.o.name, this.holder])
      .catch(() => undefined);
  }

  private async run(): Promise<void> {
    let failing = false;
    while (!this.stopping) {
      try {
        const sent = await this.round();
        if (failing) this.o.logger.info({ sink: this.o.name }, 'audit stream to the SIEM resumed');
        failing = false;
        if (sent < this.o.batchSize) await this.sleep(this.o.pollMs);
      } catch (err) {
        // the error names the collector or the database, never an event's content
        if (!failing) this.o.logger.warn({ err, sink: this.o.name }, 'audit stream to the SIEM failed: retrying');
        failing = true;
        await this.rewind().catch(() => undefined);
        this.o.sink.close();
        await this.sleep(this.o.retryMs);
      }
    }
  }

  /** One batch: lease and cursor, rows after it, send, move the cursor. Returns how many were sent. */
  private async round(): Promise<number> {
    const cursor = await this.lease();
    if (cursor === undefined) return 0; // another replica streams
    const { rows } = await this.o.db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [
      cursor,
      this.o.batchSize,
    ]);
    if (rows.length === 0) return 0;
    const records = rows.map(toRecord);
    if (!this.o.sink.connected) this.connectionStart = cursor;
    await this.o.sink.send(records);
    await this.o.db.query('UPDATE siem_cursors SET last_seq = $2, updated_at = now() WHERE sink = $1 AND leased_by = $3', [
      this.o.name,
      records.at(-1)!.seq,
      this.holder,
    ]);
    return records.length;
  }

  /** Takes or renews the lease; the cursor when this process holds it. */
  private async lease(): Promise<number | undefined> {
    await this.o.db.query('INSERT INTO siem_cursors (sink) VALUES ($1) ON CONFLICT (sink) DO NOTHING', [this.o.name]);
    const { rows } = await this.o.db.query<{ last_seq: string }>(
      `UPDATE siem_cursors SET leased_by = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE sink = $1 AND (leased_by IS NULL OR leased_by = $2 OR lease_until < now()) RETURNING last_seq::text`,
      [this.o.name, this.holder, this.o.leaseMs],
    );
    return rows[0] ? Number(rows[0].last_seq) : undefined;
  }

  /** After a failed connection: back to where it began (bounded), so what it carried is sent again. */
  private async rewind(): Promise<void> {
    if (this.connectionStart === undefined) return;
    const window = this.o.resendWindow ?? SIEM_RESEND_WINDOW;
    await this.o.db.query(
      'UPDATE siem_cursors SET last_seq = GREATEST($2::bigint, last_seq - $3::bigint), updated_at = now() WHERE sink = $1 AND leased_by = $4 AND last_seq > $2',
      [this.o.name, this.connectionStart, window, this.holder],
    );
    this.connectionStart = undefined;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
