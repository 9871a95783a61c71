/**
 * Appends/s of the embedded transparency log (batched integration, one signed checkpoint per
 * batch) on the embedded PostgreSQL, or on an external one with --database-url.
 *   npx tsx bench/log-append.ts [--count 20000] [--concurrency 1000] [--database-url URL]
 */
import { createHash, randomBytes, sign } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-db.js';
import { migrate } from '../src/adapters/store/migrate.js';

import { EmbeddedLog, loadOrCreateLogKey } from '../src/adapters/translog/embedded/index.js';
import { generateP256KeyPair } from '../src/core/keys.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '1000' },
    'database-url': { type: 'string' },
  },
});
const count = Number(args.count),
  concurrency = Number(args.concurrency);
const { db, close: closeDb } = await benchDatabase(args['database-url']);
await migrate(db, join(import.meta.dirname, '../migrations'));
const log = await EmbeddedLog.open({ db, key: await loadOrCreateLogKey(db, randomBytes(32)), origin: 'bench/log', url: 'http://bench' });
const signer = generateP256KeyPair();
const pem = signer.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const requests = Array.from({ length: count }, (_, i) => {
  const data = Buffer.from(`evidence-${i}`);
  return {
    digestHex: createHash('sha256').update(data).digest('hex'),
    signature: sign('sha256', data, signer.privateKey),
    publicKeyPem: pem,
  };
});
const t0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < count) await log.append(requests[next++]!);
  }),
);
const seconds = (performance.now() - t0) / 1000;
const { treeSize } = await log.checkpoint();
const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_checkpoints');
console.log(
  `${count} appends in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} appends/s; tree size ${treeSize}; ${rows[0]!.n} checkpoints (${(count / rows[0]!.n).toFixed(0)} entries per batch)`,
);
await closeDb();
