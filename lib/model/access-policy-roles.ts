/**
 * What each EKS access policy means in Kubernetes RBAC: THE table, used by the offline analysis (which evaluates
 * policies as these roles) and by the self-managed authenticator's mapping and RBAC (lib/k8s), where no EKS authorizer
 * exists to evaluate the policies. EKS documents the four general-purpose policies as the upstream user-facing roles
 * (https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html: AmazonEKSClusterAdminPolicy →
 * cluster-admin, AmazonEKSAdminPolicy → admin, AmazonEKSEditPolicy → edit, AmazonEKSViewPolicy → view);
 * AmazonEKSAdminViewPolicy has no upstream role and is documented as get/list/watch on everything, Secrets included.
 * The other policies of the catalogue (Auto Mode, HyperPod, capabilities, service integrations) grant EKS-internal
 * permissions with no published RBAC equivalent: a self-managed cluster cannot honour them, so they are refused.
 */
import type { RbacRuleJson } from './rbac-rule-forms';
import type { AccessPolicyGrantJson, PrincipalJson } from './types';
import { AccessScopeType } from './enums';
import { RuleError } from './rule-error';

const ACCESS_POLICY_RBAC_RULE = 'eks-access:access-policy-rbac';

/** The Kubernetes ClusterRole that stands for an access policy. */
export interface AccessPolicyRole {
  readonly policyName: string;
  /** The ClusterRole name: an upstream default role, or ours when `rules` is set. */
  readonly clusterRole: string;
  /** Rules of the ClusterRole to create; undefined = an upstream default role every cluster has. */
  readonly rules?: RbacRuleJson[];
}

/** Prefix of the groups and RBAC objects that stand for access policies on a self-managed cluster. */
export const ACCESS_POLICY_GROUP_PREFIX = 'eks-access:policy:';

const ROLES: ReadonlyMap<string, AccessPolicyRole> = new Map([
  { policyName: 'AmazonEKSClusterAdminPolicy', clusterRole: 'cluster-admin' },
  { policyName: 'AmazonEKSAdminPolicy', clusterRole: 'admin' },
  { policyName: 'AmazonEKSEditPolicy', clusterRole: 'edit' },
  { policyName: 'AmazonEKSViewPolicy', clusterRole: 'view' },
  {
    policyName: 'AmazonEKSAdminViewPolicy',
    clusterRole: `${ACCESS_POLICY_GROUP_PREFIX}AmazonEKSAdminViewPolicy`,
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
  },
].map((r) => [r.policyName, r]));

/** The RBAC role of a policy, or undefined when it has no Kubernetes equivalent. */
export function accessPolicyRole(policyName: string): AccessPolicyRole | undefined {
  return ROLES.get(policyName);
}

/** Every policy that has a Kubernetes equivalent. */
export function accessPolicyRoles(): AccessPolicyRole[] {
  return [...ROLES.values()];
}

/** One group standing for a policy at one scope, and where its binding goes (undefined namespace = cluster-wide). */
export interface AccessPolicyGroup {
  readonly group: string;
  readonly role: AccessPolicyRole;
  readonly namespace?: string;
}

/**
 * The groups that stand for a principal's access policies on a self-managed cluster: `eks-access:policy:<Policy>` at
 * cluster scope, `eks-access:policy:<Policy>:<namespace>` per namespace (a RoleBinding only reaches its namespace,
 * so principals with the policy in different namespaces need different groups). Throws, naming the principal and
 * the policy, for what RBAC cannot express: a policy without equivalent, a wildcard namespace.
 */
export function accessPolicyGroups(principal: Pick<PrincipalJson, 'id' | 'accessPolicies'>): AccessPolicyGroup[] {
  return principal.accessPolicies.flatMap((grant) => groupsOf(principal.id, grant));
}

function groupsOf(principalId: string, grant: AccessPolicyGrantJson): AccessPolicyGroup[] {
  const role = ROLES.get(grant.policyName);
  const where = `principal "${principalId}"`;
  const policy = `access policy ${grant.policyName}`;
  if (!role) {
    throw new RuleError(ACCESS_POLICY_RBAC_RULE, where, `${policy} has no Kubernetes RBAC equivalent, so a self-managed cluster (no EKS authorizer) cannot honour it; ` +
      `policies with one: ${[...ROLES.keys()].join(', ')}. Grant a Kubernetes group bound to a role instead`);
  }
  const base = `${ACCESS_POLICY_GROUP_PREFIX}${grant.policyName}`;
  if (grant.scope === AccessScopeType.CLUSTER) return [{ group: base, role }];
  return grant.namespaces.map((namespace) => {
    if (namespace.includes('*')) {
      throw new RuleError(ACCESS_POLICY_RBAC_RULE, where, `${policy} in namespaces "${namespace}": RBAC cannot bind a wildcard namespace on a self-managed cluster; list the namespaces`);
    }
    return { group: `${base}:${namespace}`, role, namespace };
  });
}
