/**
 * The EKS access-entry rulebook, written once for the authenticator's access-entry mapper, the access model's
 * synth-time validation and views (lib/model), the charts and the migration plan (lib/k8s), the analysis and the
 * drift check (lib/analysis, lib/live). It lives in the authenticator because the mapper needs it and the
 * authenticator imports nothing from lib/.
 *
 * Sources (EKS user guide, https://github.com/awsdocs/amazon-eks-user-guide):
 * - access-entry types, reserved username prefixes, the `:` before `{{SessionName}}`, the usernames EKS generates:
 *   https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html (and set-custom-username.html);
 * - the node rows EKS writes for its node groups and Fargate profiles (username and groups):
 *   https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html (`eksctl get iamidentitymapping`
 *   output), Windows nodes' `eks:kube-proxy-windows`: https://docs.aws.amazon.com/eks/latest/userguide/windows-support.html,
 *   hybrid nodes: https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-cluster-prep.html;
 * - the `EC2` type (EKS Auto Mode): https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html
 *   (#auto-node-access-entry), CreateAccessEntry `type` in botocore's eks service-2.json;
 * - the access-policy ARN: https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html.
 * test/authenticator/mapper/eks-rules.test.ts pins this table against those pages.
 */
import { parseIamArn } from '../arn';
import { AccessEntryType } from './access-entry-type';
import { parseTemplate, TEMPLATE_PLACEHOLDERS, NODE_ONLY_PLACEHOLDER } from './username-template';

export { findPartition, partitionOfRegion } from '../partitions';

/** The Kubernetes system prefix: EKS rejects such access-entry groups; our own grants never use them. */
export const SYSTEM_PREFIX = 'system:';
/** The prefix of what EKS creates in a cluster itself (RBAC objects `eks:*`, the group `eks:kube-proxy-windows`). */
export const EKS_PREFIX = 'eks:';

/** Prefixes EKS rejects in access-entry usernames (creating-access-entries.html: "It can't start with ..."). */
export const EKS_RESERVED_USERNAME_PREFIXES = [SYSTEM_PREFIX, EKS_PREFIX, 'aws:', 'amazon:', 'iam:'] as const;
/** The superuser group; EKS rejects it on an access entry (AmazonEKSClusterAdminPolicy stands for it). */
export const SYSTEM_MASTERS = 'system:masters';

/** True for a Kubernetes system group or name (`system:…`). */
export function isSystemName(name: string): boolean {
  return name.startsWith(SYSTEM_PREFIX);
}

/** True for a name Kubernetes or EKS gives its own objects (`system:…`, `eks:…`): no one's code writes them. */
export function isPlatformName(name: string): boolean {
  return isSystemName(name) || name.startsWith(EKS_PREFIX);
}

/**
 * Why EKS refuses `group` as an access entry's Kubernetes group, or undefined. The one reserved prefix for GROUPS is
 * `system:` (CreateAccessEntry answers "The kubernetes group name system:masters is invalid, it cannot start with
 * system:"); creating-access-entries.html reserves `eks:`, `aws:`, `amazon:` and `iam:` for the USERNAME only
 * (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html), so such groups are accepted by the
 * model, the access-entry mapper and the migration plan alike.
 */
export function accessEntryGroupProblem(group: string): string | undefined {
  if (!isSystemName(group)) return undefined;
  return `kubernetes group '${group}' cannot be used on an access entry: EKS rejects groups starting with '${SYSTEM_PREFIX}'`;
}

/** Placeholders an access-entry username may use. */
export const ACCESS_ENTRY_PLACEHOLDERS: readonly string[] = ['SessionName', 'SessionNameRaw'];
/** Placeholders EKS requires a `:` before ("the username must include a colon before {{SessionName}}"). */
const SESSION_PLACEHOLDERS: readonly string[] = ['SessionName', 'SessionNameRaw'];

/** Where a username is used: an access entry (API modes) or an aws-auth row (CONFIG_MAP), and for which entry type. */
export interface UsernameContext {
  /** True for an access-entry username (EKS's own rules apply), false for an aws-auth row. */
  readonly accessEntry: boolean;
  /** True for a node role (EC2 instance sessions), false for a STANDARD principal. */
  readonly node: boolean;
}

