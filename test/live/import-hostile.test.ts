/**
 * `eks-access import` against hostile input (issue 22 items 1, 3, 4): what a cluster, an aws-auth row or a hand-edited
 * snapshot holds never becomes code (the generated module is checked with the TypeScript parser and run with
 * `require` hooked), a snapshot whose fields are not of the documented types is refused (exit 2, naming the field),
 * any set of names gives distinct construct ids, and diff and import key a cluster-scoped object the same way whatever
 * `metadata.namespace` it carries.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { App } from 'cdk8s';
import { AccessSources } from '../../lib/analysis/inputs/load-sources';
import { generateImport } from '../../lib/live/import/generate';
import { IdAllocator, commentText, literal, stringLiteral } from '../../lib/live/import/code-literal';
import { rbacKey } from '../../lib/live/diff/state';
import { LiveSnapshot, snapshotAccessEntries } from '../../lib/live/snapshot/format';
import { emittedShapeProblems, runEmitted } from '../../harness/emitted-module';
import { runEksAccess } from '../analysis/run-cli';

const ACCT = '111122223333';
const WORK = resolve(__dirname, '..', '..', 'test-artifacts', 'live-import-hostile');
const LS = '\u2028';
const PAYLOAD = `x${LS}require('child_process').execSync('id > /tmp/pwned');// `;

function snapshotOf(over: Partial<LiveSnapshot> = {}): LiveSnapshot {
  return {
    apiVersion: 'cdk-eks-access.io/v1alpha1', kind: 'LiveSnapshot', takenAt: '2026-12-01T00:00:00.000Z',
    cluster: { name: 'prod', region: 'us-east-1', authenticationMode: 'API_AND_CONFIG_MAP' },
    accessEntries: [{ principalArn: `arn:aws:iam::${ACCT}:user/alice`, type: 'STANDARD', username: 'alice', kubernetesGroups: [], accessPolicies: [] }],
    iamRoles: [], problems: [], ...over,
  };
}

function sourcesOf(snapshot: LiveSnapshot, objects: object[] = []): AccessSources {
  return {
    objects: objects.map((object) => ({ object: object as never, origin: 'test' })),
    accessEntries: snapshotAccessEntries(snapshot, 'cluster.json'), warnings: [], files: [], snapshots: [snapshot],
  };
}

const rbac = (o: object) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', ...o });
const ref = (kind: string, name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });

/** The module parses into the expected statement shapes only, and running it loads nothing but the library. */
function expectInert(source: string): void {
  expect(emittedShapeProblems(source)).toEqual([]);
  const run = runEmitted(source, () => new App());
  expect(run.forbiddenModules).toEqual([]);
  expect(run.error).toBeUndefined(); // it ran: the hook served the library
}

describe('code-literal: the one emitter helper', () => {
  it('writes strings as printable-ASCII literals that evaluate back to the same string', () => {
    for (const s of [PAYLOAD, '\r\n\u2029*/${`\\\'"', '\u0000\u001b[2J\u009b\u202e\ud83d\ude00e\u0301', '\ud800']) {
      const lit = stringLiteral(s);
      expect(lit).toMatch(/^"[\x20-\x7e]*"$/);
      expect(JSON.parse(lit)).toBe(s);
    }
    expect(literal(JSON.parse('{"__proto__":"x","a":["b",null,1]}'))).toBe('{ ["__proto__"]: "x", "a": ["b", null, 1] }');
    expect(() => literal(() => 1)).toThrow(/not a literal/);
  });

  it('makes comment text one line of printable ASCII that cannot close a comment', () => {
    const c = commentText(`a${LS}b\nc\r*/d\u0085e`);
    expect(c).toMatch(/^[\x20-\x7e]*$/);
    expect(c).not.toContain('*/');
  });

  it('allocates distinct ids for any set of names (case-insensitively, reserved ids kept)', () => {
    const ids = new IdAllocator(['AwsAuth']);
    const got = ['Role-team-a-b', 'Role/team-a/b', 'role-team-a-b', 'AwsAuth', 'a-2', 'a', 'a', '', '***'].map((n) => ids.allocate(n));
    expect(new Set(got.map((g) => g.toLowerCase())).size).toBe(got.length);
    expect(got.every((g) => /^[A-Za-z0-9-]+$/.test(g))).toBe(true);
  });
});

