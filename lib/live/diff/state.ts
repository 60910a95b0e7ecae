/**
 * One side of a drift comparison, normalised so that equal access compares equal: access entries by principal ARN
 * (EKS's generated username filled in when the code leaves it out, groups and namespaces sorted), aws-auth rows by
 * row key (role paths stripped, as the authenticator matches them), and RBAC objects by kind/namespace/name with
 * rules and subjects in a canonical order. Objects Kubernetes or EKS make themselves (label
 * `kubernetes.io/bootstrapping=rbac-defaults`, names `system:*` and `eks:*`) are no one's code and are left out.
 */
import { isAwsAuthConfigMap, parseAwsAuth } from '../../../authenticator/mapper/aws-auth';
import { AccessEntryType } from '../../../authenticator/mapper/access-entry-type';
import { defaultAccessEntryUsername, isPlatformName, nodeGroups } from '../../../authenticator/mapper/eks-rules';
import { accountRowKey, roleRowKey, userRowKey } from '../../../authenticator/mapper/table';
import { AccessEntryRecord } from '../../analysis/access-entries';
import { AccessSources } from '../../analysis/inputs/load-sources';
import { RBAC_API_GROUP } from '../../model/rbac-rule-forms';

/**
 * An access entry as drift compares it (the analysis record `AccessEntryRecord` reduced to what grants access, in a
 * canonical form): named by its role, not a second record of the entry.
 */
export interface ComparedAccessEntry {
  readonly type: string;
  readonly username: string;
  readonly groups: string[];
  /** `policyArn@cluster` or `policyArn@namespace:a,b`, sorted. */
  readonly policies: string[];
}

/** An aws-auth row as drift compares it, keyed by the authenticator's row key. */
export interface ComparedAwsAuthRow {
  readonly username: string;
  readonly groups: string[];
}

export interface AccessState {
  readonly accessEntries: Map<string, ComparedAccessEntry>;
  /** undefined: this side has no aws-auth ConfigMap at all. */
  readonly awsAuthRows?: Map<string, ComparedAwsAuthRow>;
  /** `Kind namespace/name` (or `Kind name`) → canonical JSON of what grants access. */
  readonly rbac: Map<string, string>;
}

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

function comparedAccessEntry(e: AccessEntryRecord): ComparedAccessEntry {
  const generated = defaultAccessEntryUsername(e.principalArn, e.type as AccessEntryType);
  return {
    type: e.type,
    // EKS's default when the entry has none; a type whose username EKS does not document (HYPERPOD_LINUX) is not compared.
    username: generated === undefined ? '' : e.username ?? generated,
    // A node-type entry's groups are EKS's own, never the code's (EKS refuses kubernetesGroups on them): both sides
    // get the rulebook's groups of the type (eks-rules.ts `nodeGroups`), whatever DescribeAccessEntry reports.
    groups: e.type === AccessEntryType.STANDARD ? [...e.kubernetesGroups].sort() : nodeGroups(e.type as AccessEntryType).sort(),
    policies: e.accessPolicies
      .map((p) => `${p.policyArn}@${p.scope.type}${p.scope.type === 'namespace' ? `:${[...p.scope.namespaces].sort().join(',')}` : ''}`)
      .sort(),
  };
}

/** Made by Kubernetes or EKS, not by anyone's code. */
export function isPlatformObject(o: { metadata?: { name?: string; labels?: Record<string, string> } }): boolean {
  const name = o.metadata?.name ?? '';
  return o.metadata?.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults' || isPlatformName(name);
}

const sorted = (v: unknown) => (Array.isArray(v) ? [...(v as string[])].sort() : []);

function canonicalRbac(o: Record<string, unknown>): string {
  const ns = scopedNamespace(o);
  if (o.kind === 'Role' || o.kind === 'ClusterRole') {
    const aggregation = o.aggregationRule as { clusterRoleSelectors?: unknown[] } | undefined;
    // An aggregated ClusterRole's rules are written by the aggregation controller: only the selectors are code.
    const rules = aggregation ? [] : ((o.rules as Array<Record<string, unknown>> | undefined) ?? []).map((r) => JSON.stringify({
      apiGroups: sorted(r.apiGroups), resources: sorted(r.resources), verbs: sorted(r.verbs),
      resourceNames: sorted(r.resourceNames), nonResourceURLs: sorted(r.nonResourceURLs),
    })).sort();
    return JSON.stringify({ rules, aggregationRule: aggregation?.clusterRoleSelectors ?? null });
  }
  const roleRef = o.roleRef as { kind?: string; name?: string };
  const subjects = ((o.subjects as Array<Record<string, string>> | undefined) ?? []).map((s) =>
    `${s.kind}:${s.kind === 'ServiceAccount' ? `${s.namespace ?? ns}/` : ''}${s.name}`).sort();
  return JSON.stringify({ roleRef: `${roleRef?.kind}:${roleRef?.name}`, subjects });
}

/**
 * Kinds the API server keeps cluster-wide: it ignores a `metadata.namespace` sent with them (many published manifests
 * carry one). Kubernetes API reference, "ClusterRole v1 rbac.authorization.k8s.io" / "ClusterRoleBinding v1" (no
 * namespace in their paths: `/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}`).
 */
const CLUSTER_SCOPED_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace']);

/** The namespace an object lives in as the API server stores it: none for a cluster-scoped kind, whatever it carries. */
export function scopedNamespace(o: { kind?: unknown; metadata?: { namespace?: unknown } }): string | undefined {
  const ns = o.metadata?.namespace;
  return typeof o.kind === 'string' && CLUSTER_SCOPED_KINDS.has(o.kind) ? undefined : typeof ns === 'string' && ns ? ns : undefined;
}

/** The one key of an object, `Kind namespace/name` or `Kind name`, used by diff and import alike. */
export function rbacKey(o: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } }): string {
  const ns = scopedNamespace(o);
  return `${String(o.kind)} ${ns ? `${ns}/` : ''}${String(o.metadata?.name)}`;
}

export function accessState(sources: AccessSources): AccessState {
  const accessEntries = new Map<string, ComparedAccessEntry>();
  for (const e of sources.accessEntries) accessEntries.set(e.principalArn, comparedAccessEntry(e));
  const rbac = new Map<string, string>();
  let awsAuthRows: Map<string, ComparedAwsAuthRow> | undefined;
  for (const { object: o } of sources.objects) {
    if (isAwsAuthConfigMap(o)) {
      awsAuthRows = new Map();
      const parsed = parseAwsAuth(o.data as Record<string, string> | undefined);
      // The authenticator's row keys (table.ts): SSO selector rows too, case-insensitive and path-less ARNs; shown
      // as `role arn:…`.
      const rows = awsAuthRows;
      const set = (key: string, row: ComparedAwsAuthRow) => rows.set(key.replace(':', ' '), row);
      for (const r of parsed.roles) set(roleRowKey(r), { username: r.username, groups: [...r.groups].sort() });
      for (const u of parsed.users) set(userRowKey(u), { username: u.username, groups: [...u.groups].sort() });
      for (const a of parsed.accounts) set(accountRowKey(a), { username: '', groups: [] });
    } else if (typeof o.kind === 'string' && RBAC_KINDS.has(o.kind) && String(o.apiVersion).startsWith(`${RBAC_API_GROUP}/`) && !isPlatformObject(o as never)) {
      rbac.set(rbacKey(o as never), canonicalRbac(o as Record<string, unknown>));
    }
  }
  return { accessEntries, awsAuthRows, rbac };
}
