/**
 * Issue 22, item 2: names read from a cluster, a snapshot, a cdk.out or a file reach the terminal only escaped. A
 * ClusterRoleBinding named `evil\e[2J\e[Hno drift\e[8m` (clear the screen, print "no drift", hide the rest) and its
 * kin with C1, U+2028 and bidi controls are put into every input a text-mode command reads; the real CLI runs each
 * command, and no raw control byte may reach stdout or stderr (our own `\n` between lines is the only one), while the
 * escaped form must (so the command did print the hostile value, and the check is not vacuous). JSON output keeps the
 * value exactly (its encoder escapes).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { hasUnsafeTerminalText } from '../../bin/commands/terminal-text';
import { eksAccess } from '../../harness/eks-access-process';

jest.setTimeout(240_000);

const ACCT = '111122223333';
/** The name, plus a C1 CSI, a line separator and a right-to-left override. */
const EVIL = 'evil\x1b[2J\x1b[Hno drift\x1b[8m\x9b31m\u2028\u202e';
/** How `terminalSafe` prints EVIL's start: proof that the value was printed. */
const EVIL_SHOWN = 'evil\\x1b[2J\\x1b[Hno drift\\x1b[8m\\x9b31m\\u2028\\u202e';
const RBAC = 'rbac.authorization.k8s.io';
const EKS = 'arn:aws:eks::aws:cluster-access-policy';

let dir: string;
let snap: string;
let desired: string;
let awsAuthFile: string;
let oursFile: string;
let mergeLiveFile: string;

function awsAuth(rows: object[], annotations?: Record<string, string>) {
  return {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system', ...(annotations ? { annotations } : {}) },
    data: { mapRoles: stringify(rows) },
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-text-'));
  snap = join(dir, 'snap');
  desired = join(dir, 'desired');
  mkdirSync(join(snap, 'kubernetes'), { recursive: true });
  mkdirSync(desired);
  writeFileSync(join(snap, 'cluster.json'), JSON.stringify({
    apiVersion: 'cdk-eks-access.io/v1alpha1', kind: 'LiveSnapshot', takenAt: '2026-11-29T10:00:00.000Z',
    cluster: { name: 'prod', region: 'us-east-1', authenticationMode: 'API_AND_CONFIG_MAP' },
    accessEntries: [{ principalArn: `arn:aws:iam::${ACCT}:user/alice`, type: 'STANDARD', username: `alice${EVIL}`, kubernetesGroups: [`grp${EVIL}`],
      accessPolicies: [{ policyArn: `${EKS}/AmazonEKSClusterAdminPolicy`, scope: { type: 'cluster', namespaces: [] } }] }],
    iamRoles: [],
    problems: [],
  }));
  writeFileSync(join(snap, 'kubernetes', 'aws-auth.yaml'), stringify(awsAuth([{ rolearn: `arn:aws:iam::${ACCT}:role/ops`, username: `ops${EVIL}`, groups: [`ops${EVIL}`] }])));
  writeFileSync(join(snap, 'kubernetes', 'rbac.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items: [
    { apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name: EVIL }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'Group', name: `grp${EVIL}`, apiGroup: RBAC }] },
    // A trailing space makes RbacChart refuse the subject, so `import` writes a NOTE carrying it.
    { apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: `rb${EVIL}`, namespace: 'dev' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: `u${EVIL} `, apiGroup: RBAC }] },
  ] }));
  writeFileSync(join(desired, 'access.k8s.yaml'), stringify({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name: `code${EVIL}` },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: `g${EVIL}`, apiGroup: RBAC }] }));
  awsAuthFile = join(dir, 'aws-auth.yaml');
  writeFileSync(awsAuthFile, stringify(awsAuth([
    { rolearn: `arn:aws:iam::${ACCT}:role/ops`, username: `ops${EVIL}`, groups: [`ops${EVIL}`] },
    { rolearn: `arn:aws:iam::${ACCT}:role/x`, username: `x${EVIL}`, groups: ['system:masters'] },
  ])));
  // A live row the merge cannot read: named in the refusal.
  mergeLiveFile = join(dir, 'merge-live.yaml');
  writeFileSync(mergeLiveFile, stringify(awsAuth([{ rolearn: `bad${EVIL}`, username: 'x', groups: ['g'] }])));
  oursFile = join(dir, 'ours.yaml');
  writeFileSync(oursFile, stringify(awsAuth([{ rolearn: `arn:aws:iam::${ACCT}:role/ops`, username: 'ops', groups: ['ops'] }])));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The text-mode runs: each reads at least one hostile value and prints it (stdout or stderr). */
