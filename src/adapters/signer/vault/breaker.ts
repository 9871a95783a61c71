import { NotaryError } from '../../../core/errors.js';
import { isTransient } from './errors.js';

export interface BreakerOptions {
  failureThreshold: number;
  resetMs: number;
}

type State = 'closed' | 'open' | 'half-open';

/**
 * Opens after N consecutive availability failures so a dead Vault costs callers
 * nothing; after resetMs one probe is let through and decides whether to close.
 * Client errors (4xx) say nothing about Vault's health and do not count.
 */
export class CircuitBreaker {
  #state: State = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(
    private readonly opts: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get isOpen(): boolean {
    return this.#current() === 'open';
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.#current();
    if (state === 'open' || (state === 'half-open' && this.#probing)) {
      throw new NotaryError('unavailable', 'vault circuit breaker is open: Vault failed repeatedly');
    }
    const probe = state === 'half-open';
    if (probe) this.#probing = true;
    try {
      const result = await fn();
      this.#state = 'closed';
      this.#failures = 0;
      return result;
    } catch (err) {
      if (isTransient(err)) this.#recordFailure(probe);
      else if (probe) this.#state = 'closed';
      throw err;
    } finally {
      if (probe) this.#probing = false;
    }
  }

  #current(): State {
    if (this.#state === 'open' && this.now() - this.#openedAt >= this.opts.resetMs) this.#state = 'half-open';
    return this.#state;
  }

  #recordFailure(probe: boolean): void {
    this.#failures += 1;
    if (probe || this.#failures >= this.opts.failureThreshold) {
      this.#state = 'open';
      this.#openedAt = this.now();
    }
  }
}
