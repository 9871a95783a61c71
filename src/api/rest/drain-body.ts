import type { IncomingMessage } from 'node:http';

/**
 * Reads and discards the rest of an over-limit body, up to `maxBytes` and for as long as the
 * request timeout allows (Node ends a slower upload), so the 413 that follows can be read.
 */
export function drainBody(raw: IncomingMessage, maxBytes: number): Promise<void> {
  const declared = Number(raw.headers['content-length']);
  if (raw.complete || raw.destroyed || declared > maxBytes) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) finish();
    };
    const finish = () => {
      raw.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
      resolve();
    };
    raw.on('data', onData).once('end', finish).once('error', finish).once('close', finish);
    raw.resume();
  });
}
