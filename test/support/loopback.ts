import type { IncomingMessage } from 'node:http';
import { expect } from 'vitest';
import { NotaryError } from '../../src/core/errors.js';

/** What a loopback vendor server needs of a request: method, path and the whole body. */
export async function readRequest(req: IncomingMessage): Promise<{ method: string; path: string; body: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return { method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://x').pathname, body: Buffer.concat(chunks) };
}

/** The NotaryError a call rejects with (and that it does reject with one). */
export async function rejection(p: Promise<unknown>): Promise<NotaryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NotaryError);
  return err as NotaryError;
}
