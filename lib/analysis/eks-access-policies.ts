/**
 * EKS access policies as RBAC rules (iac-anchors §1.4). EKS evaluates them in its own authorizer, before RBAC, for
 * identities that authenticated through an access entry; they only ever allow. The four upstream-equivalent policies
 * are taken from the pinned bootstrap roles (`cluster-admin`, `admin`, `edit`, `view` after aggregation), so they stay
 * exactly as faithful as that data; AmazonEKSAdminViewPolicy (no upstream equivalent) is read on everything, secrets
 * included, as the EKS access-policy reference documents.
 */
import { AccessPolicy } from '../model/access-policies';
import { bootstrapAuthorizer } from './bootstrap-policy';
import { PolicyRule } from './rbac-types';

export interface AccessPolicyDefinition {
  readonly name: string;
  /** The upstream ClusterRole it mirrors, if any. */
  readonly equivalentClusterRole?: string;
  readonly rules: readonly PolicyRule[];
}

const READ_EVERYTHING: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'], resourceNames: [], nonResourceURLs: [] };

let cache: Map<string, AccessPolicyDefinition> | undefined;

/** The general-purpose access policies by name (`AmazonEKSClusterAdminPolicy`, ...). */
export function accessPolicies(): ReadonlyMap<string, AccessPolicyDefinition> {
  if (!cache) {
    const roles = bootstrapAuthorizer().clusterRoles;
    const like = (name: string, role: string): AccessPolicyDefinition => ({ name, equivalentClusterRole: role, rules: roles.get(role)!.rules });
    cache = new Map([
      like('AmazonEKSClusterAdminPolicy', 'cluster-admin'),
      like('AmazonEKSAdminPolicy', 'admin'),
      like('AmazonEKSEditPolicy', 'edit'),
      like('AmazonEKSViewPolicy', 'view'),
      { name: 'AmazonEKSAdminViewPolicy', rules: [READ_EVERYTHING] },
    ].map((p) => [p.name, p]));
  }
  return cache;
}

/**
 * `arn:<partition>:eks::aws:cluster-access-policy/<Name>` → `<Name>`, or undefined for anything else. Parsing is the
 * access model's (`AccessPolicy.fromArn`); analysed inputs may name any ARN, so a non-policy ARN is not an error here.
 */
export function accessPolicyName(policyArn: string): string | undefined {
  try {
    return AccessPolicy.fromArn(policyArn).policyName;
  } catch {
    return undefined;
  }
}

/** EKS namespace scopes allow a trailing `*` wildcard (`dev-*`). */
export function namespaceInScope(namespace: string, scopeNamespaces: readonly string[]): boolean {
  return scopeNamespaces.some((n) => n === namespace || (n.endsWith('*') && namespace.startsWith(n.slice(0, -1))));
}
