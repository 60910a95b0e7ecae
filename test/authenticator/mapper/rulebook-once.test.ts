/**
 * Rules that were decided in several places and diverged, now one function each (issue 23, "Rules decided more than
 * once"): each test reproduces what the copies got wrong and holds the one answer.
 */
import { AccessEntryType } from '../../../authenticator/mapper/access-entry-type';
import { AccessEntryMapper } from '../../../authenticator/mapper/access-entry-mapper';
import { isAwsAuthConfigMap } from '../../../authenticator/mapper/aws-auth';
import { iamIdentityMappingRows } from '../../../authenticator/mapper/crd-mapper';
import {
  accessEntryGroupProblem, defaultAccessEntryUsername, nodeGroups, nodeIdentity, nodeTypeOfRow,
} from '../../../authenticator/mapper/eks-rules';
import { MappingTable, roleRowKey } from '../../../authenticator/mapper/table';
import { matchesSsoRole } from '../../../authenticator/mapper/sso';
import type { AccessEntryRecord } from '../../../lib/analysis/access-entries';
import { IamPrincipalResolver } from '../../../lib/analysis/iam-principals';
import { planMigration } from '../../../lib/k8s/migration-plan';
import { compareAccess } from '../../../lib/live/diff/compare';
import { accessState } from '../../../lib/live/diff/state';
import { AccessModel, AuthenticationMode, awsAuthRows, normaliseAwsAuth, RuleError, validateModel } from '../../../lib/model';
import { identityFor } from './identity';

const ACCT = '111122223333';

function awsAuth(mapRoles: object[], mapUsers: object[] = [], namespace: string | undefined = 'kube-system') {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'aws-auth', ...(namespace === undefined ? {} : { namespace }) },
    data: { mapRoles: JSON.stringify(mapRoles), mapUsers: JSON.stringify(mapUsers) },
  };
}

function kubeState(objects: object[], accessEntries: AccessEntryRecord[] = []) {
  return accessState({ objects: objects.map((object) => ({ object: object as never, origin: 'test' })) as never, accessEntries, warnings: [], files: [] });
}

describe('drift of aws-auth rows (row keys are the authenticator\'s)', () => {
  const base = { rolearn: `arn:aws:iam::${ACCT}:role/dev`, username: 'dev', groups: ['devs'] };
  const sso = { sso: { permissionSetName: 'Admin', accountID: ACCT }, username: 'admin:{{SessionName}}', groups: ['system:masters'] };

  it('reports an SSO row granting system:masters added to the live aws-auth', () => {
    const drift = compareAccess(kubeState([awsAuth([base])]), kubeState([awsAuth([base, sso])]));
    expect(drift).toEqual([expect.objectContaining({
      area: 'aws-auth', change: 'added', key: 'sso aws:111122223333:admin',
      fields: expect.arrayContaining([{ field: 'groups', desired: undefined, live: ['system:masters'] }]),
    })]);
  });

  it('takes a case variant of a row for the same row, as the authenticator does', () => {
    const upper = { ...base, rolearn: `arn:aws:iam::${ACCT}:role/team/DEV` };
    expect(compareAccess(kubeState([awsAuth([base])]), kubeState([awsAuth([upper])]))).toEqual([]);
    const table = new MappingTable({ roles: [{ roleArn: base.rolearn, username: 'a', groups: [] }, { roleArn: upper.rolearn, username: 'b', groups: [] }], users: [], accounts: [] });
    expect(table.duplicates).toHaveLength(1);
    expect(roleRowKey({ roleArn: upper.rolearn, username: '', groups: [] })).toBe(roleRowKey({ roleArn: base.rolearn, username: '', groups: [] }));
  });
});

describe('normalisation of aws-auth rows', () => {
  it('refuses case-variant duplicate rows (one row to the authenticator)', () => {
    const rows = {
      roles: [{ roleArn: `arn:aws:iam::${ACCT}:role/Admin`, username: 'a', groups: ['x'] }, { roleArn: `arn:aws:iam::${ACCT}:role/admin`, username: 'b', groups: ['y'] }],
      users: [{ userArn: `arn:aws:iam::${ACCT}:user/Bob`, username: 'bob', groups: [] }],
      accounts: [],
    };
    let error: unknown;
    try {
      normaliseAwsAuth(rows, 'Stack/AwsAuth');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).ruleId).toBe('eks-access:aws-auth-duplicate-row');
    expect((error as RuleError).message).toMatch(/^Stack\/AwsAuth: aws-auth has two rows for arn:aws:iam::111122223333:role\/Admin and arn:aws:iam::111122223333:role\/admin/);
  });
});

