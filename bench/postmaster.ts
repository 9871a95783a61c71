import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { processTable } from '../test/support/processes.js';

/**
 * The postmaster of the PostgreSQL server at `url` when it runs on this machine (its data
 * directory's postmaster.pid names a live `postgres`), else undefined: its CPU, and its backends',
 * is then the database's, apart from any other cluster on the machine.
 */
export async function localPostmasterPid(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    const pid = Number(readFileSync(join(rows[0]!.data_directory, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return processTable().find((p) => p.pid === pid && p.comm === 'postgres')?.pid;
  } catch {
    return undefined; // another host, or a role that may not read the setting or the file
  } finally {
    await client.end();
  }
}
