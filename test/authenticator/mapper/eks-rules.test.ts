/**
 * The EKS access-entry rulebook (authenticator/mapper/eks-rules.ts) pinned against the EKS documentation, so a change
 * of a node default is a change of this test too, with the page that says so:
 * - usernames EKS generates: https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html (table
 *   "Username value that Amazon EKS automatically sets"; HYBRID_LINUX also in hybrid-nodes-cluster-prep.html);
 * - groups of node rows: https://docs.aws.amazon.com/eks/latest/userguide/migrating-access-entries.html (the
 *   `eksctl get iamidentitymapping` example: self-managed and managed node groups `system:bootstrappers,system:nodes`,
 *   Fargate `system:bootstrappers,system:nodes,system:node-proxier`),
 *   https://docs.aws.amazon.com/eks/latest/userguide/windows-support.html (Windows nodes add `eks:kube-proxy-windows`),
 *   https://docs.aws.amazon.com/eks/latest/userguide/hybrid-nodes-cluster-prep.html (`system:bootstrappers`,
 *   `system:nodes`);
 * - EC2 (Auto Mode): https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html#auto-node-access-entry
 *   documents the type but no identity; the node-type access entry EKS returns is documented for EC2_LINUX by
 *   https://docs.aws.amazon.com/cli/latest/reference/eks/create-access-entry.html (example 2: username
 *   `system:node:{{EC2PrivateDNSName}}`, kubernetesGroups `["system:nodes"]`), which is what EC2 gets.
 */
import { AccessEntryType } from '../../../authenticator/mapper/access-entry-type';
import { AccessEntryMapper } from '../../../authenticator/mapper/access-entry-mapper';
import {
  accessPolicyArn, defaultAccessEntryUsername, EKS_RESERVED_USERNAME_PREFIXES, nodeEntryProblems, nodeGroups, nodeIdentity, parseAccessPolicyArn,
  partitionOfRegion, usernameProblems,
} from '../../../authenticator/mapper/eks-rules';
import { TemplateRenderer } from '../../../authenticator/mapper/templates';
import { AccessModel, awsAuthRows, AuthenticationMode, effectiveUsername } from '../../../lib/model';
import { identityFor } from './identity';

const ACCT = '111122223333';
// EC2 itself cannot run here: an in-process lookup stands in (the SDK path is tested in ec2-private-dns.test.ts).
const renderer = new TemplateRenderer({ ec2: { privateDnsName: async () => 'ip-10-0-0-1.ec2.internal' } });

