#!/usr/bin/env node
/** Entry point of the `afdp-notary` bin; the commands live in run.ts so tests can call them in-process. */
import { run } from './run.js';

run(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) }).then(
  // exitCode, not exit(): lets stdout drain when it is a pipe
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error('afdp-notary: unexpected error:', err);
    process.exitCode = 2;
  },
);
