/**
 * What Vault transit data keys cost evidence encryption (issue 22), against the loopback Vault
 * (real HTTP on 127.0.0.1, real AES-256-GCM; a real Vault adds its own latency per call): bodies
 * sealed per second with one data key per window (the default) and with one per body (what asking
 * Vault per row would cost), 64 sealers at once; and opening bodies with the key cache cold and warm.
 * Prints medians of --runs runs.
 *   npx tsx bench/vault-data-key-cost.ts [--bodies 2000] [--runs 3]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createVaultEvidenceCipher, DEFAULT_DATA_KEY_POLICY } from '../src/adapters/signer/vault/index.js';
import { startVaultServer } from '../test/support/vault-server.js';
import { median } from './stats.js';

const { values: args } = parseArgs({ options: { bodies: { type: 'string', default: '2000' }, runs: { type: 'string', default: '3' } } });
const bodies = Number(args.bodies),
  runs = Number(args.runs);
const vault = await startVaultServer();
const plain = randomBytes(2048);
const cipherWith = (windowUses: number) =>
  createVaultEvidenceCipher({
    addr: vault.url,
    mount: 'transit',
    key: 'afdp-evidence',
    auth: { method: 'token', token: vault.rootToken },
    createKey: true,
    policy: { ...DEFAULT_DATA_KEY_POLICY, windowUses },
  });

async function inParallel<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < n; i = next++) out[i] = await fn(i);
    }),
  );
  return out;
}

console.log(`Vault data keys, ${bodies} bodies of ${plain.length} B, 64 at once, median of ${runs} runs:`);
for (const [name, uses] of [
  ['a data key per window (default)', DEFAULT_DATA_KEY_POLICY.windowUses],
  ['a data key per body', 1],
] as const) {
  const rates: number[] = [],
    calls: number[] = [];
  for (let r = 0; r < runs; r++) {
    const cipher = await cipherWith(uses);
    const before = vault.requests.length;
    const t = performance.now();
    await inParallel(bodies, 64, (i) => cipher.seal(i.toString(16).padStart(64, '0'), plain));
    rates.push(bodies / ((performance.now() - t) / 1000));
    calls.push(vault.requests.length - before);
    await cipher.close();
  }
  console.log(`  seal, ${name.padEnd(32)} ${Math.round(median(rates))} bodies/s, ${median(calls)} Vault calls`);
}
const writer = await cipherWith(100);
const sealed = await inParallel(bodies, 64, (i) =>
  writer.seal(i.toString(16).padStart(64, '0'), plain).then((s) => ({ h: i.toString(16).padStart(64, '0'), s })),
);
await writer.close();
for (const phase of ['cold', 'warm'] as const) {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const reader = await cipherWith(1);
    if (phase === 'warm') await inParallel(bodies, 64, (i) => reader.open(sealed[i]!.h, sealed[i]!.s));
    const t = performance.now();
    await inParallel(bodies, 64, (i) => reader.open(sealed[i]!.h, sealed[i]!.s));
    rates.push(bodies / ((performance.now() - t) / 1000));
    await reader.close();
  }
  console.log(`  open, key cache ${phase} (100 bodies per data key)   ${Math.round(median(rates))} bodies/s`);
}
await vault.close();