describe('"is this the aws-auth ConfigMap?"', () => {
  it.each([
    ['kube-system/aws-auth', awsAuth([]), true],
    ['aws-auth without a namespace (a manifest for kubectl -n kube-system)', awsAuth([], [], undefined), true],
    ['aws-auth in another namespace', awsAuth([], [], 'default'), false],
    ['another ConfigMap', { ...awsAuth([]), metadata: { name: 'other', namespace: 'kube-system' } }, false],
    ['a Secret named aws-auth', { ...awsAuth([]), kind: 'Secret' }, false],
    ['not an object', 'aws-auth', false],
  ])('%s', (_what, object, expected) => {
    expect(isAwsAuthConfigMap(object)).toBe(expected);
  });

  it('the drift check ignores an aws-auth ConfigMap outside kube-system', () => {
    expect(kubeState([awsAuth([], [], 'default')]).awsAuthRows).toBeUndefined();
  });
});

describe('node rows → node type, order-insensitive', () => {
  it.each([
    [AccessEntryType.EC2_LINUX, ['system:nodes', 'system:bootstrappers']],
    [AccessEntryType.EC2_WINDOWS, ['eks:kube-proxy-windows', 'system:nodes', 'system:bootstrappers']],
    [AccessEntryType.FARGATE_LINUX, ['system:node-proxier', 'system:nodes', 'system:bootstrappers']],
    [AccessEntryType.HYBRID_LINUX, ['system:nodes', 'system:bootstrappers']],
  ])('%s, groups in another order', (type, groups) => {
    expect(nodeTypeOfRow({ username: nodeIdentity(type)!.username, groups })).toBe(type);
  });

  it('a node username with other groups is no node row', () => {
    expect(nodeTypeOfRow({ username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:nodes', 'admins'] })).toBeUndefined();
  });

  it('migrate plans a reordered EC2_LINUX row as EC2_LINUX, and a hybrid row as HYBRID_LINUX', () => {
    const plan = planMigration(awsAuth([
      { rolearn: `arn:aws:iam::${ACCT}:role/nodes`, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:nodes', 'system:bootstrappers'] },
      { rolearn: `arn:aws:iam::${ACCT}:role/hybrid`, username: 'system:node:{{SessionName}}', groups: ['system:nodes', 'system:bootstrappers'] },
    ]));
    expect(plan.entries.map((e) => e.type)).toEqual([AccessEntryType.EC2_LINUX, AccessEntryType.HYBRID_LINUX]);
  });
});

describe('EC2_LINUX groups: one answer', () => {
  it('the node identity is system:bootstrappers + system:nodes, and the drift check uses it on both sides', () => {
    expect(nodeGroups(AccessEntryType.EC2_LINUX)).toEqual(['system:bootstrappers', 'system:nodes']);
    const entry = (kubernetesGroups: string[]): AccessEntryRecord => ({ principalArn: `arn:aws:iam::${ACCT}:role/node`, type: 'EC2_LINUX', kubernetesGroups, accessPolicies: [], origin: 't' });
    // DescribeAccessEntry reports only system:nodes for it; the code gives none: neither is the code's, no drift.
    const live = kubeState([], [entry(['system:nodes'])]);
    expect(live.accessEntries.get(`arn:aws:iam::${ACCT}:role/node`)?.groups).toEqual(['system:bootstrappers', 'system:nodes']);
    expect(compareAccess(kubeState([], [entry([])]), live)).toEqual([]);
  });
});

describe('HYPERPOD_LINUX: one decision (EKS documents no username, none is guessed)', () => {
  const arn = `arn:aws:iam::${ACCT}:role/hp`;

  it('has no default username and no node identity', () => {
    expect(defaultAccessEntryUsername(arn, AccessEntryType.HYPERPOD_LINUX)).toBeUndefined();
    expect(nodeIdentity(AccessEntryType.HYPERPOD_LINUX)).toBeUndefined();
  });

  it('the access-entry mapper refuses it', () => {
    expect(() => new AccessEntryMapper([{ principalArn: arn, type: AccessEntryType.HYPERPOD_LINUX }])).toThrow(/accessEntries\[0\]\.type: 'HYPERPOD_LINUX' is not an access entry type/);
  });

  it('the model refuses it where a row needs its username (CONFIG_MAP), and accepts it as an access entry', () => {
    const configMap = new AccessModel({ accountId: ACCT, authenticationMode: AuthenticationMode.CONFIG_MAP });
    configMap.addNodeRole('hp', arn, { entryType: AccessEntryType.HYPERPOD_LINUX });
    expect(validateModel(configMap)).toEqual([expect.objectContaining({ subject: 'hp', ruleId: 'eks-access:node-type-mode' })]);
    expect(() => awsAuthRows(configMap)).toThrow(/HYPERPOD_LINUX has no documented username.*\[eks-access:node-row-username\]/);
    const api = new AccessModel({ accountId: ACCT });
    api.addNodeRole('hp', arn, { entryType: AccessEntryType.HYPERPOD_LINUX });
    expect(validateModel(api)).toEqual([]);
  });
});

describe('reserved prefixes of Kubernetes groups: only system: (EKS documents eks:/aws:/amazon:/iam: for usernames only)', () => {
  it.each(['eks:ops', 'aws:ops', 'amazon:ops', 'iam:ops'])('%s is accepted by the rule, the model, the mapper and migrate', (group) => {
    expect(accessEntryGroupProblem(group)).toBeUndefined();
    const m = new AccessModel({ accountId: ACCT });
    m.importRole('ops', `arn:aws:iam::${ACCT}:role/ops`, { kubernetesGroups: [group] });
    m.addGroupGrant({ group, clusterRole: 'view' });
    expect(validateModel(m)).toEqual([]);
    expect(() => new AccessEntryMapper([{ principalArn: `arn:aws:iam::${ACCT}:role/ops`, kubernetesGroups: [group] }])).not.toThrow();
    const plan = planMigration(awsAuth([{ rolearn: `arn:aws:iam::${ACCT}:role/ops`, username: 'ops', groups: [group] }]));
    expect(plan.blockers).toEqual([]);
    expect(plan.entries[0].kubernetesGroups).toEqual([group]);
  });

  it('system:nodes is refused by all of them', () => {
    expect(accessEntryGroupProblem('system:nodes')).toMatch(/EKS rejects groups starting with 'system:'/);
    const plan = planMigration(awsAuth([{ rolearn: `arn:aws:iam::${ACCT}:role/ops`, username: 'ops', groups: ['system:nodes'] }]));
    expect(plan.blockers).toEqual([expect.objectContaining({ reason: expect.stringMatching(/system:nodes/) })]);
  });
});

describe('SSO role names: the permission set is what precedes the last `_`', () => {
  it('the matcher and the model read the same name', async () => {
    const selector = { permissionSetName: 'Admin', accountId: ACCT };
    expect(matchesSsoRole(`arn:aws:iam::${ACCT}:role/awsreservedsso_admin_abcdefg`, selector)).toBe(true);
    expect(matchesSsoRole(`arn:aws:iam::${ACCT}:role/awsreservedsso_admin_readonly_abcdefg`, selector)).toBe(false);
    const table = new MappingTable({ roles: [{ sso: selector, username: 'a', groups: [] }], users: [], accounts: [] });
    expect(table.match(identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/jo` }))?.kind).toBe('sso');
    const m = new AccessModel({ accountId: ACCT });
    m.importRole('sso', `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_ReadOnly_abcdefg`, { kubernetesGroups: ['x'] });
    expect(m.principal('sso')?.ssoPermissionSetName).toBe('Admin_ReadOnly');
  });
});

describe('IAMIdentityMapping → rows: one reading (the CRD backend\'s) for the webhook and the offline analysis', () => {
  const mapping = (name: string, spec: object) => ({ object: { apiVersion: 'iamauthenticator.k8s.aws/v1alpha1', kind: 'IAMIdentityMapping', metadata: { name }, spec } as never, origin: 'test' });

  it('the analysis maps an assumed-role spec as the role, first name wins, and reports bad specs under the object', async () => {
    const resolver = new IamPrincipalResolver([], [
      mapping('b-second', { arn: `arn:aws:iam::${ACCT}:role/dev`, username: 'second', groups: [] }),
      mapping('a-first', { arn: `arn:aws:sts::${ACCT}:assumed-role/dev/x`, username: 'first', groups: ['devs'] }),
      mapping('c-bad', { arn: 'arn:aws:s3:::bucket', username: 'x' }),
    ]);
    const mapped = await resolver.resolve(`arn:aws:iam::${ACCT}:role/dev`);
    expect(mapped?.user.name).toBe('first');
    expect(resolver.mappingErrors()).toEqual([expect.stringContaining('IAMIdentityMapping/c-bad.spec.arn')]);
    const direct = iamIdentityMappingRows([{ name: 'c-bad', spec: { arn: 'arn:aws:s3:::bucket', username: 'x' } }]);
    expect(direct.errors.map((e) => e.location)).toEqual(['IAMIdentityMapping/c-bad.spec.arn']);
  });
});

describe('access entries: one check (the mapper\'s) for the webhook and the offline analysis', () => {
  it('the analysis reports what the mapper refuses, in the mapper\'s words, and maps the valid entries', async () => {
    const entry = (name: string, kubernetesGroups: string[]): AccessEntryRecord => ({ principalArn: `arn:aws:iam::${ACCT}:role/${name}`, type: 'STANDARD', kubernetesGroups, accessPolicies: [], origin: `t#${name}` });
    const resolver = new IamPrincipalResolver([entry('good', ['devs']), entry('bad', ['system:masters'])], []);
    expect((await resolver.resolve(`arn:aws:iam::${ACCT}:role/good`))?.user.groups).toContain('devs');
    expect(await resolver.resolve(`arn:aws:iam::${ACCT}:role/bad`)).toBeUndefined();
    let refused = '';
    try {
      new AccessEntryMapper([{ principalArn: `arn:aws:iam::${ACCT}:role/bad`, type: 'STANDARD', kubernetesGroups: ['system:masters'] }]);
    } catch (e) {
      refused = (e as Error).message;
    }
    expect(refused).toContain('kubernetesGroups[0]');
    expect(resolver.mappingErrors()).toEqual([`access entry t#bad: ${refused}`]);
  });
});
