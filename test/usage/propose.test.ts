/**
 * `eks-access usage --propose` (issue 28): on a small generated audit log against a snapshot, the proposal is a module
 * of only the import emitter's statement shapes that loads nothing outside the library; evaluated with the offline
 * analysis engine it allows every observed allowed request and denies previously allowed unused verbs; hostile strings
 * from the log never become code.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { emittedShapeProblems, runEmitted } from '../../harness/emitted-module';
import { AccessAnalysis, AnalysedPrincipal } from '../../lib/analysis/access-analysis';
import { IamPrincipalResolver } from '../../lib/analysis/iam-principals';
import { RequestAttributes } from '../../lib/analysis/rbac-types';
import { collapseRules, proposeAccess } from '../../lib/usage/propose';
import { auditUsage, UsageReport, UseRow } from '../../lib/usage/usage';
import { runEksAccess } from '../analysis/run-cli';
import { synthImported } from '../live/synth-imported';
import { auditEvent, EventSpec, jsonLines } from './audit-events';
import { IDLE, writeFixture } from './fixture';

const ACCOUNT = '111122223333';
const DEV = `arn:aws:iam::${ACCOUNT}:role/dev`;
const OPS = `arn:aws:iam::${ACCOUNT}:role/ops`;
const NODES = `arn:aws:iam::${ACCOUNT}:role/nodes`;
const FARGATE = `arn:aws:iam::${ACCOUNT}:role/fargate-pods`;
const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
const LIB = resolve(__dirname, '..', '..', 'lib', 'index');
const WORK = resolve(__dirname, '..', '..', 'test-artifacts', 'usage-propose');
const HOSTILE = ['\u2028', '*/', '\u001b[31m', '"', "'", '`${process.exit(1)}`', '\u202e'];

const RBAC = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-editor, namespace: team-a }
rules:
  - apiGroups: [""]
    resources: [pods, pods/log]
    verbs: [get, list, watch, create, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: dev-pods, namespace: team-a }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-editor }
subjects: [{ kind: Group, name: dev-team, apiGroup: rbac.authorization.k8s.io }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secret-admin }
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list, delete]
  - apiGroups: [""]
    resources: [namespaces]
    verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-secrets }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-admin }
