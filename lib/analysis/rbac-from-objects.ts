/** Builds an `RbacAuthorizer` from parsed Kubernetes objects, ignoring every kind that is not RBAC. */
import type { StackEnvironment } from './access-entries';
import { KubeObject, isRbacBindingObject, isRbacRoleObject, normalizeBinding, normalizeRole } from './normalize';
import { RbacAuthorizer } from './rbac-authorizer';
import { RbacBinding, RbacRole } from './rbac-types';

/** An object plus where it was read from (shown in explanations and errors). */
export interface SourcedObject {
  readonly object: KubeObject;
  readonly origin?: string;
  /**
   * The cluster a template applies it to (the resolved `ClusterName` of its `Custom::AWSCDK-EKS-KubernetesResource`);
   * absent for a manifest file, which names no cluster.
   */
  readonly clusterName?: string;
  /** The account and region of the stack that applies it, when the stack has them. */
  readonly stackEnvironment?: StackEnvironment;
}

export function splitRbac(objects: readonly SourcedObject[]): { roles: RbacRole[]; bindings: RbacBinding[] } {
  const roles: RbacRole[] = [];
  const bindings: RbacBinding[] = [];
  for (const { object, origin } of objects) {
    if (isRbacRoleObject(object)) roles.push(normalizeRole(object, origin));
    else if (isRbacBindingObject(object)) bindings.push(normalizeBinding(object, origin));
  }
  return { roles, bindings };
}

export function rbacFromObjects(objects: readonly KubeObject[]): RbacAuthorizer {
  const { roles, bindings } = splitRbac(objects.map((object) => ({ object })));
  return new RbacAuthorizer(roles, bindings);
}
