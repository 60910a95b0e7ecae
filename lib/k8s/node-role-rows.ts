/**
 * Node-role rows of the `kube-system/aws-auth` ConfigMap as our charts write them: the rows EKS itself writes for a
 * node role, with the groups kubelets need. The row type, the row keys and the encoding are shared (the mapper's
 * `AwsAuthRows` and `encodeAwsAuth`, the model's `rowKeys` / `normaliseAwsAuth`), so what we write is exactly what the
 * authenticator parses.
 */
import { stripPath } from '../../authenticator/arn';
import { encodeAwsAuth } from '../../authenticator/mapper/aws-auth';
import { EC2_NODE_USERNAME, nodeIdentity, SESSION_NODE_USERNAME, WINDOWS_NODE_GROUP } from '../../authenticator/mapper/eks-rules';
import type { AwsAuthRows, RoleMapping } from '../../authenticator/mapper/types';
import { AccessEntryType } from '../model/enums';

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

// The rulebook's node usernames and Windows group, under their one name (authenticator/mapper/eks-rules.ts).
export { EC2_NODE_USERNAME, SESSION_NODE_USERNAME, WINDOWS_NODE_GROUP };
/** @deprecated use `EC2_NODE_USERNAME` (the same value; one name per concept). */
export const NODE_USERNAME = EC2_NODE_USERNAME;
/** @deprecated use `SESSION_NODE_USERNAME` (the same value; one name per concept). */
export const FARGATE_USERNAME = SESSION_NODE_USERNAME;

/** The access-entry type EKS gives such a node role. */
function nodeEntryType(node: NodeRoleMapping): AccessEntryType {
  if (node.fargate) return AccessEntryType.FARGATE_LINUX;
  return node.os === NodeOs.WINDOWS ? AccessEntryType.EC2_WINDOWS : AccessEntryType.EC2_LINUX;
}

/** The row EKS itself writes for a node role (eks-rules.ts `nodeIdentity` of its access-entry type). */
export function nodeRoleRow(node: NodeRoleMapping): RoleMapping {
  const { username, groups } = nodeIdentity(nodeEntryType(node))!;
  return { roleArn: stripPath(node.roleArn), username, groups };
}

/** @deprecated the earlier name of `encodeAwsAuth` (authenticator/mapper/aws-auth.ts), kept for the package root's API. */
export function awsAuthData(c: AwsAuthRows): Record<string, string> {
  return encodeAwsAuth(c);
}
