/**
 * The RBAC authorizer over a static set of objects: `DefaultRuleResolver.VisitRulesFor` + `RBACAuthorizer.Authorize` +
 * `SubjectAccessEvaluator.AllowedSubjects`
 * (https://github.com/kubernetes/kubernetes/blob/01aa0f3f/plugin/pkg/auth/authorizer/rbac/rbac.go,
 * https://github.com/kubernetes/kubernetes/blob/05c351a9/pkg/registry/rbac/validation/rule.go). Union-only: the answer
 * is allow or no opinion, never deny. ClusterRole aggregation is materialised once, at construction.
 */
import { materializeAggregation } from './aggregation';
import { ruleAllows } from './rule-match';
import {
  PolicyRule, RbacBinding, RbacRole, RequestAttributes, Subject, UserInfo, isResourceRequest, serviceAccountUsername,
} from './rbac-types';
import { RBAC_API_GROUP } from '../model/rbac-rule-forms';
import { SYSTEM_MASTERS } from '../../authenticator/mapper/eks-rules';

/** The binding, role and rule that allowed a request. */
export interface RbacGrant {
  readonly binding: RbacBinding;
  readonly role: RbacRole;
  readonly ruleIndex: number;
  readonly rule: PolicyRule;
  /** The binding subject that matched the user. */
  readonly subject: Subject;
}

export interface RbacDecision {
  readonly allowed: boolean;
  /** Upstream-style reason, e.g. `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to Group "z"`. */
  readonly reason: string;
  readonly grant?: RbacGrant;
  /** Resolution errors met on the way (missing roles, bad roleRef kinds); they never stop evaluation. */
  readonly errors: readonly string[];
}

/** `appliesToUser`: does one binding subject name this user? `namespace` is the binding's namespace. */
export function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || namespace;
      return ns.length > 0 && user.name === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
}

