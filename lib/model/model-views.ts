/**
 * Views derived from the model, one per consumer: the access entries EKS gets (lib/aws), the aws-auth rows the
 * ConfigMap chart renders (lib/k8s), and the effective Kubernetes identity of a principal (lib/analysis). Each
 * authentication mode gets only what it uses (https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html).
 */
import { assumedRoleUsername, defaultAccessEntryUsername, SYSTEM_MASTERS } from '../../authenticator/mapper/eks-rules';
import { AccessPolicy } from './access-policies';
import { AccessEntryType, AccessScopeType, AuthenticationMode, PrincipalKind, SystemMastersHandling } from './enums';
import type { AccessModelState } from './model-state';
import { hasUnresolvedToken } from './tokens';
import type { AccessPolicyGrantJson, PrincipalJson } from './types';

/** One `AWS::EKS::AccessEntry`. */
export interface AccessEntryJson {
  readonly principalId: string;
  readonly principalArn: string;
  readonly type: AccessEntryType;
  readonly username?: string;
  readonly kubernetesGroups: string[];
  readonly accessPolicies: AccessPolicyGrantJson[];
  readonly tags: Record<string, string>;
}

/** Ids of principals named in a created role's trust policy. */
export function trustedPrincipalIds(model: AccessModelState): Set<string> {
  return new Set(model.principals.flatMap((p) => p.role?.trust.principalIds ?? []));
}

/** True if the principal gets nothing in the cluster itself (it only exists to assume a role, or is a mistake). */
export function grantsNothing(p: PrincipalJson): boolean {
  return p.entryType === AccessEntryType.STANDARD && p.kubernetesGroups.length === 0 && p.accessPolicies.length === 0;
}

/** The principals that reach the cluster directly (those only trusted to assume a role are left out). */
export function clusterPrincipals(model: AccessModelState): PrincipalJson[] {
  const trusted = trustedPrincipalIds(model);
  return model.principals.filter((p) => !(grantsNothing(p) && trusted.has(p.id)));
}

/**
 * The Kubernetes username: the declared one, else what EKS generates (`defaultAccessEntryUsername`, the rulebook's one
 * default) — the user ARN, the assumed-role form without path for roles, `system:node:…` for node types; undefined for
 * HYPERPOD_LINUX, whose generated username EKS does not document. The aws-auth rows use the same default so a
 * principal is the same Kubernetes user in every mode.
 */
export function effectiveUsername(p: PrincipalJson, partition: string): string | undefined {
  if (p.username !== undefined) return p.username;
  // A role of this app has a token ARN but a known name and account: the same default, built from those.
  if (p.entryType === AccessEntryType.STANDARD && p.kind === PrincipalKind.ROLE && hasUnresolvedToken(p.arn) && p.name !== '') {
    return assumedRoleUsername(partition, p.accountId, p.name);
  }
  return defaultAccessEntryUsername(p.arn, p.entryType);
}

/** `system:masters` becomes AmazonEKSClusterAdminPolicy at cluster scope (validation refuses it otherwise). */
function translateSystemMasters(p: PrincipalJson, model: AccessModelState): Pick<AccessEntryJson, 'kubernetesGroups' | 'accessPolicies'> {
  if (!p.kubernetesGroups.includes(SYSTEM_MASTERS) || model.systemMasters !== SystemMastersHandling.TRANSLATE_TO_CLUSTER_ADMIN) {
    return { kubernetesGroups: p.kubernetesGroups, accessPolicies: p.accessPolicies };
  }
  const admin = AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY;
  const hasAdmin = p.accessPolicies.some((g) => g.policyName === admin.policyName && g.scope === AccessScopeType.CLUSTER);
  return {
    kubernetesGroups: p.kubernetesGroups.filter((g) => g !== SYSTEM_MASTERS),
    accessPolicies: hasAdmin ? p.accessPolicies : [
      ...p.accessPolicies.filter((g) => g.policyName !== admin.policyName),
      { policyName: admin.policyName, policyArn: admin.arn(model.partition), scope: AccessScopeType.CLUSTER, namespaces: [] },
    ],
  };
}

/** The access entries of the model; none in CONFIG_MAP mode, and never for whole accounts. */
export function accessEntries(model: AccessModelState): AccessEntryJson[] {
  if (model.authenticationMode === AuthenticationMode.CONFIG_MAP) return [];
  return clusterPrincipals(model)
    .filter((p) => p.kind !== PrincipalKind.ACCOUNT)
    .map((p) => ({
      principalId: p.id,
      principalArn: p.arn,
      type: p.entryType,
      username: p.entryType === AccessEntryType.STANDARD ? p.username : undefined,
      ...translateSystemMasters(p, model),
      tags: p.tags,
    }));
}
