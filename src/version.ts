import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** This service's version (package.json), reported by REST /health, gRPC HealthCheck and the OpenAPI document. */
export function packageVersion(): string {
  try {
    // src/ and dist/ both sit next to package.json
    return (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