describe('import: input never becomes code (issue 22 item 1)', () => {
  it('a RoleBinding subject with U+2028 and a payload stays inside a NOTE that cannot end early', () => {
    const objects = [rbac({ kind: 'RoleBinding', metadata: { name: 'view-x', namespace: 'team' }, roleRef: ref('ClusterRole', 'view'), subjects: [{ kind: 'User', name: PAYLOAD }] })];
    const { source, notes } = generateImport(sourcesOf(snapshotOf(), objects));
    expect(notes.some((n) => n.includes(PAYLOAD))).toBe(true); // the raw value is in the returned note (printed terminal-safe)
    expect(source).not.toMatch(/[\u2028\u2029\r]/);
    expect(source).toMatch(/^[\x20-\x7e\n]*$/);
    expectInert(source);
  });

  it.each([
    ['a RoleBinding subject (written as code)', { subjects: [{ kind: 'User', name: `ok${LS}require("fs")` }] }],
    ['a verb', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: [`get${LS}require("fs")//`] }] }],
  ])('%s with line separators', (_what, extra) => {
    const kind = 'rules' in extra ? 'Role' : 'RoleBinding';
    const objects = [rbac({ kind, metadata: { name: 'n', namespace: 'team' }, ...(kind === 'RoleBinding' ? { roleRef: ref('ClusterRole', 'view') } : {}), ...extra })];
    const { source } = generateImport(sourcesOf(snapshotOf(), objects));
    expect(source).toMatch(/^[\x20-\x7e\n]*$/);
    expectInert(source);
  });

  it('a roleRef or subject kind outside the enum is a NOTE, never written as another kind', () => {
    const objects = [
      rbac({ kind: 'RoleBinding', metadata: { name: 'odd-ref', namespace: 'team' }, roleRef: ref('Foo', 'view'), subjects: [{ kind: 'User', name: 'u' }] }),
      rbac({ kind: 'ClusterRoleBinding', metadata: { name: 'crb-to-role' }, roleRef: ref('Role', 'view'), subjects: [{ kind: 'User', name: 'u' }] }),
      rbac({ kind: 'ClusterRoleBinding', metadata: { name: 'odd-subject' }, roleRef: ref('ClusterRole', 'view'), subjects: [{ kind: 'Robot', name: 'r' }] }),
    ];
    const { source, notes } = generateImport(sourcesOf(snapshotOf(), objects));
    expect(source).not.toMatch(/addRoleBinding|addClusterRoleBinding/);
    expect(notes.filter((n) => /RoleBinding.*(roleRef kind|subject kind)/.test(n))).toHaveLength(3);
    expectInert(source);
  });

  it('aws-auth rolearn paths, usernames and groups, access-entry usernames and groups, SSO permission-set names', () => {
    const awsAuth = {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' },
      data: {
        mapRoles: stringify([
          { rolearn: `arn:aws:iam::${ACCT}:role/p${LS}x/admin`, username: `u${LS}require("fs")`, groups: [`g${LS}*/`] },
          { rolearn: `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${PAYLOAD}_0123456789abcdef`, username: 'sso', groups: ['x'] },
        ]),
      },
    };
    const snapshot = snapshotOf({
      accessEntries: [
        { principalArn: `arn:aws:iam::${ACCT}:user/bob`, type: 'STANDARD', username: PAYLOAD, kubernetesGroups: [PAYLOAD, `system:${LS}x`], accessPolicies: [] },
        { principalArn: `arn:aws:iam::${ACCT}:role/r`, type: 'STANDARD', kubernetesGroups: ['ok'], accessPolicies: [{ policyArn: `arn:aws:eks::aws:cluster-access-policy/${PAYLOAD}`, scope: { type: 'cluster', namespaces: [] } }] },
      ],
    });
    const { source } = generateImport(sourcesOf(snapshot, [awsAuth]));
    expect(source).toMatch(/^[\x20-\x7e\n]*$/);
    expectInert(source);
  });

  it('the cluster name and takenAt in the header comment, authenticationMode and entry type are never pasted as code', () => {
    const snapshot = snapshotOf({
      cluster: { name: `*/ require("child_process"); /*${LS}`, authenticationMode: 'API });require("fs");(AuthenticationMode.API' },
      takenAt: `now */ require("fs") /*`,
      accessEntries: [{ principalArn: `arn:aws:iam::${ACCT}:role/nodes`, type: 'EC2_LINUX });require("fs");({', kubernetesGroups: [], accessPolicies: [] }],
    });
    const { source, notes } = generateImport(sourcesOf(snapshot), { accountId: ACCT });
    expectInert(source);
    expect(notes.join('\n')).toMatch(/authenticationMode .* is not one of CONFIG_MAP, API_AND_CONFIG_MAP, API; done instead: API_AND_CONFIG_MAP/);
    expect(notes.join('\n')).toMatch(/type .* is not one of STANDARD, EC2_LINUX/);
    expect(source).not.toContain('addNodeRole');
  });

  it('prints the NOTEs terminal-safe (a subject named with ESC sequences cannot clear the screen); JSON keeps the value', async () => {
    const dir = join(WORK, 'terminal');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'kubernetes'), { recursive: true });
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify(snapshotOf()));
    const evil = 'evil\u001b[2J\u001b[Hno drift\u001b[8m ';
    writeFileSync(join(dir, 'kubernetes', 'rbac.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items: [
      rbac({ kind: 'RoleBinding', metadata: { name: 'b', namespace: 'team' }, roleRef: ref('ClusterRole', 'view'), subjects: [{ kind: 'User', name: evil }] }),
    ] }));
    const text = await runEksAccess('import', '--from', dir, '--out', join(dir, 'access.ts'));
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain('\u001b');
    expect(text.stdout).toContain('evil\\x1b[2J');
    const json = await runEksAccess('import', '--from', dir, '--out', join(dir, 'access.ts'), '--output', 'json');
    expect((JSON.parse(json.stdout) as { notes: string[] }).notes.some((n) => n.includes(evil))).toBe(true);
  });

  it('refuses (exit 2) a snapshot whose fields are not of the documented types, naming the field', async () => {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    const bad = { ...snapshotOf(), accessEntries: [{ principalArn: `arn:aws:iam::${ACCT}:user/a`, type: 'STANDARD', kubernetesGroups: [{ toString: 'x' }], accessPolicies: [] }] };
    writeFileSync(join(WORK, 'cluster.json'), JSON.stringify(bad));
    const r = await runEksAccess('import', '--from', WORK, '--out', join(WORK, 'access.ts'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('accessEntries[0].kubernetesGroups[0]');
    expect(r.stderr).toContain('must be a string');
    expect(r.stderr).toContain('eks-access:snapshot-format');
    writeFileSync(join(WORK, 'cluster.json'), JSON.stringify({ ...snapshotOf(), cluster: { name: 7 } }));
    const r2 = await runEksAccess('import', '--from', WORK, '--out', join(WORK, 'access.ts'), '--output', 'json');
    expect(r2.code).toBe(2);
    expect(r2.stdout).toContain('cluster.name');
    expect(() => readFileSync(join(WORK, 'access.ts'))).toThrow();
  });
});

