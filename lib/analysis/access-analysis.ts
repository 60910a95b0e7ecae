/**
 * The whole offline chain in one object: the objects read from `--from` paths plus the pinned bootstrap policy, the
 * EKS access entries with their access policies, and the RBAC authorizer. Answers "may this principal do that"
 * (with the binding, role and rule or access policy that allowed it) and "who may do that".
 */
import { AccessEntryRecord, AccessPolicyAssociation } from './access-entries';
import { bootstrapObjects } from './bootstrap-policy';
import { AccessPolicyDefinition, accessPolicies, accessPolicyName, namespaceInScope } from './eks-access-policies';
import { AccessSources, LoadOptions, loadSources } from './inputs/load-sources';
import { RbacAuthorizer, RbacGrant, describeBinding } from './rbac-authorizer';
import { splitRbac } from './rbac-from-objects';
import { ruleAllows } from './rule-match';
import { PolicyRule, RequestAttributes, Subject, UserInfo, isResourceRequest } from './rbac-types';

/** An access policy association that allowed a request. */
export interface AccessPolicyGrant {
  readonly entry: AccessEntryRecord;
  readonly association: AccessPolicyAssociation;
  readonly policyName: string;
  readonly ruleIndex: number;
  readonly rule: PolicyRule;
}

export type AccessGrant = { readonly kind: 'rbac'; readonly rbac: RbacGrant } | { readonly kind: 'access-policy'; readonly policy: AccessPolicyGrant };

/** Someone whose access is analysed: a Kubernetes user, optionally reached from an IAM principal. */
export interface AnalysedPrincipal {
  /** What to show: the IAM ARN, or the Kubernetes user name. */
  readonly display: string;
  readonly user: UserInfo;
  /** The access entry the identity authenticated through (its access policies then apply). */
  readonly accessEntry?: AccessEntryRecord;
  /** How the IAM principal was mapped, e.g. `access entry cdk.out/x.template.json#Entry` or `aws-auth mapRoles[0]`. */
  readonly mappedBy?: string;
}

export interface AccessDecision {
  readonly allowed: boolean;
  readonly grant?: AccessGrant;
  /** One line: what allowed it, or why nothing did. */
  readonly reason: string;
  readonly errors: readonly string[];
}

export interface AnalysisOptions extends LoadOptions {
  /** Add the default roles and bindings of the pinned Kubernetes release (as every real cluster has). @default true */
  readonly includeBootstrap?: boolean;
}

export function describeGrant(grant: AccessGrant): string {
  if (grant.kind === 'rbac') {
    const g = grant.rbac;
    return `${describeBinding(g.binding, g.subject)}, rule ${g.ruleIndex}: ${describeRule(g.rule)}`;
  }
  const p = grant.policy;
  const scope = p.association.scope.type === 'namespace' ? `namespaces ${p.association.scope.namespaces.join(',')}` : 'cluster';
  return `EKS access policy ${p.policyName} (scope ${scope}) of access entry ${p.entry.principalArn} [${p.entry.origin}], rule ${p.ruleIndex}: ${describeRule(p.rule)}`;
}

export function describeRule(r: PolicyRule): string {
  if (r.nonResourceURLs.length && !r.resources.length) return `verbs=[${r.verbs.join(',')}] nonResourceURLs=[${r.nonResourceURLs.join(',')}]`;
  const names = r.resourceNames.length ? ` resourceNames=[${r.resourceNames.join(',')}]` : '';
  return `verbs=[${r.verbs.join(',')}] apiGroups=[${r.apiGroups.map((g) => g || '""').join(',')}] resources=[${r.resources.join(',')}]${names}`;
}

export class AccessAnalysis {
  static async load(paths: readonly string[], opts: AnalysisOptions = {}): Promise<AccessAnalysis> {
    return new AccessAnalysis(await loadSources(paths, opts), opts);
  }

  readonly rbac: RbacAuthorizer;
  /** Bindings read from the inputs (the bootstrap ones excluded). */
  readonly userBindingNames: ReadonlySet<string>;
  /** Roles read from the inputs (`kind/namespace/name`), the bootstrap ones excluded. */
  readonly userRoleNames: ReadonlySet<string>;

  constructor(readonly sources: AccessSources, opts: AnalysisOptions = {}) {
    const objects = opts.includeBootstrap === false ? sources.objects : [...bootstrapObjects(), ...sources.objects];
    const { roles, bindings } = splitRbac(objects);
    this.rbac = new RbacAuthorizer(roles, bindings);
    const fromInputs = splitRbac(sources.objects);
    this.userBindingNames = new Set(fromInputs.bindings.map(bindingKey));
    this.userRoleNames = new Set(fromInputs.roles.map(bindingKey));
  }

  get accessEntries(): readonly AccessEntryRecord[] {
    return this.sources.accessEntries;
  }

