/**
 * Use against grants: each counted audit request (audit-log.ts) attributed to an IAM principal of the inputs, then,
 * per principal, what it used (verb × resource with subresource and API group × namespace, counts, last seen), what
 * it was denied (HTTP 403: access it tried and lacked), and which of its grants it never used in the window; and the
 * principals of the inputs never seen at all.
 *
 * Attribution reads the `user.extra` keys the IAM authenticator puts on the user it returns to kube-apiserver
 * (kubernetes-sigs/aws-iam-authenticator v0.7.18 `pkg/server/server.go`, `/authenticate`: `arn`, `canonicalArn`,
 * `sessionName`, `accessKeyId`, `principalId`; our webhook writes them from the same table, `USER_EXTRA_KEYS` in
 * authenticator/server/token-review.ts), `canonicalArn` first, then `arn`. Without
 * them (a certificate or service-account user, or a scrubbed account), the request is matched to the principal whose
 * mapping gives that Kubernetes username, and the principal says so (`attribution: "username"`); when no principal
 * maps that username, the request stays with the Kubernetes user (`attribution: "kubernetes-user"`).
 *
 * Memory is bounded whatever the log holds: at most `maxPrincipals` distinct principals and `maxRowsPerPrincipal`
 * (verb, resource, namespace) rows each; what does not fit is counted as dropped, never silently lost.
 */
import { classifyArn, stripPath } from '../../authenticator/arn';
import { USER_EXTRA_KEYS } from '../../authenticator/server/token-review';
import { AccessAnalysis, AnalysedPrincipal } from '../analysis/access-analysis';
import { IamPrincipalResolver } from '../analysis/iam-principals';
import { ANY_ACCOUNT } from '../analysis/inputs/cfn-intrinsics';
import { accessMatrix, knownResources, ResourceRef, resourceName } from '../analysis/matrix';
import { PolicyRule } from '../analysis/rbac-types';
import { isClusterScoped } from '../analysis/resource-catalogue';
import { withImplicitGroups } from '../analysis/subjects';
import { REQUEST_VERBS } from '../model/rbac-vocabulary';
import { AuditEventCounter, AuditReadStats, AuditRequest, emptyStats, readAuditRequests, ReadAuditOptions } from './audit-log';
import { CloudWatchAuditSource, readCloudWatchRequests } from './cloudwatch';

/** How a principal's requests were recognised. */
export type Attribution = 'iam-arn' | 'username' | 'kubernetes-user';

export interface UseRow {
  readonly verb: string;
  readonly apiGroup: string;
  /** The resource, or the non-resource URL (`/healthz`) with `nonResource: true`. */
  readonly resource: string;
  readonly subresource: string;
  /** `''` for cluster-scoped resources and non-resource URLs. */
  readonly namespace: string;
  readonly nonResource?: boolean;
  count: number;
  lastSeen: string;
}

export interface UnusedGrant {
  /** `''`: granted cluster-wide (for a namespaced resource: in every namespace); else granted in this namespace only. */
  readonly namespace: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: string[];
}

export interface PrincipalUsage {
  /** The IAM ARN of the inputs, or the Kubernetes username when `attribution` is `kubernetes-user`. */
  readonly principal: string;
  attribution: Attribution;
  /** Why the attribution is what it is, for a person (how many requests were matched which way). */
  attributionNote: string;
  /** Requests recognised by the IAM ARN in `user.extra`. */
  byArn: number;
  /** Requests recognised only by their Kubernetes username (no ARN in `user.extra`). */
  byUsername: number;
  /** The Kubernetes username of its first request in the log. */
  readonly kubernetesUser?: string;
  readonly mappedBy?: string;
  requests: number;
  denied: number;
  lastSeen?: string;
  /** Allowed requests (any code but 403). */
  readonly used: UseRow[];
  /** Requests answered 403. */
  readonly deniedRequests: UseRow[];
  /** Grants the inputs give and no request used; only for principals of the inputs. */
  unused: UnusedGrant[];
  /** Rows not kept because of `maxRowsPerPrincipal`. */
  droppedRows: number;
}

export interface UsageReport {
  readonly read: AuditReadStats;
  readonly window?: { readonly first: string; readonly last: string };
  readonly principals: PrincipalUsage[];
  /** IAM principals of the inputs with no request in the window. */
  readonly neverSeen: string[];
  /** Requests not kept because of `maxPrincipals`. */
  droppedRequests: number;
}

