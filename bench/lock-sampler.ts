import pg from 'pg';

export interface LockShare {
  /** % of samples in which a transaction held the log's (and audit chain's) advisory lock */
  lockHeldPct: number;
  /** backends waiting for it, on average over the samples */
  lockWaiters: number;
}

/**
 * Samples pg_locks on a shared database while a load runs: how much of the time one batch
 * transaction holds the advisory locks every replica's batch takes (the log's, then the audit
 * chain's), and how many wait behind it. Near 100 % held, more replicas only add waiters.
 */
export async function sampleLock(url: string, everyMs = 100): Promise<{ stop(): Promise<LockShare> }> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  let [samples, held, waiters, running] = [0, 0, 0, true];
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ held: number; waiting: number }>(
        `SELECT count(*) FILTER (WHERE granted)::int AS held, count(DISTINCT pid) FILTER (WHERE NOT granted)::int AS waiting
           FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      samples++;
      if (rows[0]!.held > 0) held++;
      waiters += rows[0]!.waiting;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      return {
        lockHeldPct: samples ? Math.round((held / samples) * 100) : NaN,
        lockWaiters: samples ? Math.round((waiters / samples) * 100) / 100 : NaN,
      };
    },
  };
}
