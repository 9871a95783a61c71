import type { Logger } from 'pino';
import type { WebhookDispatcher } from '../adapters/webhooks/index.js';
import type { WorkflowService } from '../core/workflows/index.js';

export interface RoundResult {
  expired: number;
  resumed: number;
  delivered: number;
}

/**
 * The workflows' background loop, like the Anchorer: on start and every `intervalMs` it expires
 * overdue approvals, resumes workflows left running (a restart, a signer that was down) and
 * delivers queued webhooks. Every step claims rows with SKIP LOCKED, so any number of replicas
 * may run it at once.
 */
export class WorkflowRunner {
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Immediate;
  private running?: Promise<RoundResult>;

  constructor(
    private readonly workflows: WorkflowService,
    private readonly dispatcher: WebhookDispatcher | undefined,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.first = setImmediate(() => void this.runOnce()); // resume what a previous process left at once, not after a period
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One round; concurrent calls share the round in progress. */
  runOnce(): Promise<RoundResult> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    clearImmediate(this.first);
    clearInterval(this.timer);
    await this.running;
  }

  private async round(): Promise<RoundResult> {
    const expired = await this.step('expiry', () => this.workflows.expireDue());
    const resumed = await this.step('resume', () => this.workflows.resumeRunnable());
    const delivered = this.dispatcher ? await this.step('webhooks', () => this.dispatcher!.runOnce()) : 0;
    return { expired, resumed, delivered };
  }

  /** A failing step (database down) is logged and retried next round; it does not stop the others. */
  private async step(name: string, fn: () => Promise<number>): Promise<number> {
    try {
      return await fn();
    } catch (err) {
      this.logger.warn({ err, step: name }, 'workflow round step failed');
      return 0;
    }
  }
}
