/**
 * `eks-access usage --propose OUT.ts`: the tighter access as code. From a usage report (usage.ts), each IAM principal
 * of the inputs that was seen gets
 *
 * - an access entry with one Kubernetes group of its own (`usage-proposed:<id>`) instead of its old groups, and its
 *   access policies narrowed to the namespaces its allowed requests used (a cluster-scoped association becomes a
 *   namespace-scoped one; an association with none of those namespaces is dropped);
 * - RBAC that covers exactly its observed allowed requests, collapsed to resource-level rules as audit2rbac does
 *   (liggitt/audit2rbac `pkg/process.go` `Generator.Generate` at commit 069cc12: one Role + RoleBinding per namespace
 *   (`ensureNamespacedRoleAndBinding`), one ClusterRole + ClusterRoleBinding for cluster-scoped resources and
 *   non-resource URLs (`ensureClusterRoleAndBinding`); `pkg/util.go` `attributesToResourceRule`/`compactRules`: a rule
 *   per API group + resource(/subresource), the verbs seen on it merged). Deliberately narrower than audit2rbac's
 *   defaults: no `VerbExpansions` (a `watch` does not add `get`/`list`), no `ExpandMultipleNamespacesToClusterScoped`
 *   (use in two namespaces stays two Roles), and rules of different resources are not merged into one. Rules carry no
 *   `resourceNames` (the usage rows do not keep object names; the grant is per resource, as audit2rbac's
 *   `ExpandMultipleNamesToUnnamed`). No rule holds `*`: every verb, group, resource and URL is one that was observed;
 * - a NOTE per removed grant (the report's unused grants, the dropped groups and associations, principals never seen).
 *
 * An aws-auth row becomes an access entry with the row's username template; node identities (node-type access
 * entries, aws-auth node rows) are kept as they are, seen or not: EKS, not the mapping, decides what a node may do.
 *
 * The module is written by the SAME emitter as `eks-access import` (lib/live/import/generate.ts over
 * code-literal.ts): the proposal is assembled as the snapshot-shaped sources the emitter reads, so every value read
 * from the audit log (usernames, resources, namespaces, URLs — attacker-controlled) becomes a literal or a sanitized
 * comment, never code. Nothing is applied.
 */
import { stripPath } from '../../authenticator/arn';
import { isAwsAuthConfigMap, parseMappingDocument } from '../../authenticator/mapper/aws-auth';
import { nodeTypeOfRow } from '../../authenticator/mapper/eks-rules';
import { AccessAnalysis } from '../analysis/access-analysis';
import { AccessEntryRecord, AccessPolicyAssociation } from '../analysis/access-entries';
import { AccessSources } from '../analysis/inputs/load-sources';
import { SNAPSHOT_API_VERSION, SNAPSHOT_KIND, LiveSnapshot } from '../analysis/inputs/snapshot-format';
import { KubeObject } from '../analysis/normalize';
import { SourcedObject } from '../analysis/rbac-from-objects';
import { IdAllocator } from '../live/import/code-literal';
import { GeneratedImport, generateImport } from '../live/import/generate';
import { checkNamespace } from '../k8s/rbac-chart';
import { AccessEntryType, AuthenticationMode } from '../model';
import { NON_RESOURCE_VERBS, RESOURCE_VERBS } from '../model/rbac-vocabulary';
import { UsageReport, UseRow } from './usage';

/** Prefix of the group, roles and bindings the proposal writes for a principal (never `system:`, `eks:`, `eks-access:`). */
export const PROPOSED_PREFIX = 'usage-proposed:';

export interface ProposeOptions {
  /** Module the generated code imports the API from. @default 'cdk-eks-access' */
  readonly moduleName?: string;
  /** Cluster name written as `CLUSTER_NAME`. @default the snapshot's, else 'my-cluster' */
  readonly clusterName?: string;
  /** Account of the model. @default - the account of the first proposed principal */
  readonly accountId?: string;
}