  /** The access-policy rule that allows `request` for an identity of `entry`, if any (EKS checks these before RBAC). */
  accessPolicyGrant(entry: AccessEntryRecord, request: RequestAttributes): AccessPolicyGrant | undefined {
    const namespace = isResourceRequest(request) ? request.namespace : '';
    for (const association of entry.accessPolicies) {
      const policyName = accessPolicyName(association.policyArn);
      const policy = policyName ? accessPolicies().get(policyName) : undefined;
      if (!policy) continue;
      // A namespace scope grants nothing on cluster-scoped resources or non-resource URLs, like a RoleBinding.
      if (association.scope.type === 'namespace' && (namespace === '' || !namespaceInScope(namespace, association.scope.namespaces))) continue;
      const i = policy.rules.findIndex((r) => ruleAllows(request, r));
      if (i >= 0) return { entry, association, policyName: policy.name, ruleIndex: i, rule: policy.rules[i] };
    }
    return undefined;
  }

  /** The access-policy associations of `entry` that apply in `namespace` (`''` = cluster scope), with their policy. */
  private policiesInScope(entry: AccessEntryRecord, namespace: string): AccessPolicyDefinition[] {
    const out: AccessPolicyDefinition[] = [];
    for (const association of entry.accessPolicies) {
      const policyName = accessPolicyName(association.policyArn);
      const policy = policyName ? accessPolicies().get(policyName) : undefined;
      if (!policy) continue;
      if (association.scope.type === 'namespace' && (namespace === '' || !namespaceInScope(namespace, association.scope.namespaces))) continue;
      out.push(policy);
    }
    return out;
  }

  /**
   * Every rule in effect for `principal` in `namespace` (access policies in scope, then RBAC), computed once per
   * (subject, namespace): a request is allowed exactly when one of these rules allows it ({@link decide} says which).
   */
  effectiveRules(principal: AnalysedPrincipal, namespace: string): PolicyRule[] {
    const policies = principal.accessEntry ? this.policiesInScope(principal.accessEntry, namespace).flatMap((p) => p.rules) : [];
    return [...policies, ...this.rbac.rulesFor(principal.user, namespace).rules];
  }

  /**
   * Whether `principal` holds anything in `namespace` beyond its cluster-wide rules (a RoleBinding there, or an access
   * policy scoped to it). When not, every request in that namespace is answered as cluster-wide.
   */
  hasNamespaceGrants(principal: AnalysedPrincipal, namespace: string): boolean {
    if (this.rbac.hasNamespaceSteps(principal.user, namespace)) return true;
    const entry = principal.accessEntry;
    return !!entry && entry.accessPolicies.some((a) => a.scope.type === 'namespace' && namespace !== '' && namespaceInScope(namespace, a.scope.namespaces));
  }

  decide(principal: AnalysedPrincipal, request: RequestAttributes): AccessDecision {
    const policy = principal.accessEntry ? this.accessPolicyGrant(principal.accessEntry, request) : undefined;
    if (policy) return { allowed: true, grant: { kind: 'access-policy', policy }, reason: `allowed by ${describeGrant({ kind: 'access-policy', policy })}`, errors: [] };
    const d = this.rbac.authorize(principal.user, request);
    if (d.grant) return { allowed: true, grant: { kind: 'rbac', rbac: d.grant }, reason: `allowed by ${describeGrant({ kind: 'rbac', rbac: d.grant })}`, errors: d.errors };
    const none = 'no RBAC rule or access policy allows this';
    return { allowed: false, reason: d.errors.length ? `${none} (resolution errors: ${d.errors.join('; ')})` : none, errors: d.errors };
  }

  /** Kubernetes subjects that may do `request` (bindings of the inputs and the bootstrap policy), with the binding. */
  rbacSubjectsFor(request: RequestAttributes): { subject: Subject; binding: string; fromInputs: boolean }[] {
    const rows: { subject: Subject; binding: string; fromInputs: boolean }[] = [];
    const seen = new Set<string>();
    for (const binding of this.rbac.bindingsFor(isResourceRequest(request) ? request.namespace : '')) {
      const role = this.rbac.resolveRoleRef(binding);
      if (typeof role === 'string' || !role.rules.some((r) => ruleAllows(request, r))) continue;
      for (const listed of binding.subjects) {
        // A ServiceAccount subject without namespace means the binding's namespace (appliesToUser).
        const subject = listed.kind === 'ServiceAccount' && !listed.namespace ? { ...listed, namespace: binding.namespace } : listed;
        const key = `${subject.kind}/${subject.namespace ?? ''}/${subject.name}/${bindingKey(binding)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push({ subject, binding: describeBinding(binding), fromInputs: this.userBindingNames.has(bindingKey(binding)) });
      }
    }
    return rows;
  }
}

/** `kind/namespace/name` of a role or binding. */
export function bindingKey(b: { kind: string; namespace: string; name: string }): string {
  return `${b.kind}/${b.namespace}/${b.name}`;
}
