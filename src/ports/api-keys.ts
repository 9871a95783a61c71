import type { Role } from '../core/auth/index.js';

export interface ApiKeyInfo {
  id: string;
  name: string;
  roles: Role[];
  /** the first characters of the key, to recognise it in a list; not enough to use it */
  hint: string;
  created_at: string;
  created_by: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

/** Where API keys are kept: only their hashes, never the keys. */
export interface ApiKeys {
  /** the new key is returned this once */
  create(input: { name: string; roles: Role[]; createdBy: string | null }): Promise<{ key: string; info: ApiKeyInfo }>;
  findByKey(key: string): Promise<ApiKeyInfo | undefined>;
  list(): Promise<ApiKeyInfo[]>;
  /** undefined: no such key */
  revoke(id: string, revokedBy: string | null): Promise<ApiKeyInfo | undefined>;
}
