/**
 * Finds who holds the catalogue's dangerous permissions (risk-catalogue.ts): the IAM principals of the inputs (with
 * everything their mapping gives them, access policies included) and the Kubernetes subjects the inputs bind. A
 * finding says where (cluster-wide or which namespace) and what granted it. Built-in subjects of the bootstrap policy
 * (controllers, kube-scheduler...) hold such rights by design and are not reported.
 */
import { AccessAnalysis, AnalysedPrincipal, bindingKey, describeGrant } from './access-analysis';
import { IamPrincipalResolver } from './iam-principals';
import { RbacBinding, RequestAttributes, Subject, serviceAccountUsername } from './rbac-types';
import { Probe, RISKS, RiskDefinition, SUBJECT_RISKS, Severity } from './risk-catalogue';
import { ANONYMOUS } from './subjects';
import { OnProgress } from './progress';
import { SYSTEM_MASTERS } from '../../authenticator/mapper/eks-rules';

/** A namespace no binding or scope names: what is allowed here is allowed in every namespace. */
export const ANY_NAMESPACE = '~every-namespace~';
const FULL_ACCESS = 'full-access';

export interface RiskFinding {
  readonly risk: string;
  readonly title: string;
  readonly severity: Severity;
  readonly why: string;
  readonly reference: string;
  /** `IAM principal`, `User`, `Group` or `ServiceAccount`. */
  readonly holderKind: string;
  readonly holder: string;
  /** `cluster-wide` or `namespace <ns>`. */
  readonly scope: string;
  /** The binding/role/rule or access policy that grants it. */
  readonly via: string;
}

export interface Holder {
  readonly kind: string;
  readonly principal: AnalysedPrincipal;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const BROAD_GROUPS = /^system:(authenticated|unauthenticated|serviceaccounts(:.*)?)$/;
const BROAD_USERS = new Set([ANONYMOUS]);

function subjectPrincipal(s: Subject, bindingNamespace: string): Holder {
  // A subject is judged on its own bindings: a group member's other groups are unknown, so no implicit groups here.
  if (s.kind === 'Group') return { kind: 'Group', principal: { display: s.name, user: { name: '', groups: [s.name] } } };
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace || bindingNamespace;
    return { kind: 'ServiceAccount', principal: { display: `${ns}/${s.name}`, user: { name: serviceAccountUsername(ns, s.name), groups: [] } } };
  }
  return { kind: 'User', principal: { display: s.name, user: { name: s.name, groups: [] } } };
}

/** IAM principals of the inputs plus the subjects of the inputs' own bindings, deduplicated. */
export async function riskHolders(analysis: AccessAnalysis, resolver: IamPrincipalResolver): Promise<Holder[]> {
  const holders: Holder[] = [];
  for (const arn of resolver.knownPrincipalArns()) {
    const p = await resolver.resolve(arn).catch(() => undefined);
    if (p) holders.push({ kind: 'IAM principal', principal: p });
  }
  const seen = new Set<string>();
  for (const b of inputBindings(analysis)) {
    for (const s of b.subjects) {
      const h = subjectPrincipal(s, b.namespace);
      const key = `${h.kind}/${h.principal.display}`;
      if (!seen.has(key)) {
        seen.add(key);
        holders.push(h);
      }
    }
  }
  return holders;
}

function inputBindings(analysis: AccessAnalysis): RbacBinding[] {
  return [...analysis.rbac.clusterRoleBindings, ...analysis.rbac.roleBindings].filter((b) => analysis.userBindingNames.has(bindingKey(b)));
}

/** Namespaces the inputs mention (bindings, roles, access-policy scopes), where namespace-only grants can exist. */
export function mentionedNamespaces(analysis: AccessAnalysis): string[] {
  const set = new Set<string>();
  for (const b of inputBindings(analysis)) if (b.namespace) set.add(b.namespace);
  for (const r of analysis.rbac.roles.values()) if (analysis.userRoleNames.has(bindingKey(r))) set.add(r.namespace);
  for (const e of analysis.accessEntries) for (const a of e.accessPolicies) for (const n of a.scope.namespaces) if (!n.includes('*')) set.add(n);
  return [...set].sort();
}

function request(p: Probe, namespace: string): RequestAttributes {
  return { verb: p.verb, apiGroup: p.apiGroup, resource: p.resource, subresource: p.subresource ?? '', name: p.name ?? '', namespace: p.clusterScoped ? '' : (p.namespace ?? namespace) };
}

/** The grants that make `holder` hold `risk` in `namespace`, or undefined. */
function holds(analysis: AccessAnalysis, holder: Holder, risk: RiskDefinition, namespace: string): string | undefined {
  const vias: string[] = [];
  for (const group of risk.allOf) {
    let found: string | undefined;
    for (const probe of group) {
      if (probe.namespace && namespace !== ANY_NAMESPACE && probe.namespace !== namespace) continue;
      const d = analysis.decide(holder.principal, request(probe, namespace));
      if (d.grant) {
        found = describeGrant(d.grant);
        break;
      }
    }
    if (!found) return undefined;
    vias.push(found);
  }
  return [...new Set(vias)].join(' + ');
}

