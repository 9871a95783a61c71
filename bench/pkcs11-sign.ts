/**
 * Signatures per second through the PKCS#11 signer on a SoftHSM2 token (Debian's softhsm2), for
 * several session-pool sizes, against the embedded keyring on the same machine. Each run keeps
 * --concurrency sign() calls in flight for --seconds; medians of --runs runs.
 *   npx tsx bench/pkcs11-sign.ts [--sessions 1,2,4,8] [--concurrency 64] [--seconds 5] [--runs 3]
 * Needs /usr/lib/softhsm/libsofthsm2.so (SOFTHSM2_MODULE) and the optional pkcs11js binding.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPkcs11Signer } from '../src/adapters/signer/pkcs11/index.js';
import { LocalKeyringSigner } from '../src/adapters/signer/local/index.js';
import type { KeySigner } from '../src/ports/key-signer.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1,2,4,8' },
    concurrency: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
  },
});
const MODULE = process.env.SOFTHSM2_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
const canonical = randomBytes(2048);
const request = { canonical, digest: createHash('sha256').update(canonical).digest(), algorithm: 'ecdsa-p256' as const };

async function throughput(signer: KeySigner, concurrency: number, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < until) {
      await signer.sign(request);
      done++;
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - t) / 1000);
}

async function measure(name: string, signer: KeySigner): Promise<void> {
  const perRun: number[] = [];
  await throughput(signer, Number(args.concurrency), 1); // warm up
  for (let r = 0; r < Number(args.runs); r++) perRun.push(await throughput(signer, Number(args.concurrency), Number(args.seconds)));
  console.log(`${name}: ${median(perRun).toFixed(0)} signatures/s (runs: ${perRun.map((x) => x.toFixed(0)).join(', ')})`);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-softhsm-'));
mkdirSync(join(dir, 'tokens'));
writeFileSync(join(dir, 'softhsm2.conf'), `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--pin', '1234', '--so-pin', '5678'], { stdio: 'ignore' });

console.log(
  `node ${process.version}, libuv threadpool ${process.env.UV_THREADPOOL_SIZE ?? 4}, ${args.concurrency} calls in flight, ${args.seconds} s × ${args.runs} runs`,
);
for (const sessions of args.sessions!.split(',').map(Number)) {
  const signer = await createPkcs11Signer({
    module: MODULE,
    tokenLabel: 'bench',
    pin: '1234',
    keyLabel: 'bench-signing',
    sessions,
    rescanMs: 60_000,
    createKey: true,
  });
  await measure(`PKCS#11 SoftHSM2, ${sessions} session${sessions === 1 ? '' : 's'}`, signer);
  await signer.close();
}
await measure('local keyring (in-process, for comparison)', new LocalKeyringSigner({ dir: join(dir, 'keyring'), passphrase: 'bench' }));
