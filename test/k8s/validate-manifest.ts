/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
/**
 * Offline schema validation of synthesized manifests: built-in kinds against the Kubernetes OpenAPI schemas shipped by
 * kubernetes-models (its JSON-schema validators), custom resources against their CRD's openAPIV3Schema (the structural
 * subset CRDs use: type, required, properties, items — checked here, like the apiserver's structural schema check).
 * Unknown kinds are an error, so nothing slips through unvalidated.
 */

type Manifest = { apiVersion: string; kind: string; metadata?: { name?: string } };

const CUSTOM_SCHEMAS = new Map<string, object>();

/** Registers the schema of a CRD (a synthesized CustomResourceDefinition) for its kind. */
export function registerCrd(crd: any): void {
  for (const v of crd.spec.versions) {
    CUSTOM_SCHEMAS.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
  }
}

/** Problems of `value` against a structural CRD schema, each with its JSON path. */
function structuralProblems(schema: any, value: unknown, path: string): string[] {
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (schema.type === 'integer' ? !Number.isInteger(value) : schema.type && schema.type !== type) return [`${path}: must be ${schema.type}, got ${type}`];
  if (type === 'object') {
    const obj = value as Record<string, unknown>;
    const missing = (schema.required ?? []).filter((k: string) => !(k in obj)).map((k: string) => `${path}.${k}: is required`);
    const nested = Object.entries(schema.properties ?? {}).flatMap(([k, sub]) => (k in obj ? structuralProblems(sub, obj[k], `${path}.${k}`) : []));
    return [...missing, ...nested];
  }
  if (type === 'array' && schema.items) return (value as unknown[]).flatMap((v, i) => structuralProblems(schema.items, v, `${path}[${i}]`));
  return [];
}

/** Throws an error naming the object and the schema violations. */
export function validateManifest(obj: Manifest): void {
  const id = `${obj.kind} ${obj.metadata?.name ?? '(no name)'}`;
  const custom = CUSTOM_SCHEMAS.get(`${obj.apiVersion}/${obj.kind}`);
  if (custom) {
    const problems = structuralProblems(custom, obj, '');
    if (problems.length > 0) throw new Error(`${id}: ${problems.join('; ')}`);
    return;
  }
  const modulePath = `kubernetes-models/${obj.apiVersion}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath);
  const Model = mod[obj.kind];
  if (!Model) throw new Error(`${id}: no schema for ${obj.apiVersion} ${obj.kind} in kubernetes-models`);
  try {
    new Model(obj).validate();
  } catch (e) {
    throw new Error(`${id}: ${(e as Error).message}`);
  }
}

export function validateAll(objs: Manifest[]): void {
  for (const o of objs) validateManifest(o);
}
