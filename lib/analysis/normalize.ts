/**
 * Turns parsed Kubernetes RBAC objects (YAML/JSON, any of the `rbac.authorization.k8s.io` versions) into the
 * normalised shapes of `rbac-types.ts`, applying the apiserver defaults (`SetDefaults_Subject`,
 * `SetDefaults_(Cluster)RoleBinding`) and treating an absent list like `[]`, as the apiserver does.
 */
import { LabelSelector, PolicyRule, RbacBinding, RbacRole, Subject } from './rbac-types';
import { RBAC_API_GROUP } from '../model/rbac-rule-forms';

/** A parsed Kubernetes object (only the fields the analysis reads are typed). */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

/** An RBAC object that cannot be evaluated; the message names the object, its origin and the field. */
export class RbacObjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RbacObjectError';
  }
}

function describe(obj: KubeObject, origin?: string): string {
  const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj.kind ?? '?'} ${ns}${obj.metadata?.name ?? '<unnamed>'}${origin ? ` (${origin})` : ''}`;
}

function stringList(value: unknown, where: () => string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new RbacObjectError(`${where()}: expected a list of strings, got ${JSON.stringify(value)}`);
  }
  return value as string[];
}

export function normalizeRule(raw: unknown, where: () => string = () => 'rule'): PolicyRule {
  if (typeof raw !== 'object' || raw === null) throw new RbacObjectError(`${where()}: a rule must be an object`);
  const r = raw as Record<string, unknown>;
  return {
    verbs: stringList(r.verbs, () => `${where()}.verbs`),
    apiGroups: stringList(r.apiGroups, () => `${where()}.apiGroups`),
    resources: stringList(r.resources, () => `${where()}.resources`),
    resourceNames: stringList(r.resourceNames, () => `${where()}.resourceNames`),
    nonResourceURLs: stringList(r.nonResourceURLs, () => `${where()}.nonResourceURLs`),
  };
}

function normalizeSubject(raw: unknown, where: string): Subject {
  const s = (raw ?? {}) as Record<string, unknown>;
  if (typeof s.kind !== 'string' || typeof s.name !== 'string') {
    throw new RbacObjectError(`${where}: a subject needs string 'kind' and 'name' (kind User, Group or ServiceAccount)`);
  }
  const apiGroup = typeof s.apiGroup === 'string' && s.apiGroup !== '' ? s.apiGroup : s.kind === 'ServiceAccount' ? '' : RBAC_API_GROUP;
  return { kind: s.kind, name: s.name, apiGroup, ...(typeof s.namespace === 'string' ? { namespace: s.namespace } : {}) };
}

export function isRbacRoleObject(obj: KubeObject): boolean {
  return (obj.kind === 'Role' || obj.kind === 'ClusterRole') && (obj.apiVersion ?? '').startsWith(`${RBAC_API_GROUP}/`);
}

export function isRbacBindingObject(obj: KubeObject): boolean {
  return (obj.kind === 'RoleBinding' || obj.kind === 'ClusterRoleBinding') && (obj.apiVersion ?? '').startsWith(`${RBAC_API_GROUP}/`);
}

export function normalizeRole(obj: KubeObject, origin?: string): RbacRole {
  const what = describe(obj, origin);
  const name = obj.metadata?.name;
  if (!name) throw new RbacObjectError(`${what}: metadata.name is required`);
  const cluster = obj.kind === 'ClusterRole';
  const rules = obj.rules === undefined || obj.rules === null ? [] : obj.rules;
  if (!Array.isArray(rules)) throw new RbacObjectError(`${what}: rules must be a list`);
  const agg = obj.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | undefined | null;
  return {
    kind: cluster ? 'ClusterRole' : 'Role',
    name,
    // The apiserver clears metadata.namespace on cluster-scoped objects.
    namespace: cluster ? '' : (obj.metadata?.namespace ?? 'default'),
    labels: obj.metadata?.labels ?? {},
    rules: rules.map((r, i) => normalizeRule(r, () => `${what}: rules[${i}]`)),
    ...(cluster && agg ? { aggregationRule: { clusterRoleSelectors: agg.clusterRoleSelectors ?? [] } } : {}),
    ...(origin ? { origin } : {}),
  };
}

export function normalizeBinding(obj: KubeObject, origin?: string): RbacBinding {
  const what = describe(obj, origin);
  const name = obj.metadata?.name ?? '';
  const cluster = obj.kind === 'ClusterRoleBinding';
  const ref = obj.roleRef as Record<string, unknown> | undefined;
  if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') {
    throw new RbacObjectError(`${what}: roleRef needs 'kind' (Role or ClusterRole) and 'name'`);
  }
  const subjects = obj.subjects === undefined || obj.subjects === null ? [] : obj.subjects;
  if (!Array.isArray(subjects)) throw new RbacObjectError(`${what}: subjects must be a list`);
  return {
    kind: cluster ? 'ClusterRoleBinding' : 'RoleBinding',
    name,
    namespace: cluster ? '' : (obj.metadata?.namespace ?? 'default'),
    subjects: subjects.map((s, i) => normalizeSubject(s, `${what}: subjects[${i}]`)),
    roleRef: { kind: ref.kind, name: ref.name, apiGroup: typeof ref.apiGroup === 'string' && ref.apiGroup ? ref.apiGroup : RBAC_API_GROUP },
    ...(origin ? { origin } : {}),
  };
}
