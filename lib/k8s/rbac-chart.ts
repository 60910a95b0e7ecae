/**
 * A cdk8s chart of RBAC objects with the guarantees cdk8s-plus-28 lacks
 * (https://github.com/cdk8s-team/cdk8s-plus/blob/k8s-28/main/src/role.ts,
 * https://github.com/cdk8s-team/cdk8s-plus/blob/k8s-28/main/src/role-binding.ts): every object has an explicit, stable
 * name; cluster-scoped objects carry no namespace (the chart has none, every namespaced object names its own);
 * aggregated ClusterRoles take several OR-ed selectors and emit no `rules` key; several bindings of one role are fine;
 * and a binding whose role exists neither in the chart, nor in the cluster defaults, nor in `externalRoles` fails
 * synthesis with the binding's construct path.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NAMESPACE_NAME } from '../model/rbac-vocabulary';
import { RuleError } from '../model/rule-error';

const RBAC_NAME_RULE = 'eks-access:rbac-name';
const RBAC_NAMESPACE_RULE = 'eks-access:rbac-namespace';
const RBAC_BINDING_SUBJECTS_RULE = 'eks-access:rbac-binding-subjects';
/** The shape of a policy rule (`ruleProblems`): verbs, apiGroups/resources, nonResourceUrls, resourceNames. */
const RBAC_RULE_SHAPE_RULE = 'eks-access:rbac-rule';
const RBAC_ROLE_RULES_RULE = 'eks-access:rbac-role-rules';
const RBAC_AGGREGATION_RULE = 'eks-access:rbac-aggregation';
const RBAC_DUPLICATE_OBJECT_RULE = 'eks-access:rbac-duplicate-object';
/** Reported by the chart's validation (cdk8s collects it at synth), not thrown: a binding's role must exist by then. */
const RBAC_ROLE_REF_RULE = 'eks-access:rbac-role-ref';
import { DEFAULT_CLUSTER_ROLES, DEFAULT_ROLES } from './cluster-defaults';
import { ruleProblems, toPolicyRule } from './rbac-rule-synth';
import { checkLabels, checkRuleVocabulary } from './rbac-vocabulary-checks';
import { RbacSubject } from './rbac-subject';
import { RBAC_API_GROUP, type RbacRule } from '../model/rbac-rule-forms';


/** Kind of the role a binding refers to. */
export enum RoleKind {
  ROLE = 'Role',
  CLUSTER_ROLE = 'ClusterRole',
}

export interface RbacChartProps {
  /** Labels added to every object. @default - none */
  readonly labels?: Record<string, string>;
  /** ClusterRoles created outside this chart that bindings may refer to (besides the cluster defaults). @default - none */
  readonly externalClusterRoles?: string[];
  /** Roles created outside this chart, as `namespace/name`. @default - none */
  readonly externalRoles?: string[];
}

export interface RbacRoleProps {
  /** metadata.name. */
  readonly name: string;
  readonly namespace: string;
  /** At least one rule. */
  readonly rules: RbacRule[];
  /** @default - none */
  readonly labels?: Record<string, string>;
}

export interface RbacClusterRoleProps {
  /** metadata.name. */
  readonly name: string;
  /** Rules; must be empty when `aggregationSelectors` is set (the aggregation controller owns them). @default - none */
  readonly rules?: RbacRule[];
  /**
   * Makes this an aggregated ClusterRole: it gets the rules of every ClusterRole matching ANY of these label sets
   * (each set is AND-ed, the sets are OR-ed). @default - not aggregated
   */
  readonly aggregationSelectors?: Record<string, string>[];
  /** Labels, e.g. `rbac.authorization.k8s.io/aggregate-to-view: "true"` to feed a default role. @default - none */
  readonly labels?: Record<string, string>;
}

export interface RbacRoleBindingProps {
  /** metadata.name. */
  readonly name: string;
  readonly namespace: string;
  /** The bound role's name (a ClusterRole such as `view`, or a Role in `namespace`). */
  readonly roleName: string;
  /** @default RoleKind.ROLE */
  readonly roleKind?: RoleKind;
  /** At least one subject. */
  readonly subjects: RbacSubject[];
  /** @default - none */
  readonly labels?: Record<string, string>;
}

export interface RbacClusterRoleBindingProps {
  /** metadata.name. */
  readonly name: string;
  /** The bound ClusterRole. */
  readonly clusterRoleName: string;
  /** At least one subject. */
  readonly subjects: RbacSubject[];
  /** @default - none */
  readonly labels?: Record<string, string>;
}

