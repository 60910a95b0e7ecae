/**
 * An access matrix for one principal, like `kubectl access-matrix` (rakkess) but offline: every resource the roles
 * in scope name (built-in and from the inputs) × the standard verbs. Namespaced resources are checked in the given
 * namespace (`''` = cluster-wide grants only), cluster-scoped ones at cluster scope.
 */
import { AccessAnalysis, AnalysedPrincipal } from './access-analysis';
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

export function accessMatrix(analysis: AccessAnalysis, principal: AnalysedPrincipal, namespace: string, resources = knownResources(analysis)): MatrixRow[] {
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
