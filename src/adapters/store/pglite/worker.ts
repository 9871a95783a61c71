/** The PGlite thread: executes the service's requests (protocol.ts) in arrival order, one connection. */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { runAll } from '../statements.js';
import { serializeError, type Reply, type Request } from './protocol.js';

const port = parentPort!;
const ROLLBACK = Symbol('rollback');
interface OpenTx { tx: Transaction; end: (commit: boolean) => void; finished: Promise<unknown> }

const { dataDir, pgliteWasmModule, initdbWasmModule } = workerData as { dataDir?: string; pgliteWasmModule: WebAssembly.Module; initdbWasmModule: WebAssembly.Module };
const db = await PGlite.create(dataDir, { pgliteWasmModule, initdbWasmModule });
const open = new Map<number, OpenTx>();
let nextTx = 1;

async function handle(m: Request): Promise<unknown> {
  switch (m.op) {
    case 'query': {
      const target = m.tx === undefined ? db : open.get(m.tx)?.tx;
      if (!target) throw new Error(`transaction ${m.tx} is not open`);
      return (await target.query(m.text, m.params)).rows;
    }
    case 'exec':
      await db.exec(m.script);
      return undefined;
    case 'batch':
      await db.transaction((tx) => runAll(tx, m.statements));
      return undefined;
    case 'begin':
      return begin();
    case 'end': {
      const t = open.get(m.tx);
      if (!t) throw new Error(`transaction ${m.tx} is not open`);
      open.delete(m.tx);
      t.end(m.commit);
      await t.finished.catch((err: unknown) => { if (err !== ROLLBACK) throw err; });
      return undefined;
    }
    case 'close':
      await db.close();
      return undefined;
  }
}

/** Opens a transaction that stays open until the service sends 'end' for it. */
function begin(): Promise<number> {
  const id = nextTx++;
  return new Promise((started, failed) => {
    let finished: Promise<unknown> = Promise.resolve();
    finished = db.transaction(async (tx) => {
      const commit = await new Promise<boolean>((end) => {
        open.set(id, { tx, end, finished });
        started(id);
      });
      if (!commit) throw ROLLBACK;
    });
    finished.catch(failed); // only matters if it failed before it started
  });
}

port.on('message', (m: Request) => {
  handle(m).then(
    (result) => port.postMessage({ id: m.id, ok: true, result } satisfies Reply),
    (err: unknown) => port.postMessage({ id: m.id, ok: false, error: serializeError(err) } satisfies Reply),
  ).finally(() => {
    if (m.op === 'close') port.close(); // nothing else keeps the thread alive: it ends on its own
  });
});
port.postMessage({ id: 0, ok: true } satisfies Reply);
