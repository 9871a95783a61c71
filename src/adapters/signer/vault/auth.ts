import { readFile } from 'node:fs/promises';
import type { VaultAuthConfig } from '../../../config/vault.js';
import { VaultHttpError } from './errors.js';
import type { VaultRequest, VaultResponse } from './http-client.js';

export type { VaultAuthConfig };

export type Send = <T>(req: VaultRequest) => Promise<VaultResponse<T>>;

interface AuthBlock {
  client_token: string;
  lease_duration: number;
  renewable: boolean;
}

const RETRY_AFTER_FAILURE_MS = 5_000;

/** Holds the Vault token, keeps it alive, and re-logs in once when Vault says "permission denied". */
export class VaultAuth {
  #token = '';
  #loginLease = 0;
  #timer: NodeJS.Timeout | undefined;
  #login: Promise<void> | undefined;
  #closed = false;
  // Private fields: util.inspect and JSON.stringify never show them, so logging this object
  // (or the signer holding it) cannot leak a token, secret_id or JWT.
  readonly #config: VaultAuthConfig;
  readonly #send: Send;

  constructor(send: Send, config: VaultAuthConfig) {
    this.#send = send;
    this.#config = config;
  }

  /** A static token cannot be replaced: re-login is only for credential methods. */
  get canRelogin(): boolean {
    return this.#config.method !== 'token';
  }

  async start(): Promise<void> {
    if (this.#config.method !== 'token') return this.#relogin(this.#token);
    this.#token = this.#config.token;
    // lookup-self both proves the token works and tells whether it expires.
    const res = await this.#send<{ data?: { ttl?: number; renewable?: boolean } }>({
      method: 'GET',
      path: 'auth/token/lookup-self',
      token: this.#token,
    });
    this.#loginLease = res.body?.data?.ttl ?? 0;
    this.#schedule(this.#loginLease, res.body?.data?.renewable ?? false);
  }

  /** Sends with the current token; on 403 "permission denied" logs in again once and retries. */
  async call<T>(req: Omit<VaultRequest, 'token'>): Promise<VaultResponse<T>> {
    const token = this.#token;
    try {
      return await this.#send<T>({ ...req, token });
    } catch (err) {
      if (!(err instanceof VaultHttpError && err.permissionDenied) || !this.canRelogin) throw err;
      await this.#relogin(token);
      return this.#send<T>({ ...req, token: this.#token });
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  /** Concurrent 403s share one login; a call that saw an older token just reuses the new one. */
  #relogin(stale: string): Promise<void> {
    if (this.#token !== stale) return Promise.resolve();
    this.#login ??= this.#doLogin().finally(() => (this.#login = undefined));
    return this.#login;
  }

  async #doLogin(): Promise<void> {
    const c = this.#config;
    if (c.method === 'token') return;
    const path = `auth/${encodeURIComponent(c.mount ?? c.method)}/login`;
    const body = c.method === 'approle' ? { role_id: c.roleId, secret_id: c.secretId } : { role: c.role, jwt: await readJwt(c.jwtPath) };
    // Not idempotent: a secret_id may be limited to N uses, so no blind replay.
    const res = await this.#send<{ auth?: AuthBlock }>({ method: 'POST', path, body, idempotent: false });
    const auth = res.body?.auth;
    if (!auth?.client_token) throw new Error(`Vault ${path} answered without an auth block`);
    this.#token = auth.client_token;
    this.#loginLease = auth.lease_duration;
    this.#schedule(auth.lease_duration, auth.renewable);
  }

  #schedule(leaseSeconds: number, renewable: boolean, delayMs?: number): void {
    clearTimeout(this.#timer);
    // A zero lease never expires (root, some periodic tokens).
    if (this.#closed || leaseSeconds <= 0 || (!renewable && !this.canRelogin)) return;
    const delay = delayMs ?? (leaseSeconds * 1000 * 2) / 3;
    this.#timer = setTimeout(() => void this.#refresh(renewable), delay);
    this.#timer.unref();
  }

  async #refresh(renewable: boolean): Promise<void> {
    try {
      if (renewable && (await this.#renew())) return;
      if (this.canRelogin) await this.#relogin(this.#token);
    } catch {
      // Vault may be briefly down; try again soon. A call that meets an expired
      // token in the meantime re-logs in through the 403 path anyway.
      this.#schedule(this.#loginLease, renewable, RETRY_AFTER_FAILURE_MS);
    }
  }

  /** False when the token is close to its max TTL and a fresh login is the better move. */
  async #renew(): Promise<boolean> {
    const res = await this.#send<{ auth?: AuthBlock }>({
      method: 'POST',
      path: 'auth/token/renew-self',
      body: {},
      token: this.#token,
    });
    const auth = res.body?.auth;
    if (!auth) return false;
    if (this.canRelogin && auth.lease_duration * 2 < this.#loginLease) return false;
    this.#schedule(auth.lease_duration, auth.renewable);
    return true;
  }
}

async function readJwt(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    throw new Error(`cannot read the Kubernetes service account token at ${path}`, { cause: err });
  }
}
