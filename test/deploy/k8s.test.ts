/**
 * Kubernetes manifests: each overlay is rendered with the real kustomize (`kubectl kustomize`,
 * or a standalone `kustomize`), every object is validated against the Kubernetes schemas offline,
 * and the numbers the service relies on (probes, HPA bounds, ports, security context) are asserted.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type K8sObject, typeCheckStrict, validateWithModels } from './k8s-schema.js';

const root = resolve(import.meta.dirname, '../..');
const k8s = resolve(root, 'k8s');

function findRenderer(): string[] | undefined {
  for (const candidate of [
    ['kubectl', 'kustomize'],
    ['kustomize', 'build'],
  ]) {
    try {
      execFileSync(candidate[0], candidate[0] === 'kubectl' ? ['version', '--client'] : ['version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not installed; try the next one
    }
  }
  return undefined;
}
const renderer = findRenderer();
if (!renderer && process.env.CI) {
  throw new Error('kubectl (with built-in kustomize) or kustomize is required in CI to render k8s/overlays');
}
if (!renderer) console.warn('k8s.test: neither kubectl nor kustomize found; overlay rendering tests are skipped');

function parseYaml(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw doc.errors[0];
      return doc.toJS() as K8sObject;
    })
    .filter(Boolean);
}

function render(overlay: string): K8sObject[] {
  if (!renderer) throw new Error('no kustomize renderer');
  const [cmd, sub] = renderer;
  return parseYaml(execFileSync(cmd, [sub, resolve(k8s, overlay)], { encoding: 'utf8' }));
}

type Obj = Record<string, any>;
const one = (objects: K8sObject[], kind: string, name = 'afdp-notary'): Obj => {
  const found = objects.filter((o) => o.kind === kind && (o.metadata.name === name || kind === 'ConfigMap' || kind === 'Namespace'));
  expect(found, `${kind} ${name}`).toHaveLength(1);
  return found[0] as Obj;
};

const EXPECTED = {
  development: {
    namespace: 'afdp-notary-dev',
    replicas: 1,
    min: 1,
    max: 3,
    requests: { cpu: '100m', memory: '256Mi' },
    limits: { cpu: '500m', memory: '512Mi' },
    tag: 'dev',
  },
  staging: {
    namespace: 'afdp-notary-staging',
    replicas: 2,
    min: 2,
    max: 10,
    requests: { cpu: '250m', memory: '512Mi' },
    limits: { cpu: '1', memory: '1Gi' },
    tag: '0.1.0-rc.1',
  },
  production: {
    namespace: 'afdp-notary',
    replicas: 6,
    min: 6,
    max: 50,
    requests: { cpu: '500m', memory: '1Gi' },
    limits: { cpu: '1', memory: '2Gi' },
    tag: '0.1.0',
  },
} as const;

const SECRET_ENV = ['DATABASE_URL', 'REDIS_URL', 'VAULT_TOKEN', 'NOTARY_KEYRING_PASSPHRASE', 'NOTARY_ADMIN_TOKEN'];

describe('k8s/base files (no renderer needed)', () => {
  const files = readdirSync(resolve(k8s, 'base')).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
  const objects = files.flatMap((f) => parseYaml(readFileSync(resolve(k8s, 'base', f), 'utf8')));

  it('lists every manifest file in kustomization.yaml', () => {
    const kustomization = parseYaml(readFileSync(resolve(k8s, 'base/kustomization.yaml'), 'utf8'))[0] as Obj;
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it('validates against the Kubernetes schemas', async () => {
    expect(await validateWithModels(objects)).toEqual([]);
  });

  it('commits no Secret and no secret value', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const config = readFileSync(resolve(k8s, 'base/config.env'), 'utf8');
    for (const name of SECRET_ENV) expect(config).not.toMatch(new RegExp(`^${name}=`, 'm'));
  });
});

describe.skipIf(!renderer)('k8s overlays rendered with kustomize', () => {
  const overlays = Object.keys(EXPECTED) as (keyof typeof EXPECTED)[];
  const rendered = Object.fromEntries(overlays.map((o) => [o, renderer ? render(`overlays/${o}`) : []]));

  it('every rendered object passes the Kubernetes schemas (ajv) and the strict type check', async () => {
    const all = overlays.flatMap((o) => rendered[o]);
    expect(await validateWithModels(all)).toEqual([]);
    expect(typeCheckStrict(all, root)).toEqual([]);
  });

  it('the strict check does reject a misspelt field', () => {
    const bad = structuredClone(one(rendered.production, 'Deployment')) as K8sObject & Obj;
    bad.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
    expect(typeCheckStrict([bad], root).join('\n')).toMatch(/readOnlyRootFileSystem/);
  });

  for (const overlay of overlays) {
    describe(overlay, () => {
      const objects = rendered[overlay];
      const want = EXPECTED[overlay];

      it('renders the full set of objects into its namespace', () => {
        expect(objects.map((o) => o.kind).sort()).toEqual([
          'ConfigMap',
          'Deployment',
          'HorizontalPodAutoscaler',
          'Ingress',
          'Ingress',
          'Namespace',
          'NetworkPolicy',
          'PodDisruptionBudget',
          'Service',
          'ServiceAccount',
        ]);
        const ns = one(objects, 'Namespace');
        expect(ns.metadata.name).toBe(want.namespace);
        expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
        for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(want.namespace);
      });

      it('HPA: autoscaling/v2 bounds, CPU 70 %, memory 80 %, http_requests_per_second 100/pod', () => {
        const hpa = one(objects, 'HorizontalPodAutoscaler');
        expect(hpa.apiVersion).toBe('autoscaling/v2');
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'afdp-notary' });
        expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([want.min, want.max]);
        expect(hpa.spec.metrics).toEqual(
          expect.arrayContaining([
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
            { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
            { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } },
          ]),
        );
      });

      it('Deployment: probes, resources, image, security context, volumes', () => {
        const deploy = one(objects, 'Deployment');
        expect(deploy.spec.replicas).toBe(want.replicas);
        const pod = deploy.spec.template.spec;
        const [c] = pod.containers;
        const port = (name: string | number) => (typeof name === 'number' ? name : c.ports.find((p: Obj) => p.name === name).containerPort);
        expect(c.readinessProbe.httpGet.path).toBe('/ready');
        expect(port(c.readinessProbe.httpGet.port)).toBe(3030);
        expect(c.livenessProbe.httpGet.path).toBe('/health');
        expect(port(c.livenessProbe.httpGet.port)).toBe(3030);
        expect(c.startupProbe.grpc.port).toBe(50051);
        expect(c.resources).toEqual({ requests: want.requests, limits: want.limits });
        expect(c.image).toBe(`afdp/notary:${want.tag}`);
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        const mounts = Object.fromEntries(c.volumeMounts.map((m: Obj) => [m.mountPath, m.name]));
        const volumes = Object.fromEntries(pod.volumes.map((v: Obj) => [v.name, v]));
        expect(volumes[mounts['/tmp']].emptyDir).toBeDefined();
        expect(volumes[mounts['/data']]).toBeDefined();
        expect(pod.serviceAccountName).toBe(one(objects, 'ServiceAccount').metadata.name);
        expect(deploy.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '3030' });
      });

      it("points PULSAR_SERVICE_URL at the cluster's Pulsar broker, which the NetworkPolicy lets it reach", () => {
        const url = new URL(one(objects, 'ConfigMap').data.PULSAR_SERVICE_URL);
        expect(url.protocol).toBe('pulsar:');
        const [, namespace] = url.hostname.split('.');
        const egress = (one(objects, 'NetworkPolicy').spec.egress as Obj[]).find((rule) =>
          rule.to.some((t: Obj) => t.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === namespace),
        );
        expect(egress?.ports.map((p: Obj) => p.port)).toContain(Number(url.port));
      });

      it('config comes from the generated ConfigMap, secrets only by reference', () => {
        const deploy = one(objects, 'Deployment');
        const [c] = deploy.spec.template.spec.containers;
        const configMap = one(objects, 'ConfigMap');
        expect(c.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
        expect(configMap.data).toMatchObject({
          NOTARY_HTTP_PORT: '3030',
          NOTARY_GRPC_PORT: '50051',
          NOTARY_DATA_DIR: '/data',
          VAULT_AUTH_METHOD: 'kubernetes',
        });
        // reachable from the cluster, so never without authentication; the client address comes from the ingress
        expect(configMap.data).toMatchObject({ NOTARY_AUTH_MODE: 'required', NOTARY_HOST: '0.0.0.0' });
        expect(loadConfig(configMap.data)).toMatchObject({
          host: '0.0.0.0',
          auth: { mode: 'required' },
          trustProxy: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
        });
        for (const name of SECRET_ENV) expect(configMap.data).not.toHaveProperty(name);
        const db = c.env.find((e: Obj) => e.name === 'DATABASE_URL');
        expect(db.valueFrom.secretKeyRef.name).toBe('afdp-notary-secrets');
        expect(c.env.every((e: Obj) => e.value === undefined || !SECRET_ENV.includes(e.name))).toBe(true);
        expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
      });

      it('Service, Ingress (TLS) and PDB select the pods and route to the named ports', () => {
        const podLabels = one(objects, 'Deployment').spec.template.metadata.labels;
        const svc = one(objects, 'Service');
        expect(svc.spec.ports.map((p: Obj) => [p.name, p.port, p.targetPort])).toEqual([
          ['http', 80, 'http'],
          ['grpc', 50051, 'grpc'],
        ]);
        expect(podLabels).toMatchObject(svc.spec.selector);
        expect(podLabels).toMatchObject(one(objects, 'PodDisruptionBudget').spec.selector.matchLabels);
        for (const ingress of objects.filter((o) => o.kind === 'Ingress') as Obj[]) {
          const hosts = ingress.spec.rules.map((r: Obj) => r.host);
          expect(ingress.spec.tls[0].hosts).toEqual(hosts);
          expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(svc.metadata.name);
        }
      });

      it('NetworkPolicy: ingress only on 3030/50051, egress to DNS and each dependency', () => {
        const np = one(objects, 'NetworkPolicy');
        expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
        const ingressPorts = np.spec.ingress.flatMap((r: Obj) => r.ports.map((p: Obj) => p.port));
        expect(ingressPorts.sort()).toEqual([3030, 50051]);
        const egress = np.spec.egress.flatMap((r: Obj) => r.ports.map((p: Obj) => `${p.protocol}/${p.port}`));
        expect(egress).toEqual(
          expect.arrayContaining(['UDP/53', 'TCP/53', 'TCP/8200', 'TCP/3000', 'TCP/5432', 'TCP/6650', 'TCP/6379', 'TCP/4317']),
        );
        for (const rule of np.spec.egress) expect(rule.to?.length).toBeGreaterThan(0);
      });
    });
  }
});