describe('import: aws-auth rows the construct refuses (found by the emitter property test)', () => {
  it('a second row for the same ARN is a NOTE, not a module that fails at synth', () => {
    const awsAuth = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: {
      mapUsers: stringify([{ userarn: `arn:aws:iam::${ACCT}:user/a`, username: 'a', groups: ['x'] }, { userarn: `arn:aws:iam::${ACCT}:user/a`, username: 'b', groups: ['y'] }]),
    } };
    const { source, notes } = generateImport(sourcesOf(snapshotOf(), [awsAuth]));
    expect(notes.join('\n')).toMatch(/user row arn:aws:iam::111122223333:user\/a; AwsAuthConfigMap refuses it: aws-auth has two rows .* done instead: left out/);
    expect(source.match(/userArn:/g)).toHaveLength(1);
    expectInert(source);
  });
});

describe('import: group grants the model refuses', () => {
  it('a group name with a line separator or NUL is not written as addGroupGrant (the module would fail at synth)', () => {
    const g = 'x\u2028y\u0000';
    const objects = [
      rbac({ kind: 'ClusterRole', metadata: { name: `eks-access:${g}` }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }),
      rbac({ kind: 'ClusterRoleBinding', metadata: { name: `eks-access:${g}` }, roleRef: ref('ClusterRole', `eks-access:${g}`), subjects: [{ kind: 'Group', name: g }] }),
      rbac({ kind: 'ClusterRoleBinding', metadata: { name: `eks-access:${g}:view` }, roleRef: ref('ClusterRole', 'view'), subjects: [{ kind: 'Group', name: g }] }),
    ];
    const { source, notes } = generateImport(sourcesOf(snapshotOf(), objects));
    expect(source).not.toContain('addGroupGrant');
    expect(notes.filter((n) => /group grant .* the model refuses it: .*whitespace.* done instead: left to the RBAC import/s.test(n))).toHaveLength(2);
    expectInert(source);
  });
});

