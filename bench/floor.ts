/**
 * The floor of one REST notarization on this machine (issue #20: 5,000/s on 2 cores leaves 400 µs
 * of CPU per notarization for service, database and load generator together). In one run:
 *
 * 1. The real service (bench/server.ts, embedded defaults) answers one sign request, whose response
 *    is kept as the reply of step 2; then, unless --service-seconds 0, the same load as `npm run
 *    bench` drives it, for its service and database CPU per notarization in this run.
 * 2. HTTP floor: a bare fastify (this repository's version, the service's body limit) in a child
 *    process, whose POST /api/v1/evidence/sign only JSON-parses the body and sends that captured
 *    response as ready-made text, driven by the same autocannon load (bench/rest-load.ts: 64
 *    connections, unique bodies from the shared fixtures). Its server CPU per request (/proc), the
 *    load generator's (this process's own cpuUsage) and how busy the machine was.
 * 3. The work every notarization must do, each step on its own in-process with the product's own
 *    functions (median µs of CPU over --rounds rounds): I-JSON parse + validate, RFC 8785, SHA-256, the
 *    evidence signature, the SET, the embedded TSA's token, sealing the body, the audit row's
 *    hash, Merkle append + inclusion proof in a tree of --tree-size leaves, the checkpoint (one per
 *    group-commit batch: shared by --batch notarizations), the receipt and bundle, and fastify's
 *    serializer for the sign response. Their sum is the in-process floor. Then bench/ceiling.ts's
 *    ceiling, by wall time and by CPU: how this run's machine compares with a quiet one's.
 *
 * Prints the tables and the budget: HTTP floor (server + load generator) + mandated work + the
 * database's µs per notarization (the service's in step 1; with --service-seconds 0, the newest
 * `npm run bench` result) vs 400 µs, the JSON.parse both the bare server and the I-JSON step do
 * counted once; writes bench/results/floor-<date>.json. CPU, not wall time, throughout: the
 * machine is shared.
 *   npx tsx bench/floor.ts [--seconds 10] [--connections 64] [--service-seconds 10] [--rounds 7]
 *                          [--iterations 2000] [--tree-size 1000000] [--batch 64]
 * The embedded TSA's token is issued with issueTimestampResponse and a key made like its own
 * (bench/tsa-key.ts), as EmbeddedTsa.timestamp does, without the database it keeps the key in.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { createHash, type KeyObject } from 'node:crypto';
import { chainEvents } from '../src/adapters/audit/chain.js';
import { LocalEvidenceCipher } from '../src/adapters/signer/local/evidence-cipher.js';
import { LocalKeyringSigner } from '../src/adapters/signer/local/local-keyring.js';
import { issueTimestampResponse } from '../src/adapters/tsa/embedded/issue.js';
import { buildRouteSerializer } from '../src/api/rest/serializers.js';
import { sharedSchemas } from '../src/api/rest/schemas/index.js';
import { ref } from '../src/api/rest/schemas/json.js';
import { canonicalBytes, sha256 } from '../src/core/canonical.js';
import { parseIJson } from '../src/core/ijson.js';
import { generateEd25519Key, generateP256KeyPair } from '../src/core/keys.js';
import { DEFAULT_LIMITS, parseDepth } from '../src/core/limits.js';
import { leafHash, MerkleTree } from '../src/core/merkle/index.js';
import { toReceipt } from '../src/core/receipts.js';
import { signBytes } from '../src/core/signing.js';
import { hashedRekordBody, logIdFromPublicKey, signCheckpoint, signSET } from '../src/core/transparency/index.js';
import { validateEvidencePackage } from '../src/core/validate-evidence.js';
import type { LogEntry } from '../src/ports/transparency-log.js';
import { measureCeiling } from './ceiling.js';
import { CpuWindow } from './process-cpu.js';
import { restLoad, type LoadResult } from './rest-load.js';
import { startServer } from './server.js';
import { benchTsaKey } from './tsa-key.js';
import { median, evidencePackages } from './stats.js';
import { TARGETS } from './targets.js';

const { values: args } = parseArgs({
  options: {
    serve: { type: 'string' }, // internal: run as the bare server, replying the file's text
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    'service-seconds': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '7' },
    iterations: { type: 'string', default: '2000' },
    'tree-size': { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '64' },
  },
});

const TARGET_PER_S = TARGETS.restPerSec;
/** the machine issue #20 sets its targets for: these two cores carry the service, its database and the load */
const ISSUE_CORES = 2;
const BUDGET_US = Math.round((ISSUE_CORES * 1e6) / TARGET_PER_S);
const SIGN_PATH = '/api/v1/evidence/sign';

