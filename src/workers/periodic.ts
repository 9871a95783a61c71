import type { Logger } from 'pino';

/**
 * A background job run every `intervalMs` (and on demand): one round at a time, concurrent callers
 * share the round in progress, a failing round is logged and the next one tries again.
 */
export class Periodic<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T | undefined>;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly round: () => Promise<T>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One round; undefined when it failed (logged). */
  runOnce(): Promise<T | undefined> {
    this.running ??= this.round()
      .catch((err: unknown) => {
        this.logger.warn({ err, job: this.name }, `${this.name} round failed`);
        return undefined;
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
