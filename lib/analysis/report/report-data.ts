/**
 * The content of the HTML access report: for every principal of the inputs (IAM principals and the subjects the inputs
 * bind), what it may do per scope (cluster-wide and each namespace the inputs mention) on each known resource, and
 * which of those rows carry a catalogued risk.
 */
import { OnProgress } from '../progress';
import { AccessAnalysis, bindingKey, describeRule } from '../access-analysis';
import { accessPolicies, accessPolicyName } from '../eks-access-policies';
import { PolicyRule, Subject } from '../rbac-types';
import { AUTHENTICATED, UNAUTHENTICATED } from '../subjects';
import { BOOTSTRAP_POLICY_SOURCE } from '../bootstrap-policy';
import { IamPrincipalResolver } from '../iam-principals';
import { accessMatrix, knownResources, resourceName } from '../matrix';
import { REQUEST_VERBS } from '../../model/rbac-vocabulary';
import { RISKS } from '../risk-catalogue';
import { ReportChain, reportChains } from './assume-graph';
import { ANY_NAMESPACE, Holder, RiskFinding, findRisks, mentionedNamespaces, riskHolders } from '../risks';

export interface ReportRow {
  readonly principal: string;
  readonly kind: string;
  readonly user: string;
  readonly groups: readonly string[];
  /** `cluster-wide` or `namespace <ns>`. */
  readonly scope: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  /** Ids of the risks this row is part of. */
  readonly risks: readonly string[];
}

/** One thing that gives a principal access: a binding of a role, or an EKS access policy. */
export interface ReportGrant {
  /** `cluster-wide` or `namespace <ns>` (an access policy: `namespaces a,b`). */
  readonly scope: string;
  /** The role (or access policy) granted, and through what. */
  readonly what: string;
  /** Id of the entry of {@link ReportData.roles} with its rules; absent when the role does not exist. */
  readonly role?: string;
}

/** A principal's line of the access table: who, the grants that give it access, the risks it holds. */
export interface ReportPrincipal {
  readonly principal: string;
  readonly kind: string;
  readonly user: string;
  readonly groups: readonly string[];
  readonly grants: readonly ReportGrant[];
  readonly risks: readonly string[];
}

/** A role (or access policy) some principal is granted, with its rules as one line each. */
export interface ReportRole {
  readonly id: string;
  readonly title: string;
  readonly rules: readonly string[];
}

/** Findings that share risk, scope and grant, with every holder: one binding to a group is one line, not one per member. */
export interface ReportRiskGroup {
  readonly risk: string;
  readonly title: string;
  readonly severity: string;
  readonly why: string;
  readonly scope: string;
  readonly via: string;
  readonly holders: readonly string[];
}

/** Per risk: how many findings and distinct holders, for the summary above the list. */
export interface ReportRiskSummary {
  readonly risk: string;
  readonly title: string;
  readonly why: string;
  readonly severity: string;
  readonly findings: number;
  readonly holders: number;
}

/**
 * At most this many resource rows: past it (hundreds of principals × hundreds of resources) the page would be tens of
 * MB, so the per-resource table is left out and the page keeps principals → grants → role rules, which say the same
 * in far less (the per-resource answer of one principal is `eks-access matrix`).
 */
export const ACCESS_ROW_LIMIT = 20_000;

export interface ReportData {
  readonly generatedAt: string;
  readonly inputs: readonly string[];
  readonly bootstrap: string;
  readonly verbs: readonly string[];
  /** Principal × scope × resource rows; empty when there would be more than {@link ACCESS_ROW_LIMIT}. */
  readonly rows: readonly ReportRow[];
  /** True when `rows` was left out for size. */
  readonly rowsOmitted: boolean;
  readonly principals: readonly ReportPrincipal[];
  /** The rules of every role and access policy a principal's grants name. */
  readonly roles: readonly ReportRole[];
  /** What every authenticated user is granted (left out of each principal's grants). */
  readonly everyone: readonly ReportGrant[];
  readonly riskSummary: readonly ReportRiskSummary[];
  readonly riskGroups: readonly ReportRiskGroup[];
  readonly findings: readonly RiskFinding[];
  readonly warnings: readonly string[];
  /** Who may assume which mapped role (trust policies), for the chain pictures. */
  readonly chains: readonly ReportChain[];
}

