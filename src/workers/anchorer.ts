import type { Logger } from 'pino';
import type { Notary } from '../core/notary.js';

/** Background retry of anchors and timestamps that did not succeed in-request (log or TSA down, process restarted). */
export type BacklogReporter = () => Promise<void>;

export class Anchorer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly notary: Notary,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    /** refreshes the backlog gauges after each round */
    private readonly reportBacklog: BacklogReporter = async () => {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One round; concurrent calls share the round in progress. Resolves to how many anchors it made. */
  runOnce(): Promise<number> {
    this.running ??= this.notary
      .timestampPending()
      .then(() => this.notary.anchorPending())
      .then(async (n) => {
        await this.reportBacklog();
        return n;
      })
      .catch((err) => {
        this.logger.warn({ err }, 'anchoring round failed');
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