/** Index of the first subject that applies, or -1 (`appliesTo`). */
export function appliesTo(user: UserInfo, subjects: readonly Subject[], namespace: string): number {
  return subjects.findIndex((s) => appliesToUser(user, s, namespace));
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} "${s.namespace || bindingNamespace}/${s.name}"`;
  return `${s.kind} "${s.name}"`;
}

export function describeBinding(b: RbacBinding, subject?: Subject): string {
  const name = b.kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
  const to = subject ? ` to ${describeSubject(subject, b.namespace)}` : '';
  return `${b.kind} "${name}" of ${b.roleRef.kind} "${b.roleRef.name}"${to}`;
}

/** One step of a user's effective rule set in a namespace, in upstream visiting order: a granted rule, or a resolution error. */
export type RuleStep = RbacGrant | string;

/** Bindings of one scope (cluster-wide, or one namespace's RoleBindings) indexed by the subject key they name. */
interface ScopeIndex {
  readonly bindings: readonly RbacBinding[];
  /** `u:<username>` (User and ServiceAccount subjects) or `g:<group>` → binding positions, ascending. */
  readonly byKey: ReadonlyMap<string, readonly number[]>;
}

function indexScope(bindings: readonly RbacBinding[]): ScopeIndex {
  const byKey = new Map<string, number[]>();
  bindings.forEach((b, i) => {
    for (const s of b.subjects) {
      // The keys mirror appliesToUser: a User and a ServiceAccount match the user name, a Group one of the groups.
      let key: string | undefined;
      if (s.kind === 'User') key = `u:${s.name}`;
      else if (s.kind === 'Group') key = `g:${s.name}`;
      else if (s.kind === 'ServiceAccount') {
        const ns = s.namespace || b.namespace;
        if (ns.length > 0) key = `u:${serviceAccountUsername(ns, s.name)}`;
      }
      if (key === undefined) continue;
      const list = byKey.get(key) ?? [];
      if (list[list.length - 1] !== i) list.push(i);
      byKey.set(key, list);
    }
  });
  return { bindings, byKey };
}

export class RbacAuthorizer {
  /** ClusterRoles by name, aggregation materialised. */
  readonly clusterRoles: ReadonlyMap<string, RbacRole>;
  /** Roles by `namespace/name`. */
  readonly roles: ReadonlyMap<string, RbacRole>;
  readonly clusterRoleBindings: readonly RbacBinding[];
  readonly roleBindings: readonly RbacBinding[];
  /** `''` → the ClusterRoleBindings; a namespace → its RoleBindings (built once: lookups are per request). */
  private readonly scopes = new Map<string, ScopeIndex>();
  private readonly ruleSets = new WeakMap<UserInfo, Map<string, readonly RuleStep[]>>();

  constructor(roles: readonly RbacRole[], bindings: readonly RbacBinding[]) {
    const cluster = materializeAggregation(roles.filter((r) => r.kind === 'ClusterRole'));
    // Later objects replace earlier ones of the same name, as a later `kubectl apply` would.
    this.clusterRoles = new Map(cluster.map((r) => [r.name, r]));
    this.roles = new Map(roles.filter((r) => r.kind === 'Role').map((r) => [`${r.namespace}/${r.name}`, r]));
    this.clusterRoleBindings = bindings.filter((b) => b.kind === 'ClusterRoleBinding');
    this.roleBindings = bindings.filter((b) => b.kind === 'RoleBinding');
    this.scopes.set('', indexScope(this.clusterRoleBindings));
    const byNamespace = new Map<string, RbacBinding[]>();
    for (const b of this.roleBindings) byNamespace.set(b.namespace, [...(byNamespace.get(b.namespace) ?? []), b]);
    // A RoleBinding always has a namespace; one without is never selected (as before: '' means cluster scope only).
    for (const [ns, list] of byNamespace) if (ns !== '') this.scopes.set(ns, indexScope(list));
  }

  /** `GetRoleReferenceRules`: the role a binding points at, or an error string. */
  resolveRoleRef(binding: RbacBinding): RbacRole | string {
    const { kind, name } = binding.roleRef;
    if (kind === 'ClusterRole') return this.clusterRoles.get(name) ?? `clusterrole.${RBAC_API_GROUP} "${name}" not found`;
    if (kind === 'Role') return this.roles.get(`${binding.namespace}/${name}`) ?? `role.${RBAC_API_GROUP} "${name}" not found in namespace "${binding.namespace}"`;
    return `unsupported role reference kind: "${kind}"`;
  }

  /** The bindings that can apply to a request in `namespace`: all ClusterRoleBindings, then that namespace's RoleBindings. */
  bindingsFor(namespace: string): RbacBinding[] {
    const own = namespace === '' ? [] : this.scopes.get(namespace)?.bindings ?? [];
    return [...this.clusterRoleBindings, ...own];
  }

  /**
   * `VisitRulesFor`, walked as upstream walks it (every binding of the scope, `appliesTo` on each): calls `visit` for
   * every rule granted to `user` in `namespace`; stops when it returns false. Returns the resolution errors. The
   * reference for {@link ruleSteps}, which answers the same from an index.
   */
  visitRulesFor(user: UserInfo, namespace: string, visit: (g: RbacGrant) => boolean): string[] {
    const errors: string[] = [];
    for (const binding of this.bindingsFor(namespace)) {
      const i = appliesTo(user, binding.subjects, binding.namespace);
      if (i < 0) continue;
      const role = this.resolveRoleRef(binding);
      if (typeof role === 'string') {
        errors.push(`${describeBinding(binding)}: ${role}`);
        continue;
      }
      for (let r = 0; r < role.rules.length; r++) {
        if (!visit({ binding, role, ruleIndex: r, rule: role.rules[r], subject: binding.subjects[i] })) return errors;
      }
    }
    return errors;
  }

  /** The steps of one scope for a user: only the bindings naming the user or one of its groups are looked at. */
  private scopeSteps(user: UserInfo, scope: string): readonly RuleStep[] {
    const index = this.scopes.get(scope);
    if (!index) return [];
    const positions = new Set<number>(index.byKey.get(`u:${user.name}`) ?? []);
    for (const g of user.groups) for (const i of index.byKey.get(`g:${g}`) ?? []) positions.add(i);
    const steps: RuleStep[] = [];
    for (const p of [...positions].sort((a, b) => a - b)) {
      const binding = index.bindings[p];
      const i = appliesTo(user, binding.subjects, binding.namespace);
      if (i < 0) continue;
      const role = this.resolveRoleRef(binding);
      if (typeof role === 'string') {
        steps.push(`${describeBinding(binding)}: ${role}`);
        continue;
      }
      role.rules.forEach((rule, ruleIndex) => steps.push({ binding, role, ruleIndex, rule, subject: binding.subjects[i] }));
    }
    return steps;
  }

  private cachedSteps(user: UserInfo, scope: string): readonly RuleStep[] {
    // Keyed by the UserInfo object: callers hold one per principal and ask about it many times (report, risks). A
    // string key of name and groups cost more than the lookup it saved.
    let perScope = this.ruleSets.get(user);
    if (!perScope) {
      perScope = new Map();
      this.ruleSets.set(user, perScope);
    }
    let steps = perScope.get(scope);
    if (!steps) {
      steps = this.scopeSteps(user, scope);
      perScope.set(scope, steps);
    }
    return steps;
  }

  /**
   * The user's effective rule set in `namespace` (`''` = cluster-wide rules only), in `VisitRulesFor` order, computed
   * once per (user, namespace) and kept: every verb and resource is then answered from it, instead of walking every
   * binding of the cluster per question.
   */
  ruleSteps(user: UserInfo, namespace: string): readonly RuleStep[] {
    const cluster = this.cachedSteps(user, '');
    if (namespace === '' || !this.scopes.has(namespace)) return cluster;
    const own = this.cachedSteps(user, namespace);
    return own.length ? [...cluster, ...own] : cluster;
  }

  /** True when RoleBindings of `namespace` name the user (or its groups): its rules there differ from cluster-wide. */
  hasNamespaceSteps(user: UserInfo, namespace: string): boolean {
    const index = namespace === '' ? undefined : this.scopes.get(namespace);
    if (!index) return false;
    // Most (user, namespace) pairs have no binding naming the user or its groups: answered from the index (the keys
    // scopeSteps looks up) without building and keeping an empty rule set — `risks` asks 3,000 principals × 100
    // namespaces.
    if (!index.byKey.has(`u:${user.name}`) && !user.groups.some((g) => index.byKey.has(`g:${g}`))) return false;
    return this.cachedSteps(user, namespace).length > 0;
  }

  /** Every binding, cluster-wide then per namespace, that names the user or one of its groups, with the subject that matched. */
  bindingsNaming(user: UserInfo): { binding: RbacBinding; subject: Subject }[] {
    const out: { binding: RbacBinding; subject: Subject }[] = [];
    for (const index of this.scopes.values()) {
      const positions = new Set<number>(index.byKey.get(`u:${user.name}`) ?? []);
      for (const g of user.groups) for (const i of index.byKey.get(`g:${g}`) ?? []) positions.add(i);
      for (const p of [...positions].sort((a, b) => a - b)) {
        const binding = index.bindings[p];
        const i = appliesTo(user, binding.subjects, binding.namespace);
        if (i >= 0) out.push({ binding, subject: binding.subjects[i] });
      }
    }
    return out;
  }

  /** `RulesFor`: the effective rules of a user in a namespace (`''` = cluster-wide rules only). */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    for (const s of this.ruleSteps(user, namespace)) {
      if (typeof s === 'string') errors.push(s);
      else rules.push(s.rule);
    }
    return { rules, errors };
  }

  authorize(user: UserInfo, request: RequestAttributes): RbacDecision {
    const namespace = isResourceRequest(request) ? request.namespace : '';
    let grant: RbacGrant | undefined;
    const errors: string[] = [];
    for (const s of this.ruleSteps(user, namespace)) {
      if (typeof s === 'string') {
        errors.push(s);
      } else if (ruleAllows(request, s.rule)) {
        grant = s;
        break;
      }
    }
    return decision(grant, errors);
  }

  /** {@link authorize} the way upstream walks it (every binding, per request): the reference the index is tested against. */
  authorizeUnindexed(user: UserInfo, request: RequestAttributes): RbacDecision {
    const namespace = isResourceRequest(request) ? request.namespace : '';
    let grant: RbacGrant | undefined;
    const errors = this.visitRulesFor(user, namespace, (g) => {
      if (!ruleAllows(request, g.rule)) return true;
      grant = g;
      return false;
    });
    return decision(grant, errors);
  }

  /**
   * `AllowedSubjects`: every subject of every binding whose role allows the request (duplicates kept, as upstream
   * returns them), preceded by `system:masters` and the optional super-user.
   */
  allowedSubjects(request: RequestAttributes, superUser = ''): Subject[] {
    const subjects: Subject[] = [{ kind: 'Group', apiGroup: RBAC_API_GROUP, name: SYSTEM_MASTERS }];
    if (superUser) subjects.push({ kind: 'User', apiGroup: RBAC_API_GROUP, name: superUser });
    for (const binding of this.bindingsFor(isResourceRequest(request) ? request.namespace : '')) {
      const role = this.resolveRoleRef(binding);
      if (typeof role !== 'string' && role.rules.some((r) => ruleAllows(request, r))) subjects.push(...binding.subjects);
    }
    return subjects;
  }
}

function decision(grant: RbacGrant | undefined, errors: string[]): RbacDecision {
  if (grant) {
    return { allowed: true, reason: `RBAC: allowed by ${describeBinding(grant.binding, grant.subject)}`, grant, errors };
  }
  const reason = errors.length ? `RBAC: no rule allows this; errors: ${errors.join('; ')}` : 'RBAC: no rule allows this';
  return { allowed: false, reason, errors };
}