subjects: [{ kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io }]
`;

let snapshot = '';

function snapshotDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'usage-propose-'));
  snapshot = dir;
  mkdirSync(join(dir, 'kubernetes'));
  writeFileSync(join(dir, 'kubernetes', 'rbac.yaml'), RBAC);
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify({
    apiVersion: 'cdk-eks-access.io/v1alpha1', kind: 'LiveSnapshot', takenAt: '2026-12-01T00:00:00Z',
    cluster: { name: 'prod', authenticationMode: 'API' },
    accessEntries: [
      { principalArn: DEV, type: 'STANDARD', username: 'dev', kubernetesGroups: ['dev-team'], accessPolicies: [{ policyArn: VIEW, scope: { type: 'cluster', namespaces: [] } }] },
      { principalArn: OPS, type: 'STANDARD', username: 'ops', kubernetesGroups: ['ops'], accessPolicies: [] },
      { principalArn: NODES, type: 'EC2_LINUX', kubernetesGroups: [], accessPolicies: [] },
      { principalArn: FARGATE, type: 'FARGATE_LINUX', kubernetesGroups: [], accessPolicies: [] },
    ],
    iamRoles: [], problems: [],
  }));
  return dir;
}

const dev = { account: ACCOUNT, role: 'dev', session: 'alice' };
const ops = { account: ACCOUNT, role: 'ops', session: 'bob' };

/** A small generated log: a fixed set of request shapes, each repeated, with denied ones and hostile strings. */
function generatedLog(extra: EventSpec[] = []): { path: string; specs: EventSpec[] } {
  const shapes: Array<Omit<EventSpec, 'auditID'>> = [
    { verb: 'get', username: 'dev', assumedRole: dev, resource: 'pods', namespace: 'team-a', name: 'p' },
    { verb: 'list', username: 'dev', assumedRole: dev, resource: 'pods', namespace: 'team-a' },
    { verb: 'get', username: 'dev', assumedRole: dev, resource: 'pods', subresource: 'log', namespace: 'team-a', name: 'p' },
    { verb: 'list', username: 'dev', assumedRole: dev, resource: 'configmaps', namespace: 'team-b' },
    { verb: 'delete', username: 'dev', assumedRole: dev, resource: 'secrets', namespace: 'team-a', name: 's', code: 403 },
    { verb: 'list', username: 'ops', assumedRole: ops, resource: 'secrets', namespace: 'kube-system' },
    { verb: 'get', username: 'ops', assumedRole: ops, resource: 'namespaces', name: 'kube-system', requestURI: '/api/v1/namespaces/kube-system' },
    // A node: EKS fixes its username and groups (and the Node authorizer its access); never narrowed to RBAC.
    { verb: 'get', username: 'system:node:ip-10-0-0-1.ec2.internal', groups: ['system:nodes'], assumedRole: { account: ACCOUNT, role: 'nodes', session: 'i-0abc' }, resource: 'nodes', name: 'ip-10-0-0-1.ec2.internal', requestURI: '/api/v1/nodes/ip-10-0-0-1.ec2.internal' },
  ];
  const specs: EventSpec[] = [];
  for (let round = 0; round < 5; round++) {
    shapes.forEach((s, i) => specs.push({ ...s, auditID: `g-${round}-${i}`, time: `2026-12-0${1 + round}T10:00:0${i}.000000Z` }));
  }
  specs.push(...extra);
  const path = join(mkdtempSync(join(tmpdir(), 'usage-propose-log-')), 'audit.log');
  writeFileSync(path, jsonLines(specs.map(auditEvent)));
  return { path, specs };
}

async function propose(extra: EventSpec[] = []) {
  const analysis = await AccessAnalysis.load([snapshotDir()], { includeBootstrap: false });
  const log = generatedLog(extra);
  const report = await auditUsage(analysis, [log.path]);
  return { analysis, report, log, proposal: proposeAccess(analysis, report, { moduleName: LIB }) };
}

function request(r: UseRow): RequestAttributes {
  return r.nonResource ? { verb: r.verb, path: r.resource } : { verb: r.verb, apiGroup: r.apiGroup, resource: r.resource, subresource: r.subresource, name: '', namespace: r.namespace };
}

describe('usage --propose', () => {
  it('collapses requests to resource-level rules as audit2rbac does: verbs merged per apiGroup+resource(/subresource)', () => {
    const row = (verb: string, resource: string, subresource = '', apiGroup = ''): UseRow => ({ verb, apiGroup, resource, subresource, namespace: 'a', count: 1, lastSeen: '' });
    expect(collapseRules([row('list', 'pods'), row('get', 'pods'), row('get', 'pods', 'log'), row('get', 'deployments', '', 'apps')])).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
    ]);
  });

  it('(a) writes a module of only the emitter\'s statement shapes that loads nothing outside the library', async () => {
    const { proposal } = await propose();
    expect(emittedShapeProblems(proposal.source, [LIB])).toEqual([]);
    expect(runEmitted(proposal.source, () => new App())).toEqual({ forbiddenModules: [], manifests: expect.any(String) });
    expect(proposal.source).not.toMatch(/"\*"/);
    expect(proposal.source).toContain(' * Generated by `eks-access usage --propose` from the access used in the audit log (');
    expect(proposal.source).toContain('Review the NOTE comments: they mark what the proposal takes away or could not propose.');
    expect(proposal.source).toMatch(/\/\/ NOTE removed from arn:aws:iam::111122223333:role\/dev: Kubernetes group dev-team/);
    expect(proposal.source).toContain(`model.addNodeRole("nodes", "${NODES}", { entryType: AccessEntryType.EC2_LINUX });`);
    expect(proposal.source).toContain(`// NOTE kept as is: ${NODES} (EC2_LINUX)`);
    // A node entry not seen in the window is kept too: removing it would stop its nodes from joining.
    expect(proposal.source).toContain(`model.addNodeRole("fargate-pods", "${FARGATE}", { entryType: AccessEntryType.FARGATE_LINUX });`);
    expect(proposal.sources.objects.map((o) => o.object.metadata?.name)).not.toContain('usage-proposed:nodes');
    expect(proposal.source).toMatch(/\/\/ NOTE narrowed for arn:aws:iam::111122223333:role\/dev: access policy AmazonEKSViewPolicy from cluster scope to namespaces team-a,team-b/);
  });

  describe('the proposal synthesized as its header says (ClusterAccess in a stack, liveKubernetes in a cdk8s app)', () => {
    let analysis: AccessAnalysis;
    let report: UsageReport;
    let desired: string[];
    beforeAll(async () => {
      const p = await propose();
      ({ analysis, report } = p);
      rmSync(WORK, { recursive: true, force: true });
      mkdirSync(WORK, { recursive: true });
      const file = join(WORK, 'proposed.ts');
      writeFileSync(file, p.proposal.source);
      desired = synthImported(file, join(WORK, 'synth'));
    }, 120_000);

    it('(b) evaluated offline, allows every observed allowed request and denies previously allowed unused verbs', async () => {
      // The synthesized cdk.out (access entries) and manifests (RBAC), read back as any `--from` input is, beside the
      // cluster's old RBAC left in place (the worst case of applying it): the proposal is tighter by itself.
      const after = await AccessAnalysis.load([...desired, join(snapshot, 'kubernetes')], { includeBootstrap: false });
      const principal = async (a: AccessAnalysis, arn: string): Promise<AnalysedPrincipal> =>
        (await new IamPrincipalResolver(a.accessEntries, a.sources.objects).resolve(arn, 'alice'))!;
      let observed = 0;
      for (const arn of [DEV, OPS]) {
        const who = await principal(after, arn);
        expect(who.user.groups).toContain(arn === DEV ? 'usage-proposed:dev' : 'usage-proposed:ops');
        for (const r of report.principals.find((p) => p.principal === arn)!.used) {
          observed++;
          expect([arn, r.verb, r.resource, r.namespace, after.decide(who, request(r)).allowed]).toEqual([arn, r.verb, r.resource, r.namespace, true]);
        }
      }
      expect(observed).toBe(6);
      const taken = [
        [DEV, { verb: 'delete', apiGroup: '', resource: 'pods', subresource: '', name: 'p', namespace: 'team-a' }],
        [DEV, { verb: 'list', apiGroup: '', resource: 'pods', subresource: '', name: '', namespace: 'default' }],
        [OPS, { verb: 'delete', apiGroup: '', resource: 'secrets', subresource: '', name: 's', namespace: 'kube-system' }],
        [OPS, { verb: 'get', apiGroup: '', resource: 'secrets', subresource: '', name: 's', namespace: 'team-a' }],
        [OPS, { verb: 'list', apiGroup: '', resource: 'namespaces', subresource: '', name: '', namespace: '' }],
      ] as const;
      for (const [arn, req] of taken) {
        expect([arn, req, analysis.decide(await principal(analysis, arn), req).allowed]).toEqual([arn, req, true]);
        expect([arn, req, after.decide(await principal(after, arn), req).allowed]).toEqual([arn, req, false]);
      }
    });

    it('(d) `diff` of the synthesized proposal against the snapshot lists what it would take away', async () => {
      const r = await runEksAccess('diff', ...desired.flatMap((d) => ['--desired', d]), '--live', snapshot, '--output', 'json');
      const out = JSON.parse(r.stdout) as { items: Array<{ area: string; key: string; change: string; fields: Array<{ field: string }> }>; cannotTell: string[] };
      expect(out.cannotTell).toEqual([]);
      expect(r.code).toBe(1);
      // diff reads "live vs code": `added` = held today and not in the proposal (taken away), `removed` = new in it.
      expect(out.items.filter((i) => i.change !== 'removed').map((i) => `${i.area} ${i.key} ${i.change} ${i.fields.map((f) => f.field).join(',')}`)).toEqual([
        `access-entry ${DEV} changed groups,policies`,
        `access-entry ${OPS} changed groups`,
        'rbac ClusterRole secret-admin added rules,aggregationRule',
        'rbac ClusterRoleBinding ops-secrets added roleRef,subjects',
        'rbac Role team-a/pod-editor added rules,aggregationRule',
        'rbac RoleBinding team-a/dev-pods added roleRef,subjects',
      ]);
    });
    it('(e) `diff --current` compares code with code: against the snapshot folder as --live does, against itself no drift, and an aws-auth only the current code manages is listed', async () => {
      const desiredArgs = desired.flatMap((d) => ['--desired', d]);
      const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { drift: boolean; cannotTell: string[]; items: Array<{ area: string; key: string; change: string }> };
      const live = await runEksAccess('diff', ...desiredArgs, '--live', snapshot, '--output', 'json');
      const current = await runEksAccess('diff', ...desiredArgs, '--current', snapshot, '--output', 'json');
      expect([current.code, json(current)]).toEqual([live.code, json(live)]);
      const same = await runEksAccess('diff', ...desiredArgs, ...desired.flatMap((d) => ['--current', d]));
      expect([same.code, same.stdout]).toEqual([0, 'no drift\n']);
      // Today's code with an aws-auth ConfigMap (the usage fixture's model): its rows are what the proposal stops
      // holding (against a cluster, an aws-auth the code does not manage is no drift).
      const withAwsAuth = await runEksAccess('diff', ...desiredArgs, '--current', writeFixture().model);
      expect(withAwsAuth.code).toBe(1);
      const rows = withAwsAuth.stdout.split('\n').filter((l) => l.startsWith('aws-auth')).map((l) => l.split(/\s{2,}/).slice(0, 3).join(' | '));
      expect(rows).toEqual([
        `aws-auth | role ${DEV} | added`,
        `aws-auth | role ${IDLE} | added`,
        `aws-auth | role ${OPS} | added`,
      ]);
      expect(withAwsAuth.stdout).toContain('CHANGE (CURRENT VS CODE)');
    });
  });

  it('(c) hostile usernames, resources and namespaces from the log never become code', async () => {
    const extra: EventSpec[] = HOSTILE.flatMap((h, i) => [
      { auditID: `h-u-${i}`, verb: 'get', username: `evil${h}user`, resource: 'pods', namespace: 'team-a' },
      { auditID: `h-r-${i}`, verb: 'get', username: 'dev', assumedRole: dev, resource: `pods${h}x`, namespace: 'team-a' },
      { auditID: `h-n-${i}`, verb: 'list', username: 'ops', assumedRole: ops, resource: 'secrets', namespace: `ns${h}x` },
      { auditID: `h-v-${i}`, verb: `get${h}`, username: 'ops', assumedRole: ops, resource: 'secrets', namespace: 'kube-system' },
    ]);
    const { proposal } = await propose(extra);
    expect(emittedShapeProblems(proposal.source, [LIB])).toEqual([]);
    expect(['\u2028', '\u2029', '\u001b', '\u202e', '\r'].filter((ch) => proposal.source.includes(ch))).toEqual([]);
    // Each hostile string appears only escaped inside a string literal or a NOTE.
    for (const line of proposal.source.split('\n')) {
      if (/^\s*\/\/|^\s*\*|^\s*\/\*\*/.test(line)) expect(line).not.toMatch(/\*\/./);
    }
    expect(runEmitted(proposal.source, () => new App()).forbiddenModules).toEqual([]);
    // A row no API server would accept (a "*", a hostile verb, resource or namespace) is a NOTE, never a rule; the
    // valid rows of the same principal and namespace are still proposed.
    expect(proposal.source).not.toMatch(/"[^"]*\*[^"]*"\]/);
    const rules = proposal.sources.objects.flatMap((o) => ((o.object as { rules?: Array<Record<string, string[]>> }).rules ?? []));
    expect(rules.flatMap((r) => [...r.verbs, ...(r.resources ?? []), ...(r.apiGroups ?? [])]).filter((v) => !/^[a-z/]*$/.test(v))).toEqual([]);
    const namespaces = proposal.sources.objects.map((o) => o.object.metadata?.namespace).filter((ns) => ns !== undefined);
    expect([...new Set(namespaces)].sort()).toEqual(['kube-system', 'team-a', 'team-b']);
    expect(proposal.source).toContain('chart.addRole("Role-kube-system-usage-proposed-ops", { name: "usage-proposed:ops", namespace: "kube-system", rules: [{ "verbs": ["list"], "apiGroups": [""], "resources": ["secrets"] }] });');
    const refused = proposal.notes.filter((n) => n.startsWith('not proposed for'));
    expect(refused.filter((n) => n.includes('is not a resource name'))).toHaveLength(HOSTILE.length);
    expect(refused.filter((n) => n.includes('is not a valid namespace name'))).toHaveLength(HOSTILE.length);
    expect(refused.filter((n) => n.includes('verb '))).toHaveLength(HOSTILE.length);
  });
});
