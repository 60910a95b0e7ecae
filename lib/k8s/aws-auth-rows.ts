/**
 * Rows of the `kube-system/aws-auth` ConfigMap as our charts write them: role paths stripped (the authenticator sees
 * the path-less assumed-role ARN, `Canonicalize` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/arn/arn.go), node-role rows with the groups
 * kubelets need, and a stable key per row for merging with rows written by others. Encoding reuses the mapper's
 * `encodeAwsAuth`, so what we write is exactly what the authenticator parses.
 */
import { stripPath } from '../../authenticator/arn';
import { encodeAwsAuth } from '../../authenticator/mapper/aws-auth';
import type { AwsAuthMappings, RoleMapping, UserMapping } from '../../authenticator/mapper/types';
import { AccessEntryType, hasUnresolvedToken, nodeAwsAuthGroups } from '../model';

/** Operating system of a node role; decides the groups (and, in access-entry terms, EC2_LINUX vs EC2_WINDOWS). */
export enum NodeOs {
  LINUX = 'LINUX',
  WINDOWS = 'WINDOWS',
}

/** An IAM role that EC2 worker nodes (or Fargate pods) use to join the cluster. */
export interface NodeRoleMapping {
  /** The node instance role ARN (a path is stripped). */
  readonly roleArn: string;
  /** @default NodeOs.LINUX */
  readonly os?: NodeOs;
  /** A Fargate pod execution role instead of an EC2 instance role. @default false */
  readonly fargate?: boolean;
}

export const NODE_USERNAME = 'system:node:{{EC2PrivateDNSName}}';
export const FARGATE_USERNAME = 'system:node:{{SessionName}}';
export const WINDOWS_NODE_GROUP = 'eks:kube-proxy-windows';

/** The access-entry type EKS gives such a node role. */
function nodeEntryType(node: NodeRoleMapping): AccessEntryType {
  if (node.fargate) return AccessEntryType.FARGATE_LINUX;
  return node.os === NodeOs.WINDOWS ? AccessEntryType.EC2_WINDOWS : AccessEntryType.EC2_LINUX;
}

/** The rows EKS itself writes for a node role; the groups are the access model's (`nodeAwsAuthGroups`). */
export function nodeRoleRow(node: NodeRoleMapping): RoleMapping {
  return { roleArn: stripPath(node.roleArn), username: node.fargate ? FARGATE_USERNAME : NODE_USERNAME, groups: nodeAwsAuthGroups(nodeEntryType(node)) };
}

/** Everything that goes into aws-auth. */
export interface AwsAuthContent {
  readonly roles: RoleMapping[];
  readonly users: UserMapping[];
  readonly accounts: string[];
}

/** Rows as the aws-auth parser returns them (read-only lists); what the functions below accept besides `AwsAuthContent`. */
export type AwsAuthRowsInput = Pick<AwsAuthMappings, 'roles' | 'users' | 'accounts'>;

/**
 * A role ARN as aws-auth rows hold it, without IAM path. A CDK token (a role of the same app, resolved by
 * CloudFormation) cannot be split at synth time and is kept; the model already writes token rows path-less where it
 * knows the role's name (lib/model/derive.ts).
 */
function pathlessRoleArn(arn: string): string {
  return hasUnresolvedToken(arn) ? arn : stripPath(arn);
}

/** Key identifying a row across writers: the ARN (or SSO selector, or account id). */
export function roleRowKey(r: RoleMapping): string {
  if (r.roleArn !== undefined) return `role:${pathlessRoleArn(r.roleArn)}`;
  return `sso:${r.sso?.partition ?? 'aws'}:${r.sso?.accountId}:${r.sso?.permissionSetName}`;
}
export const userRowKey = (u: UserMapping): string => `user:${u.userArn}`;
export const accountRowKey = (a: string): string => `account:${a}`;

/** All row keys of a content, in order. */
export function rowKeys(c: AwsAuthContent): string[] {
  return [...c.roles.map(roleRowKey), ...c.users.map(userRowKey), ...c.accounts.map(accountRowKey)];
}

/**
 * Normalises and checks content: role paths stripped, duplicate keys rejected (the authenticator would silently use
 * one of them). `where` names the construct or file in errors.
 */
export function normaliseAwsAuth(c: AwsAuthRowsInput, where: string): AwsAuthContent {
  const roles = c.roles.map((r) => ({ ...r, roleArn: r.roleArn === undefined ? undefined : pathlessRoleArn(r.roleArn) }));
  const out = { roles, users: [...c.users], accounts: [...c.accounts] };
  const seen = new Set<string>();
  for (const k of rowKeys(out)) {
    if (seen.has(k)) throw new Error(`${where}: aws-auth has two rows for ${k.replace(/^[a-z]+:/, '')}; keep one (the authenticator would use only one of them)`);
    seen.add(k);
  }
  for (const a of out.accounts) {
    if (!hasUnresolvedToken(a) && !/^\d{12}$/.test(a)) throw new Error(`${where}: mapAccounts entry "${a}" is not a 12-digit AWS account id`);
  }
  return out;
}

/** ConfigMap `data` for the content (only the keys that have rows). */
export function awsAuthData(c: AwsAuthContent): Record<string, string> {
  return encodeAwsAuth({ roles: c.roles, users: c.users, accounts: c.accounts });
}
