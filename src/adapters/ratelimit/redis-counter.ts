import type { Redis } from 'ioredis';
import type { WindowCount, WindowCounter } from './window-counter.js';

// INCR, and on the first hit PEXPIRE: the window starts with the key's first hit and the key
// disappears with it. One round trip, atomic on the server.
const HIT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}`;

type WithHit = Redis & { afdpWindowHit(key: string, windowMs: number): Promise<[number, number]> };

/** Counters every replica shares: `prefix` + key in Redis. */
export class RedisWindowCounter implements WindowCounter {
  private readonly redis: WithHit;

  constructor(
    redis: Redis,
    private readonly prefix = 'afdp-notary:',
  ) {
    if (!('afdpWindowHit' in redis)) redis.defineCommand('afdpWindowHit', { numberOfKeys: 1, lua: HIT });
    this.redis = redis as WithHit;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = await this.redis.afdpWindowHit(this.prefix + key, windowMs);
    return { count: Number(count), resetMs: Number(ttl) };
  }
}
