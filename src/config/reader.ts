import { readFileSync } from 'node:fs';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export type Reader = ReturnType<typeof reader>;

export function reader(env: Env) {
  const optional = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    optional,
    str: (name: string, def: string) => optional(name) ?? def,
    required(name: string): string {
      const v = optional(name);
      if (v === undefined) throw new ConfigError(name, 'is required with the chosen settings');
      return v;
    },
    int(name: string, def: number, min: number, max: number): number {
      const v = optional(name);
      if (v === undefined) return def;
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${v}"`);
      return n;
    },
    bool(name: string, def: boolean): boolean {
      const v = optional(name)?.toLowerCase();
      if (v === undefined) return def;
      if (['true', '1', 'yes'].includes(v)) return true;
      if (['false', '0', 'no'].includes(v)) return false;
      throw new ConfigError(name, `must be true or false, got "${v}"`);
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], def: T): T {
      const v = optional(name);
      if (v === undefined) return def;
      if (!allowed.includes(v as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${v}"`);
      return v as T;
    },
    url(name: string, protocols: string[]): string | undefined {
      const v = optional(name);
      if (v === undefined) return undefined;
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        // the value may hold credentials (DATABASE_URL): never echo it
        throw new ConfigError(name, 'is not a valid URL');
      }
      if (!protocols.includes(u.protocol)) throw new ConfigError(name, `must use ${protocols.join(' or ')}`);
      return v.replace(/\/+$/, '');
    },
    file(name: string, path: string): string {
      try {
        return readFileSync(path, 'utf8');
      } catch (err) {
        throw new ConfigError(name, `cannot read ${path}: ${(err as Error).message}`);
      }
    },
  };
}
