/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import YAML from 'yaml';
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { AwsAuthConfigMap, mergeAwsAuth, NodeOs, OWNED_ROWS_ANNOTATION } from '../../lib/k8s';
import { validateAll } from './validate-manifest';

const ACCT = '111122223333';
const walkthrough = () => YAML.parse(readFileSync(join(__dirname, 'fixtures/aws-auth-walkthrough.yaml'), 'utf8'));

function render(props: ConstructorParameters<typeof AwsAuthConfigMap>[2]) {
  const chart = Testing.chart();
  const cm = new AwsAuthConfigMap(chart, 'AwsAuth', props);
  return { cm, objs: Testing.synth(chart) };
}

describe('AwsAuthConfigMap', () => {
  test('renders mapRoles with paths stripped, node rows first, mapUsers and mapAccounts; the mapper reads it back', () => {
    const { objs } = render({
      nodeRoles: [{ roleArn: `arn:aws:iam::${ACCT}:role/nodes/linux-nodes` }, { roleArn: `arn:aws:iam::${ACCT}:role/win-nodes`, os: NodeOs.WINDOWS }, { roleArn: `arn:aws:iam::${ACCT}:role/fargate-pods`, fargate: true }],
      roles: [{ roleArn: `arn:aws:iam::${ACCT}:role/team/dev/Developer`, username: 'dev:{{SessionName}}', groups: ['developers'] }],
      users: [{ userArn: `arn:aws:iam::${ACCT}:user/alice`, username: 'alice', groups: [] }],
      accounts: ['444455556666'],
    });
    validateAll(objs);
    expect(objs).toHaveLength(1);
    const [cm] = objs;
    expect(cm.metadata.name).toBe('aws-auth');
    expect(cm.metadata.namespace).toBe('kube-system');
    expect(cm.data.mapRoles).not.toContain('role/team/dev/');
    const parsed = parseAwsAuth(cm.data);
    expect(parsed.errors).toEqual([]);
    expect(parsed.roles.map((r) => [r.roleArn, r.username, r.groups])).toEqual([
      [`arn:aws:iam::${ACCT}:role/linux-nodes`, 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes']],
      [`arn:aws:iam::${ACCT}:role/win-nodes`, 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes', 'eks:kube-proxy-windows']],
      [`arn:aws:iam::${ACCT}:role/fargate-pods`, 'system:node:{{SessionName}}', ['system:bootstrappers', 'system:nodes', 'system:node-proxier']],
      [`arn:aws:iam::${ACCT}:role/Developer`, 'dev:{{SessionName}}', ['developers']],
    ]);
    expect(parsed.users.map((u) => u.username)).toEqual(['alice']);
    expect(parsed.accounts).toEqual(['444455556666']);
    expect(Object.keys(JSON.parse(cm.metadata.annotations[OWNED_ROWS_ANNOTATION]))).toHaveLength(6);
    expect(objs).toMatchSnapshot();
  });

  test('duplicate ARNs (also after path stripping), bad accounts and empty content are synth errors', () => {
    expect(() => render({ roles: [
      { roleArn: `arn:aws:iam::${ACCT}:role/a/R`, username: 'x', groups: [] },
      { roleArn: `arn:aws:iam::${ACCT}:role/b/R`, username: 'y', groups: [] },
    ] })).toThrow(/test\/AwsAuth: aws-auth has two rows for arn:aws:iam::111122223333:role\/R/);
    expect(() => render({ accounts: ['12345'] })).toThrow(/"12345" is not a 12-digit/);
    expect(() => render({})).toThrow(/would be empty/);
  });
});

describe('mergeAwsAuth (merge, not clobber)', () => {
  const ours = () => render({
    roles: [{ roleArn: `arn:aws:iam::${ACCT}:role/Admin`, username: 'admin', groups: ['platform-admins'] }],
    users: [{ userArn: `arn:aws:iam::${ACCT}:user/developer`, username: 'developer', groups: ['eks-console-dashboard-restricted-access-group'] }],
  }).cm.content;

  test('keeps rows written by others (node group, testuser, the identical developer row) and metadata, adds ours, records only rows it created', () => {
    const live = walkthrough();
    const r = mergeAwsAuth(live, ours());
    expect(r.conflicts).toEqual([]);
    expect(r.unreadable).toEqual([]);
    expect(r.configMap.metadata!.resourceVersion).toBe('4711');
    const parsed = parseAwsAuth(r.configMap.data);
    expect(parsed.roles.map((x) => x.username)).toEqual(['system:node:{{EC2PrivateDNSName}}', 'admin']);
    expect(parsed.users.map((x) => x.username)).toEqual(['testuser', 'developer']);
    // The developer row was written by someone else with the same mapping: it stays theirs (never adopted).
    expect(r.shared).toEqual([`user:arn:aws:iam::${ACCT}:user/developer`]);
    expect(Object.keys(JSON.parse((r.configMap.metadata!.annotations as Record<string, string>)[OWNED_ROWS_ANNOTATION]))).toEqual([`role:arn:aws:iam::${ACCT}:role/admin`]);
    validateAll([r.configMap as any]);
  });

  test('a second run removes only the rows we owned and no longer declare', () => {
    const first = mergeAwsAuth(walkthrough(), ours()).configMap;
    const second = mergeAwsAuth(first, { roles: [], users: ours().users, accounts: [] });
    expect(second.removed).toEqual([`role:arn:aws:iam::${ACCT}:role/admin`]);
    const parsed = parseAwsAuth(second.configMap.data);
    expect(parsed.roles.map((x) => x.username)).toEqual(['system:node:{{EC2PrivateDNSName}}']);
    expect(parsed.users.map((x) => x.username)).toEqual(['testuser', 'developer']);
    // Not declaring the developer row any more does not delete it: we never created it.
    const fourth = mergeAwsAuth(second.configMap, { roles: [], users: [], accounts: [] });
    expect(fourth.removed).toEqual([]);
    expect(parseAwsAuth(fourth.configMap.data).users.map((x) => x.username)).toEqual(['testuser', 'developer']);
    // idempotent
    const third = mergeAwsAuth(second.configMap, { roles: [], users: ours().users, accounts: [] });
    expect(third.configMap.data).toEqual(second.configMap.data);
    expect(third.added).toEqual([]);
  });

  test('a row of someone else with the same ARN but different mapping is a conflict unless forced', () => {
    const mine = { roles: [], users: [{ userArn: `arn:aws:iam::${ACCT}:user/testuser`, username: 'testuser', groups: ['viewers'] }], accounts: [] };
    const r = mergeAwsAuth(walkthrough(), mine);
    expect(r.conflicts).toEqual([`user:arn:aws:iam::${ACCT}:user/testuser`]);
    expect(parseAwsAuth(r.configMap.data).users[0].groups).toEqual(['system:masters']);
    const forced = mergeAwsAuth(walkthrough(), mine, { force: true });
    expect(forced.conflicts).toEqual([]);
    expect(parseAwsAuth(forced.configMap.data).users[0].groups).toEqual(['viewers']);
  });

  test('creates aws-auth when there is none; reports unreadable live rows', () => {
    const r = mergeAwsAuth(undefined, ours());
    expect(r.configMap.metadata).toMatchObject({ name: 'aws-auth', namespace: 'kube-system' });
    const broken = mergeAwsAuth({ data: { mapRoles: '- rolearn: not-an-arn\n  username: x\n' } }, ours());
    expect(broken.unreadable[0]).toMatch(/mapRoles\[0\]/);
  });
});