export interface UsageOptions extends ReadAuditOptions {
  /** @default 100000 */
  readonly maxPrincipals?: number;
  /** @default 10000 */
  readonly maxRowsPerPrincipal?: number;
}

interface Known {
  readonly arn: string;
  readonly principal: AnalysedPrincipal;
}

/** The IAM principals of the inputs, indexed by canonical ARN and by the Kubernetes username they map to. */
class PrincipalIndex {
  private readonly byArn = new Map<string, Known>();
  /** Principals of environment-agnostic templates: matched on everything but the account. */
  private readonly anyAccount: Array<{ pattern: string; known: Known }> = [];
  private readonly byUsername = new Map<string, Known[]>();
  readonly all: Known[] = [];

  static async build(analysis: AccessAnalysis): Promise<PrincipalIndex> {
    const index = new PrincipalIndex();
    const resolver = new IamPrincipalResolver(analysis.accessEntries, analysis.sources.objects);
    for (const arn of resolver.knownPrincipalArns()) {
      let principal: AnalysedPrincipal | undefined;
      try {
        principal = await resolver.resolve(arn);
      } catch {
        principal = undefined;
      }
      if (!principal) continue;
      const known = { arn, principal };
      index.all.push(known);
      const key = canonical(arn);
      if (key.includes(ANY_ACCOUNT)) index.anyAccount.push({ pattern: key, known });
      else if (!index.byArn.has(key)) index.byArn.set(key, known);
      const list = index.byUsername.get(principal.user.name) ?? [];
      list.push(known);
      index.byUsername.set(principal.user.name, list);
    }
    return index;
  }

  byIamArn(arn: string): Known | undefined {
    const key = canonical(arn);
    const hit = this.byArn.get(key);
    if (hit) return hit;
    const account = /^arn:[^:]+:iam::(\d{12}):/.exec(key)?.[1];
    return account ? this.anyAccount.find((a) => a.pattern.split(ANY_ACCOUNT).join(account) === key)?.known : undefined;
  }

  /** The one principal mapped to `username`, when exactly one is. */
  byKubernetesUser(username: string): Known | undefined {
    const list = this.byUsername.get(username);
    return list?.length === 1 ? list[0] : undefined;
  }
}

/** The canonical (role, not session; no path) form of an IAM ARN, or the text itself when it is not one. */
function canonical(arn: string): string {
  try {
    return stripPath(classifyArn(arn).canonicalArn);
  } catch {
    return arn;
  }
}

function first(extra: Readonly<Record<string, readonly string[]>>, key: string): string | undefined {
  const v = extra[key]?.[0];
  return v ? v : undefined;
}

/** A use row without its counts. */
type RowShape = Omit<UseRow, 'count' | 'lastSeen'>;

/** The groups authentication adds to every impersonated user, which the sender need not be allowed to impersonate. */
const ADDED_GROUPS = new Set(['system:authenticated', 'system:serviceaccounts']);

/**
 * What impersonating `username` with `groups` takes (the impersonation filter's checks): `impersonate` on the
 * service account in its namespace for `system:serviceaccount:NS:NAME`, else on `users`; and on `groups` for each
 * group asked for (not those authentication adds).
 */
