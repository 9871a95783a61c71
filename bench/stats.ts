import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The middle value (the upper one of an even count), as every bench reports its runs. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const FIXTURES = join(import.meta.dirname, '../../shared/fixtures/evidence');

/** The shared evidence packages (../shared/fixtures/evidence), parsed: what the loads send, each made unique by them. */
export const evidencePackages = <T = Record<string, unknown>>(): T[] =>
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as T);

/** CPU µs per call of `call` (one `app.inject`), after a warm-up of 2,000 calls. */
export async function cpuPerCall(call: () => Promise<unknown>, calls: number): Promise<number> {
  for (let i = 0; i < 2000; i++) await call();
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}
