import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SqlClient, SqlQueryable } from '../sql-client.js';
import { deserializeError, type Reply, type Request } from './protocol.js';

let modules: Promise<{ pgliteWasmModule: WebAssembly.Module; initdbWasmModule: WebAssembly.Module }> | undefined;

/** PGlite's WASM compiled once per process and handed to each thread: compiling it took most of a second per open. */
function compiled() {
  modules ??= (async () => {
    const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    const compile = async (file: string) => WebAssembly.compile(await readFile(join(dist, file)));
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all([compile('pglite.wasm'), compile('initdb.wasm')]);
    return { pgliteWasmModule, initdbWasmModule };
  })();
  return modules;
}

/** The built service runs dist/worker.js; from TypeScript source (tests, tsx) the worker registers tsx first. */
function startWorker(workerData: unknown): Worker {
  const url = new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
  if (url.pathname.endsWith('.js')) return new Worker(url, { workerData });
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * PGlite (Postgres compiled to WASM) on a worker thread, behind the same SqlClient as PostgreSQL.
 * Its WASM runs synchronously: on the service's own thread it stalled HTTP parsing, signing and
 * anchoring for as long as each query took. One connection, so transactions serialize.
 * `dataDir` undefined: in memory.
 */
export async function openPglite(dataDir: string | undefined): Promise<SqlClient> {
  const worker = startWorker({ dataDir, ...(await compiled()) });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | undefined;

  const ready = new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }));
  worker.on('message', (r: Reply) => {
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (r.ok) p.resolve(r.result);
    else p.reject(deserializeError(r.error));
  });
  const fail = (err: Error) => {
    dead ??= err;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`PGlite worker exited with code ${code}`)));

  const call = <T>(request: Call): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  };
  const query = <T>(text: string, params?: unknown[], tx?: number) => call<T[]>({ op: 'query', text, params, tx }).then((rows) => ({ rows }));

  await ready;
  return {
    kind: 'pglite',
    query: (text, params) => query(text, params),
    exec: (script) => call({ op: 'exec', script }),
    async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
      const tx = await call<number>({ op: 'begin' });
      let result: T;
      try {
        result = await fn({ query: (text, params) => query(text, params, tx) });
      } catch (err) {
        await call({ op: 'end', tx, commit: false }).catch(() => undefined);
        throw err;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    batch: (statements) => call({ op: 'batch', statements }),
    async close() {
      if (dead) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      await call({ op: 'close' }).catch(() => worker.terminate());
      await exited;
    },
  };
}