/** What the cross-reference check needs to know about a binding. */
interface BindingRecord {
  readonly path: string;
  readonly namespace?: string;
  readonly roleKind: RoleKind;
  readonly roleName: string;
}

/** RBAC path-segment names (ValidateRBACName): not `.`/`..`, no `/` or `%`. */
function checkRbacName(path: string, what: string, name: string): void {
  if (!name || name === '.' || name === '..' || /[/%]/.test(name) || name.length > 253) {
    throw new RuleError(RBAC_NAME_RULE, path, `${what} "${name}" is not a valid RBAC name (1–253 characters, not "." or "..", no "/" or "%")`);
  }
}

/** Namespace names are DNS labels. */
export function checkNamespace(path: string, namespace: string): void {
  if (!NAMESPACE_NAME.test(namespace ?? '')) {
    throw new RuleError(RBAC_NAMESPACE_RULE, path, `namespace "${namespace}" is not a valid namespace name (a DNS label such as "team-a")`);
  }
}

function checkSubjects(path: string, subjects: RbacSubject[]): k8s.Subject[] {
  if (!subjects || subjects.length === 0) throw new RuleError(RBAC_BINDING_SUBJECTS_RULE, path, `a binding needs at least one subject (RbacSubject.user/group/serviceAccount)`);
  const seen = new Set<string>();
  return subjects.filter((s) => !seen.has(s.key) && seen.add(s.key)).map((s) => s.toSubject());
}

function throwIfProblems(path: string, rules: RbacRule[], namespaced: boolean): void {
  const found = rules.map((r, i) => ({ where: `${path} rules[${i}]`, problems: ruleProblems(r, `${path} rules[${i}]`, namespaced) }))
    .filter((f) => f.problems.length > 0);
  if (found.length > 0) {
    // Every problem of every rule, one per line, each starting with its rule's path; the first one is the error's path.
    const { where } = found[0];
    throw new RuleError(RBAC_RULE_SHAPE_RULE, where, found.flatMap((f) => f.problems).join('\n').slice(where.length + 2));
  }
  rules.forEach((r, i) => checkRuleVocabulary(r, `${path} rules[${i}]`));
}

export class RbacChart extends Chart {
  private readonly clusterRoles = new Set<string>();
  private readonly roles = new Set<string>();
  private readonly objectKeys = new Set<string>();
  private readonly bindings: BindingRecord[] = [];
  private readonly externalClusterRoles: ReadonlySet<string>;
  private readonly externalRoles: ReadonlySet<string>;

  constructor(scope: Construct, id: string, props: RbacChartProps = {}) {
    // No chart namespace: cdk8s would copy it onto cluster-scoped objects
    // (https://github.com/cdk8s-team/cdk8s/issues/1558).
    super(scope, id, { labels: props.labels, disableResourceNameHashes: true });
    this.externalClusterRoles = new Set(props.externalClusterRoles ?? []);
    this.externalRoles = new Set(props.externalRoles ?? []);
    this.node.addValidation({ validate: () => this.danglingBindings() });
  }

  /** A namespaced Role. */
  public addRole(id: string, props: RbacRoleProps): k8s.KubeRole {
    const path = `${this.node.path}/${id}`;
    checkRbacName(path, 'Role name', props.name);
    checkNamespace(path, props.namespace);
    if (!props.rules || props.rules.length === 0) throw new RuleError(RBAC_ROLE_RULES_RULE, path, 'a Role needs at least one rule');
    throwIfProblems(path, props.rules, true);
    this.claim(path, `Role ${props.namespace}/${props.name}`);
    this.roles.add(`${props.namespace}/${props.name}`);
    return new k8s.KubeRole(this, id, {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      rules: props.rules.map(toPolicyRule),
    });
  }