export interface Proposal extends GeneratedImport {
  /** The sources the code was written from (access entries and RBAC objects), for evaluating the proposal offline. */
  readonly sources: AccessSources;
}

interface Rule { apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[]; verbs: string[] }

/**
 * audit2rbac's compaction at resource level (`pkg/util.go` `compactRules`): one rule per (apiGroup,
 * resource[/subresource]) with the verbs seen on it, and one rule per non-resource URL with its verbs. Sorted, so the
 * same log always gives the same code.
 */
export function collapseRules(rows: readonly UseRow[]): Rule[] {
  const byKey = new Map<string, { rule: Rule; verbs: Set<string> }>();
  for (const r of rows) {
    const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    const key = JSON.stringify(r.nonResource ? ['url', resource] : ['res', r.apiGroup, resource]);
    let g = byKey.get(key);
    if (!g) {
      const rule: Rule = r.nonResource ? { nonResourceURLs: [resource], verbs: [] } : { apiGroups: [r.apiGroup], resources: [resource], verbs: [] };
      g = { rule, verbs: new Set() };
      byKey.set(key, g);
    }
    g.verbs.add(r.verb);
  }
  return [...byKey.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([, g]) => ({ ...g.rule, verbs: [...g.verbs].sort() }));
}

/** Resource names: CRD plurals must be DNS-1035 labels, built-in resources are too (k8s.io/apiextensions-apiserver
 * pkg/apis/apiextensions/validation/validation.go `ValidateCustomResourceDefinitionNames`, v0.33.0). */
const RESOURCE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** API groups: DNS-1123 subdomains, or `''` for the core group (same file, `spec.group`). */
const API_GROUP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/;
/** Non-resource URLs as kube-apiserver serves them: a path of printable ASCII without `*` (a `*` would be a prefix rule). */
const NON_RESOURCE_URL = /^\/[\x21-\x29\x2b-\x7e]*$/;

/**
 * Why a row read from the log cannot stand in a proposed rule (undefined: it can). The log is attacker-controlled; a
 * `*` would widen a rule to everything, and a verb, resource, group or namespace no API server accepts is not access
 * anyone used. The row is then a NOTE, never a rule.
 */
export function unproposableReason(r: UseRow): string | undefined {
  if (r.nonResource) {
    if (!NON_RESOURCE_VERBS.has(r.verb) || r.verb === '*') return `verb ${JSON.stringify(r.verb)} is not one of ${[...NON_RESOURCE_VERBS].filter((v) => v !== '*').join(', ')}`;
    if (!NON_RESOURCE_URL.test(r.resource)) return `URL ${JSON.stringify(r.resource)} is not a path of printable ASCII without "*"`;
    return undefined;
  }
  if (!RESOURCE_VERBS.has(r.verb) || r.verb === '*') return `verb ${JSON.stringify(r.verb)} is not one of ${[...RESOURCE_VERBS].filter((v) => v !== '*').join(', ')}`;
  if (!RESOURCE_NAME.test(r.resource) || (r.subresource && !RESOURCE_NAME.test(r.subresource))) {
    return `resource ${JSON.stringify(r.subresource ? `${r.resource}/${r.subresource}` : r.resource)} is not a resource name (a DNS-1035 label, never "*")`;
  }
  if (!API_GROUP.test(r.apiGroup)) return `API group ${JSON.stringify(r.apiGroup)} is not a DNS subdomain`;
  if (r.namespace) {
    try {
      checkNamespace('usage', r.namespace);
    } catch (e) {
      return (e as Error).message;
    }
  }
  return undefined;
}

/** What the inputs give a principal today: the Kubernetes username (templates kept) and groups it is mapped to. */
interface CurrentMapping { readonly username?: string; readonly groups: readonly string[]; readonly entry?: AccessEntryRecord; readonly row?: string }

/**
 * The access entry of `arn`, else its aws-auth row (mapRoles by role ARN, mapUsers by user ARN; the authenticator
 * matches role rows without the IAM path, so both sides are compared path-less). Rows are read with the authenticator's
 * own parser (authenticator/mapper/aws-auth.ts), so a row means here what it means to the webhook.
 */
