/**
 * Who is asking: a Kubernetes user with the implicit groups authentication adds (`appliesToUser` in
 * https://github.com/kubernetes/kubernetes/blob/05c351a9/pkg/registry/rbac/validation/rule.go), as the
 * apiserver's impersonation filter builds it for `kubectl --as` (so `can-i --as` answers like `kubectl auth can-i --as`).
 */
import { UserInfo } from './rbac-types';

export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
const SA_PREFIX = 'system:serviceaccount:';

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** The user plus `system:authenticated` (or `system:unauthenticated` for anonymous) and the service-account groups. */
export function withImplicitGroups(name: string, groups: readonly string[]): UserInfo {
  const extra: string[] = [];
  if (name.startsWith(SA_PREFIX)) {
    const ns = name.slice(SA_PREFIX.length).split(':')[0];
    extra.push('system:serviceaccounts', `system:serviceaccounts:${ns}`);
  }
  extra.push(name === ANONYMOUS ? UNAUTHENTICATED : AUTHENTICATED);
  return { name, groups: unique([...groups, ...extra]) };
}
