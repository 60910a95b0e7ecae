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

export class RbacAuthorizer {
  /** ClusterRoles by name, aggregation materialised. */
  readonly clusterRoles: ReadonlyMap<string, RbacRole>;
  /** Roles by `namespace/name`. */
  readonly roles: ReadonlyMap<string, RbacRole>;
  readonly clusterRoleBindings: readonly RbacBinding[];
  readonly roleBindings: readonly RbacBinding[];

  constructor(roles: readonly RbacRole[], bindings: readonly RbacBinding[]) {
    const cluster = materializeAggregation(roles.filter((r) => r.kind === 'ClusterRole'));
    // Later objects replace earlier ones of the same name, as a later `kubectl apply` would.
    this.clusterRoles = new Map(cluster.map((r) => [r.name, r]));
    this.roles = new Map(roles.filter((r) => r.kind === 'Role').map((r) => [`${r.namespace}/${r.name}`, r]));
    this.clusterRoleBindings = bindings.filter((b) => b.kind === 'ClusterRoleBinding');
    this.roleBindings = bindings.filter((b) => b.kind === 'RoleBinding');
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
    return namespace === '' ? [...this.clusterRoleBindings] : [...this.clusterRoleBindings, ...this.roleBindings.filter((b) => b.namespace === namespace)];
  }

  /**
   * `VisitRulesFor`: calls `visit` for every rule granted to `user` in `namespace`; stops when it returns false.
   * Returns the resolution errors.
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

  /** `RulesFor`: the effective rules of a user in a namespace (`''` = cluster-wide rules only). */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors = this.visitRulesFor(user, namespace, (g) => (rules.push(g.rule), true));
    return { rules, errors };
  }

  authorize(user: UserInfo, request: RequestAttributes): RbacDecision {
    const namespace = isResourceRequest(request) ? request.namespace : '';
    let grant: RbacGrant | undefined;
    const errors = this.visitRulesFor(user, namespace, (g) => {
      if (!ruleAllows(request, g.rule)) return true;
      grant = g;
      return false;
    });
    if (grant) {
      return { allowed: true, reason: `RBAC: allowed by ${describeBinding(grant.binding, grant.subject)}`, grant, errors };
    }
    const reason = errors.length ? `RBAC: no rule allows this; errors: ${errors.join('; ')}` : 'RBAC: no rule allows this';
    return { allowed: false, reason, errors };
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
