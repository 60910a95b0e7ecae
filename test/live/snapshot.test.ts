/**
 * `takeSnapshot` / `writeSnapshot` against: the EKS access-entry STAND-IN (test/fixtures/eks-standin.ts — moto does not
 * implement access entries, so a loopback server checked against botocore's EKS service model answers instead), moto's
 * real IAM (trust policies), and the Kubernetes list API imitation. The snapshot folder is then read back by the
 * analysis (`--from DIR`). The real kube-apiserver run is test/e2e/live.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssociateAccessPolicyCommand, CreateAccessEntryCommand, EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { AccessAnalysis } from '../../lib/analysis';
import { groupProblems } from '../../lib/live/snapshot/problems';
import { AWS_BULK_READ_RETRY } from '../../lib/live/aws-retry';
import { takeSnapshot, writeSnapshot } from '../../lib/live/snapshot/take-snapshot';
import { SNAPSHOT_KUBE_FILES } from '../../lib/live/snapshot/format';
import { problemLines, run as snapshotCommand } from '../../bin/commands/snapshot';
import { FakeApiServer, startFakeApiServer } from '../../harness/fake-apiserver';
import { CLI } from '../../harness/eks-access-process';
import { run } from '../../harness/run-process';
import { EksStandIn, startEksStandIn } from '../../harness/eks-standin';
import { startStsStandIn, StsStandIn } from '../../harness/sts-standin';

jest.setTimeout(180_000);
const CLUSTER = 'prod';
const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'standin-admin-secret' };

describe('eks-access snapshot (EKS stand-in, moto IAM, Kubernetes list API)', () => {
  let eksStandIn: EksStandIn;
  let moto: StsStandIn;
  let api: FakeApiServer;
  let eks: EKSClient;
  let iam: IAMClient;
  let dir: string;
  let kubeconfig: string;
  let devRoleArn: string;

  beforeAll(async () => {
    [moto, api] = await Promise.all([startStsStandIn({ accountId: '111122223333' }), startFakeApiServer()]);
    eksStandIn = await startEksStandIn({ [CLUSTER]: { authenticationMode: 'API_AND_CONFIG_MAP', accountId: moto.accountId } });
    eks = new EKSClient({ region: 'us-east-1', endpoint: eksStandIn.endpoint, credentials: creds });
    iam = new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: creds, requestHandler: { httpsAgent: new Agent({ ca: moto.caPem }) } });
    const alice = await moto.createUser('alice');
    devRoleArn = (await moto.createRole('dev', { path: '/teams/', trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
    } })).arn;
    // Seeded through the SDK, so the writes are checked against the model too; 122 entries are more than one page.
    await eks.send(new CreateAccessEntryCommand({ clusterName: CLUSTER, principalArn: devRoleArn, kubernetesGroups: ['dev-team'] }));
    await eks.send(new AssociateAccessPolicyCommand({ clusterName: CLUSTER, principalArn: devRoleArn, policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', accessScope: { type: 'namespace', namespaces: ['dev', 'team-*'] } }));
    await eks.send(new CreateAccessEntryCommand({ clusterName: CLUSTER, principalArn: alice.arn, username: 'alice' }));
    await eks.send(new AssociateAccessPolicyCommand({ clusterName: CLUSTER, principalArn: alice.arn, policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' } }));
    for (let i = 0; i < 120; i++) {
      await eks.send(new CreateAccessEntryCommand({ clusterName: CLUSTER, principalArn: `arn:aws:iam::111122223333:role/ci-${String(i).padStart(3, '0')}`, type: 'STANDARD', kubernetesGroups: ['ci'] }));
    }
    api.put('/api/v1/namespaces/kube-system/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system', managedFields: [{}] } as never,
      data: { mapRoles: '- rolearn: arn:aws:iam::111122223333:role/legacy\n  username: legacy\n  groups: [legacy-admins]\n' } });
    api.put('/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'dev-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
    api.put('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { metadata: { name: 'dev-reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'dev-reader' }, subjects: [{ kind: 'Group', name: 'dev-team', apiGroup: 'rbac.authorization.k8s.io' }] });
    dir = mkdtempSync(join(tmpdir(), 'snapshot-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: api.server, 'certificate-authority-data': Buffer.from(api.caPem).toString('base64') } }],
      users: [{ name: 'u', user: { token: api.token } }], contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }));
  });
  afterAll(async () => {
    eks?.destroy();
    iam?.destroy();
    await Promise.all([eksStandIn?.stop(), moto?.stop(), api?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    eksStandIn.deny(undefined);
    eksStandIn.setLatency(0);
    expect(eksStandIn.violations()).toEqual([]);
  });

  it('reads mode, every access entry page, policies and scopes, aws-auth, RBAC and trust policies; analysis reads it back', async () => {
    const taken = await takeSnapshot({ clusterName: CLUSTER, kubeconfig, eksClient: eks, iamClient: iam });
    const out = join(dir, 'snap');
    // A folder that held a snapshot of the earlier layout (RBAC as YAML): its files must not survive beside the new ones.
    mkdirSync(join(out, 'kubernetes'), { recursive: true });
    writeFileSync(join(out, 'kubernetes', 'rbac.yaml'), 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: gone-live}, rules: []}\n');
    writeSnapshot(out, taken);
    const s = taken.snapshot;
    expect(s.cluster).toEqual({ name: CLUSTER, authenticationMode: 'API_AND_CONFIG_MAP' });
    expect(s.accessEntries).toHaveLength(122);
    expect(eksStandIn.calls().filter((c) => c === 'ListAccessEntries')).toHaveLength(2); // 122 entries, pages of 100
    expect(s.accessEntries.find((e) => e.principalArn === devRoleArn)).toEqual({
      principalArn: devRoleArn, type: 'STANDARD', username: 'arn:aws:sts::111122223333:assumed-role/dev/{{SessionName}}', kubernetesGroups: ['dev-team'],
      accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', scope: { type: 'namespace', namespaces: ['dev', 'team-*'] } }],
    });
    // Trust policies of roles that appear: dev (access entry) found; legacy (aws-auth) and ci-* do not exist in IAM.
    expect(s.iamRoles.map((r) => r.arn)).toEqual([devRoleArn]);
    expect(JSON.stringify(s.iamRoles[0].trustPolicy)).toContain('aws:MultiFactorAuthPresent');
    expect(s.problems.find((p) => p.source === 'iam:GetRole arn:aws:iam::111122223333:role/legacy')?.reason).toMatch(/^NoSuchEntity/);
    const awsAuth = readFileSync(join(out, 'kubernetes', 'aws-auth.yaml'), 'utf8');
    expect(awsAuth).toContain('role/legacy');
    expect(awsAuth).not.toContain('managedFields');
    // RBAC and IAMIdentityMappings as JSON Lists (`kubectl get -o json`): the analysis reads them with JSON.parse, which at
    // 2,000 RBAC objects takes ms where a YAML parse took most of a second (bench/results/analysis-size.md).
    const rbac = JSON.parse(readFileSync(join(out, 'kubernetes', SNAPSHOT_KUBE_FILES.rbac), 'utf8'));
    expect(rbac).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(rbac.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toContain('dev-reader');
    expect(SNAPSHOT_KUBE_FILES).toEqual({ awsAuth: 'aws-auth.yaml', rbac: 'rbac.json', iamIdentityMappings: 'iamidentitymappings.json' });
    expect(existsSync(join(out, 'kubernetes', 'rbac.yaml'))).toBe(false);

    const analysis = await AccessAnalysis.load([out]);
    const alice = analysis.accessEntries.find((e) => e.principalArn.endsWith(':user/alice'));
    expect(alice).toMatchObject({ username: 'alice', origin: `${join(out, 'cluster.json')}#${alice?.principalArn}` });
    expect(analysis.sources.objects.map((o) => o.object.metadata?.name)).toEqual(expect.arrayContaining(['aws-auth', 'dev-reader']));
    expect(analysis.sources.objects.map((o) => o.object.metadata?.name)).not.toContain('gone-live');
    expect(analysis.sources.warnings.join('\n')).toContain('could not read iam:GetRole arn:aws:iam::111122223333:role/legacy');
  });

  it('diff --cluster draws progress on a terminal (a real pty through script(1)): the snapshot it takes, then the comparison; nothing in a pipe', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    const desired = join(dir, 'desired.yaml');
    writeFileSync(desired, 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: dev-reader}\nrules: [{apiGroups: [""], resources: [pods], verbs: [get]}]\n');
    const env = { ...process.env, ...moto.env(creds), AWS_ENDPOINT_URL_EKS: eksStandIn.endpoint, AWS_ENDPOINT_URL_IAM: moto.endpoint };
    const args = ['diff', '--desired', desired, '--cluster', CLUSTER, '--kubeconfig', kubeconfig];
    // Asynchronous children: the stand-ins answer from this process. script gives the command a terminal on
    // stdin/stdout/stderr and copies what it wrote to its stdout.
    const tty = await run('script', ['-qec', [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' '), '/dev/null'], { env, timeoutMs: 120_000 });
    // Exit 2, "cannot tell": the snapshot could not read some roles' trust policies (legacy and ci-* are not in IAM).
    expect(tty.stdout).toContain('drifted item(s)');
    expect(tty.stdout).toContain('cannot tell: ');
    expect(tty.code).toBe(2);
    expect(tty.stdout).toMatch(/reading access entries and IAM roles \d+\/\d+/);
    expect(tty.stdout).toMatch(/diff: comparing 3\/3/);
    expect(tty.stdout).toContain('\r\u001b[2K');
    const piped = await run(process.execPath, [CLI, ...args], { env, timeoutMs: 120_000 });
    expect(piped.code).toBe(2);
    expect(piped.stderr).not.toMatch(/reading access entries|diff: /);
    expect(piped.stderr).not.toContain('\u001b');
  });

  it('reports a denied source by name and reason, and still reads the others', async () => {
    eksStandIn.deny('ListAssociatedAccessPolicies');
    const badKube = join(dir, 'kubeconfig-bad');
    writeFileSync(badKube, readFileSync(kubeconfig, 'utf8').replace(api.token, 'wrong'));
    const { snapshot } = await takeSnapshot({ clusterName: CLUSTER, kubeconfig: badKube, eksClient: eks, iamClient: iam });
    expect(snapshot.accessEntries).toHaveLength(122);
    const reasons = Object.fromEntries(snapshot.problems.map((p) => [p.source, p.reason]));
    expect(reasons[`eks:ListAssociatedAccessPolicies ${devRoleArn}`]).toMatch(/^AccessDeniedException: User is not authorized to perform: eks:ListAssociatedAccessPolicies/);
    expect(reasons['kubernetes:clusterroles.rbac.authorization.k8s.io']).toMatch(/HTTP 401.*\(not authenticated\)/);
    expect(reasons['kubernetes:configmaps/kube-system/aws-auth']).toMatch(/HTTP 401/);
    const unknown = await takeSnapshot({ clusterName: 'nope', kubeconfig, eksClient: eks, iamClient: iam });
    expect(unknown.snapshot.problems[0]).toEqual({ source: 'eks:DescribeCluster', reason: 'ResourceNotFoundException: No cluster found for name: nope.' });
  });

  it('reads `concurrency` entries at a time (both calls of an entry together), reporting progress to the end', async () => {
    eksStandIn.setLatency(20);
    eksStandIn.resetStats();
    const events: Array<{ phase: string; done: number; total?: number }> = [];
    const { snapshot } = await takeSnapshot({ clusterName: CLUSTER, kubeconfig, eksClient: eks, iamClient: iam, concurrency: 4, onProgress: (e) => events.push(e) });
    expect(snapshot.accessEntries).toHaveLength(122);
    // 122 entries × 2 calls at 20 ms each: one call at a time is the bug; more than 4 entries (8 calls) would ignore the
    // bound. The next ListAccessEntries page is asked for meanwhile (pipelined): one more.
    expect(eksStandIn.maxInFlight()).toBeLessThanOrEqual(9);
    expect(eksStandIn.maxInFlight()).toBeGreaterThan(4);
    const reading = events.filter((e) => e.phase === 'reading access entries and IAM roles');
    const total = 122 + 122; // the entries, and their 121 roles plus aws-auth's legacy role
    expect(reading[0]).toEqual({ phase: 'reading access entries and IAM roles', done: 0, total: 0 });
    expect(reading.at(-1)).toEqual({ phase: 'reading access entries and IAM roles', done: total, total });
    // Each entry and role counted once as it is done; the total grows as list pages arrive, and never falls behind.
    expect([...new Set(reading.map((e) => e.done))]).toEqual([...Array(total + 1).keys()]);
    expect(reading.every((e, i) => e.done <= (e.total ?? 0) && (i === 0 || (e.total ?? 0) >= (reading[i - 1].total ?? 0)))).toBe(true);
    // Answers come back in any order; the snapshot is sorted all the same.
    const arns = snapshot.accessEntries.map((e) => e.principalArn);
    expect(arns).toEqual([...arns].sort());
  });

  it('retries throttled calls (SDK adaptive retry mode, 6 attempts): an entry throttled 4 times in a row is still read', async () => {
    const adaptive = new EKSClient({ ...AWS_BULK_READ_RETRY, region: 'us-east-1', endpoint: eksStandIn.endpoint, credentials: creds });
    try {
      expect(await adaptive.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
      eksStandIn.resetStats();
      eksStandIn.throttle('DescribeAccessEntry', 4, devRoleArn);
      const { snapshot } = await takeSnapshot({ clusterName: CLUSTER, kubeconfig, eksClient: adaptive, iamClient: iam });
      expect(eksStandIn.throttled()).toBe(4);
      expect(snapshot.problems.filter((p) => p.source.startsWith('eks:'))).toEqual([]);
      expect(snapshot.accessEntries.find((e) => e.principalArn === devRoleArn)?.kubernetesGroups).toEqual(['dev-team']);
    } finally {
      adaptive.destroy();
    }
  });

  it('groups failures by cause for the text output and keeps every one in problems', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = new IAMClient({ region: 'us-east-1', endpoint: `https://127.0.0.1:${port}`, credentials: creds, maxAttempts: 1 });
    try {
      const { snapshot } = await takeSnapshot({ clusterName: CLUSTER, kubeconfig, eksClient: eks, iamClient: unreachable });
      const getRole = snapshot.problems.filter((p) => p.source.startsWith('iam:GetRole '));
      expect(getRole).toHaveLength(122);
      expect(getRole[0].reason).toMatch(/ECONNREFUSED/);
      const groups = groupProblems(snapshot.problems);
      expect(groups).toHaveLength(1);
      expect(groups[0]).toMatchObject({ operation: 'iam:GetRole', sources: getRole.map((p) => p.source) });
      const lines = problemLines(snapshot.problems);
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^could not read: 122 × iam:GetRole: .*ECONNREFUSED 127\\.0\\.0\\.1:${port} \\(e\\.g\\. iam:GetRole arn:aws:iam::111122223333:role/ci-000\\)$`))]);
    } finally {
      unreachable.destroy();
    }
  });

  it('passes on the Kubernetes client\'s warning when the kubeconfig switches TLS verification off', async () => {
    const insecure = join(dir, 'kubeconfig-insecure');
    const doc = JSON.parse(readFileSync(kubeconfig, 'utf8')) as { clusters: Array<{ cluster: Record<string, unknown> }> };
    doc.clusters[0].cluster = { server: api.server, 'insecure-skip-tls-verify': true };
    writeFileSync(insecure, JSON.stringify(doc));
    const taken = await takeSnapshot({ clusterName: CLUSTER, kubeconfig: insecure, eksClient: eks, iamClient: iam });
    expect(taken.warnings).toEqual([expect.stringContaining('sets insecure-skip-tls-verify')]);
    expect(taken.kube.rbac.map((o) => o.metadata.name)).toContain('dev-reader');
  });

  it('refuses a --concurrency or limit that is not a whole number ≥ 1, naming the flag (exit 2)', async () => {
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await snapshotCommand(['--cluster', CLUSTER, '--out', join(dir, 'x'), '--concurrency', '0'])).toBe(2);
      expect(await snapshotCommand(['--cluster', CLUSTER, '--out', join(dir, 'x'), '--max-list-pages', '1e3'])).toBe(2);
      const text = err.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toMatch(/--concurrency: '0' is not a whole number ≥ 1/);
      expect(text).toMatch(/--max-list-pages: '1e3' is not a whole number ≥ 1/);
    } finally {
      err.mockRestore();
    }
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});

