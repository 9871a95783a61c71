import type { Logger } from '../../ports/clock.js';
import { STRICT_WEBHOOK_POLICY, type WebhookUrlPolicy } from '../../core/webhook-url.js';
import { postPinned, WebhookTargetRefused, type Resolve } from './pinned-post.js';
import type { OutboxDelivery, PgWebhookOutbox } from './pg-outbox.js';
import { SIGNATURE_HEADER, signBody } from './signature.js';

export interface WebhookDispatcherOptions {
  outbox: Pick<PgWebhookOutbox, 'claimDue' | 'delivered' | 'failed'>;
  secret: string;
  logger: Logger;
  /** first retry delay; doubles per attempt up to maxDelayMs */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** attempts before giving up on a delivery */
  maxAttempts?: number;
  timeoutMs?: number;
  batchSize?: number;
  now?: () => Date;
  /** where deliveries may go (default: public https addresses only) */
  policy?: WebhookUrlPolicy;
  /** name resolution (default: the system resolver) */
  resolve?: Resolve;
}

/**
 * Delivers queued workflow notifications: POST of the stored JSON body, signed with
 * `X-AFDP-Signature: sha256=<hex HMAC>`, any 2xx is success, everything else is retried with
 * exponential backoff. At least once: a receiver deduplicates on the body's `id` (or X-AFDP-Delivery).
 */
export class WebhookDispatcher {
  private readonly o: Required<Omit<WebhookDispatcherOptions, 'outbox' | 'secret' | 'logger' | 'policy' | 'resolve'>>;
  private readonly policy: WebhookUrlPolicy;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.o = {
      baseDelayMs: options.baseDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 3_600_000,
      maxAttempts: options.maxAttempts ?? 12,
      timeoutMs: options.timeoutMs ?? 10_000,
      batchSize: options.batchSize ?? 50,
      now: options.now ?? (() => new Date()),
    };
    this.policy = options.policy ?? STRICT_WEBHOOK_POLICY;
  }

  /** One round: claims what is due and tries each once. Returns how many were delivered. */
  async runOnce(): Promise<number> {
    const now = this.o.now();
    // the claim outlives one attempt's timeout, so a live dispatcher never sees its own rows reclaimed
    const leaseUntil = new Date(now.getTime() + this.o.timeoutMs * 3).toISOString();
    const due = await this.options.outbox.claimDue(this.o.batchSize, now.toISOString(), leaseUntil);
    const results = await Promise.all(due.map((d) => this.deliver(d)));
    return results.filter(Boolean).length;
  }

  private async deliver(d: OutboxDelivery): Promise<boolean> {
    const { outbox, logger } = this.options;
    const { error, final } = await this.post(d);
    const now = this.o.now();
    if (error === null) {
      await outbox.delivered(d.id, now.toISOString());
      return true;
    }
    // a target the policy refuses stays refused: no retries at it
    const giveUp = final || d.attempts >= this.o.maxAttempts;
    const delay = Math.min(this.o.baseDelayMs * 2 ** (d.attempts - 1), this.o.maxDelayMs);
    logger.warn({ workflowId: d.workflowId, event: d.event, attempts: d.attempts, error, giveUp }, 'webhook delivery failed');
    await outbox.failed(d.id, error, giveUp ? null : new Date(now.getTime() + delay).toISOString(), now.toISOString());
    return false;
  }

  /**
   * One POST to an address the policy allows (pinned-post.ts); error null when the receiver answered
   * 2xx. Redirects are not followed: one could carry the signed body somewhere the workflow owner did not name.
   */
  private async post(d: OutboxDelivery): Promise<{ error: string | null; final: boolean }> {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'afdp-notary-webhooks/1',
      [SIGNATURE_HEADER]: signBody(this.options.secret, d.body),
      'x-afdp-event': d.event,
      'x-afdp-delivery': d.id,
    };
    try {
      const { status } = await postPinned(d.url, headers, d.body, {
        policy: this.policy,
        timeoutMs: this.o.timeoutMs,
        resolve: this.options.resolve,
      });
      if (status >= 200 && status < 300) return { error: null, final: false };
      return { error: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`, final: false };
    } catch (err) {
      return {
        error: `${err instanceof WebhookTargetRefused ? 'refused: ' : ''}${err instanceof Error ? err.message : String(err)}`,
        final: err instanceof WebhookTargetRefused,
      };
    }
  }
}
