/**
 * Offline schema validation of synthesized manifests: built-in kinds against the Kubernetes OpenAPI schemas shipped by
 * kubernetes-models (its JSON-schema validators, ajv underneath), IAMIdentityMapping against our CRD's
 * openAPIV3Schema. Unknown kinds are an error, so nothing slips through unvalidated.
 */
import Ajv from 'ajv';

type Manifest = { apiVersion: string; kind: string; metadata?: { name?: string } };

const CUSTOM_SCHEMAS = new Map<string, object>();

/** Registers the schema of a CRD (a synthesized CustomResourceDefinition) for its kind. */
export function registerCrd(crd: any): void {
  for (const v of crd.spec.versions) {
    CUSTOM_SCHEMAS.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
  }
}

const ajv = new Ajv({ allErrors: true, strict: false });

/** Throws an error naming the object and the schema violations. */
export function validateManifest(obj: Manifest): void {
  const id = `${obj.kind} ${obj.metadata?.name ?? '(no name)'}`;
  const custom = CUSTOM_SCHEMAS.get(`${obj.apiVersion}/${obj.kind}`);
  if (custom) {
    const ok = ajv.validate(custom, obj);
    if (!ok) throw new Error(`${id}: ${ajv.errorsText()}`);
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