function currentMapping(analysis: AccessAnalysis, arn: string): CurrentMapping {
  const entry = analysis.accessEntries.find((e) => e.principalArn === arn);
  if (entry) return { username: entry.username, groups: entry.kubernetesGroups, entry };
  const key = pathless(arn);
  for (const o of analysis.sources.objects) {
    if (!isAwsAuthConfigMap(o.object)) continue;
    const rows = parseMappingDocument(o.object);
    const row = rows.roles.find((r) => r.roleArn && pathless(r.roleArn) === key) ?? rows.users.find((u) => pathless(u.userArn) === key);
    if (row) return { username: row.username, groups: row.groups, row: row.source ?? 'row' };
  }
  return { groups: [] };
}

/** The node entry type of a mapping (an access entry of a node type, or an aws-auth row of a node's identity), if it is one. */
function nodeTypeOf(mapping: CurrentMapping): string | undefined {
  if (mapping.entry) return mapping.entry.type !== AccessEntryType.STANDARD ? mapping.entry.type : undefined;
  return mapping.row ? nodeTypeOfRow({ username: mapping.username ?? '', groups: mapping.groups }) : undefined;
}

function pathless(arn: string): string {
  try {
    return stripPath(arn);
  } catch {
    return arn;
  }
}

function policyName(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

/** The proposal for `report` (from `auditUsage(analysis, ...)`), as a TypeScript module and the sources it holds. */
export function proposeAccess(analysis: AccessAnalysis, report: UsageReport, opts: ProposeOptions = {}): Proposal {
  const window = report.window ? `${report.window.first} to ${report.window.last}` : 'an empty window';
  const notes: string[] = [`proposal from the audit log (${window}); nothing was applied. Review each NOTE: it says what would be taken away.`];
  const entries: AccessEntryRecord[] = [];
  const objects: SourcedObject[] = [];
  const groupIds = new IdAllocator();
  const origin = 'usage --propose';
  const keepNode = (arn: string, type: string, entry: AccessEntryRecord | undefined, why: string) => {
    notes.push(`kept as is: ${arn} (${type}): ${why}a node's identity and access are fixed by EKS, not narrowed from its use.`);
    entries.push({ principalArn: arn, type, kubernetesGroups: [], accessPolicies: entry?.accessPolicies ?? [], origin });
  };
  for (const p of report.principals) {
    const mapping = p.attribution === 'kubernetes-user' ? { groups: [] } : currentMapping(analysis, p.principal);
    if (!p.mappedBy && !mapping.entry && !mapping.row) {
      notes.push(`not proposed: ${p.principal} (${p.attribution}): no access entry or mapping of the inputs names it.`);
      continue;
    }
    const current = mapping.entry;
    // Nodes: EKS fixes a node entry's username and groups and the Node authorizer its access (EKS user guide, "Create
    // access entries": EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX); their use says nothing to narrow.
    const nodeType = nodeTypeOf(mapping);
    if (nodeType) {
      keepNode(p.principal, nodeType, current, '');
      continue;
    }
    const group = `${PROPOSED_PREFIX}${groupIds.allocate(p.principal.split(/[:/]/).pop() ?? '', 'principal')}`;
    if (mapping.row) notes.push(`moved ${p.principal}: from aws-auth ${mapping.row} to an access entry (the proposal writes access entries only).`);
    for (const g of mapping.groups) notes.push(`removed from ${p.principal}: Kubernetes group ${g} (replaced by ${group}, which holds only what was used).`);
    const allowed = p.used.filter((r) => {
      const reason = unproposableReason(r);
      if (reason) notes.push(`not proposed for ${p.principal}: a request from the log: ${reason}.`);
      return !reason;
    });
    const usedNamespaces = [...new Set(allowed.filter((r) => r.namespace).map((r) => r.namespace))].sort();
    const policies: AccessPolicyAssociation[] = [];
    for (const a of current?.accessPolicies ?? []) {
      const inScope = a.scope.type === 'namespace' ? usedNamespaces.filter((ns) => a.scope.type === 'namespace' && a.scope.namespaces.includes(ns)) : usedNamespaces;
      if (!inScope.length) {
        notes.push(`removed from ${p.principal}: access policy ${policyName(a.policyArn)} (${a.scope.type} scope): no request in its namespaces.`);
        continue;
      }
      if (a.scope.type === 'cluster' || inScope.length < a.scope.namespaces.length) {
        notes.push(`narrowed for ${p.principal}: access policy ${policyName(a.policyArn)} from ${a.scope.type === 'cluster' ? 'cluster scope' : a.scope.namespaces.join(',')} to namespaces ${inScope.join(',')}.`);
      }
      policies.push({ policyArn: a.policyArn, scope: { type: 'namespace', namespaces: inScope } });
    }
    for (const u of p.unused) {
      notes.push(`removed from ${p.principal}: ${u.verbs.join(',')} on ${u.apiGroup ? `${u.apiGroup}/` : ''}${u.resource} ${u.namespace ? `in namespace ${u.namespace}` : 'cluster-wide'} (not used in the window).`);
    }
    entries.push({
      principalArn: p.principal, type: current?.type ?? AccessEntryType.STANDARD,
      // The mapped username (a template such as `dev:{{SessionName}}` stays a template); the log's name otherwise.
      username: mapping.username ?? p.kubernetesUser, kubernetesGroups: [group], accessPolicies: policies, origin,
    });
    const subjects = [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: group }];
    const byNamespace = new Map<string, UseRow[]>();
    for (const r of allowed) byNamespace.set(r.namespace, [...(byNamespace.get(r.namespace) ?? []), r]);
    for (const [ns, rows] of [...byNamespace.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      const rules = collapseRules(rows);
      const role = ns ? 'Role' : 'ClusterRole';
      const metadata = ns ? { name: group, namespace: ns } : { name: group };
      const rbac = (o: Record<string, unknown>) => objects.push({ object: { apiVersion: 'rbac.authorization.k8s.io/v1', ...o } as unknown as KubeObject, origin });
      rbac({ kind: role, metadata, rules });
      rbac({ kind: ns ? 'RoleBinding' : 'ClusterRoleBinding', metadata, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role, name: group }, subjects });
    }
  }
  for (const arn of report.neverSeen) {
    const nodeType = nodeTypeOf(currentMapping(analysis, arn));
    if (nodeType) keepNode(arn, nodeType, currentMapping(analysis, arn).entry, 'not seen in the window, ');
    else notes.push(`removed: ${arn}, never seen in the window; its access entry or mapping is not proposed.`);
  }
  // Node entries the report does not list (EKS, not the mapping, gives them their identity): kept whether seen or not.
  for (const e of analysis.accessEntries) {
    if (e.type !== AccessEntryType.STANDARD && !entries.some((x) => x.principalArn === e.principalArn)) keepNode(e.principalArn, e.type, e, 'not seen in the window, ');
  }
  const first = analysis.sources.snapshots?.[0];
  const snapshot: LiveSnapshot = {
    apiVersion: SNAPSHOT_API_VERSION, kind: SNAPSHOT_KIND, takenAt: window,
    cluster: { name: opts.clusterName ?? first?.cluster.name ?? 'my-cluster', authenticationMode: AuthenticationMode.API },
    accessEntries: entries.map(({ origin: _o, ...e }) => e), iamRoles: [], problems: [],
  };
  const sources: AccessSources = { objects, accessEntries: entries, warnings: [], files: [], snapshots: [snapshot] };
  const generated = generateImport(sources, {
    extraNotes: notes, moduleName: opts.moduleName, accountId: opts.accountId, generator: 'eks-access usage --propose',
    notesMark: 'what the proposal takes away or could not propose',
    sourceDescription: `the access used in the audit log (${window})`,
  });
  return { ...generated, sources };
}
