/**
 * docs/walkthrough.md's questions answered offline from the example app's own output: the CDK app (examples/app/example-app.ts, real
 * aws-cdk-lib synth into a temporary cdk.out) and the cdk8s access chart of the same model (lib/k8s AccessChart, real
 * cdk8s synth). No hand-written fixture is involved.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { App as K8sApp } from 'cdk8s';
import { buildExampleApp } from '../../examples/app/example-app';
import { EXAMPLE_ACCOUNT, EXAMPLE_DEV_NAMESPACE } from '../../examples/app/example-access';
import { AccessChart } from '../../lib/k8s';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { runEksAccess } from './run-cli';

let dir: string;
let from: string[];
let arnWith: (pred: (e: AccessAnalysis['accessEntries'][number]) => boolean) => string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'analysis-example-'));
  const example = buildExampleApp(new App({ outdir: path.join(dir, 'cdk.out') }));
  example.app.synth();
  const k8s = new K8sApp({ outdir: path.join(dir, 'manifests') });
  new AccessChart(k8s, 'access', { model: example.model });
  k8s.synth();
  from = ['--from', path.join(dir, 'cdk.out'), '--from', path.join(dir, 'manifests')];
  const analysis = await AccessAnalysis.load([path.join(dir, 'cdk.out')]);
  arnWith = (pred) => {
    const found = analysis.accessEntries.filter(pred);
    expect(found).toHaveLength(1);
    return found[0].principalArn;
  };
}, 120000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const policy = (name: string) => (e: AccessAnalysis['accessEntries'][number]) => e.accessPolicies.some((p) => p.policyArn.endsWith(`/${name}`));
const group = (g: string) => (e: AccessAnalysis['accessEntries'][number]) => e.kubernetesGroups.includes(g);

it('testuser in system:masters can list nodes; with only system:authenticated it cannot; its IAM user can via ClusterAdmin', async () => {
  expect((await runEksAccess('can-i', 'list', 'nodes', '--as', 'testuser', '--as-group', 'system:masters', ...from)).code).toBe(0);
  expect((await runEksAccess('can-i', 'list', 'nodes', '--as', 'testuser', ...from)).code).toBe(1);
  const testuser = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/testuser`;
  expect(arnWith(policy('AmazonEKSClusterAdminPolicy'))).toBe(testuser);
  const r = await runEksAccess('can-i', 'list', 'nodes', '--as-arn', testuser, ...from, '--explain');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('EKS access policy AmazonEKSClusterAdminPolicy (scope cluster)');
});

it('pod-viewer can get but not delete pods in all namespaces; pod-admin can delete', async () => {
  const viewer = arnWith(group('pod-viewer'));
  const admin = arnWith(group('pod-admin'));
  expect((await runEksAccess('can-i', 'get', 'pods', '-A', '--as-arn', viewer, ...from)).code).toBe(0);
  expect((await runEksAccess('can-i', 'get', 'pods', '-n', 'kube-system', '--as-arn', viewer, ...from)).code).toBe(0);
  expect((await runEksAccess('can-i', 'delete', 'pods', '-A', '--as-arn', viewer, ...from)).code).toBe(1);
  const del = await runEksAccess('can-i', 'delete', 'pods', '-A', '--as-arn', admin, ...from, '--explain');
  expect(del.code).toBe(0);
  expect(del.stdout).toMatch(/ClusterRoleBinding "eks-access:pod-admin" of ClusterRole "eks-access:pod-admin" to Group "pod-admin"/);
});

it('the read-only role can read but cannot create', async () => {
  const readOnly = arnWith(policy('AmazonEKSViewPolicy'));
  expect((await runEksAccess('can-i', 'get', 'pods', '-A', '--as-arn', readOnly, ...from)).code).toBe(0);
  expect((await runEksAccess('can-i', 'create', 'deployments', '-n', 'default', '--as-arn', readOnly, ...from)).code).toBe(1);
  expect((await runEksAccess('can-i', 'get', 'secrets', '-n', 'default', '--as-arn', readOnly, ...from)).code).toBe(1);
});

it('the developer role edits only its namespace, under its templated username', async () => {
  const developer = arnWith(policy('AmazonEKSEditPolicy'));
  const as = ['--as-arn', developer, '--session-name', 'dana', ...from];
  expect((await runEksAccess('can-i', 'create', 'deployments', '-n', EXAMPLE_DEV_NAMESPACE, ...as)).code).toBe(0);
  expect((await runEksAccess('can-i', 'create', 'deployments', '-n', 'default', ...as)).code).toBe(1);
  const j = JSON.parse((await runEksAccess('can-i', 'get', 'pods', '-n', EXAMPLE_DEV_NAMESPACE, ...as, '-o', 'json')).stdout);
  expect(j.principal.username).toBe('developer:dana');
});

it('who-can, risks and the report run on the example output', async () => {
  const who = JSON.parse((await runEksAccess('who-can', 'delete', 'pods', '-n', EXAMPLE_DEV_NAMESPACE, ...from, '-o', 'json')).stdout);
  expect(who.iamPrincipals.map((p: { principal: { display: string } }) => p.principal.display).sort()).toEqual(
    [arnWith(policy('AmazonEKSEditPolicy')), arnWith(group('pod-admin')), arnWith(policy('AmazonEKSClusterAdminPolicy'))].sort());
  const risks = JSON.parse((await runEksAccess('risks', ...from, '-o', 'json')).stdout).findings;
  expect(risks).toEqual(expect.arrayContaining([expect.objectContaining({ risk: 'full-access', holder: arnWith(policy('AmazonEKSClusterAdminPolicy')), scope: 'cluster-wide' })]));
  const out = path.join(dir, 'access-report.html');
  const rep = await runEksAccess('report', ...from, '--out', out);
  expect(rep.code).toBe(0);
  expect(rep.stdout).toMatch(/^wrote .*access-report\.html: \d+ access rows, \d+ risk findings\n$/);
});
