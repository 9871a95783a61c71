import type { Admission, RequestBudgetPort } from '../../ports/request-limits.js';
import type { WindowCounter } from './window-counter.js';

export type { Admission } from '../../ports/request-limits.js';

/**
 * One request budget per key (a principal, or an anonymous client's address) for every door: REST
 * (through @fastify/rate-limit's store), each gRPC unary call and each item of a gRPC stream. When
 * the shared counter fails (Redis down) the request is admitted: throttling protects capacity, it
 * is not access control, and notarization must not stop because the limiter's store did.
 */
export class RequestBudget implements RequestBudgetPort {
  constructor(
    private readonly counter: WindowCounter,
    readonly max: number,
    readonly windowMs: number,
  ) {}

  async take(key: string): Promise<Admission> {
    try {
      const { count, resetMs } = await this.counter.hit(`ratelimit:${key}`, this.windowMs);
      return { admitted: count <= this.max, remaining: Math.max(0, this.max - count), resetMs };
    } catch {
      return { admitted: true, remaining: this.max, resetMs: this.windowMs };
    }
  }

  /**
   * A class @fastify/rate-limit instantiates as its `store`: REST spends the same counters as the
   * other doors (errors pass to the plugin, whose skipOnError admits the request).
   */
  restStore(): new () => { incr: RestIncr; child: () => unknown } {
    const counter = this.counter;
    return class {
      incr: RestIncr = (key, callback, timeWindow) => {
        counter.hit(`ratelimit:${key}`, timeWindow).then(
          ({ count, resetMs }) => callback(null, { current: count, ttl: resetMs }),
          (err: Error) => callback(err),
        );
      };
      child() {
        return this;
      }
    };
  }
}

type RestIncr = (
  key: string,
  callback: (err: Error | null, result?: { current: number; ttl: number }) => void,
  timeWindow: number,
  max: number,
) => void;