/** [type, documented username, documented groups]. */
const DOCUMENTED: [AccessEntryType, string, string[]][] = [
  [AccessEntryType.EC2_LINUX, 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes']],
  [AccessEntryType.EC2_WINDOWS, 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes', 'eks:kube-proxy-windows']],
  [AccessEntryType.FARGATE_LINUX, 'system:node:{{SessionName}}', ['system:bootstrappers', 'system:nodes', 'system:node-proxier']],
  [AccessEntryType.HYBRID_LINUX, 'system:node:{{SessionName}}', ['system:bootstrappers', 'system:nodes']],
  [AccessEntryType.EC2, 'system:node:{{EC2PrivateDNSName}}', ['system:nodes']],
];

describe('EKS node identities per access-entry type', () => {
  it.each(DOCUMENTED)('%s: username and groups as the EKS documentation gives them', (type, username, groups) => {
    expect(nodeIdentity(type)).toEqual({ username, groups });
    expect(defaultAccessEntryUsername(`arn:aws:iam::${ACCT}:role/node`, type)).toBe(username);
  });

  it('STANDARD and the undocumented HYPERPOD_LINUX have no node identity', () => {
    expect(nodeIdentity(AccessEntryType.STANDARD)).toBeUndefined();
    expect(nodeIdentity(AccessEntryType.HYPERPOD_LINUX)).toBeUndefined();
    // One decision (eks-rules.ts): no username is guessed for it.
    expect(defaultAccessEntryUsername(`arn:aws:iam::${ACCT}:role/node`, AccessEntryType.HYPERPOD_LINUX)).toBeUndefined();
  });

  it.each(DOCUMENTED)('%s: the webhook mapper, the model and its aws-auth rows agree on the identity', async (type, username, groups) => {
    const roleArn = `arn:aws:iam::${ACCT}:role/node`;
    const mapper = new AccessEntryMapper([{ principalArn: roleArn, type }], { renderer });
    const mapped = await mapper.map(identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/node/i-0123456789abcdef0` }));
    expect(mapped?.groups).toEqual(groups);
    expect(mapped?.username).toBe(username.replace('{{EC2PrivateDNSName}}', 'ip-10-0-0-1.ec2.internal').replace('{{SessionName}}', 'i-0123456789abcdef0'));

    const model = new AccessModel({ accountId: ACCT, authenticationMode: AuthenticationMode.CONFIG_MAP });
    model.addNodeRole('node', roleArn, { entryType: type });
    const [principal] = model.principals;
    expect(effectiveUsername(principal, 'aws')).toBe(username);
    expect(awsAuthRows(model).roles).toEqual([{ roleArn, username, groups }]);
    expect(nodeGroups(type)).toEqual(groups);
  });
});

describe('EKS username rules', () => {
  it('reserves the prefixes creating-access-entries.html lists', () => {
    expect([...EKS_RESERVED_USERNAME_PREFIXES]).toEqual(['system:', 'eks:', 'aws:', 'amazon:', 'iam:']);
    for (const prefix of EKS_RESERVED_USERNAME_PREFIXES) {
      expect(usernameProblems(`${prefix}dev`, { accessEntry: true, node: false })).toEqual([expect.stringContaining(`must not start with '${prefix}'`)]);
    }
  });

  it("needs a ':' somewhere before {{SessionName}} (the guide's john{{SessionName}} / :john{{SessionName}} / jo:hn{{SessionName}})", () => {
    expect(usernameProblems('john{{SessionName}}', { accessEntry: true, node: false })).toEqual([expect.stringContaining("without a ':' before it")]);
    expect(usernameProblems(':john{{SessionName}}', { accessEntry: true, node: false })).toEqual([]);
    expect(usernameProblems('jo:hn{{SessionName}}', { accessEntry: true, node: false })).toEqual([]);
  });

  it('generates the user ARN for users and the path-less assumed-role ARN for roles', () => {
    expect(defaultAccessEntryUsername(`arn:aws:iam::${ACCT}:user/team/dev`)).toBe(`arn:aws:iam::${ACCT}:user/team/dev`);
    expect(defaultAccessEntryUsername(`arn:aws-cn:iam::${ACCT}:role/development/apps/my-role`)).toBe(`arn:aws-cn:sts::${ACCT}:assumed-role/my-role/{{SessionName}}`);
  });
});

describe('access-policy ARNs and partitions', () => {
  it('formats and parses arn:<partition>:eks::aws:cluster-access-policy/<Name>', () => {
    expect(accessPolicyArn('aws-us-gov', 'AmazonEKSViewPolicy')).toBe('arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSViewPolicy');
    expect(parseAccessPolicyArn('arn:aws-iso-b:eks::aws:cluster-access-policy/AmazonEKSEditPolicy')).toEqual({ partition: 'aws-iso-b', policyName: 'AmazonEKSEditPolicy' });
    expect(parseAccessPolicyArn(`arn:aws:iam::${ACCT}:policy/AmazonEKSViewPolicy`)).toBeUndefined();
  });

  it.each([
    ['us-east-1', 'aws'], ['cn-north-1', 'aws-cn'], ['us-gov-west-1', 'aws-us-gov'], ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'], ['eu-isoe-west-1', 'aws-iso-e'], ['us-isof-south-1', 'aws-iso-f'], ['eusc-de-east-1', 'aws-eusc'],
  ])('region %s is in partition %s', (region, partition) => {
    expect(partitionOfRegion(region).id).toBe(partition);
  });
});

describe('node-type access entries: a role, no username, no groups (one rule for the mapper and the model)', () => {
  it('STANDARD entries are not node entries', () => {
    expect(nodeEntryProblems(AccessEntryType.STANDARD, { isRole: false, hasUsername: true, hasKubernetesGroups: true })).toEqual([]);
  });

  it('a node type names every field it may not take', () => {
    expect(nodeEntryProblems(AccessEntryType.EC2_LINUX, { isRole: false, hasUsername: true, hasKubernetesGroups: true }).map((p) => p.field))
      .toEqual(['principal', 'username', 'kubernetesGroups']);
    expect(nodeEntryProblems(AccessEntryType.FARGATE_LINUX, { isRole: true, hasUsername: false, hasKubernetesGroups: false })).toEqual([]);
  });

  it('the webhook mapper and the model report the same problem for the same entry', () => {
    const arn = 'arn:aws:iam::111122223333:role/nodes';
    let mapperMessage = '';
    try {
      new AccessEntryMapper([{ principalArn: arn, type: AccessEntryType.EC2_LINUX, username: 'node' }]);
    } catch (e) {
      mapperMessage = String((e as { errors?: unknown[] }).errors?.map(String).join('\n') ?? e);
    }
    const [problem] = nodeEntryProblems(AccessEntryType.EC2_LINUX, { isRole: true, hasUsername: true, hasKubernetesGroups: false });
    expect(mapperMessage).toContain(problem.problem);
  });
});
