import { AccessEntryMapper, AccessEntryType, MapperChain, MappingConfigError, TemplateRenderer } from '../../../authenticator/mapper';
import { identityFor } from './identity';

const ACCT = '111122223333';
// EC2 itself cannot run here: an in-process lookup stands in (the SDK path is tested in ec2-private-dns.test.ts).
const renderer = new TemplateRenderer({ ec2: { privateDnsName: async (id) => `ip-10-0-0-1.${id}.ec2.internal` } });

describe('AccessEntryMapper', () => {
  it('generates EKS default usernames per entry type', async () => {
    const m = new AccessEntryMapper(
      [
        { principalArn: `arn:aws:iam::${ACCT}:user/ops/alice` },
        { principalArn: `arn:aws:iam::${ACCT}:role/team/Dev`, kubernetesGroups: ['devs'] },
        { principalArn: `arn:aws:iam::${ACCT}:role/NodeRole`, type: AccessEntryType.EC2_LINUX },
        { principalArn: `arn:aws:iam::${ACCT}:role/WinNodeRole`, type: 'EC2_WINDOWS' },
        { principalArn: `arn:aws:iam::${ACCT}:role/FargateRole`, type: AccessEntryType.FARGATE_LINUX },
        { principalArn: `arn:aws:iam::${ACCT}:role/HybridRole`, type: AccessEntryType.HYBRID_LINUX },
      ],
      { renderer },
    );
    expect(await m.map(identityFor({ arn: `arn:aws:iam::${ACCT}:user/ops/alice` }))).toEqual({ username: `arn:aws:iam::${ACCT}:user/ops/alice`, groups: [] });
    expect(await m.map(identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/Dev/bob@example.com` }))).toEqual({
      username: `arn:aws:sts::${ACCT}:assumed-role/Dev/bob-example.com`,
      groups: ['devs'],
    });
    expect(await m.map(identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/NodeRole/i-0123456789abcdef0` }))).toEqual({
      username: 'system:node:ip-10-0-0-1.i-0123456789abcdef0.ec2.internal',
      groups: ['system:bootstrappers', 'system:nodes'],
    });
    expect((await m.map(identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/WinNodeRole/i-0123456789abcdef0` })))?.groups).toContain('eks:kube-proxy-windows');
    expect((await m.map(identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/FargateRole/fargate-ip-10-0-0-9` })))?.username).toBe(
      'system:node:fargate-ip-10-0-0-9',
    );
    expect((await m.map(identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/HybridRole/mi-0abc` })))?.username).toBe('system:node:mi-0abc');
  });

  it('uses a custom STANDARD username and takes part in a chain', async () => {
    const m = new AccessEntryMapper([{ principalArn: `arn:aws:iam::${ACCT}:role/Admin`, username: 'admin:{{SessionName}}', kubernetesGroups: ['admins'] }]);
    const chain = new MapperChain([m]);
    expect(await chain.resolve(identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/Admin/jo` }))).toEqual({
      user: { username: 'admin:jo', groups: ['admins'] },
      mapper: 'access-entries',
      kind: 'role',
      row: 'accessEntries[0]',
    });
  });

  it('rejects what EKS rejects, naming each entry and field', () => {
    let error: MappingConfigError | undefined;
    try {
      new AccessEntryMapper([
        { principalArn: `arn:aws:sts::${ACCT}:assumed-role/Admin/s` },
        { principalArn: `arn:aws:iam::${ACCT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS` },
        { principalArn: `arn:aws:iam::${ACCT}:user/u`, type: AccessEntryType.EC2_LINUX },
        { principalArn: `arn:aws:iam::${ACCT}:role/Node`, type: AccessEntryType.EC2_LINUX, username: 'x', kubernetesGroups: ['g'] },
        { principalArn: `arn:aws:iam::${ACCT}:role/A`, username: 'system:admin' },
        { principalArn: `arn:aws:iam::${ACCT}:role/B`, username: '{{SessionName}}' },
        { principalArn: `arn:aws:iam::${ACCT}:role/C`, kubernetesGroups: ['system:masters'] },
        { principalArn: `arn:aws:iam::${ACCT}:role/D`, type: 'WINDOWS' as AccessEntryType },
        { principalArn: `arn:aws:iam::${ACCT}:role/E` },
        { principalArn: `arn:aws:iam::${ACCT}:role/e` },
      ]);
    } catch (e) {
      error = e as MappingConfigError;
    }
    expect(error).toBeInstanceOf(MappingConfigError);
    expect(error!.rowErrors.map((e) => e.location)).toEqual([
      'accessEntries[0].principalArn',
      'accessEntries[1].principalArn',
      'accessEntries[2].type',
      'accessEntries[3].username',
      'accessEntries[3].kubernetesGroups',
      'accessEntries[4].username',
      'accessEntries[5].username',
      'accessEntries[6].kubernetesGroups[0]',
      'accessEntries[7].type',
      'accessEntries[9].principalArn',
    ]);
    expect(error!.message).toContain("accessEntries[6].kubernetesGroups[0]: kubernetes group 'system:masters' cannot be used on an access entry: EKS rejects groups starting with 'system:'");
  });
});
