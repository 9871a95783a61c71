/**
 * AFDP's published artifacts (test/fixtures/afdp, copied from Caia-Tech/afdp at the commit its
 * README names), read as data: the REST DTOs' field lists from models.rs, the routes from
 * server.rs, the documented status codes from handlers.rs, the request bodies from its integration
 * test and example scripts, the Pulsar message types from messages.rs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const AFDP_DIR = join(import.meta.dirname, '..', 'fixtures', 'afdp');
export const afdpText = (path: string): string => readFileSync(join(AFDP_DIR, path), 'utf8');

/** A Rust struct's serde fields (`pub name: Type`, honouring `#[serde(rename = "…")]`), or an enum's variants. */
export type RustType = { kind: 'struct'; fields: Record<string, string> } | { kind: 'enum'; variants: string[]; renameAll?: string };

/** Every `pub struct` and `pub enum` of the given Rust sources (test modules included; later names win). */
export function rustTypes(...paths: string[]): Map<string, RustType> {
  const out = new Map<string, RustType>();
  for (const path of paths) {
    const text = afdpText(path);
    for (const m of text.matchAll(/((?:#\[[^\]]*\]\s*)*)pub (struct|enum) (\w+)\s*\{([\s\S]*?)\n\}/g)) {
      const [, attrs, kind, name, body] = m as unknown as [string, string, string, string, string];
      if (kind === 'struct') {
        const fields: Record<string, string> = {};
        for (const f of body.matchAll(/((?:#\[[^\]]*\]\s*)*)pub (\w+): ([^\n]+?),\s*(?:\/\/.*)?$/gm)) {
          const rename = /rename = "([^"]+)"/.exec(f[1] ?? '')?.[1];
          fields[rename ?? f[2]!] = f[3]!.trim();
        }
        if (!out.has(name) || Object.keys(fields).length > 0) out.set(name, { kind: 'struct', fields });
      } else {
        const variants = [...body.matchAll(/^\s*(\w+)\s*(?:\(|,|\{)/gm)].map((v) => v[1]!);
        out.set(name, { kind: 'enum', variants, renameAll: /rename_all = "([^"]+)"/.exec(attrs)?.[1] });
      }
    }
  }
  return out;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase());

/**
 * Where `value` breaks what serde would need to deserialize it as Rust type `type` (an AFDP client
 * built from these types): [] when it parses.
 */
export function serdeMismatches(type: string, value: unknown, types: Map<string, RustType>, path = '$'): string[] {
  const t = type.replace(/\s+/g, '');
  const generic = /^(\w+(?:::\w+)*)<(.+)>$/.exec(t);
  if (generic) {
    const [, outer, inner] = generic as unknown as [string, string, string];
    if (outer === 'Option') return value === null || value === undefined ? [] : serdeMismatches(inner, value, types, path);
    if (value === undefined) return [`${path}: missing (${t})`];
    if (outer === 'Vec') {
      if (!Array.isArray(value)) return [`${path}: not an array (${t})`];
      return value.flatMap((v, i) => serdeMismatches(inner, v, types, `${path}[${i}]`));
    }
    if (outer === 'HashMap') return isObject(value) ? [] : [`${path}: not an object (${t})`];
    if (outer === 'DateTime')
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [] : [`${path}: not a date (${t}): ${JSON.stringify(value)}`];
  }
  if (value === undefined) return [`${path}: missing (${t})`];
  switch (t) {
    case 'String':
      return typeof value === 'string' ? [] : [`${path}: not a string: ${JSON.stringify(value)}`];
    case 'bool':
      return typeof value === 'boolean' ? [] : [`${path}: not a bool: ${JSON.stringify(value)}`];
    case 'i32':
    case 'i64':
    case 'u8':
    case 'u16':
    case 'u32':
    case 'u64':
      return Number.isInteger(value) && (!t.startsWith('u') || (value as number) >= 0)
        ? []
        : [`${path}: not ${t}: ${JSON.stringify(value)}`];
    case 'f64':
      return typeof value === 'number' ? [] : [`${path}: not a number: ${JSON.stringify(value)}`];
    case 'serde_json::Value':
      return [];
  }
  const named = types.get(t);
  if (!named) return [`${path}: unknown Rust type ${t}`];
  if (named.kind === 'enum') {
    const names = named.variants.map((v) =>
      named.renameAll === 'snake_case' ? snake(v) : named.renameAll === 'lowercase' ? v.toLowerCase() : v,
    );
    if (typeof value === 'string')
      return names.includes(value) ? [] : [`${path}: ${JSON.stringify(value)} is not one of ${names.join(', ')}`];
    if (isObject(value) && Object.keys(value).length === 1 && names.includes(Object.keys(value)[0]!)) return [];
    return [`${path}: not a ${t} variant: ${JSON.stringify(value)}`];
  }
  if (!isObject(value)) return [`${path}: not an object (${t})`];
  return Object.entries(named.fields).flatMap(([field, ft]) => serdeMismatches(ft, value[field], types, `${path}.${field}`));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** server.rs: every route AFDP's REST server registers (its Swagger UI and document included). */
export function afdpRoutes(): { method: string; path: string }[] {
  const text = afdpText('rest/server.rs');
  const routes = [...text.matchAll(/\.route\("([^"]+)",\s*(get|post)\(/g)].map((m) => ({ method: m[2]!.toUpperCase(), path: m[1]! }));
  const ui = /SwaggerUi::new\("([^"]+)"\)\.url\("([^"]+)"/.exec(text);
  if (ui) routes.push({ method: 'GET', path: ui[1]! }, { method: 'GET', path: ui[2]! });
  return routes;
}

/** handlers.rs: each path's documented success status and response body type (utoipa annotations). */
export function afdpResponses(): { method: string; path: string; status: number; body?: string }[] {
  const text = afdpText('rest/handlers.rs');
  return [
    ...text.matchAll(/#\[utoipa::path\(\s*(get|post),\s*path = "([^"]+)"[\s\S]*?responses\(\s*\(status = (\d+)[^)]*?(?:body = (\w+))?\)/g),
  ].map((m) => ({ method: m[1]!.toUpperCase(), path: m[2]!, status: Number(m[3]), body: m[4] }));
}

/** The `json!({...})` bodies of AFDP's REST integration test, in order (each is JSON as written). */
export function integrationTestBodies(): Record<string, unknown>[] {
  const text = afdpText('tests/rest_api_integration.rs');
  return [...text.matchAll(/json!\((\{[\s\S]*?\n {4}\})\);/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
}

/** The heredoc JSON body of one of AFDP's example scripts, with its `$(date …)` substitutions fixed to `timestamp`. */
export function exampleScriptBody(script: string, timestamp = '2025-07-23T10:00:00Z'): Record<string, unknown> {
  const text = afdpText(`examples/${script}`);
  const doc = /<<EOF\n([\s\S]*?)\nEOF/.exec(text);
  if (!doc) throw new Error(`${script}: no heredoc`);
  const filled = doc[1]!.replace(/\$\(date -u \+%Y-%m-%dT%H:%M:%SZ\)|\$TIMESTAMP/g, timestamp).replace(/\$\(date \+%Y%m%d\)/g, '20250723');
  return JSON.parse(filled) as Record<string, unknown>;
}

/** AFDP's ten sample evidence files, by path under sample-data/. */
export function sampleEvidenceFiles(): Record<string, Record<string, unknown>> {
  const root = join(AFDP_DIR, 'sample-data');
  const out: Record<string, Record<string, unknown>> = {};
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) out[relative(root, p)] = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
    }
  };
  walk(root);
  return out;
}

/**
 * A sample file as AFDP's own REST DTO requires it (EvidencePackageDto: spec_version and timestamp_utc
 * are required; the samples say `timestamp` and have no spec_version): those two renamed, nothing else
 * touched, artifact hashes included.
 */
export function asEvidencePackage(sample: Record<string, unknown>): Record<string, unknown> {
  const { timestamp, ...rest } = sample;
  return { spec_version: '1.0.0', timestamp_utc: timestamp, ...rest };
}