/** Resources (`name[/sub]` as in the matrix) a risk is about; `*` for wildcard full access. */
function riskResources(riskId: string): Set<string> {
  const def = RISKS.find((r) => r.id === riskId);
  if (!def) return new Set();
  return new Set(def.allOf.flat().map((p) => (p.resource === '*' ? '*' : resourceName({ apiGroup: p.apiGroup, resource: p.subresource ? `${p.resource}/${p.subresource}` : p.resource }))));
}

function subjectLabel(s: Subject, bindingNamespace: string): string {
  return s.kind === 'ServiceAccount' ? `${s.namespace || bindingNamespace}/${s.name}` : s.name;
}

const EVERYONE = new Set([AUTHENTICATED, UNAUTHENTICATED]);

function roleEntry(roles: Map<string, ReportRole>, id: string, title: string, rules: readonly PolicyRule[]): string {
  if (!roles.has(id)) roles.set(id, { id, title, rules: rules.map(describeRule) });
  return id;
}

/** The grants of one holder (access policies, then bindings), the ones every authenticated user has set apart. */
function principalLine(analysis: AccessAnalysis, holder: Holder, mine: readonly RiskFinding[], roles: Map<string, ReportRole>, everyone: Map<string, ReportGrant>): ReportPrincipal {
  const p = holder.principal;
  const grants: ReportGrant[] = [];
  for (const a of p.accessEntry?.accessPolicies ?? []) {
    const name = accessPolicyName(a.policyArn);
    const policy = name ? accessPolicies().get(name) : undefined;
    const scope = a.scope.type === 'namespace' ? `namespaces ${a.scope.namespaces.join(',')}` : 'cluster-wide';
    grants.push({ scope, what: `EKS access policy ${name ?? a.policyArn}`, ...(policy ? { role: roleEntry(roles, `policy/${policy.name}`, `EKS access policy ${policy.name}`, policy.rules) } : {}) });
  }
  for (const { binding, subject } of analysis.rbac.bindingsNaming(p.user)) {
    const role = analysis.rbac.resolveRoleRef(binding);
    const id = typeof role === 'string' ? undefined : roleEntry(roles, bindingKey(role), `${role.kind} ${role.namespace ? `${role.namespace}/` : ''}${role.name}`, role.rules);
    const grant: ReportGrant = {
      scope: binding.namespace ? `namespace ${binding.namespace}` : 'cluster-wide',
      // Short on purpose (thousands of lines): the scope says the namespace, the role link its rules.
      what: `${binding.roleRef.kind} "${binding.roleRef.name}"${typeof role === 'string' ? ' (missing)' : ''} via ${binding.kind} "${binding.name}" (${subject.kind} ${subjectLabel(subject, binding.namespace)})`,
      ...(id ? { role: id } : {}),
    };
    // Bindings to every authenticated user are everyone's: listed once, not on each of thousands of lines.
    if (subject.kind === 'Group' && EVERYONE.has(subject.name)) everyone.set(`${grant.scope} ${grant.what}`, grant);
    else grants.push(grant);
  }
  return { principal: p.display, kind: holder.kind, user: p.user.name, groups: p.user.groups, grants, risks: [...new Set(mine.map((f) => f.risk))] };
}

function summarise(findings: readonly RiskFinding[]): ReportRiskSummary[] {
  const by = new Map<string, { f: RiskFinding; n: number; holders: Set<string> }>();
  for (const f of findings) {
    const s = by.get(f.risk) ?? { f, n: 0, holders: new Set<string>() };
    s.n++;
    s.holders.add(`${f.holderKind} ${f.holder}`);
    by.set(f.risk, s);
  }
  return [...by.values()].map(({ f, n, holders }) => ({ risk: f.risk, title: f.title, why: f.why, severity: f.severity, findings: n, holders: holders.size }));
}

function groupFindings(findings: readonly RiskFinding[]): ReportRiskGroup[] {
  const by = new Map<string, { f: RiskFinding; holders: string[] }>();
  for (const f of findings) {
    // The holder column names the access entry's principal already; without it in `via`, entries sharing a policy
    // and scope share a line (describeGrant's wording: "... of access entry ARN [origin], rule N: ...").
    const via = f.via.replace(/ of access entry \S+ \[[^\]]*\]/g, ' of its access entry');
    const key = JSON.stringify([f.risk, f.severity, f.scope, via]);
    const g = by.get(key) ?? { f: { ...f, via }, holders: [] };
    g.holders.push(`${f.holderKind} ${f.holder}`);
    by.set(key, g);
  }
  return [...by.values()].map(({ f, holders }) => ({ risk: f.risk, title: f.title, severity: f.severity, why: f.why, scope: f.scope, via: f.via, holders }));
}

