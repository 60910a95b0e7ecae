import { RbacAuthorizer } from '../../../lib/analysis/rbac-authorizer';
import { bootstrapObjects } from '../../../lib/analysis/bootstrap-policy';
import { splitRbac } from '../../../lib/analysis/rbac-from-objects';
import type { KubeObject } from '../../../lib/analysis/normalize';
import type { RequestAttributes } from '../../../lib/analysis/rbac-types';
import type { AccessCase } from './random-rbac';

/** The offline evaluator over the Kubernetes bootstrap policy plus `objects`, as a real cluster would hold them. */
export function offlineAuthorizer(objects: readonly object[]): RbacAuthorizer {
  const { roles, bindings } = splitRbac([...bootstrapObjects(), ...objects.map((o) => ({ object: o as KubeObject, origin: 'e2e' }))]);
  return new RbacAuthorizer(roles, bindings);
}

export function requestAttributes(c: AccessCase): RequestAttributes {
  if (!c.resource) return { verb: c.verb, path: c.nonResourcePath ?? '' };
  return {
    verb: c.verb,
    apiGroup: c.resource.group,
    resource: c.resource.resource,
    subresource: c.resource.subresource ?? '',
    name: c.resource.name ?? '',
    namespace: c.resource.namespace,
  };
}

/** The evaluator's answer for `c`, with exactly the user and groups a SubjectAccessReview carries. */
export function offlineAllowed(authorizer: RbacAuthorizer, c: AccessCase): boolean {
  return authorizer.authorize({ name: c.user, groups: c.groups }, requestAttributes(c)).allowed;
}
