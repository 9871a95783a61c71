/**
 * `afdp-notary log verify`: a monitor of the notary's transparency log (or a one-shard Rekor v1),
 * in the sense of Rekor's: it keeps the newest checkpoint it verified in a state file and, on each
 * run, checks that the log's new checkpoint extends it and that every leaf added since is as logged.
 */
import { createPublicKey } from 'node:crypto';
import { parseArgs } from 'node:util';
import { LogMonitorError, monitorLog, type MonitorState } from '../adapters/translog/monitor/log-monitor.js';
import { readJsonFile, readState, writeState } from './files.js';
import { InputError, readTrustRoot } from './inputs.js';
import type { Io } from './io.js';

export const LOG_HELP = `Usage: afdp-notary log verify --url <log URL> --trust-root <t.json> --state <file> [--interval <seconds>] [--json]

Monitors the transparency log at --url (the notary's own URL for its embedded log; a Rekor v1 server
with one shard): verifies the log's signed checkpoint with the trust root's log key, a consistency
proof from the checkpoint kept in --state to it, and every entry added since (its body hashes to
its leaf, its SET and inclusion proof verify, its proof leads to a verified root). The state file
is updated only when everything verified; the first run checks every entry.

  --interval  run again every so many seconds, until a check fails (for a service manager)
  --json      one JSON line per run

Exit status: 0 verified, 1 the log is inconsistent (shrank, forked, an entry missing or altered),
2 usage, input or network error.`;

export async function runLogVerify(argv: string[], io: Io): Promise<number> {
  let values: { url?: string; 'trust-root'?: string; state?: string; interval?: string; json?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        'trust-root': { type: 'string' },
        state: { type: 'string' },
        interval: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    io.err(`log verify: ${(err as Error).message}\n\n${LOG_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(LOG_HELP);
    return 0;
  }
  const missing = (['url', 'trust-root', 'state'] as const).filter((k) => !values[k]);
  const interval = values.interval === undefined ? undefined : Number(values.interval);
  if (missing.length || (interval !== undefined && !(interval >= 1))) {
    io.err(
      `log verify: ${missing.length ? `missing ${missing.map((k) => `--${k}`).join(', ')}` : '--interval must be a number of seconds ≥ 1'}\n\n${LOG_HELP}`,
    );
    return 2;
  }
  for (;;) {
    const code = await once(values.url!, values['trust-root']!, values.state!, values.json ?? false, io);
    if (code !== 0 || interval === undefined) return code;
    await new Promise((r) => setTimeout(r, interval * 1000));
  }
}

async function once(url: string, trustFile: string, stateFile: string, json: boolean, io: Io): Promise<number> {
  try {
    const trust = readTrustRoot(await readJsonFile(trustFile), trustFile);
    const previous = await readState<MonitorState>(stateFile);
    const run = await monitorLog({ url, logKey: createPublicKey(trust.log.publicKeyPem), origin: trust.log.origin || undefined, previous });
    await writeState(stateFile, run.state);
    if (json)
      io.out(
        JSON.stringify({ ok: true, size: run.state.size, root_hash: run.state.root_hash, from: run.from, entries_checked: run.entries }),
      );
    else io.out(`✓ log consistent: size ${run.from} → ${run.state.size}, root ${run.state.root_hash}, ${run.entries} new entries checked`);
    return 0;
  } catch (err) {
    if (err instanceof LogMonitorError) {
      if (json) io.out(JSON.stringify({ ok: false, problem: err.message }));
      else io.out(`✗ log NOT consistent: ${err.message}`);
      return 1;
    }
    io.err(`log verify: ${err instanceof InputError ? err.message : (err as Error).message}`);
    return 2;
  }
}