export async function findRisks(analysis: AccessAnalysis, resolver: IamPrincipalResolver, onProgress?: OnProgress): Promise<RiskFinding[]> {
  const findings: RiskFinding[] = [];
  const namespaces = mentionedNamespaces(analysis);
  const add = (risk: Omit<RiskFinding, 'holderKind' | 'holder' | 'scope' | 'via'>, holder: Holder, scope: string, via: string) =>
    findings.push({ risk: risk.risk, title: risk.title, severity: risk.severity, why: risk.why, reference: risk.reference, holderKind: holder.kind, holder: holder.principal.display, scope, via });
  const holders = await riskHolders(analysis, resolver);
  for (const [done, holder] of holders.entries()) {
    onProgress?.({ phase: 'risks of each principal', done, total: holders.length });
    // Scopes where the holder has wildcard full access: it implies every other permission risk there.
    const fullAccess = new Set<string>();
    // Without a RoleBinding or access policy in a namespace, its answers are the cluster-wide ones, which did not hold:
    // skipping it changes nothing and keeps risks linear in the grants rather than in the namespaces. Asked once per
    // holder, not once per risk (it was a fifth of `risks` at 3,000 principals × 100 namespaces).
    let ownNamespaces: string[] | undefined;
    for (const risk of RISKS) {
      const base = { risk: risk.id, title: risk.title, severity: risk.severity, why: risk.why, reference: risk.reference };
      if (fullAccess.has(ANY_NAMESPACE)) break;
      const everywhere = holds(analysis, holder, risk, ANY_NAMESPACE);
      if (everywhere) {
        add(base, holder, 'cluster-wide', everywhere);
        if (risk.id === FULL_ACCESS) fullAccess.add(ANY_NAMESPACE);
        continue;
      }
      const clusterOnly = risk.allOf.every((g) => g.every((p) => p.clusterScoped));
      if (clusterOnly) continue;
      ownNamespaces ??= namespaces.filter((ns) => analysis.hasNamespaceGrants(holder.principal, ns));
      for (const ns of ownNamespaces) {
        if (fullAccess.has(ns)) continue;
        const via = holds(analysis, holder, risk, ns);
        if (via && risk.id === FULL_ACCESS) fullAccess.add(ns);
        // Namespace-limited rights are one step less severe than the same rights everywhere.
        if (via) add({ ...base, severity: risk.severity === 'critical' ? 'high' : risk.severity === 'high' ? 'medium' : risk.severity }, holder, `namespace ${ns}`, via);
      }
    }
    if (holder.principal.user.groups.includes(SYSTEM_MASTERS)) {
      const m = SUBJECT_RISKS.masters;
      add({ risk: m.id, title: m.title, severity: m.severity, why: m.why, reference: m.reference }, holder, 'cluster-wide', holder.principal.mappedBy ?? 'group system:masters');
    }
  }
  for (const b of inputBindings(analysis)) {
    for (const s of b.subjects) {
      const broad = (s.kind === 'Group' && BROAD_GROUPS.test(s.name)) || (s.kind === 'User' && BROAD_USERS.has(s.name));
      const r = SUBJECT_RISKS.broadSubject;
      if (broad) add({ risk: r.id, title: r.title, severity: r.severity, why: r.why, reference: r.reference }, subjectPrincipal(s, b.namespace), b.namespace ? `namespace ${b.namespace}` : 'cluster-wide', `${b.kind} "${b.name}" of ${b.roleRef.kind} "${b.roleRef.name}"${b.origin ? ` [${b.origin}]` : ''}`);
      if (s.kind === 'Group' && s.name === SYSTEM_MASTERS) {
        const m = SUBJECT_RISKS.masters;
        add({ risk: m.id, title: m.title, severity: m.severity, why: m.why, reference: m.reference }, subjectPrincipal(s, b.namespace), 'cluster-wide', `${b.kind} "${b.name}" binds system:masters`);
      }
    }
    const role = analysis.rbac.resolveRoleRef(b);
    if (typeof role === 'string') {
      const r = SUBJECT_RISKS.missingRole;
      for (const s of b.subjects) add({ risk: r.id, title: r.title, severity: r.severity, why: r.why, reference: r.reference }, subjectPrincipal(s, b.namespace), b.namespace ? `namespace ${b.namespace}` : 'cluster-wide', `${b.kind} "${b.name}": ${role}`);
    }
  }
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.risk.localeCompare(b.risk) || a.holder.localeCompare(b.holder));
}

