import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { LocalKeyringSigner } from '../../src/adapters/signer/local/index.js';
import { migrate } from '../../src/adapters/store/migrate.js';
import { colocatedStore } from '../support/colocated.js';
import { PgWorkflowStore } from '../../src/adapters/store/pg-workflow-store.js';
import { connectPostgres } from '../../src/adapters/db/pg-client.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../../src/adapters/translog/embedded/index.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { Notary } from '../../src/core/notary.js';
import { WorkflowService } from '../../src/core/workflows/index.js';
import type { KeySigner } from '../../src/ports/key-signer.js';
import { freshPostgresDatabase, MIGRATIONS, openBackend, tempDir, type Backend } from '../support/databases.js';

export const logger = pino({ level: 'silent' });

/** A clock the test moves: expiry and leases are decided on it. */
export class TestClock {
  constructor(public t = Date.parse('2030-01-01T00:00:00Z')) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

/** Counts what the signer signs, and can be made to fail the way Vault does when sealed. */
export function countingSigner(inner: KeySigner) {
  const state = { signs: 0, failWith: undefined as Error | undefined };
  const signer: KeySigner = new Proxy(inner, {
    get(t, prop, r) {
      if (prop === 'sign') {
        return async (req: Parameters<KeySigner['sign']>[0]) => {
          if (state.failWith) throw state.failWith;
          state.signs++;
          return t.sign(req);
        };
      }
      const v = Reflect.get(t, prop, r);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  return { signer, state };
}

/**
 * "Replicas": each has its own database client (on Postgres: its own pool, so row locks really
 * contend), its own Notary and WorkflowService, over the one database.
 */
export async function openCluster(backend: Backend, replicas = 2, options: { leaseMs?: number; webhookUrl?: string } = {}) {
  const clock = new TestClock();
  const url = backend === 'postgres' ? await freshPostgresDatabase() : undefined;
  // the embedded server has one writer: its "replicas" share the service's one client
  const embedded = url ? undefined : await openBackend('embedded');
  const clients: SqlClient[] = [];
  for (let i = 0; i < replicas; i++) clients.push(url ? connectPostgres(url, 4) : embedded!);
  await migrate(clients[0]!, MIGRATIONS);
  const { signer, state } = countingSigner(new LocalKeyringSigner({ dir: tempDir() }));
  const logKey = await loadOrCreateLogKey(clients[0]!, randomBytes(32));
  const nodes = await Promise.all(
    clients.map(async (db) => {
      const log = await EmbeddedLog.open({ db, key: logKey, origin: 'test/log', url: 'http://log.test' });
      const { store: evidenceStore, units: colocated } = colocatedStore(db, log);
      const notary = new Notary({
        signer,
        log,
        store: evidenceStore,
        colocated,
        logger,
        limits: DEFAULT_LIMITS,
        clock,
        ids: { next: randomUUID },
      });
      const store = new PgWorkflowStore(db, { leaseMs: options.leaseMs ?? 60_000, globalWebhookUrl: options.webhookUrl });
      const service = new WorkflowService({
        notary,
        store,
        clock,
        logger,
        ids: { next: randomUUID },
        limits: { maxBatchSize: 100, defaultExpiresSeconds: 3600 },
        webhooksEnabled: true,
        retryDelayMs: 1000,
      });
      return { db, notary, store, service };
    }),
  );
  const db = clients[0]!;
  const close = async () => {
    for (const c of new Set(clients)) await c.close();
  };
  return { nodes, db, clock, signerState: state, close };
}

export async function count(db: SqlClient, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return rows[0]!.n;
}
