/**
 * An access matrix for one principal, like `kubectl access-matrix` (rakkess) but offline: every resource the roles
 * in scope name (built-in and from the inputs) × the standard verbs. Namespaced resources are checked in the given
 * namespace (`''` = cluster-wide grants only), cluster-scoped ones at cluster scope.
 */
import { AccessAnalysis, AnalysedPrincipal } from './access-analysis';
import { apiGroupMatches, resourceMatches, resourceNameMatches } from './rule-match';
import { PolicyRule } from './rbac-types';
import { isClusterScoped } from './resource-catalogue';
import { REQUEST_VERBS } from '../model/rbac-vocabulary';

export interface ResourceRef {
  readonly apiGroup: string;
  /** May include a subresource: `pods/exec`. */
  readonly resource: string;
}

export interface MatrixRow extends ResourceRef {
  readonly namespaced: boolean;
  readonly verbs: Readonly<Record<string, boolean>>;
}

/** `resource.group` as kubectl prints it (`deployments.apps`, `pods`). */
export function resourceName(r: ResourceRef): string {
  const [base, ...sub] = r.resource.split('/');
  return `${base}${r.apiGroup ? `.${r.apiGroup}` : ''}${sub.length ? `/${sub.join('/')}` : ''}`;
}

/** Every explicit (group, resource) pair in any role, sorted by name; wildcards are not resources. */
export function knownResources(analysis: AccessAnalysis): ResourceRef[] {
  const seen = new Map<string, ResourceRef>();
  const roles = [...analysis.rbac.clusterRoles.values(), ...analysis.rbac.roles.values()];
  for (const role of roles) {
    for (const rule of role.rules) {
      for (const g of rule.apiGroups) {
        if (g === '*') continue;
        for (const r of rule.resources) {
          if (r.startsWith('*')) continue;
          const ref = { apiGroup: g, resource: r };
          seen.set(resourceName(ref), ref);
        }
      }
    }
  }
  return [...seen.values()].sort((a, b) => resourceName(a).localeCompare(resourceName(b)));
}

/** Bit `i` = `REQUEST_VERBS[i]`. */
const ALL_VERBS = (1 << REQUEST_VERBS.length) - 1;

function verbMask(rule: PolicyRule): number {
  if (rule.verbs.includes('*')) return ALL_VERBS;
  let mask = 0;
  REQUEST_VERBS.forEach((v, i) => {
    if (rule.verbs.includes(v)) mask |= 1 << i;
  });
  return mask;
}

/**
 * What one rule grants over a list of resources, as (resource position, verb mask) pairs: the resource half of
 * `RuleAllows` (group, resource or `*\/sub`, and a request without a name) evaluated once per rule and resource
 * list, so a matrix is the OR of its rules' masks instead of one authorize call per resource × verb.
 */
const ruleHits = new WeakMap<PolicyRule, { resources: readonly ResourceRef[]; hits: Array<[number, number]> }>();

function hitsOf(rule: PolicyRule, resources: readonly ResourceRef[]): Array<[number, number]> {
  const cached = ruleHits.get(rule);
  if (cached && cached.resources === resources) return cached.hits;
  const hits: Array<[number, number]> = [];
  const verbs = verbMask(rule);
  if (verbs !== 0 && rule.resources.length > 0 && resourceNameMatches(rule, '')) {
    resources.forEach((ref, i) => {
      // Split and re-joined exactly as accessMatrixPerVerb builds its request (`pods/` has no subresource).
      const [base, ...rest] = ref.resource.split('/');
      const sub = rest.join('/');
      if (apiGroupMatches(rule, ref.apiGroup) && resourceMatches(rule, sub ? `${base}/${sub}` : base, sub)) hits.push([i, verbs]);
    });
  }
  ruleHits.set(rule, { resources, hits });
  return hits;
}

/** The verbs `rules` allow on each resource, as masks (see {@link hitsOf}). */
function masksOf(rules: readonly PolicyRule[], resources: readonly ResourceRef[]): Uint16Array {
  const masks = new Uint16Array(resources.length);
  for (const rule of rules) for (const [i, m] of hitsOf(rule, resources)) masks[i] |= m;
  return masks;
}

/**
 * The principal's matrix in `namespace`. Answers exactly what `analysis.decide` answers for each cell (the
 * differential test checks it), from the principal's effective rules in the namespace and cluster-wide, each
 * computed once.
 */
export function accessMatrix(analysis: AccessAnalysis, principal: AnalysedPrincipal, namespace: string, resources = knownResources(analysis)): MatrixRow[] {
  const clusterMasks = masksOf(analysis.effectiveRules(principal, ''), resources);
  const namespaceMasks = namespace === '' ? clusterMasks : masksOf(analysis.effectiveRules(principal, namespace), resources);
  return resources.map((ref, i) => {
    const namespaced = !isClusterScoped(ref.resource.split('/')[0]);
    const mask = namespaced ? namespaceMasks[i] : clusterMasks[i];
    const verbs: Record<string, boolean> = {};
    REQUEST_VERBS.forEach((verb, v) => {
      verbs[verb] = (mask & (1 << v)) !== 0;
    });
    return { ...ref, namespaced, verbs };
  });
}

/** {@link accessMatrix} as one `decide` call per resource × verb: the reference the mask path is tested against. */
export function accessMatrixPerVerb(analysis: AccessAnalysis, principal: AnalysedPrincipal, namespace: string, resources = knownResources(analysis)): MatrixRow[] {
  return resources.map((ref) => {
    const [base, ...sub] = ref.resource.split('/');
    const namespaced = !isClusterScoped(base);
    const verbs: Record<string, boolean> = {};
    for (const verb of REQUEST_VERBS) {
      verbs[verb] = analysis.decide(principal, {
        verb, apiGroup: ref.apiGroup, resource: base, subresource: sub.join('/'), name: '', namespace: namespaced ? namespace : '',
      }).allowed;
    }
    return { ...ref, namespaced, verbs };
  });
}
