import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './postgres-server.js';
import { uniquePackage } from './records.js';

/**
 * The service and the CLI as `npm start` and the installed bin run them: the compiled dist/, which
 * global-setup rebuilds when a source is newer than its build. A Node start through tsx costs about
 * a CPU second more (its loader and the transform of every source file), and these tests start dozens.
 */
export const MAIN_JS = join(import.meta.dirname, '../../dist/main.js');
export const CLI_JS = join(import.meta.dirname, '../../dist/cli/afdp-notary.js');
export const AUDIT_VERIFY_JS = join(import.meta.dirname, '../../dist/cli/audit-verify.js');

export interface ServiceProcess {
  url: string;
  grpcPort: number;
  pid: number;
  exited: Promise<number | null>;
  /** stdout and stderr so far */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM and wait */
  stop(): Promise<number | null>;
}

/** `node dist/main.js` as its own process on free ports, like `npm start`. */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const [port, grpcPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { ...process.env, LOG_LEVEL: 'info', NOTARY_HTTP_PORT: String(port), NOTARY_GRPC_PORT: String(grpcPort), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    url: `http://127.0.0.1:${port}`,
    grpcPort,
    pid: child.pid!,
    exited,
    output: () => output,
    kill: (signal) => {
      child.kill(signal);
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** `afdp-notary …` as its own process, as an operator runs it: exit code and output. */
export function cliProcess(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_JS, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** Waits for /ready 200; fails early if the process exits. */
export async function waitReady(service: ServiceProcess, timeoutMs = 120_000): Promise<void> {
  let exited = false;
  void service.exited.then(() => {
    exited = true;
  });
  const until = Date.now() + timeoutMs;
  while (
    !(await fetch(`${service.url}/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (exited) throw new Error(`the service exited: ${service.output().slice(-3000)}`);
    if (Date.now() > until) throw new Error(`not ready after ${timeoutMs} ms: ${service.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Acknowledged {
  evidence_package: object;
  receipt: { workflow_id: string; log_index: number; signature_b64: string; [k: string]: unknown };
}

export interface Load {
  acknowledged: Acknowledged[];
  /** every answer that was not 200: status, content type, Retry-After */
  failures: { status: number | 'no answer'; type?: string; retryAfter?: string | null; code?: string }[];
  /** stops the clients and waits for them */
  stop(): Promise<void>;
  /** resolves once at least n notarizations were acknowledged since this call */
  acknowledgedMore(n: number, timeoutMs?: number): Promise<void>;
}

/** `clients` callers notarizing back to back (bounded by stop()), recording what was acknowledged. */
export function startLoad(url: () => string, clients = 16, label = 'load'): Load {
  const acknowledged: Acknowledged[] = [];
  const failures: Load['failures'] = [];
  let running = true;
  let n = 0;
  const workers = Array.from({ length: clients }, async () => {
    while (running) {
      const evidence_package = uniquePackage(`${label}-${n++}`);
      const res = await fetch(`${url()}/api/v1/evidence/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ evidence_package }),
        signal: AbortSignal.timeout(30_000),
      }).catch(() => undefined);
      if (!res) {
        failures.push({ status: 'no answer' });
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const body = (await res.json().catch(() => ({}))) as { receipt?: Acknowledged['receipt']; code?: string };
      if (res.status === 200 && body.receipt) acknowledged.push({ evidence_package, receipt: body.receipt });
      else {
        failures.push({
          status: res.status,
          type: res.headers.get('content-type') ?? undefined,
          retryAfter: res.headers.get('retry-after'),
          code: body.code,
        });
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  return {
    acknowledged,
    failures,
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
    acknowledgedMore: async (more, timeoutMs = 60_000) => {
      const target = acknowledged.length + more;
      const until = Date.now() + timeoutMs;
      while (acknowledged.length < target) {
        if (Date.now() > until)
          throw new Error(`only ${acknowledged.length} of ${target} acknowledged; last failures ${JSON.stringify(failures.slice(-3))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

/**
 * Every acknowledged receipt is stored, anchored and valid (validate endpoint) on the service at `url`.
 * Eight checks at a time: a fault test acknowledges several hundred notarizations, and checking them
 * one after another took longer than the fault itself (each check is independent and read-only).
 */
export async function expectAllStoredAndValid(url: string, acknowledged: Acknowledged[]): Promise<string[]> {
  const problems: string[] = [];
  const check = async ({ evidence_package, receipt }: Acknowledged): Promise<void> => {
    const res = await fetch(`${url}/api/v1/workflows/${receipt.workflow_id}/receipt`);
    if (res.status !== 200) {
      problems.push(`${receipt.workflow_id}: GET receipt ${res.status}`);
      return;
    }
    const stored = (await res.json()) as Acknowledged['receipt'] & { anchoring: string };
    if (stored.signature_b64 !== receipt.signature_b64 || stored.log_index !== receipt.log_index || stored.anchoring !== 'anchored') {
      problems.push(`${receipt.workflow_id}: stored receipt differs`);
      return;
    }
    const v = await fetch(`${url}/api/v1/evidence/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ evidence_package, receipt: stored }),
    });
    const verdict = (await v.json()) as { is_valid: boolean; validation_error?: string };
    if (!verdict.is_valid) problems.push(`${receipt.workflow_id}: not valid: ${verdict.validation_error}`);
  };
  let next = 0;
  const checker = async (): Promise<void> => {
    while (next < acknowledged.length) await check(acknowledged[next++]!);
  };
  await Promise.all(Array.from({ length: 8 }, checker));
  return problems;
}

/** Runs SQL where the service keeps its data (its embedded server, or the external database). */
export type Sql = <T>(sql: string) => Promise<T[]>;

/**
 * The acknowledged notarizations without their evidence.created audit row. Each row commits in the
 * notarization's transaction: none may be missing, whatever happened after the answer.
 */
export async function missingAuditRows(sql: Sql, acknowledged: Acknowledged[]): Promise<string[]> {
  const rows = await sql<{ id: string }>("SELECT (details::json)->>'workflow_id' AS id FROM audit_log WHERE event = 'evidence.created'");
  const audited = new Set(rows.map((r) => r.id));
  return acknowledged.map((a) => a.receipt.workflow_id).filter((id) => !audited.has(id));
}