function impersonationRows(username: string, groups: readonly string[]): RowShape[] {
  const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(username);
  const rows: RowShape[] = [sa
    ? { verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', subresource: '', namespace: sa[1] }
    : { verb: 'impersonate', apiGroup: '', resource: 'users', subresource: '', namespace: '' }];
  if (groups.some((g) => !ADDED_GROUPS.has(g) && !g.startsWith('system:serviceaccounts:'))) {
    rows.push({ verb: 'impersonate', apiGroup: '', resource: 'groups', subresource: '', namespace: '' });
  }
  return rows;
}

function rowKey(r: { verb: string; apiGroup: string; resource: string; subresource: string; namespace: string }): string {
  return JSON.stringify([r.verb, r.apiGroup, r.resource, r.subresource, r.namespace]);
}

/** Where the audit events come from: files (and folders, gzip) and log groups read live; one counter for all. */
export interface AuditSources {
  readonly files?: readonly string[];
  readonly logGroups?: readonly CloudWatchAuditSource[];
}

/** Every counted request of the sources, files first, then each log group; a request in two of them counted once. */
async function* auditRequests(sources: AuditSources, stats: AuditReadStats, opts: ReadAuditOptions): AsyncGenerator<AuditRequest> {
  const counter = new AuditEventCounter(stats, opts);
  if (sources.files?.length) yield* readAuditRequests(sources.files, stats, opts, counter);
  for (const group of sources.logGroups ?? []) yield* readCloudWatchRequests(group, stats, opts, counter);
}

/**
 * Builds the usage report from audit logs (`paths`: files, or {@link AuditSources}), streamed, against the principals
 * and grants of `analysis`.
 */
export async function auditUsage(analysis: AccessAnalysis, paths: readonly string[] | AuditSources, opts: UsageOptions = {}): Promise<UsageReport> {
  const index = await PrincipalIndex.build(analysis);
  const stats = emptyStats();
  const sources: AuditSources = isFileList(paths) ? { files: paths } : paths;
  const maxPrincipals = opts.maxPrincipals ?? 100000;
  const maxRows = opts.maxRowsPerPrincipal ?? 10000;
  const byPrincipal = new Map<string, { usage: PrincipalUsage; rows: Map<string, UseRow>; deniedRows: Map<string, UseRow>; known?: Known }>();
  let dropped = 0;
  let firstTime: string | undefined;
  let lastTime: string | undefined;

  const attribute = (req: AuditRequest): { key: string; make: () => PrincipalUsage; known?: Known; byArn: boolean } => {
    const arn = first(req.user.extra, USER_EXTRA_KEYS.canonicalArn) ?? first(req.user.extra, USER_EXTRA_KEYS.arn);
    if (arn) {
      const known = index.byIamArn(arn);
      const name = known?.arn ?? canonical(arn);
      return { key: `arn\u0000${name}`, known, byArn: true, make: () => newUsage(name, 'iam-arn', req.user.username, known) };
    }
    const known = index.byKubernetesUser(req.user.username);
    if (known) return { key: `arn\u0000${known.arn}`, known, byArn: false, make: () => newUsage(known.arn, 'username', req.user.username, known) };
    return { key: `user\u0000${req.user.username}`, byArn: false, make: () => newUsage(req.user.username, 'kubernetes-user', req.user.username) };
  };

  /** Counts one request of `req.user` with the use `shapes` (allowed, or denied when the request was answered 403). */
  const count = (req: AuditRequest, shapes: readonly RowShape[]): void => {
    const who = attribute(req);
    let entry = byPrincipal.get(who.key);
    if (!entry) {
      if (byPrincipal.size >= maxPrincipals) {
        dropped++;
        return;
      }
      entry = { usage: who.make(), rows: new Map(), deniedRows: new Map(), known: who.known };
      byPrincipal.set(who.key, entry);
    }
    const u = entry.usage;
    if (who.byArn) u.byArn++;
    else u.byUsername++;
    const deniedReq = req.code === 403;
    u.requests++;
    if (deniedReq) u.denied++;
    if (!u.lastSeen || req.time > u.lastSeen) u.lastSeen = req.time;
    const rows = deniedReq ? entry.deniedRows : entry.rows;
    for (const shape of shapes) {
      const key = rowKey(shape);
      const row = rows.get(key);
      if (row) {
        row.count++;
        if (req.time > row.lastSeen) row.lastSeen = req.time;
      } else if (rows.size >= maxRows) {
        u.droppedRows++;
      } else {
        const created: UseRow = { ...shape, count: 1, lastSeen: req.time };
        rows.set(key, created);
        (deniedReq ? u.deniedRequests : u.used).push(created);
      }
    }
  };

  for await (const req of auditRequests(sources, stats, opts)) {
    if (!firstTime || req.time < firstTime) firstTime = req.time;
    if (!lastTime || req.time > lastTime) lastTime = req.time;
    const ref = req.objectRef;
    const shape: RowShape = ref
      ? { verb: req.verb, apiGroup: ref.apiGroup, resource: ref.resource, subresource: ref.subresource, namespace: isClusterScoped(ref.resource) ? '' : ref.namespace }
      : { verb: req.verb, apiGroup: '', resource: req.nonResourceURL ?? '', subresource: '', namespace: '', nonResource: true };
    if (req.impersonatedUser === undefined || req.code === 403) {
      // Refused with impersonation, the event cannot say whether the impersonation or the request was refused: the
      // denial stays with who sent it, as what it tried and lacked.
      count(req, [shape]);
      continue;
    }
    // An impersonated request is authorized as the impersonated user (kubernetes staging/src/k8s.io/apiserver
    // pkg/endpoints/filters/impersonation.go, v1.33): its verb and resource are that user's use of its grants; the
    // sender used only `impersonate` (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation).
    count(req, impersonationRows(req.impersonatedUser, req.impersonatedGroups ?? []));
    count({ ...req, user: { username: req.impersonatedUser, groups: req.impersonatedGroups ?? [], extra: {} } }, [shape]);
  }

  const principals: PrincipalUsage[] = [];
  for (const { usage, known } of byPrincipal.values()) {
    if (usage.attribution !== 'kubernetes-user') usage.attribution = usage.byArn ? 'iam-arn' : 'username';
    usage.attributionNote = attributionNote(usage, !!known);
    if (known) usage.unused = unusedGrants(analysis, known.principal, usage.used);
    usage.used.sort(compareRows);
    usage.deniedRequests.sort(compareRows);
    principals.push(usage);
  }
  principals.sort((a, b) => a.principal.localeCompare(b.principal));
  const seen = new Set([...byPrincipal.values()].flatMap((e) => (e.known ? [e.known.arn] : [])));
  const neverSeen = index.all.filter((k) => !seen.has(k.arn)).map((k) => k.arn).sort();
  return { read: stats, ...(firstTime && lastTime ? { window: { first: firstTime, last: lastTime } } : {}), principals, neverSeen, droppedRequests: dropped };
}

function isFileList(p: readonly string[] | AuditSources): p is readonly string[] {
  return Array.isArray(p);
}

/** Says how the principal's requests were recognised, in numbers. */
function attributionNote(u: PrincipalUsage, known: boolean): string {
  if (u.attribution === 'kubernetes-user') return 'no IAM ARN in user.extra and no principal of the inputs maps this username: shown as the Kubernetes user';
  const parts: string[] = [];
  if (u.byArn) parts.push(`${u.byArn} request(s) by the IAM ARN in user.extra (canonicalArn/arn, set by the IAM authenticator)`);
  if (u.byUsername) parts.push(`${u.byUsername} request(s) without an ARN matched by Kubernetes username "${u.kubernetesUser}", the only principal of the inputs mapped to it`);
  if (!known) parts.push('no access entry or mapping of the inputs names this principal');
  return parts.join('; ');
}

function newUsage(principal: string, attribution: Attribution, username: string, known?: Known): PrincipalUsage {
  return {
    principal, attribution, attributionNote: '', byArn: 0, byUsername: 0,
    // As the log shows it: a mapping template ({{SessionName}}) gives each session its own name.
    kubernetesUser: username,
    ...(known?.principal.mappedBy ? { mappedBy: known.principal.mappedBy } : {}),
    requests: 0, denied: 0, used: [], deniedRequests: [], unused: [], droppedRows: 0,
  };
}

/** How a row's namespace is shown (`''`: a cluster-scoped resource or a URL). */
export function useRowNamespace(ns: string): string {
  return ns || '(cluster)';
}

/** How an unused grant's namespace is shown (`''`: granted cluster-wide, in every namespace for a namespaced resource). */
export function unusedGrantNamespace(ns: string): string {
  return ns || '(all namespaces / cluster)';
}

/** How a row's resource is shown: `resource[/subresource][.group]` as `matrix` names it, or the non-resource URL. */
export function useRowResource(r: UseRow): string {
  return r.nonResource ? r.resource : resourceName({ apiGroup: r.apiGroup, resource: r.subresource ? `${r.resource}/${r.subresource}` : r.resource });
}

function compareRows(a: UseRow, b: UseRow): number {
  return b.count - a.count || rowKey(a).localeCompare(rowKey(b));
}

/**
 * The grants of `principal` no request used: its access matrix (lib/analysis/matrix.ts, the can-i engine's answer
 * per cell) over the resources the inputs name plus those the log shows, evaluated once cluster-wide and once per
 * namespace where it holds namespace grants. A cluster-wide cell of a namespaced resource counts as used when it was
 * used in any namespace; a namespace cell only when used in that namespace (and not already granted cluster-wide).
 * What every authenticated user holds (the bootstrap policy's self reviews, or any binding to
 * `system:authenticated`) is not listed: it is not the principal's grant, and no proposal can take it away.
 */
export function unusedGrants(analysis: AccessAnalysis, principal: AnalysedPrincipal, used: readonly UseRow[]): UnusedGrant[] {
  const resources = new Map<string, ResourceRef>(knownResources(analysis).map((r) => [resourceName(r), r]));
  const usedAnywhere = new Set<string>();
  const usedIn = new Set<string>();
  const namespaces = new Set<string>(grantNamespaces(analysis));
  for (const r of used) {
    if (r.nonResource) continue;
    const ref = { apiGroup: r.apiGroup, resource: r.subresource ? `${r.resource}/${r.subresource}` : r.resource };
    const name = resourceName(ref);
    resources.set(name, ref);
    usedAnywhere.add(`${r.verb} ${name}`);
    usedIn.add(`${r.verb} ${name} ${r.namespace}`);
    if (r.namespace) namespaces.add(r.namespace);
  }
  // Namespaces where the principal holds more than its cluster-wide rules; elsewhere the cluster-wide matrix answers.
  const own = [...namespaces].filter((ns) => analysis.hasNamespaceGrants(principal, ns)).sort();
  // knownResources lists what the RBAC roles name; the rules of the principal's access policies (evaluated by EKS, not
  // RBAC objects) may name others, in every namespace they are scoped to.
  for (const ns of ['', ...own]) addExplicitResources(resources, analysis.effectiveRules(principal, ns));
  const list = [...resources.values()].sort((a, b) => resourceName(a).localeCompare(resourceName(b)));
  const out: UnusedGrant[] = [];
  const cluster = accessMatrix(analysis, principal, '', list);
  const anyoneCluster = anyoneMatrix(analysis, '', list);
  cluster.forEach((row, i) => {
    const verbs = REQUEST_VERBS.filter((v) => row.verbs[v] && !anyoneCluster[i].verbs[v] && !usedAnywhere.has(`${v} ${resourceName(row)}`));
    if (verbs.length) out.push({ namespace: '', apiGroup: row.apiGroup, resource: row.resource, verbs });
  });
  for (const ns of own) {
    const anyone = anyoneMatrix(analysis, ns, list);
    accessMatrix(analysis, principal, ns, list).forEach((row, i) => {
      if (!row.namespaced) return;
      const verbs = REQUEST_VERBS.filter((v) => row.verbs[v] && !cluster[i].verbs[v] && !anyone[i].verbs[v] && !usedIn.has(`${v} ${resourceName(row)} ${ns}`));
      if (verbs.length) out.push({ namespace: ns, apiGroup: row.apiGroup, resource: row.resource, verbs });
    });
  }
  return out;
}

/**
 * Any authenticated user: no name a binding could hold (the API server refuses a subject with an empty name:
 * kubernetes pkg/apis/rbac/validation/validation.go `ValidateRoleBindingSubject`), only the group authentication adds
 * to everyone (subjects.ts `withImplicitGroups`), no access entry.
 */
const ANY_AUTHENTICATED_USER: AnalysedPrincipal = { display: 'any authenticated user', user: withImplicitGroups('', []) };

/** What any authenticated user may do per resource of `list` in `namespace`, computed once per analysis and cell. */
const anyoneCache = new WeakMap<AccessAnalysis, Map<string, Map<string, Record<string, boolean>>>>();
function anyoneMatrix(analysis: AccessAnalysis, namespace: string, list: readonly ResourceRef[]): Array<{ verbs: Record<string, boolean> }> {
  let perNamespace = anyoneCache.get(analysis);
  if (!perNamespace) anyoneCache.set(analysis, (perNamespace = new Map()));
  let cells = perNamespace.get(namespace);
  if (!cells) perNamespace.set(namespace, (cells = new Map()));
  const missing = list.filter((r) => !cells!.has(resourceName(r)));
  if (missing.length) accessMatrix(analysis, ANY_AUTHENTICATED_USER, namespace, missing).forEach((row, i) => cells!.set(resourceName(missing[i]), row.verbs));
  return list.map((r) => ({ verbs: cells!.get(resourceName(r))! }));
}

function addExplicitResources(into: Map<string, ResourceRef>, rules: readonly PolicyRule[]): void {
  for (const rule of rules) {
    for (const apiGroup of rule.apiGroups) {
      if (apiGroup === '*') continue;
      for (const resource of rule.resources) {
        if (resource.startsWith('*')) continue;
        const ref = { apiGroup, resource };
        into.set(resourceName(ref), ref);
      }
    }
  }
}

/** Namespaces where the inputs grant something: RoleBindings' and namespace-scoped access policies'. */
function grantNamespaces(analysis: AccessAnalysis): string[] {
  const out = new Set<string>();
  for (const o of analysis.sources.objects) {
    const ns = o.object.metadata?.namespace;
    if (o.object.kind === 'RoleBinding' && typeof ns === 'string') out.add(ns);
  }
  for (const e of analysis.accessEntries) {
    for (const a of e.accessPolicies) if (a.scope.type === 'namespace') for (const ns of a.scope.namespaces ?? []) out.add(ns);
  }
  return [...out];
}
