/**
 * The model's aws-auth rows, in the authenticator mapper's one row type (`AwsAuthRows`): the rows the aws-auth
 * ConfigMap gets (per authentication mode), every row the self-managed authenticator needs (`authenticatorMappingRows`,
 * for the Lambda webhook of lib/aws and the charts of lib/k8s alike), and the normalisation every writer shares, by the
 * authenticator's own row keys (authenticator/mapper/table.ts, re-exported here). Role ARNs lose their IAM path: the authenticator sees the path-less assumed-role ARN (`Canonicalize` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/arn/arn.go).
 */
import { isAccountId, stripPath } from '../../authenticator/arn';
import { encodeRowLists, type AwsAuthRowLists } from '../../authenticator/mapper/mapping-lists';
import { nodeGroups } from '../../authenticator/mapper/eks-rules';
import { rowKeys } from '../../authenticator/mapper/table';
import type { AwsAuthRows } from '../../authenticator/mapper/types';
import { AccessPolicy } from './access-policies';
import { accessPolicyGroups } from './access-policy-roles';
import type { AccessModelState } from './model-state';
import { SYSTEM_MASTERS } from '../../authenticator/mapper/eks-rules';
import { clusterPrincipals, effectiveUsername } from './model-views';
import { AccessEntryType, AccessScopeType, AuthenticationMode, PrincipalKind } from './enums';
import { RuleError } from './rule-error';
import { hasUnresolvedToken } from './tokens';
import type { PrincipalJson } from './types';

const AWS_AUTH_DUPLICATE_ROW_RULE = 'eks-access:aws-auth-duplicate-row';
const AWS_AUTH_ACCOUNT_RULE = 'eks-access:aws-auth-account-id';
/** A node role whose username EKS does not document (HYPERPOD_LINUX) cannot be written as a mapping row. */
export const NODE_ROW_USERNAME_RULE = 'eks-access:node-row-username';

/**
 * The role ARN an aws-auth row matches: without IAM path. A token ARN cannot be split at synth time, so it is rebuilt
 * from the role's account and name when those are known.
 */
function awsAuthRoleArn(p: PrincipalJson, partition: string): string {
  if (!hasUnresolvedToken(p.arn)) return stripPath(p.arn);
  return p.name === '' ? p.arn : `arn:${partition}:iam::${p.accountId}:role/${p.name}`;
}

/** The row of one principal with the given groups (node roles get the node groups instead). */
function principalRow(p: PrincipalJson, partition: string, groups: string[], rows: AwsAuthRows): void {
  const username = effectiveUsername(p, partition);
  if (username === undefined) {
    throw new RuleError(NODE_ROW_USERNAME_RULE, `principal "${p.id}"`, `access entry type ${p.entryType} has no documented username, so it cannot be an aws-auth or authenticator mapping row; use authentication mode API (EKS creates its entry) or another node type`);
  }
  const all = p.entryType === AccessEntryType.STANDARD ? groups : nodeGroups(p.entryType);
  if (p.kind === PrincipalKind.ROLE) rows.roles.push({ roleArn: awsAuthRoleArn(p, partition), username, groups: all });
  else rows.users.push({ userArn: p.arn, username, groups: all });
}

/** Groups of a STANDARD principal in aws-auth: AmazonEKSClusterAdminPolicy at cluster scope becomes `system:masters`. */
function configMapGroups(p: PrincipalJson): string[] {
  const admin = p.accessPolicies.some((g) => g.policyName === AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.policyName && g.scope === AccessScopeType.CLUSTER);
  return admin && !p.kubernetesGroups.includes(SYSTEM_MASTERS) ? [...p.kubernetesGroups, SYSTEM_MASTERS] : [...p.kubernetesGroups];
}

/**
 * The aws-auth rows. CONFIG_MAP: every principal (role paths stripped; AmazonEKSClusterAdminPolicy at cluster scope
 * becomes `system:masters`; node roles get the node groups). API_AND_CONFIG_MAP: only whole accounts, which access
 * entries cannot express (an entry for the same ARN would override a row anyway). API: nothing.
 */
