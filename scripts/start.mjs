/**
 * `npm start`: compiles only when a source changed since the last build (npm ci already built
 * once), then runs the service in this same process. package.json starts it with `exec`, so the
 * PID of `npm start` has this process as its only child: a SIGTERM or SIGINT sent to that PID
 * (npm passes both on to its script) reaches the service, which drains and stops; nothing is
 * left running. A signal during the compile stops the compiler too (scripts/build.mjs).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale, ROOT } from './build.mjs';

try {
  await buildIfStale();
} catch (err) {
  console.error(`afdp-notary: ${err.message}`);
  process.exit(err.exitCode ?? 1);
}
await import(pathToFileURL(join(ROOT, 'dist', 'main.js')).href);
