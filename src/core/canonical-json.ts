/**
 * RFC 8785 (JCS) text of a JSON value: the same output and the same refusals as the `canonicalize`
 * package (v4) this replaces on the request path, which the property test in
 * test/unit/canonical-json.test.ts holds it to. What differs is the cost: that package allocates a
 * new Set for every member name, checks strings for lone surrogates in a JavaScript loop and maps
 * arrays through closures; here the check is the engine's `isWellFormed` and the text is built in
 * one pass (bench/canonical-json-cost.ts).
 */
export function canonicalJson(value: unknown): string | undefined {
  return write(value, new Set());
}

function write(value: unknown, seen: Set<object>): string {
  if (typeof value === 'string') return string(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new Error('NaN is not allowed');
    if (!Number.isFinite(value)) throw new Error('Infinity is not allowed');
    return JSON.stringify(value);
  }
  // undefined, functions and symbols give undefined, which the package interpolates as it is
  if (value === null || typeof value !== 'object') return JSON.stringify(value) as string;
  if (seen.has(value)) throw new Error('Circular reference detected');
  seen.add(value);
  let out: string;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') out = write((value as { toJSON(): unknown }).toJSON(), seen);
  else if (Array.isArray(value)) out = array(value, seen);
  else out = object(value as Record<string, unknown>, seen);
  seen.delete(value);
  return out;
}

/** ES2024's String.prototype.isWellFormed (Node ≥ 20), which the project's TypeScript lib predates. */
type WellFormedString = string & { isWellFormed(): boolean };

function string(s: string): string {
  if (!(s as WellFormedString).isWellFormed()) throw new Error('Lone surrogate is not allowed');
  return JSON.stringify(s);
}

function array(items: readonly unknown[], seen: Set<object>): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    // like the package's map + join: a hole, or a value without JSON text (a function), adds nothing
    if (!(i in items)) continue;
    const item = items[i];
    out += (write(item === undefined || typeof item === 'symbol' ? null : item, seen) as string | undefined) ?? '';
  }
  return out + ']';
}

function object(o: Record<string, unknown>, seen: Set<object>): string {
  // member names sort by UTF-16 code units (RFC 8785 §3.2.3): Array.prototype.sort's default order
  const keys = Object.keys(o).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = o[key];
    if (v === undefined || typeof v === 'symbol') continue;
    if (!first) out += ',';
    first = false;
    out += `${string(key)}:${write(v, seen)}`;
  }
  return out + '}';
}
