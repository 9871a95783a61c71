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