const RUNS: Array<[string, () => string[]]> = [
  ['diff', () => ['diff', '--desired', desired, '--live', snap]],
  ['can-i --explain', () => ['can-i', 'get', 'pods', '-A', '--as', 'bob', '--as-group', `grp${EVIL}`, '--from', snap, '--explain']],
  ['who-can', () => ['who-can', 'get', 'pods', '-A', '--from', snap]],
  ['matrix', () => ['matrix', '--as', `bob${EVIL}`, '--as-group', `grp${EVIL}`, '--from', snap, '-A']],
  ['risks', () => ['risks', '--from', snap]],
  ['import notes', () => ['import', '--from', snap, '--out', join(dir, 'access.ts')]],
  ['merge-aws-auth', () => ['merge-aws-auth', '--live', mergeLiveFile, '--ours', oursFile]],
  ['migrate', () => ['migrate', '--aws-auth', awsAuthFile]],
  ['an error naming a path', () => ['risks', '--from', join(dir, `missing${EVIL}`)]],
  ['an unknown flag', () => ['who-can', `--fr${EVIL}`]],
  ['an unknown command', () => [`dif${EVIL}`]],
];

describe.each(RUNS)('eks-access %s (text output)', (_name, argv) => {
  it('prints the hostile value escaped, and no raw control, C1, separator or bidi character', async () => {
    const r = await eksAccess(argv(), { fromSource: true });
    const both = `${r.stdout}${r.stderr}`;
    // Escaped here (\x1b), or already quoted upstream (\u001b, as JSON quoting does): either way visible, not raw.
    expect(both).toMatch(/evil\\(x1b|u001b)\[2J/);
    const unsafe = both.split('\n').filter(hasUnsafeTerminalText);
    expect(unsafe).toEqual([]);
  });
});

it('JSON output keeps the hostile value exactly, for programs to read (unchanged by the text escaping)', async () => {
  const r = await eksAccess(['who-can', 'get', 'pods', '-A', '--from', snap, '-o', 'json'], { fromSource: true });
  expect(r.code).toBe(0);
  const subjects = (JSON.parse(r.stdout) as { subjects: Array<{ name: string; binding: string }> }).subjects;
  expect(subjects).toContainEqual(expect.objectContaining({ name: `grp${EVIL}`, binding: expect.stringContaining(EVIL) }));
});

describe('snapshot problems (the server\'s reasons are input)', () => {
  it('go to stderr escaped, one line each', async () => {
    const { printSnapshotResult } = await import('../../bin/commands/snapshot');
    const { captureCli } = await import('../helpers/cli-output');
    const taken = {
      snapshot: { accessEntries: [], iamRoles: [], problems: [{ source: `kubernetes:roles${EVIL}`, reason: `HTTP 403: ${EVIL}\nforged line` }] },
      kube: { rbac: [], awsAuth: undefined, iamIdentityMappings: [] },
      warnings: [],
    } as unknown as Parameters<typeof printSnapshotResult>[1];
    const r = await captureCli(async () => {
      printSnapshotResult(join(dir, `out${EVIL}`), taken, [], 'text');
      return 0;
    }, []);
    expect(r.stderr).toContain(EVIL_SHOWN);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(`${r.stdout}${r.stderr}`.split('\n').filter(hasUnsafeTerminalText)).toEqual([]);
  });
});

it('covers every command that prints input in text, or says why not', async () => {
  const { COMMANDS } = await import('../../bin/cli-main');
  const covered = new Set(RUNS.map(([name]) => name.split(' ')[0]));
  // snapshot: above (a live cluster is test/live/snapshot.test.ts); report: its text is one line naming --out, the
  // HTML escapes every field (test/analysis/report.test.ts); token, verify, serve, init, completion: their text
  // carries only flags and files the user named, and errors go through errorLine like every command's.
  // usage: its hostile audit-log values are checked in test/usage/usage-cli.test.ts.
  const notHere = ['snapshot', 'report', 'token', 'verify', 'serve', 'init', 'completion', 'usage'];
  expect(Object.keys(COMMANDS).filter((c) => !covered.has(c) && !notHere.includes(c))).toEqual([]);
});
