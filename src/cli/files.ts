/** The CLI's files: JSON inputs (InputError when unreadable, exit 2) and state kept between runs. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { InputError } from './inputs.js';

export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file} is not JSON: ${(err as Error).message}`);
  }
}

/** A state file from an earlier run; undefined when it does not exist yet (the first run). */
export async function readState<T>(file: string): Promise<T | undefined> {
  try {
    await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  }
  return (await readJsonFile(file)) as T;
}

/** Written whole or not at all: a crash mid-write must not leave a state that forgets what was verified. */
export async function writeState(file: string, state: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}