  /** A ClusterRole, plain or aggregated. */
  public addClusterRole(id: string, props: RbacClusterRoleProps): k8s.KubeClusterRole {
    const path = `${this.node.path}/${id}`;
    checkRbacName(path, 'ClusterRole name', props.name);
    const rules = props.rules ?? [];
    const selectors = props.aggregationSelectors;
    if (selectors !== undefined) {
      if (selectors.length === 0 || selectors.some((s) => Object.keys(s).length === 0)) {
        throw new RuleError(RBAC_AGGREGATION_RULE, path, `aggregationSelectors needs at least one non-empty label set (an empty selector would match every ClusterRole)`);
      }
      selectors.forEach((s, i) => checkLabels(s, `${path} aggregationSelectors[${i}]`));
      if (rules.length > 0) {
        throw new RuleError(RBAC_AGGREGATION_RULE, path, `an aggregated ClusterRole cannot have its own rules (the aggregation controller replaces them); put them in a ClusterRole it selects`);
      }
    } else if (rules.length === 0) {
      throw new RuleError(RBAC_ROLE_RULES_RULE, path, 'a ClusterRole needs rules or aggregationSelectors');
    }
    throwIfProblems(path, rules, false);
    checkLabels(props.labels, `${path} labels`);
    this.claim(path, `ClusterRole ${props.name}`);
    this.clusterRoles.add(props.name);
    return new k8s.KubeClusterRole(this, id, {
      metadata: { name: props.name, labels: props.labels },
      // No `rules: []` on an aggregated role: it would fight the controller under SSA/GitOps
      // (https://github.com/kubernetes/kubernetes/issues/73050).
      rules: selectors ? undefined : rules.map(toPolicyRule),
      aggregationRule: selectors ? { clusterRoleSelectors: selectors.map((matchLabels) => ({ matchLabels: { ...matchLabels } })) } : undefined,
    });
  }

  /** A RoleBinding to a Role of its namespace or to a ClusterRole (granted within the namespace only). */
  public addRoleBinding(id: string, props: RbacRoleBindingProps): k8s.KubeRoleBinding {
    const path = `${this.node.path}/${id}`;
    checkRbacName(path, 'RoleBinding name', props.name);
    checkNamespace(path, props.namespace);
    checkRbacName(path, 'roleName', props.roleName);
    const subjects = checkSubjects(path, props.subjects);
    const roleKind = props.roleKind ?? RoleKind.ROLE;
    this.claim(path, `RoleBinding ${props.namespace}/${props.name}`);
    this.bindings.push({ path, namespace: props.namespace, roleKind, roleName: props.roleName });
    return new k8s.KubeRoleBinding(this, id, {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: roleKind, name: props.roleName },
      subjects,
    });
  }

  /** A ClusterRoleBinding (grants the ClusterRole in every namespace and cluster-wide). */
  public addClusterRoleBinding(id: string, props: RbacClusterRoleBindingProps): k8s.KubeClusterRoleBinding {
    const path = `${this.node.path}/${id}`;
    checkRbacName(path, 'ClusterRoleBinding name', props.name);
    checkRbacName(path, 'clusterRoleName', props.clusterRoleName);
    const subjects = checkSubjects(path, props.subjects);
    this.claim(path, `ClusterRoleBinding ${props.name}`);
    this.bindings.push({ path, roleKind: RoleKind.CLUSTER_ROLE, roleName: props.clusterRoleName });
    return new k8s.KubeClusterRoleBinding(this, id, {
      metadata: { name: props.name, labels: props.labels },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: RoleKind.CLUSTER_ROLE, name: props.clusterRoleName },
      subjects,
    });
  }

  /** True if a ClusterRole of this name is in the chart, the cluster defaults or the declared external roles. */
  public hasClusterRole(name: string): boolean {
    return this.clusterRoles.has(name) || DEFAULT_CLUSTER_ROLES.has(name) || this.externalClusterRoles.has(name);
  }

  private hasRole(namespace: string, name: string): boolean {
    const key = `${namespace}/${name}`;
    return this.roles.has(key) || DEFAULT_ROLES.has(key) || this.externalRoles.has(key);
  }

  /** Two objects of one kind, namespace and name would overwrite each other on apply. */
  private claim(path: string, key: string): void {
    if (this.objectKeys.has(key)) throw new RuleError(RBAC_DUPLICATE_OBJECT_RULE, path, `${key} is already defined in this chart; names must be unique per kind and namespace`);
    this.objectKeys.add(key);
  }

  private danglingBindings(): string[] {
    return this.bindings.flatMap((b) => {
      if (b.roleKind === RoleKind.CLUSTER_ROLE && !this.hasClusterRole(b.roleName)) {
        return [`${b.path}: binds ClusterRole "${b.roleName}", which is neither in this chart nor a cluster default; add it with addClusterRole or list it in externalClusterRoles [${RBAC_ROLE_REF_RULE}]`];
      }
      if (b.roleKind === RoleKind.ROLE && !this.hasRole(b.namespace!, b.roleName)) {
        return [`${b.path}: binds Role "${b.namespace}/${b.roleName}", which is not in this chart (a RoleBinding can only use a Role of its own namespace); add it with addRole or list it in externalRoles [${RBAC_ROLE_REF_RULE}]`];
      }
      return [];
    });
  }
}
