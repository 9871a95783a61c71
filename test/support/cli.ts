import { run } from '../../src/cli/run.js';

/**
 * Runs `afdp-notary …` in-process with `env` as the configuration the CLI reads (it reads the
 * service's variables from process.env), restored afterwards. Returns the exit code and every line.
 */
export async function runCli(env: Record<string, string>, argv: string[]): Promise<{ code: number; lines: string[] }> {
  const saved = Object.fromEntries(['DATABASE_URL', 'NOTARY_DATA_DIR', ...Object.keys(env)].map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const lines: string[] = [];
  try {
    return { code: await run(argv, { out: (l) => lines.push(l), err: (l) => lines.push(l) }), lines };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

/**
 * `afdp-notary …` in this process, with the bin's own io (one line each to stdout or stderr): for the
 * many variants of a command whose exit status a test has already seen from a real process, which
 * costs a Node start and a TypeScript load each (~1–2 s on the 2-core machine).
 */
export async function cliInProcess(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
  return { code, stdout: text(out), stderr: text(err) };
}