/** The bare server: fastify's defaults, the service's body limit, a handler that parses and answers fixed text. */
async function serve(replyFile: string): Promise<void> {
  const reply = readFileSync(replyFile, 'utf8');
  const app = Fastify({ bodyLimit: DEFAULT_LIMITS.maxBodyBytes });
  app.post(SIGN_PATH, async (_request, res) => res.type('application/json; charset=utf-8').send(reply));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
}

type CpuPerOp = ReturnType<CpuWindow['perOp']>;

/** Drives `url` under the bench's load with `pid`'s CPU, this process's CPU (the load generator) and the machine's read around it. */
async function measuredLoad(url: string, pid: number, packages: Record<string, unknown>[], connections: number, seconds: number) {
  const cpu = new CpuWindow(pid);
  const own = process.cpuUsage();
  cpu.start();
  const load = await restLoad(url, packages, connections, seconds);
  cpu.stop();
  const used = process.cpuUsage(own);
  return { ...load, ...cpu.perOp(load.total), loadgenCpuUs: Math.round((used.user + used.system) / Math.max(load.total, 1)) };
}

/** One sign through the real service, whose response text is the bare server's reply; then the bench's load on it. */
async function realService(packages: Record<string, unknown>[], connections: number, seconds: number) {
  const server = await startServer();
  try {
    const res = await fetch(`${server.url}${SIGN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ evidence_package: packages[0] }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`the service answered ${res.status}: ${text}`);
    if (seconds > 0) await restLoad(server.url, packages, connections, 2); // JIT warm-up, as for the bare server
    const load = seconds > 0 ? await measuredLoad(server.url, server.pid, packages, connections, seconds) : undefined;
    return { response: text, load };
  } finally {
    await server.stop();
  }
}

async function bareHttp(response: string, packages: Record<string, unknown>[], connections: number, seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'notary-floor-'));
  const replyFile = join(dir, 'response.json');
  writeFileSync(replyFile, response);
  const child: ChildProcess = fork(import.meta.filename, ['--serve', replyFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    await restLoad(url, packages, connections, 2); // JIT warm-up of both sides, not counted
    return await measuredLoad(url, child.pid!, packages, connections, seconds);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Median µs of CPU per call of `fn` (this process's user + system time: the machine is shared, and
 * wall time would count other processes' turns) over `rounds` rounds of `iterations` calls, after
 * one warm-up round.
 */
async function perOpUs(fn: (i: number) => unknown, rounds: number, iterations: number): Promise<number> {
  const round = async () => {
    const started = process.cpuUsage();
    for (let i = 0; i < iterations; i++) {
      const r = fn(i);
      if (r instanceof Promise) await r;
    }
    const used = process.cpuUsage(started);
    return (used.user + used.system) / iterations;
  };
  await round();
  const us: number[] = [];
  for (let r = 0; r < rounds; r++) us.push(await round());
  return Math.round(median(us) * 10) / 10;
}

interface LogKeys {
  privateKey: KeyObject;
  logID: string;
  noteKey: KeyObject;
}

/** The mandated steps of a notarization, each timed on its own over inputs prepared as the pipeline makes them. */
async function mandatedWork(packages: Record<string, unknown>[], rounds: number, iterations: number, treeSize: number, batch: number) {
  const N = 256;
  const maxDepth = parseDepth(DEFAULT_LIMITS);
  const bodies = Array.from({ length: N }, (_, n) => {
    const pkg = packages[n % packages.length]!;
    return Buffer.from(JSON.stringify({ evidence_package: { ...pkg, metadata: { ...(pkg.metadata as object), bench_seq: n } } }));
  });
  const pkgs = bodies.map((b) => (parseIJson(b, { maxDepth }) as { evidence_package: unknown }).evidence_package);
  const canonicals = pkgs.map((p) => canonicalBytes(p));
  const digests = canonicals.map((c) => sha256(c));

  const dir = mkdtempSync(join(tmpdir(), 'notary-floor-keys-'));
  try {
    const signer = new LocalKeyringSigner({ dir });
    const cipher = new LocalEvidenceCipher({ dir });
    const ecdsa = generateP256KeyPair();
    const log: LogKeys = { privateKey: ecdsa.privateKey, logID: logIdFromPublicKey(ecdsa.publicKey), noteKey: generateEd25519Key() };
    const tsa = benchTsaKey();
    const signed = await Promise.all(canonicals.map((c, i) => signBytes(signer, c, digests[i])));
    const entryBodies = signed.map((s) => hashedRekordBody(s.anchor));
    const tree = new MerkleTree();
    for (let i = 0; i < treeSize; i++) tree.append(sha256(String(i)));
    const origin = 'floor.bench';
    const integratedTime = Math.floor(Date.now() / 1000);
    const at = new Date().toISOString();

    // what the receipt is built from: one notarization's entry, timestamp and signature, as the pipeline has them
    const index = tree.append(leafHash(entryBodies[0]!));
    const token = issueTimestampResponse(
      tsa.key,
      { sha256: createHash('sha256').update(signed[0]!.sig.signature).digest(), certReq: true },
      new Date(),
    );
    const entry: LogEntry = {
      uuid: leafHash(entryBodies[0]!).toString('hex'),
      logIndex: index,
      integratedTime,
      logID: log.logID,
      body: entryBodies[0]!.toString('base64'),
      inclusionProof: {
        logIndex: index,
        rootHash: tree.root().toString('hex'),
        treeSize: tree.size,
        hashes: tree.inclusionProof(index, tree.size).map((h) => h.toString('hex')),
        checkpoint: signCheckpoint(
          { origin, size: tree.size, rootHash: tree.root(), otherContent: [] },
          { name: origin, privateKey: log.privateKey },
          { name: origin, privateKey: log.noteKey },
        ),
      },
      signedEntryTimestamp: signSET(
        { body: entryBodies[0]!.toString('base64'), integratedTime, logID: log.logID, logIndex: index },
        log.privateKey,
      ),
    };
    const workflow = {
      id: 'c0ffee00-0000-4000-8000-000000000000',
      type: 'simple_sign' as const,
      status: 'completed' as const,
      evidence_package_hash: digests[0]!.toString('hex'),
      created_at: at,
      updated_at: at,
      completed_at: at,
      error_message: null,
    };
    const sig = signed[0]!.sig;
    const record = {
      workflow,
      signature: {
        keyId: sig.keyId,
        keyVersion: sig.keyVersion,
        signature: sig.signature,
        publicKeyPem: sig.publicKeyPem,
        signedAt: at,
        timestamp: { response: token, genTime: at, tsaUrl: 'embedded' },
      },
      anchor: { entry, logUrl: 'http://127.0.0.1:3030' },
    };
    const receipt = toReceipt(record);
    const response = { workflow_id: workflow.id, receipt, status: workflow.status, warnings: [] };
    const named = Object.fromEntries(sharedSchemas(DEFAULT_LIMITS).map((s) => [s.$id as string, s]));
    const serialize = buildRouteSerializer()(named, {})({
      schema: ref('SignEvidenceResponse'),
      method: 'POST',
      url: SIGN_PATH,
      httpStatus: '200',
    });

    const at_ = (i: number) => i % N;
    const steps: [string, (i: number) => unknown][] = [
      [
        'I-JSON parse + validate',
        (i) =>
          validateEvidencePackage(
            (parseIJson(bodies[at_(i)]!, { maxDepth }) as { evidence_package: unknown }).evidence_package,
            DEFAULT_LIMITS,
            undefined,
            [],
          ),
      ],
      ['RFC 8785 canonicalize', (i) => canonicalBytes(pkgs[at_(i)])],
      ['SHA-256', (i) => sha256(canonicals[at_(i)]!)],
      ['evidence ECDSA P-256 sign', (i) => signBytes(signer, canonicals[at_(i)]!, digests[at_(i)])],
      [
        'embedded TSA token',
        (i) =>
          issueTimestampResponse(
            tsa.key,
            { sha256: createHash('sha256').update(signed[at_(i)]!.sig.signature).digest(), certReq: true },
            new Date(),
          ),
      ],
      ['body seal (encryption at rest)', (i) => cipher.seal(digests[at_(i)]!.toString('hex'), canonicals[at_(i)]!)],
      [
        'audit chain row hash',
        (i) =>
          chainEvents(
            { seq: i, hash: digests[at_(i)]!.toString('hex') },
            [
              {
                event: 'evidence.created',
                outcome: 'success',
                principal: null,
                details: {
                  door: 'rest',
                  method: 'POST',
                  route: SIGN_PATH,
                  request_id: workflow.id,
                  ip: '127.0.0.1',
                  workflow_id: workflow.id,
                  evidence_package_hash: digests[at_(i)]!.toString('hex'),
                },
              },
            ],
            at,
          ),
      ],
      ['log entry body + leaf hash', (i) => leafHash(hashedRekordBody(signed[at_(i)]!.anchor))],
      [
        'SET sign',
        (i) =>
          signSET(
            { body: entryBodies[at_(i)]!.toString('base64'), integratedTime, logID: log.logID, logIndex: treeSize + i },
            log.privateKey,
          ),
      ],
      [
        `Merkle append + inclusion proof (${treeSize} leaves)`,
        (i) => {
          const leaf = tree.append(leafHash(entryBodies[at_(i)]!));
          return [tree.root().toString('hex'), tree.inclusionProof(leaf, tree.size).map((h) => h.toString('hex'))];
        },
      ],
      [
        `checkpoint sign (ECDSA + Ed25519) / ${batch}`,
        () =>
          signCheckpoint(
            { origin, size: tree.size, rootHash: tree.root(), otherContent: [] },
            { name: origin, privateKey: log.privateKey },
            { name: origin, privateKey: log.noteKey },
          ),
      ],
      ['receipt + bundle build', () => toReceipt(record)],
      ['response serialization', () => serialize(response)],
    ];
    const jsonParseUs = await perOpUs((i) => JSON.parse(bodies[at_(i)]!.toString('utf8')), rounds, iterations);
    const items: Record<string, number> = {};
    for (const [name, fn] of steps) {
      const us = await perOpUs(fn, rounds, iterations);
      // one checkpoint per group-commit batch: each notarization of the batch bears its share
      items[name] = name.startsWith('checkpoint') ? Math.round((us / batch) * 10) / 10 : us;
    }
    return { items, jsonParseUs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench`'s in-process ceiling, by wall time (what its table prints) and by CPU: the
 * yardstick that tells this run's machine from a quiet one's (README: 6.6k–8.9k/s at load ~1).
 */
function ceilingCpu(packages: Record<string, unknown>[]): { opsPerSec: number; cpuUs: number } {
  const started = process.cpuUsage();
  const seconds = 3;
  const { opsPerSec } = measureCeiling(
    packages.map((p) => JSON.stringify({ evidence_package: p })),
    seconds,
  );
  const used = process.cpuUsage(started);
  return { opsPerSec, cpuUs: Math.round((used.user + used.system) / (opsPerSec * seconds)) };
}

/**
 * The database's CPU per notarization: measured on the service in this run, else taken from the
 * newest `npm run bench` result in bench/results.
 */
function databaseUs(measured: number | undefined): { us: number; source: string } {
  if (measured !== undefined) return { us: measured, source: 'this run' };
  const dir = join(import.meta.dirname, 'results');
  const newest = readdirSync(dir)
    .filter((f) => /^\d{4}-.*\.json$/.test(f))
    .sort()
    .pop();
  if (!newest) throw new Error('no database figure: run with --service-seconds > 0, or `npm run bench` first');
  const bench = JSON.parse(readFileSync(join(dir, newest), 'utf8')) as { rest: { median: { dbCpuUs: number } } };
  return { us: bench.rest.median.dbCpuUs, source: `bench/results/${newest}` };
}

async function main() {
  const seconds = Number(args.seconds),
    connections = Number(args.connections),
    serviceSeconds = Number(args['service-seconds']),
    rounds = Number(args.rounds),
    iterations = Number(args.iterations),
    treeSize = Number(args['tree-size']),
    batch = Number(args.batch);
  const packages = evidencePackages();
  const loadBefore = loadavg()[0]!;
  const service = await realService(packages, connections, serviceSeconds);
  const http = await bareHttp(service.response, packages, connections, seconds);
  const work = await mandatedWork(packages, rounds, iterations, treeSize, batch);
  const ceiling = ceilingCpu(packages);
  const db = databaseUs(service.load?.dbCpuUs);
  const result = summarize({ http, work, db, service: service.load });
  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavg1: [loadBefore, loadavg()[0]!] },
    settings: { seconds, connections, serviceSeconds, rounds, iterations, treeSize, batch },
    response_bytes: Buffer.byteLength(service.response),
    ceiling,
    ...result,
  };
  print(summary);
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const file = join(import.meta.dirname, 'results', `floor-${summary.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2));
  console.log(`wrote ${file}`);
}

type Measured = LoadResult & CpuPerOp & { loadgenCpuUs: number };

const loadFigures = (r: Measured) => ({
  requestsPerSec: r.requestsPerSec,
  p50: r.p50,
  p99: r.p99,
  errors: r.errors + r.non2xx,
  serverCpuUs: r.serviceCpuUs,
  dbCpuUs: r.dbCpuUs,
  loadgenCpuUs: r.loadgenCpuUs,
  machineBusyPct: r.machineBusyPct,
});

/**
 * The budget line. The bare server JSON.parses each body, and the I-JSON step parses it again: the
 * JSON.parse share is counted once, in the HTTP floor.
 */
function summarize(m: {
  http: Measured;
  work: { items: Record<string, number>; jsonParseUs: number };
  db: { us: number; source: string };
  service?: Measured;
}) {
  const mandatedUs = Math.round(Object.values(m.work.items).reduce((a, b) => a + b, 0));
  const floorUs = Math.round(m.http.serviceCpuUs + m.http.loadgenCpuUs + mandatedUs - m.work.jsonParseUs + m.db.us);
  return {
    service: m.service && loadFigures(m.service),
    http_floor: loadFigures(m.http),
    mandated_us: m.work.items,
    mandated_sum_us: mandatedUs,
    budget: {
      target_per_s: TARGET_PER_S,
      budget_us: BUDGET_US,
      http_server_us: m.http.serviceCpuUs,
      loadgen_us: m.http.loadgenCpuUs,
      mandated_us: mandatedUs,
      json_parse_in_both_us: m.work.jsonParseUs,
      db_us: m.db.us,
      db_source: m.db.source,
      floor_us: floorUs,
      left_us: BUDGET_US - floorUs,
      max_per_s_on_2_cores: Math.round((ISSUE_CORES * 1e6) / floorUs),
    },
  };
}

function print(
  r: ReturnType<typeof summarize> & {
    machine: { loadavg1: number[] };
    settings: { connections: number; seconds: number };
    ceiling: { opsPerSec: number; cpuUs: number };
  },
) {
  const loadRow = (x: ReturnType<typeof loadFigures>) => ({
    'per s': x.requestsPerSec,
    'p99 ms': x.p99,
    errors: x.errors,
    'server CPU µs/op': x.serverCpuUs,
    'DB CPU µs/op': x.dbCpuUs,
    'load generator µs/op': x.loadgenCpuUs,
    'machine busy %': x.machineBusyPct,
  });
  console.log(
    `in-process ceiling (parse+validate+JCS+sha256+sign, as npm run bench): ${r.ceiling.opsPerSec}/s, ${r.ceiling.cpuUs} µs of CPU per op`,
  );
  const load = r.machine.loadavg1.map((l) => l.toFixed(1)).join(' → ');
  console.log(`REST, ${r.settings.connections} connections, ${r.settings.seconds} s (load average ${load}):`);
  console.table({ 'bare fastify (HTTP floor)': loadRow(r.http_floor), ...(r.service && { 'the service': loadRow(r.service) }) });
  console.log('mandated work per notarization, in-process (median µs of CPU):');
  console.table(Object.fromEntries(Object.entries(r.mandated_us).map(([k, v]) => [k, { 'µs/op': v }])));
  const b = r.budget;
  console.log(
    `floor: HTTP server ${b.http_server_us} + load generator ${b.loadgen_us} + mandated work ${b.mandated_us} ` +
      `− JSON.parse counted twice ${b.json_parse_in_both_us} + database ${b.db_us} (${b.db_source}) = ${b.floor_us} µs per notarization`,
  );
  console.log(
    `budget for ${TARGET_PER_S}/s on ${ISSUE_CORES} cores: ${BUDGET_US} µs (${b.left_us >= 0 ? `${b.left_us} µs left` : `${-b.left_us} µs over`}); ` +
      `at this floor ${ISSUE_CORES} fully busy cores give at most ${b.max_per_s_on_2_cores}/s`,
  );
}

if (args.serve) await serve(args.serve);
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
