/**
 * Cost of the embedded log's self-check (every leaf hash recomputed from its stored body, the root
 * streamed and compared with the latest signed checkpoint) for a log of --count entries.
 *   npx tsx bench/log-self-check.ts [--count 100000] [--runs 5] [--database-url URL]
 */
import { createHash, randomBytes, sign } from 'node:crypto';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-db.js';
import { EmbeddedLog, loadOrCreateLogKey } from '../src/adapters/translog/embedded/index.js';
import { generateP256KeyPair } from '../src/core/keys.js';

const { values: args } = parseArgs({
  options: { count: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' }, 'database-url': { type: 'string' } },
});
const count = Number(args.count),
  runs = Number(args.runs);
const { db, close } = await benchDatabase(args['database-url']);
const log = await EmbeddedLog.open({
  db,
  key: await loadOrCreateLogKey(db, randomBytes(32)),
  origin: 'bench/log',
  url: 'http://bench',
  exclusive: !args['database-url'],
});
const signer = generateP256KeyPair();
const pem = signer.publicKey.export({ format: 'pem', type: 'spki' }).toString();
let next = 0;
const fillStart = performance.now();
await Promise.all(
  Array.from({ length: 1000 }, async () => {
    while (next < count) {
      const data = Buffer.from(`evidence-${next++}`);
      await log.append({
        digestHex: createHash('sha256').update(data).digest('hex'),
        signature: sign('sha256', data, signer.privateKey),
        publicKeyPem: pem,
      });
    }
  }),
);
console.log(`filled ${count} entries in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const result = await log.selfCheck();
  if (!result.ok) throw new Error(`self-check failed: ${result.reason}`);
  const used = process.cpuUsage(cpu);
  times.push(performance.now() - t0);
  console.log(
    `run ${i + 1}: ${(times.at(-1)! / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU of this process`,
  );
}
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
console.log(
  `self-check of ${count} entries: median ${(median / 1000).toFixed(2)} s (${((median * 1000) / count).toFixed(1)} µs per entry)`,
);
await close();
