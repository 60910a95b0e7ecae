/**
 * Inputs from a real `cdk.out`: aws-cdk-lib synthesizes access entries (with access policies) and a Kubernetes
 * manifest (Custom::AWSCDK-EKS-KubernetesResource whose Manifest embeds a role ARN through Fn::Join/Fn::GetAtt);
 * the analysis reads them back from the cloud assembly and answers offline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { runEksAccess } from './run-cli';

const ACCOUNT = '111122223333';
let outdir: string;

function accessStack(app: App, id: string, env?: { account: string; region: string }): void {
  const stack = new Stack(app, id, { env });
  const developer = new iam.Role(stack, 'Developer', { assumedBy: new iam.AccountRootPrincipal(), path: '/teams/', roleName: 'developer' });
  const testuser = new iam.User(stack, 'TestUser', { userName: 'testuser' });
  new eks.CfnAccessEntry(stack, 'DeveloperEntry', {
    clusterName: 'demo', principalArn: developer.roleArn, kubernetesGroups: ['devs'],
    accessPolicies: [{ policyArn: `arn:${stack.partition}:eks::aws:cluster-access-policy/AmazonEKSEditPolicy`, accessScope: { type: 'namespace', namespaces: ['dev-*'] } }],
  });
  new eks.CfnAccessEntry(stack, 'TestUserEntry', {
    clusterName: 'demo', principalArn: testuser.userArn,
    accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' } }],
  });
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'demo', kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/kubectl` });
  new eks.KubernetesManifest(stack, 'DevsView', {
    cluster,
    manifest: [{
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'devs-view', namespace: 'prod' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'devs' }, { kind: 'User', name: developer.roleArn }],
    }],
  });
}

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'analysis-cdk-out-'));
  const app = new App({ outdir });
  accessStack(app, 'Pinned', { account: ACCOUNT, region: 'us-east-1' });
  app.synth();
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const DEV = `arn:aws:iam::${ACCOUNT}:role/developer`; // as STS reports it: no path

it('reads access entries with resolved principal ARNs and the manifests of custom resources', async () => {
  const a = await AccessAnalysis.load([outdir]);
  expect(a.accessEntries.map((e) => e.principalArn).sort()).toEqual([`arn:aws:iam::${ACCOUNT}:role/teams/developer`, `arn:aws:iam::${ACCOUNT}:user/testuser`]);
  const dev = a.accessEntries.find((e) => e.principalArn.includes('developer'))!;
  expect(dev).toMatchObject({ type: 'STANDARD', kubernetesGroups: ['devs'], accessPolicies: [{ scope: { type: 'namespace', namespaces: ['dev-*'] } }] });
  const rb = a.sources.objects.find((o) => o.object.kind === 'RoleBinding')!;
  expect((rb.object.subjects as { name: string }[])[1].name).toBe(`arn:aws:iam::${ACCOUNT}:role/teams/developer`);
  expect(rb.origin).toMatch(/Pinned\.template\.json#DevsView/);
});

it('access policy at namespace scope (wildcard) allows edit only there; groups of the entry reach RBAC', async () => {
  const asDev = ['--as-arn', DEV, '--from', outdir];
  const edit = await runEksAccess('can-i', 'create', 'deployments', '-n', 'dev-team-a', ...asDev, '--explain');
  expect(edit.code).toBe(0);
  expect(edit.stdout).toContain('EKS access policy AmazonEKSEditPolicy (scope namespaces dev-*)');
  expect((await runEksAccess('can-i', 'create', 'deployments', '-n', 'prod', ...asDev)).code).toBe(1);
  const view = await runEksAccess('can-i', 'get', 'deployments', '-n', 'prod', ...asDev, '--explain');
  expect(view.code).toBe(0);
  expect(view.stdout).toContain('RoleBinding "devs-view/prod" of ClusterRole "view" to Group "devs"');
  // Namespace-scoped policies give nothing cluster-scoped.
  expect((await runEksAccess('can-i', 'list', 'nodes', ...asDev)).code).toBe(1);
  // EKS's default username of a role entry is the session ARN.
  const j = JSON.parse((await runEksAccess('can-i', 'get', 'pods', '--as-arn', DEV, '--session-name', 'ann', '--from', outdir, '-o', 'json')).stdout);
  expect(j.principal.username).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/developer/ann`);
});

it('AmazonEKSClusterAdminPolicy at cluster scope allows everything, and who-can lists the entry', async () => {
  const r = await runEksAccess('can-i', 'list', 'nodes', '--as-arn', `arn:aws:iam::${ACCOUNT}:user/testuser`, '--from', outdir, '--explain');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('EKS access policy AmazonEKSClusterAdminPolicy (scope cluster)');
  const who = JSON.parse((await runEksAccess('who-can', 'delete', 'secrets', '-n', 'dev-x', '--from', outdir, '-o', 'json')).stdout);
  expect(who.iamPrincipals.map((p: { principal: { display: string }; grant: { policy: string } }) => [p.principal.display, p.grant.policy]).sort()).toEqual([
    [`arn:aws:iam::${ACCOUNT}:role/teams/developer`, 'AmazonEKSEditPolicy'],
    [`arn:aws:iam::${ACCOUNT}:user/testuser`, 'AmazonEKSClusterAdminPolicy'],
  ]);
});

it('an environment-agnostic stack keeps the account unknown and --account fills it in', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'analysis-agnostic-'));
  try {
    const app = new App({ outdir: dir });
    accessStack(app, 'Agnostic');
    app.synth();
    const a = await AccessAnalysis.load([dir]);
    expect(a.accessEntries.map((e) => e.principalArn)).toContain('arn:aws:iam::${AWS::AccountId}:user/testuser');
    // Unknown account: an ARN of any account matches the entry.
    expect((await runEksAccess('can-i', 'list', 'nodes', '--as-arn', 'arn:aws:iam::444455556666:user/testuser', '--from', dir)).code).toBe(0);
    const pinned = await AccessAnalysis.load([dir], { account: '999988887777' });
    expect(pinned.accessEntries.map((e) => e.principalArn)).toContain('arn:aws:iam::999988887777:user/testuser');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
