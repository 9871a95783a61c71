import type { SqlClient } from '../db/sql-client.js';

export interface OutboxDelivery {
  id: string;
  workflowId: string;
  event: string;
  url: string;
  body: string;
  /** including the one about to be made */
  attempts: number;
}

/** The webhook_outbox table (rows are written by the workflow store, in the transaction of each transition). */
export class PgWebhookOutbox {
  constructor(private readonly db: SqlClient) {}

  /**
   * Claims up to `limit` due deliveries until `leaseUntil` (a dispatcher that dies mid-delivery leaves
   * them to be retried then). SKIP LOCKED: replicas polling together take different rows.
   */
  async claimDue(limit: number, now: string, leaseUntil: string): Promise<OutboxDelivery[]> {
    const { rows } = await this.db.query<{ id: string; workflow_id: string; event: string; url: string; body: string; attempts: number }>(
      `UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = $3
        WHERE id IN (SELECT id FROM webhook_outbox
                      WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $2
                      ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id::text, workflow_id::text, event, url, body, attempts`,
      [limit, now, leaseUntil],
    );
    return rows.map((r) => ({
      id: r.id,
      workflowId: r.workflow_id,
      event: r.event,
      url: r.url,
      body: r.body,
      attempts: Number(r.attempts),
    }));
  }

  async delivered(id: string, at: string): Promise<void> {
    await this.db.query('UPDATE webhook_outbox SET delivered_at = $2, last_error = NULL WHERE id = $1', [id, at]);
  }

  /** Schedules the next attempt, or gives up (`retryAt` null) after the last one. */
  async failed(id: string, error: string, retryAt: string | null, at: string): Promise<void> {
    await this.db.query(
      'UPDATE webhook_outbox SET last_error = $2, next_attempt_at = COALESCE($3, next_attempt_at), gave_up_at = CASE WHEN $3::timestamptz IS NULL THEN $4::timestamptz END WHERE id = $1',
      [id, error.slice(0, 1000), retryAt, at],
    );
  }

  /** Deliveries not yet made, for metrics and tests. */
  async backlog(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM webhook_outbox WHERE delivered_at IS NULL AND gave_up_at IS NULL',
    );
    return rows[0]?.n ?? 0;
  }
}
