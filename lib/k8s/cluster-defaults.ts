/**
 * Names of the RBAC roles every cluster has (the bootstrap policy the API server reconciles at start), so a binding
 * to them is not reported as dangling. Read from the vendored bootstrap policy (lib/data) that the analysis uses too.
 */
import bootstrap from '../data/bootstrap-policy.json';

type Named = { metadata: { name: string; namespace?: string } };

/**
 * The four user-facing default ClusterRoles
 * (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles).
 */
export enum BuiltInClusterRole {
  /** Read most namespaced objects, not secrets. */
  VIEW = 'view',
  /** view + write workloads, read secrets. */
  EDIT = 'edit',
  /** edit + manage Roles/RoleBindings of a namespace. */
  ADMIN = 'admin',
  /** Everything, cluster-wide. */
  CLUSTER_ADMIN = 'cluster-admin',
}

/** Every default ClusterRole name (bootstrap cluster and controller roles). */
export const DEFAULT_CLUSTER_ROLES: ReadonlySet<string> = new Set(
  [...(bootstrap.clusterRoles as Named[]), ...(bootstrap.controllerRoles as Named[])].map((r) => r.metadata.name),
);

/** Every default namespaced Role as `namespace/name`. */
export const DEFAULT_ROLES: ReadonlySet<string> = new Set(
  (bootstrap.namespaceRoles as Named[]).map((r) => `${r.metadata.namespace}/${r.metadata.name}`),
);

type RuleDoc = { apiGroups?: string[]; resources?: string[]; verbs: string[] };

/**
 * The rules Kubernetes' `view` ClusterRole aggregates at the pinned release (its `system:aggregate-to-view` part, in
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go): read-only on namespaced objects, no Secrets, no
 * exec/attach/port-forward/proxy, no token requests.
 */
export function viewRules(): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const role = (bootstrap.clusterRoles as (Named & { rules?: RuleDoc[] | null })[]).find((r) => r.metadata.name === 'system:aggregate-to-view');
  if (!role?.rules) throw new Error('the vendored bootstrap policy has no system:aggregate-to-view ClusterRole');
  return role.rules.map((r) => ({ apiGroups: [...(r.apiGroups ?? [])], resources: [...(r.resources ?? [])], verbs: [...r.verbs] }));
}
