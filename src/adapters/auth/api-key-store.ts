import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isRole, type Role } from '../../core/auth/index.js';
import type { ApiKeyInfo, ApiKeys } from '../../ports/api-keys.js';

export type { ApiKeyInfo } from '../../ports/api-keys.js';
import type { SqlQueryable } from '../db/sql-client.js';

/** Every key starts with this: lets the authenticator tell keys from JWTs, and secret scanners find leaked keys. */
export const API_KEY_PREFIX = 'afdp_';

interface ApiKeyRow {
  id: string;
  name: string;
  roles: string[];
  hint: string;
  created_at: unknown;
  created_by: string | null;
  revoked_at: unknown;
  revoked_by: string | null;
}

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : (v instanceof Date ? v : new Date(String(v))).toISOString();
const toInfo = (r: ApiKeyRow): ApiKeyInfo => ({
  id: r.id,
  name: r.name,
  roles: r.roles.filter(isRole),
  hint: r.hint,
  created_at: iso(r.created_at)!,
  created_by: r.created_by,
  revoked_at: iso(r.revoked_at),
  revoked_by: r.revoked_by,
});

/**
 * A key is 256 random bits, so plain SHA-256 is the right hash: slow password hashes (bcrypt,
 * argon2) exist to stretch guessable secrets, and nobody can enumerate 2^256 candidates. An
 * unsalted fast hash also makes the lookup one indexed equality query per request.
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** API keys over the SQL store: only hashes are kept; the key itself is returned once, at creation. */
export class SqlApiKeyStore implements ApiKeys {
  constructor(private readonly db: SqlQueryable) {}

  async create(input: { name: string; roles: Role[]; createdBy: string | null }): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    const { rows } = await this.db.query<ApiKeyRow>(
      `INSERT INTO api_keys (id, name, roles, key_hash, hint, created_by) VALUES ($1, $2, $3::text[], $4, $5, $6)
       RETURNING id::text, name, roles, hint, created_at, created_by, revoked_at, revoked_by`,
      [randomUUID(), input.name, input.roles, hashApiKey(key), key.slice(0, API_KEY_PREFIX.length + 4), input.createdBy],
    );
    return { key, info: toInfo(rows[0]!) };
  }

  /** The key's record if it exists, revoked or not: the caller tells the two apart. */
  async findByKey(key: string): Promise<ApiKeyInfo | undefined> {
    const { rows } = await this.db.query<ApiKeyRow>(
      'SELECT id::text, name, roles, hint, created_at, created_by, revoked_at, revoked_by FROM api_keys WHERE key_hash = $1',
      [hashApiKey(key)],
    );
    return rows[0] && toInfo(rows[0]);
  }

  async list(): Promise<ApiKeyInfo[]> {
    const { rows } = await this.db.query<ApiKeyRow>(
      'SELECT id::text, name, roles, hint, created_at, created_by, revoked_at, revoked_by FROM api_keys ORDER BY created_at, id',
    );
    return rows.map(toInfo);
  }

  /** Revokes at once for every replica (each request looks the key up). Returns undefined for an unknown id. */
  async revoke(id: string, revokedBy: string | null): Promise<ApiKeyInfo | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const { rows } = await this.db.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $2) WHERE id = $1::uuid
       RETURNING id::text, name, roles, hint, created_at, created_by, revoked_at, revoked_by`,
      [id, revokedBy],
    );
    return rows[0] && toInfo(rows[0]);
  }
}