describe('import: construct ids (issue 22 item 3)', () => {
  it('Role a-b in team and Role b in team-a get distinct ids, and the chart builds', () => {
    const role = (name: string, namespace: string) => rbac({ kind: 'Role', metadata: { name, namespace }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
    const { source } = generateImport(sourcesOf(snapshotOf(), [role('a-b', 'team'), role('b', 'team-a'), role('AwsAuth', 'x')]));
    const run = runEmitted(source, () => new App());
    expect(run.error).toBeUndefined();
    expect(source.match(/chart\.addRole\(/g)).toHaveLength(3);
  });
});

describe('diff and import key cluster-scoped objects alike (issue 22 item 4)', () => {
  it('rbacKey ignores metadata.namespace on cluster-scoped kinds, keeps it on namespaced ones', () => {
    expect(rbacKey({ kind: 'ClusterRole', metadata: { name: 'c', namespace: 'default' } })).toBe(rbacKey({ kind: 'ClusterRole', metadata: { name: 'c' } }));
    expect(rbacKey({ kind: 'ClusterRoleBinding', metadata: { name: 'c', namespace: 'x' } })).toBe('ClusterRoleBinding c');
    expect(rbacKey({ kind: 'Role', metadata: { name: 'r', namespace: 'x' } })).toBe('Role x/r');
  });

  it('import → synth → diff of a ClusterRole and ClusterRoleBinding carrying a namespace: no drift', async () => {
    const dir = join(WORK, 'cluster-scoped');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'snap', 'kubernetes'), { recursive: true });
    writeFileSync(join(dir, 'snap', 'cluster.json'), JSON.stringify(snapshotOf({ accessEntries: [] })));
    writeFileSync(join(dir, 'snap', 'kubernetes', 'rbac.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items: [
      rbac({ kind: 'ClusterRole', metadata: { name: 'reader', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }),
      rbac({ kind: 'ClusterRoleBinding', metadata: { name: 'readers', namespace: 'default' }, roleRef: ref('ClusterRole', 'reader'), subjects: [{ kind: 'Group', name: 'readers' }] }),
    ] }));
    const out = join(dir, 'access.ts');
    expect((await runEksAccess('import', '--from', join(dir, 'snap'), '--out', out, '--account', ACCT, '--module', resolve(__dirname, '..', '..', 'lib', 'index'))).code).toBe(0);
    const source = readFileSync(out, 'utf8');
    const run = runEmitted(source, () => new App({ outdir: join(dir, 'manifests') }), { synth: true });
    expect(run.error).toBeUndefined();
    const manifests = run.manifests;
    const r = await runEksAccess('diff', '--desired', manifests!, '--live', join(dir, 'snap'), '--output', 'json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).items).toEqual([]);
    expect(r.code).toBe(0);
  });
});