export async function buildReportData(analysis: AccessAnalysis, resolver: IamPrincipalResolver, now = new Date(), onProgress?: OnProgress): Promise<ReportData> {
  const findings = await findRisks(analysis, resolver, onProgress);
  const resources = knownResources(analysis);
  const scopes = [ANY_NAMESPACE, ...mentionedNamespaces(analysis)];
  const rows: ReportRow[] = [];
  const byHolder = new Map<string, RiskFinding[]>();
  for (const f of findings) {
    const key = JSON.stringify([f.holderKind, f.holder]);
    byHolder.set(key, [...(byHolder.get(key) ?? []), f]);
  }
  const holders = await riskHolders(analysis, resolver);
  const principals: ReportPrincipal[] = [];
  const roles = new Map<string, ReportRole>();
  const everyone = new Map<string, ReportGrant>();
  let rowsOmitted = false;
  for (const [done, holder] of holders.entries()) {
    onProgress?.({ phase: 'access of each principal', done, total: holders.length });
    principals.push(principalLine(analysis, holder, byHolder.get(JSON.stringify([holder.kind, holder.principal.display])) ?? [], roles, everyone));
    if (rowsOmitted) continue;
    if (rows.length > ACCESS_ROW_LIMIT) {
      rowsOmitted = true;
      rows.length = 0;
      continue;
    }
    const p = holder.principal;
    const mine = byHolder.get(JSON.stringify([holder.kind, p.display])) ?? [];
    const seenClusterWide = new Set<string>();
    // A namespace where the holder has no RoleBinding or scoped access policy repeats the cluster-wide rows, which
    // the loop below would drop one by one: skip it whole.
    for (const ns of scopes.filter((n) => n === ANY_NAMESPACE || analysis.hasNamespaceGrants(p, n))) {
      const scope = ns === ANY_NAMESPACE ? 'cluster-wide' : `namespace ${ns}`;
      for (const row of accessMatrix(analysis, p, ns, resources)) {
        const verbs = REQUEST_VERBS.filter((v) => row.verbs[v]);
        const name = resourceName(row);
        // Cluster-scoped resources and grants that hold everywhere are shown once, in the cluster-wide scope.
        if (!verbs.length || (ns !== ANY_NAMESPACE && (!row.namespaced || seenClusterWide.has(`${name} ${verbs.join()}`)))) continue;
        if (ns === ANY_NAMESPACE) seenClusterWide.add(`${name} ${verbs.join()}`);
        const risks = mine
          .filter((f) => f.scope === 'cluster-wide' || f.scope === scope)
          .filter((f) => {
            const rs = riskResources(f.risk);
            return rs.has('*') || rs.has(name);
          })
          .map((f) => f.risk);
        rows.push({ principal: p.display, kind: holder.kind, user: p.user.name, groups: p.user.groups, scope, resource: name, verbs, risks: [...new Set(risks)] });
      }
    }
  }
  onProgress?.({ phase: 'access of each principal', done: holders.length, total: holders.length });
  return {
    generatedAt: now.toISOString(),
    inputs: analysis.sources.files,
    bootstrap: `${BOOTSTRAP_POLICY_SOURCE.module}@${BOOTSTRAP_POLICY_SOURCE.version}`,
    verbs: REQUEST_VERBS,
    // Grouped by principal (stable: each principal keeps cluster-wide first, then its namespaces).
    rows: [...rows].sort((a, b) => a.principal.localeCompare(b.principal) || a.kind.localeCompare(b.kind)),
    rowsOmitted,
    principals: principals.sort((a, b) => a.principal.localeCompare(b.principal) || a.kind.localeCompare(b.kind)),
    roles: [...roles.values()].sort((a, b) => a.title.localeCompare(b.title)),
    everyone: [...everyone.values()],
    riskSummary: summarise(findings),
    riskGroups: groupFindings(findings),
    findings,
    chains: await reportChains(analysis, resolver),
    warnings: [...analysis.sources.warnings, ...resolver.mappingErrors()],
  };
}
