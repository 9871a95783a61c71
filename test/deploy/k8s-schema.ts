/**
 * Offline Kubernetes schema checks for rendered manifests, two complementary ways:
 *  - `kubernetes-models` (ajv validators compiled from the Kubernetes OpenAPI schema): types,
 *    formats, required fields, enums — but it accepts unknown fields;
 *  - `kubernetes-types` (TypeScript types generated from the same OpenAPI schema): each object is
 *    type-checked as an object literal with `satisfies <Kind>`, so an unknown or misspelt field
 *    (`readOnlyRootFileSystem`) is a compile error, as it is with server-side strict validation.
 */
import { resolve } from 'node:path';
import ts from 'typescript';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: object) => Model;

/** apiVersion/kind → kubernetes-models module and kubernetes-types module. */
const KINDS: Record<string, { models: string; types: string }> = {
  'v1/Namespace': { models: 'kubernetes-models/v1', types: 'kubernetes-types/core/v1' },
  'v1/ServiceAccount': { models: 'kubernetes-models/v1', types: 'kubernetes-types/core/v1' },
  'v1/ConfigMap': { models: 'kubernetes-models/v1', types: 'kubernetes-types/core/v1' },
  'v1/Service': { models: 'kubernetes-models/v1', types: 'kubernetes-types/core/v1' },
  'apps/v1/Deployment': { models: 'kubernetes-models/apps/v1', types: 'kubernetes-types/apps/v1' },
  'networking.k8s.io/v1/Ingress': { models: 'kubernetes-models/networking.k8s.io/v1', types: 'kubernetes-types/networking/v1' },
  'networking.k8s.io/v1/NetworkPolicy': { models: 'kubernetes-models/networking.k8s.io/v1', types: 'kubernetes-types/networking/v1' },
  'autoscaling/v2/HorizontalPodAutoscaler': { models: 'kubernetes-models/autoscaling/v2', types: 'kubernetes-types/autoscaling/v2' },
  'policy/v1/PodDisruptionBudget': { models: 'kubernetes-models/policy/v1', types: 'kubernetes-types/policy/v1' },
};

const keyOf = (o: K8sObject): string => `${o.apiVersion}/${o.kind}`;

/** ajv validation through kubernetes-models; returns one message per invalid object. */
export async function validateWithModels(objects: K8sObject[]): Promise<string[]> {
  const errors: string[] = [];
  for (const object of objects) {
    const entry = KINDS[keyOf(object)];
    if (!entry) {
      errors.push(`${keyOf(object)} ${object.metadata?.name}: no schema known for this kind`);
      continue;
    }
    const module = (await import(entry.models)) as Record<string, ModelClass>;
    const Kind = module[object.kind];
    try {
      new Kind(object).validate();
    } catch (error) {
      errors.push(`${keyOf(object)} ${object.metadata.name}: ${(error as Error).message}`);
    }
  }
  return errors;
}

/** Strict type check through kubernetes-types; returns the compiler's diagnostics. */
export function typeCheckStrict(objects: K8sObject[], root: string): string[] {
  const imports = new Map<string, Set<string>>();
  const body: string[] = [];
  objects.forEach((object, index) => {
    const entry = KINDS[keyOf(object)];
    if (!entry) return;
    const names = imports.get(entry.types) ?? new Set<string>();
    names.add(object.kind);
    imports.set(entry.types, names);
    body.push(`// ${keyOf(object)} ${object.metadata.name}`);
    body.push(`export const o${index} = ${JSON.stringify(object, null, 1)} satisfies ${object.kind};`);
  });
  const header = [...imports].map(([module, names]) => `import type { ${[...names].join(', ')} } from '${module}';`);
  const fileName = resolve(root, 'test/deploy/__rendered_manifests__.ts');
  const text = [...header, ...body].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (f) => f === fileName || ts.sys.fileExists(f);
  host.readFile = (f) => (f === fileName ? text : readFile(f));
  host.getSourceFile = (f, lang, ...rest) => (f === fileName ? ts.createSourceFile(f, text, lang) : getSourceFile(f, lang, ...rest));
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const owner =
      text
        .split('\n')
        .slice(0, line + 1)
        .reverse()
        .find((l) => l.startsWith('// ')) ?? '';
    return `${owner.slice(3)}: ${message}`;
  });
}
