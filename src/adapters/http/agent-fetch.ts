import http from 'node:http';
import https from 'node:https';
import type { Fetch } from './http-client.js';

/**
 * A fetch over node:http(s) with an agent of the caller's: its own keep-alive pool and a private CA
 * (Vault's VAULT_CACERT), which the global fetch cannot take without undici's Agent. Answers are
 * buffered; redirects are not followed (neither Vault nor Rekor sends one we should follow).
 */
export function agentFetch(agent: http.Agent): Fetch {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const target = new URL(url);
      const transport = target.protocol === 'https:' ? https : http;
      const req = transport.request(target, { method: init.method, headers: init.headers as Record<string, string>, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          signal?.removeEventListener('abort', abort);
          const status = res.statusCode ?? 0;
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          // a Response may not carry a body with these statuses
          const body = status === 204 || status === 205 || status === 304 ? null : Buffer.concat(chunks);
          try {
            resolve(new Response(body, { status, headers }));
          } catch (err) {
            reject(err); // a status a Response cannot hold (outside 200–599)
          }
        });
      });
      function fail(err: unknown) {
        signal?.removeEventListener('abort', abort);
        reject(err);
      }
      // destroying the request makes its 'error' carry the signal's reason (a TimeoutError)
      const abort = () => req.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', abort, { once: true });
      req.on('error', fail);
      req.end(init.body as Uint8Array | undefined);
    });
}
