/**
 * The default RBAC objects every kube-apiserver reconciles at start (cluster-admin, admin/edit/view and their
 * aggregation sources, system:* roles and bindings), vendored from a pinned Kubernetes release by
 * `scripts/fetch-bootstrap-policy.sh` (see lib/data/README.md), never hand-written.
 */
import data from '../data/bootstrap-policy.json';
import { KubeObject } from './normalize';
import { RbacAuthorizer } from './rbac-authorizer';
import { SourcedObject, splitRbac } from './rbac-from-objects';

export const BOOTSTRAP_POLICY_SOURCE: Readonly<{ module: string; version: string; path: string }> = data.source;

/** The bootstrap objects, each tagged with its origin (module@version:file). */
export function bootstrapObjects(): SourcedObject[] {
  const from = (list: unknown[], file: string): SourcedObject[] =>
    list.map((object) => ({ object: object as KubeObject, origin: `${data.source.module}@${data.source.version} ${file}` }));
  return [
    ...from(data.clusterRoles, 'cluster-roles.yaml'),
    ...from(data.clusterRoleBindings, 'cluster-role-bindings.yaml'),
    ...from(data.controllerRoles, 'controller-roles.yaml'),
    ...from(data.controllerRoleBindings, 'controller-role-bindings.yaml'),
    ...from(data.namespaceRoles, 'namespace-roles.yaml'),
    ...from(data.namespaceRoleBindings, 'namespace-role-bindings.yaml'),
  ];
}

/** An authorizer holding only the bootstrap policy. */
export function bootstrapAuthorizer(): RbacAuthorizer {
  const { roles, bindings } = splitRbac(bootstrapObjects());
  return new RbacAuthorizer(roles, bindings);
}