export function awsAuthRows(model: AccessModelState): AwsAuthRows {
  const rows: AwsAuthRows = { roles: [], users: [], accounts: [] };
  if (model.authenticationMode === AuthenticationMode.API) return rows;
  const onlyAccounts = model.authenticationMode === AuthenticationMode.API_AND_CONFIG_MAP;
  for (const p of clusterPrincipals(model)) {
    if (p.kind === PrincipalKind.ACCOUNT) rows.accounts.push(p.accountId);
    else if (!onlyAccounts) principalRow(p, model.partition, configMapGroups(p), rows);
  }
  return rows;
}

/**
 * Every mapping row of the model as the authenticator needs it (self-managed clusters, the Lambda webhook,
 * IAMIdentityMapping objects): the CONFIG_MAP view of the model, whatever its EKS authentication mode, except that
 * each access policy becomes a group (`accessPolicyGroups`) that `AccessChart({ selfManagedAuthenticator: true })`
 * binds to the policy's Kubernetes role. Throws, naming the principal and the policy, for a policy RBAC cannot express.
 */
export function authenticatorMappingRows(model: AccessModelState): AwsAuthRows {
  model._markRendered('authenticatorMappingRows (the authenticator\'s mapping: AuthenticatorFunction, AuthenticatorChart)');
  // Every principal's policies are checked (a node role's too), even where node groups replace them.
  const policyGroups = new Map(model.principals.map((p) => [p.id, accessPolicyGroups(p).map((g) => g.group)]));
  const rows: AwsAuthRows = { roles: [], users: [], accounts: [] };
  for (const p of clusterPrincipals(model)) {
    if (p.kind === PrincipalKind.ACCOUNT) {
      rows.accounts.push(p.accountId);
      continue;
    }
    const extra = policyGroups.get(p.id)!.filter((g) => !p.kubernetesGroups.includes(g));
    principalRow(p, model.partition, [...p.kubernetesGroups, ...extra], rows);
  }
  return rows;
}

/**
 * A role ARN as aws-auth rows hold it, without IAM path. A CDK token (a role of the same app, resolved by
 * CloudFormation) cannot be split at synth time and is kept; the model already writes token rows path-less where it
 * knows the role's name.
 */
function pathlessRoleArn(arn: string): string {
  return hasUnresolvedToken(arn) ? arn : stripPath(arn);
}

export { accountRowKey, roleRowKey, rowKeys, userRowKey } from '../../authenticator/mapper/table';

/**
 * Normalises and checks rows: role paths stripped, duplicate keys rejected (the authenticator would silently use
 * one of them). `where` names the construct or file in errors.
 */
export function normaliseAwsAuth(c: AwsAuthRows, where: string): AwsAuthRows {
  const roles = c.roles.map((r) => ({ ...r, roleArn: r.roleArn === undefined ? undefined : pathlessRoleArn(r.roleArn) }));
  const out = { roles, users: [...c.users], accounts: [...c.accounts] };
  const shown = [
    ...roles.map((r) => r.roleArn ?? `SSO permission set ${r.sso?.permissionSetName} of ${r.sso?.accountId}`),
    ...out.users.map((u) => u.userArn), ...out.accounts,
  ];
  // The authenticator's own key (case-insensitive, path-less), so rows it treats as one are refused here too.
  const seen = new Map<string, string>();
  rowKeys(out).forEach((k, i) => {
    const first = seen.get(k);
    if (first !== undefined) {
      throw new RuleError(AWS_AUTH_DUPLICATE_ROW_RULE, where, `aws-auth has two rows for ${first === shown[i] ? first : `${first} and ${shown[i]} (one principal: the authenticator compares ARNs case-insensitively)`}; keep one (the authenticator would use only one of them)`);
    }
    seen.set(k, shown[i]);
  });
  for (const a of out.accounts) {
    if (!hasUnresolvedToken(a) && !isAccountId(a)) throw new RuleError(AWS_AUTH_ACCOUNT_RULE, where, `mapAccounts entry "${a}" is not a 12-digit AWS account id`);
  }
  return out;
}

/** The rows of a static authenticator backend (server config, Lambda mapping file): normalised, in wire form. */
export function staticMappingLists(rows: AwsAuthRows): AwsAuthRowLists {
  return encodeRowLists(normaliseAwsAuth(rows, 'AuthenticatorBackend.staticRows'));
}