/** Every problem of a custom username, each saying what would be valid; empty when EKS and the authenticator accept it. */
export function usernameProblems(username: string, ctx: UsernameContext): string[] {
  if (username.trim() === '') return ['username must not be empty; omit it to get the EKS default'];
  const out: string[] = [];
  const reserved = EKS_RESERVED_USERNAME_PREFIXES.find((prefix) => username.startsWith(prefix));
  if (reserved && !ctx.node) out.push(`username '${username}' must not start with '${reserved}' (reserved prefixes: ${EKS_RESERVED_USERNAME_PREFIXES.join(', ')})`);
  const parsed = parseTemplate(username);
  out.push(...parsed.errors.map((e) => `username '${username}': ${e}`));
  for (const part of parsed.parts) {
    if (!('placeholder' in part)) continue;
    const name = part.placeholder;
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) continue;
    if (name === NODE_ONLY_PLACEHOLDER && !ctx.node) {
      out.push(`username '${username}' uses {{${name}}} on a STANDARD principal; it renders only for an EC2 instance's session (declare the role with addNodeRole, or use {{SessionName}})`);
    } else if (ctx.accessEntry && !ACCESS_ENTRY_PLACEHOLDERS.includes(name)) {
      out.push(`username '${username}' uses {{${name}}}, which access entries do not render; use ${ACCESS_ENTRY_PLACEHOLDERS.map((k) => `{{${k}}}`).join(' or ')}`);
    }
    if (SESSION_PLACEHOLDERS.includes(name) && !username.slice(0, part.offset).includes(':')) {
      out.push(`username '${username}' uses {{${name}}} without a ':' before it (e.g. 'dev:{{${name}}}')`);
    }
  }
  return out;
}

/** Username of an EC2 instance's kubelet (self-managed, managed node group, Auto Mode). */
export const EC2_NODE_USERNAME = 'system:node:{{EC2PrivateDNSName}}';
/** Username of a node whose session name is its node name (Fargate pods, hybrid nodes). */
export const SESSION_NODE_USERNAME = 'system:node:{{SessionName}}';
/** The extra group of Windows nodes (windows-support.html). */
export const WINDOWS_NODE_GROUP = `${EKS_PREFIX}kube-proxy-windows`;
/** The extra group of Fargate pods (migrating-access-entries.html). */
export const FARGATE_NODE_GROUP = 'system:node-proxier';

/** The Kubernetes identity EKS gives a node role of one access-entry type. */
export interface NodeIdentity {
  readonly username: string;
  readonly groups: string[];
}

/** The node types whose identity EKS documents; HYPERPOD_LINUX is left out (its generated username is not documented). */
export type DocumentedNodeType = Exclude<AccessEntryType, AccessEntryType.STANDARD | AccessEntryType.HYPERPOD_LINUX>;

/**
 * Username and groups per node type. EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX and HYBRID_LINUX: the rows EKS writes (and
 * documents) for such roles in aws-auth. EC2 (Auto Mode) exists only as an access entry (Auto Mode needs the API
 * authentication modes): the user guide gives it no username or groups of its own, so it is the EC2 instance's
 * username with the groups EKS reports for a node-type access entry, `system:nodes` only (the `EC2_LINUX` example of
 * https://docs.aws.amazon.com/cli/latest/reference/eks/create-access-entry.html, aws-cli
 * awscli/examples/eks/create-access-entry.rst).
 */
const NODE_IDENTITIES: Readonly<Record<DocumentedNodeType, NodeIdentity>> = {
  [AccessEntryType.EC2_LINUX]: { username: EC2_NODE_USERNAME, groups: ['system:bootstrappers', 'system:nodes'] },
  [AccessEntryType.EC2_WINDOWS]: { username: EC2_NODE_USERNAME, groups: ['system:bootstrappers', 'system:nodes', WINDOWS_NODE_GROUP] },
  [AccessEntryType.EC2]: { username: EC2_NODE_USERNAME, groups: ['system:nodes'] },
  [AccessEntryType.FARGATE_LINUX]: { username: SESSION_NODE_USERNAME, groups: ['system:bootstrappers', 'system:nodes', FARGATE_NODE_GROUP] },
  [AccessEntryType.HYBRID_LINUX]: { username: SESSION_NODE_USERNAME, groups: ['system:bootstrappers', 'system:nodes'] },
};

/** The access-entry types this library can map (every type whose identity EKS documents). */
export const SUPPORTED_ACCESS_ENTRY_TYPES: readonly string[] = Object.values(AccessEntryType).filter((t) => t !== AccessEntryType.HYPERPOD_LINUX);

/** The identity of a node type (a fresh copy), or undefined for STANDARD and undocumented types. */
export function nodeIdentity(type: AccessEntryType | `${AccessEntryType}`): NodeIdentity | undefined {
  const node: NodeIdentity | undefined = NODE_IDENTITIES[type as DocumentedNodeType];
  return node && { username: node.username, groups: [...node.groups] };
}

/**
 * The groups of a node type: the one answer for its aws-auth row, the access-entry mapper and the drift check (which
 * gives both sides of a node entry these groups: EKS sets them, the code cannot, and DescribeAccessEntry may report
 * only `system:nodes` for them, example 2 of https://docs.aws.amazon.com/cli/latest/reference/eks/create-access-entry.html).
 * [] for STANDARD and undocumented types.
 */
export function nodeGroups(type: AccessEntryType | `${AccessEntryType}`): string[] {
  return nodeIdentity(type)?.groups ?? [];
}

/** True for a username EKS gives nodes (`system:node:{{EC2PrivateDNSName}}`, `system:node:{{SessionName}}`). */
export function isNodeUsername(username: string): boolean {
  return username === EC2_NODE_USERNAME || username === SESSION_NODE_USERNAME;
}

/** The node types an aws-auth row can stand for (EC2 Auto Mode exists only as an access entry). */
const ROW_NODE_TYPES = [AccessEntryType.EC2_LINUX, AccessEntryType.EC2_WINDOWS, AccessEntryType.FARGATE_LINUX, AccessEntryType.HYBRID_LINUX] as const;

/**
 * The node type whose aws-auth row this is (username and the same SET of groups, order and repeats ignored), or
 * undefined for any other row: the one reading of node rows, for `migrate` and `import`.
 */
export function nodeTypeOfRow(row: { readonly username: string; readonly groups: readonly string[] }): AccessEntryType | undefined {
  const groups = [...new Set(row.groups)].sort().join('\n');
  return ROW_NODE_TYPES.find((type) => {
    const node = NODE_IDENTITIES[type];
    return node.username === row.username && [...node.groups].sort().join('\n') === groups;
  });
}

/** What a node-type access entry sets beyond its type: EKS fixes a node's username and groups itself. */
export interface NodeEntryFields {
  /** Whether the principal is an IAM role (node types take only the node role). */
  readonly isRole: boolean;
  /** Whether a username was given. */
  readonly hasUsername: boolean;
  /** Whether Kubernetes groups were given. */
  readonly hasKubernetesGroups: boolean;
}

/** A problem with one field of a node-type access entry. */
export interface NodeEntryProblem {
  readonly field: 'principal' | 'username' | 'kubernetesGroups';
  readonly problem: string;
}

/**
 * The rule for non-STANDARD (node) access entries: an IAM role, no username, no Kubernetes groups (EKS rejects them:
 * https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html). [] for STANDARD.
 */
export function nodeEntryProblems(type: AccessEntryType | `${AccessEntryType}`, f: NodeEntryFields): NodeEntryProblem[] {
  if (type === AccessEntryType.STANDARD) return [];
  const out: NodeEntryProblem[] = [];
  if (!f.isRole) out.push({ field: 'principal', problem: `access entry type ${type} needs an IAM role principal` });
  if (f.hasUsername) out.push({ field: 'username', problem: `access entry type ${type} takes no username; EKS sets system:node:... itself` });
  if (f.hasKubernetesGroups) out.push({ field: 'kubernetesGroups', problem: `access entry type ${type} takes no kubernetesGroups; EKS grants node permissions itself` });
  return out;
}

/** The username EKS generates for a STANDARD role: the assumed-role ARN, without the role's IAM path. */
export function assumedRoleUsername(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/{{SessionName}}`;
}

/**
 * The username EKS generates for an entry of `type` without one (the table of creating-access-entries.html): the
 * node username, the user ARN, or the assumed-role ARN of a role (path removed) — the one default for the webhook's
 * access-entry mapper, the model's views and the drift check.
 *
 * HYPERPOD_LINUX, one decision: EKS documents no username for it, so none is guessed. This returns undefined; the
 * access-entry mapper refuses the type, the model refuses it where a username must be written (aws-auth rows, the
 * self-managed authenticator's rows) and the drift check leaves that username uncompared.
 */
export function defaultAccessEntryUsername(principalArn: string, type: AccessEntryType | `${AccessEntryType}` = AccessEntryType.STANDARD): string | undefined {
  if (type !== AccessEntryType.STANDARD) return nodeIdentity(type)?.username;
  const arn = parseIamArn(principalArn);
  if (arn?.resourceType !== 'role') return principalArn;
  return assumedRoleUsername(arn.partition, arn.accountId, arn.name);
}

/** The ARN prefix of EKS access policies, after the partition. */
const ACCESS_POLICY_ARN_PREFIX = ':eks::aws:cluster-access-policy/';

/** `arn:<partition>:eks::aws:cluster-access-policy/<Name>`, the ARN of an EKS access policy. */
export function accessPolicyArn(partition: string, policyName: string): string {
  return `arn:${partition}${ACCESS_POLICY_ARN_PREFIX}${policyName}`;
}

const ACCESS_POLICY_ARN = /^arn:([a-z-]+):eks::aws:cluster-access-policy\/([A-Za-z0-9]+)$/;

/** The partition and name of an access-policy ARN, or undefined for anything else. */
export function parseAccessPolicyArn(arn: string): { readonly partition: string; readonly policyName: string } | undefined {
  const m = ACCESS_POLICY_ARN.exec(arn);
  return m ? { partition: m[1], policyName: m[2] } : undefined;
}

/**
 * The policy name of an access-policy ARN, for display: the one reading of policy ARNs for every reader (reports,
 * `migrate`). Anything that is not an access-policy ARN (input is untrusted) is shown whole rather than cut at a `/`.
 */
export function accessPolicyNameOf(arn: string): string {
  return parseAccessPolicyArn(arn)?.policyName ?? arn;
}
