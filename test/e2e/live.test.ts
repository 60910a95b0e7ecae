/**
 * `eks-access snapshot`, `import` and `diff` on a real control plane: etcd + kube-apiserver (RBAC) holding the example
 * app's manifests plus extra RBAC and aws-auth rows, read through a kubeconfig whose user is an `exec` plugin (our own
 * `eks-access token`, authenticated by `eks-access serve` as the apiserver's TokenReview webhook against the STS
 * stand-in) and with a least-privilege ClusterRole. EKS access entries come from the EKS STAND-IN
 * (test/fixtures/eks-standin.ts: moto does not implement the access-entry API, so a loopback server checked against
 * botocore's EKS model answers), IAM trust policies from moto's IAM.
 * Round trip: snapshot → import → synth → diff is empty; then one binding and one aws-auth row are changed live and
 * diff reports exactly those two.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AssociateAccessPolicyCommand, CreateAccessEntryCommand, EKSClient } from '@aws-sdk/client-eks';
import { exampleAccessModel } from '../../examples/app/example-access';
import { encodeAwsAuth, parseAwsAuth } from '../../authenticator/mapper';
import { KubeClient } from '../../lib/live/kube/client';
import { accessEntries, AuthenticationMode } from '../../lib/model';
import { EksStandIn, startEksStandIn } from '../../harness/eks-standin';
import { startStsStandIn, StsStandIn } from '../../harness/sts-standin';
import { synthImported, typeErrors } from '../live/synth-imported';
import { ControlPlane, startControlPlane } from '../../harness/control-plane';
import { CLI, eksAccess } from '../../harness/eks-access-process';
import { RunningWebhook, startEksAccessWebhook } from '../../harness/eks-access-webhook';
import { ExampleObject, examplePrincipal, iamNameAndPath, namespacesOf, synthesizeExample } from './harness/example';
import { stopAll } from '../../harness/processes';
import { Creds, tokenClientEnv } from './harness/tokens';

const CLUSTER = 'demo';
const ADMIN: Creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'standin-admin-secret' };
const ROOT = resolve(__dirname, '..', '..');

let moto: StsStandIn;
let eksStandIn: EksStandIn;
let webhook: RunningWebhook;
let cp: ControlPlane;
let workDir: string;
let execKubeconfig: string;
let awsAuth: ExampleObject;
let mappings: number;
const account = exampleAccessModel().accountId;
const rbac = (o: object) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', ...o });

/** Environment of the CLI: AWS calls to the stand-ins (the SDK's own endpoint variables), moto's CA trusted. */
function cliEnv(): NodeJS.ProcessEnv {
  return { ...tokenClientEnv(ADMIN), AWS_ENDPOINT_URL_EKS: eksStandIn.endpoint, AWS_ENDPOINT_URL_IAM: moto.endpoint, NODE_EXTRA_CA_CERTS: moto.caFile };
}

async function snapshot(out: string, kubeconfig: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return eksAccess(['snapshot', '--cluster', CLUSTER, '--region', 'us-east-1', '--kubeconfig', kubeconfig, '--out', out], { env: cliEnv(), timeoutMs: 120_000 });
}

beforeAll(async () => {
  moto = await startStsStandIn({ accountId: account });
  workDir = mkdtempSync(join(tmpdir(), 'eks-access-e2e-live-'));
  // With the IAMIdentityMapping CRD and objects too, so snapshot's CRD discovery finds something to read.
  const synthesized = synthesizeExample(join(workDir, 'example'), AuthenticationMode.CONFIG_MAP, { iamIdentityMappings: true });
  awsAuth = synthesized.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'aws-auth')!;
  const rows = parseAwsAuth(awsAuth.data as Record<string, string>);

  // Who reads the cluster: an IAM user mapped to a group with read access to exactly what snapshot reads.
  const reader = await moto.createUser('access-auditor');
  const readerCreds = { accessKeyId: reader.accessKeyId, secretAccessKey: reader.secretAccessKey };
  // Roles that appear, with trust policies (the example's read-only role: one user, MFA required).
  for (const id of ['read-only', 'developer']) {
    const { name, path } = iamNameAndPath(examplePrincipal(id).arn);
    await moto.createRole(name, { path, trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/eks/demo-read-only-user` }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] } });
  }

  await moto.createRole('eks-node-group', { trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] } });
  // Live aws-auth = the example's rows + a node role row + a hand-added user row (what years of kubectl edit leave).
  awsAuth = {
    ...awsAuth,
    data: encodeAwsAuth({
      roles: [...rows.roles, { roleArn: `arn:aws:iam::${account}:role/eks-node-group`, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] }],
      users: [...rows.users, { userArn: `arn:aws:iam::${account}:user/contractor`, username: 'contractor', groups: ['viewers'] }],
      accounts: rows.accounts,
    }),
  };
  webhook = await startEksAccessWebhook({
    dir: workDir, clusterId: CLUSTER, stsConnectTo: moto.connectTo, stsCaFile: moto.caFile,
    mapping: { mapUsers: [{ userarn: reader.arn, username: 'access-auditor', groups: ['access-auditors'] }] },
  });
  cp = await startControlPlane({ webhookKubeconfig: webhook.webhookKubeconfig, webhookVersion: 'v1' });
  const crd = synthesized.objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const others = synthesized.objects.filter((o) => o.kind !== 'CustomResourceDefinition' && !(o.kind === 'ConfigMap' && o.metadata.name === 'aws-auth'));
  mappings = others.filter((o) => o.kind === 'IAMIdentityMapping').length;
  expect(mappings).toBeGreaterThan(0);
  await cp.apply({ objects: [...namespacesOf(synthesized.objects), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }, ...crd] });
  const established = await cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', `crd/${crd[0].metadata.name}`]);
  expect(established.code).toBe(0);
  await cp.apply({ objects: [...others, awsAuth] });
  await cp.apply({ objects: [
    rbac({ kind: 'ClusterRole', metadata: { name: 'access-auditor' }, rules: [
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'], verbs: ['get', 'list'] },
      { apiGroups: ['iamauthenticator.k8s.aws'], resources: ['iamidentitymappings'], verbs: ['get', 'list'] },
    ] }),
    rbac({ kind: 'ClusterRoleBinding', metadata: { name: 'access-auditors' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'access-auditor' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'access-auditors' }] }),
    rbac({ kind: 'Role', metadata: { name: 'aws-auth-reader', namespace: 'kube-system' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] }),
    rbac({ kind: 'RoleBinding', metadata: { name: 'access-auditors', namespace: 'kube-system' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'aws-auth-reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'access-auditors' }] }),
    // Extra RBAC of the kind teams add by hand.
    rbac({ kind: 'Role', metadata: { name: 'deployer', namespace: 'team-a' }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'create', 'update', 'patch'] }] }),
    rbac({ kind: 'RoleBinding', metadata: { name: 'deployers', namespace: 'team-a' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'team-a' }] }),
    rbac({ kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'viewers' }] }),
  ] });

  // The example's access entries (API_AND_CONFIG_MAP cluster), created in the EKS stand-in through the SDK.
  eksStandIn = await startEksStandIn({ [CLUSTER]: { authenticationMode: 'API_AND_CONFIG_MAP', accountId: account } });
  const eks = new EKSClient({ region: 'us-east-1', endpoint: eksStandIn.endpoint, credentials: ADMIN });
  try {
    for (const e of accessEntries(exampleAccessModel(AuthenticationMode.API_AND_CONFIG_MAP))) {
      await eks.send(new CreateAccessEntryCommand({ clusterName: CLUSTER, principalArn: e.principalArn, type: e.type, username: e.username, kubernetesGroups: e.kubernetesGroups }));
      for (const p of e.accessPolicies) {
        await eks.send(new AssociateAccessPolicyCommand({ clusterName: CLUSTER, principalArn: e.principalArn, policyArn: p.policyArn, accessScope: { type: p.scope, namespaces: p.namespaces } }));
      }
    }
  } finally {
    eks.destroy();
  }

  execKubeconfig = cp.api.writeKubeconfig('access-auditor-exec', {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [CLI, 'token', '-i', CLUSTER], interactiveMode: 'Never',
      env: Object.entries(tokenClientEnv(readerCreds)).map(([name, value]) => ({ name, value: String(value) })),
    },
  });
}, 300_000);

afterAll(async () => {
  await cp?.stop();
  await webhook?.stop();
  await eksStandIn?.stop();
  await moto?.stop();
  await stopAll();
  if (workDir && process.env.E2E_KEEP_LOGS !== '1') rmSync(workDir, { recursive: true, force: true });
});

test('LIST pages through the real apiserver (limit/continue) and returns what kubectl sees', async () => {
  const paged = KubeClient.fromKubeconfig({ kubeconfig: cp.api.adminKubeconfig, pageSize: 7 });
  const items = await paged.list('/apis/rbac.authorization.k8s.io/v1/clusterroles');
  const kubectl = await cp.kubectl(['get', 'clusterroles', '-o', 'name']);
  expect(items.map((o) => `clusterrole.rbac.authorization.k8s.io/${o.metadata.name}`).sort()).toEqual(kubectl.stdout.trim().split('\n').sort());
  expect(paged.requests).toBe(Math.ceil(items.length / 7) + (items.length % 7 === 0 ? 1 : 0));
  expect(paged.requests).toBeGreaterThan(5);
});

test('snapshot (exec plugin user) → import → synth → diff: no drift; then exactly the two live changes', async () => {
  const snap1 = join(workDir, 'snap1');
  const r = await snapshot(snap1, execKubeconfig);
  expect(r.stderr).not.toContain('could not read');
  expect(r.code).toBe(0);
  expect(eksStandIn.violations()).toEqual([]);
  const cluster = JSON.parse(readFileSync(join(snap1, 'cluster.json'), 'utf8'));
  expect(cluster.cluster.authenticationMode).toBe('API_AND_CONFIG_MAP');
  expect(cluster.accessEntries.length).toBe(accessEntries(exampleAccessModel(AuthenticationMode.API_AND_CONFIG_MAP)).length);
  expect(cluster.iamRoles.map((x: { arn: string }) => x.arn).sort()).toEqual([examplePrincipal('developer').arn, examplePrincipal('read-only').arn, `arn:aws:iam::${account}:role/eks-node-group`].sort());
  expect(readFileSync(join(snap1, 'kubernetes', 'aws-auth.yaml'), 'utf8')).toContain('contractor');
  expect(r.stdout).toContain(`${mappings} IAMIdentityMappings`);
  expect(readFileSync(join(snap1, 'kubernetes', 'iamidentitymappings.json'), 'utf8')).toContain('"kind": "IAMIdentityMapping"');

  // The IAM hop from the snapshot's trust policies (moto's IAM): the user may assume the mapped read-only role, with MFA.
  const who = await eksAccess(['who-can', 'list', 'pods', '-A', '--from', snap1, '--output', 'json']);
  expect(who.code).toBe(0);
  const chains = (JSON.parse(who.stdout) as { assumeChains: Array<{ principal: string; role: string; conditions: string[] }> }).assumeChains;
  expect(chains).toContainEqual(expect.objectContaining({ principal: `arn:aws:iam::${account}:user/eks/demo-read-only-user`, role: examplePrincipal('read-only').arn, conditions: ['MFA required'] }));

  // Import against the published typings (dist, built by `npm run test:e2e`), and synthesize with the sources.
  const out = join(ROOT, 'test-artifacts', 'e2e-live');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const published = join(out, 'access-published.ts');
  expect((await eksAccess(['import', '--from', snap1, '--out', published])).code).toBe(0);
  expect(typeErrors(published, { 'cdk-eks-access': [join(ROOT, 'dist', 'lib', 'index.d.ts')] })).toEqual([]);
  const accessTs = join(out, 'access.ts');
  const imp = await eksAccess(['import', '--from', snap1, '--out', accessTs, '--module', join(ROOT, 'lib', 'index')]);
  expect(imp.code).toBe(0);
  // The example's group grants (rendered by AccessChart) come back as group grants, not as loose RBAC.
  expect(readFileSync(accessTs, 'utf8')).toContain('model.addGroupGrant({ group: "developer", clusterRole: "edit", namespaces: ["dev"] });');
  const desired = synthImported(accessTs, join(out, 'synth'));
  const diffArgs = ['diff', ...desired.flatMap((d) => ['--desired', d])];
  const clean = await eksAccess([...diffArgs, '--live', snap1]);
  expect(clean.stdout).toBe('no drift\n');
  expect(clean.code).toBe(0);

  // Live changes: a binding gains a subject, an aws-auth row gets another group.
  await cp.apply({ objects: [rbac({ kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'viewers' }, { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'mallory' }] })] });
  const rows = parseAwsAuth(awsAuth.data as Record<string, string>);
  await cp.apply({ objects: [{ ...awsAuth, data: encodeAwsAuth({ ...rows, users: rows.users.map((u) => (u.username === 'contractor' ? { ...u, groups: ['viewers', 'deployers'] } : u)) }) }] });

  // Against the cluster directly (--cluster), with the admin's bearer token this time.
  const drift = await eksAccess([...diffArgs, '--cluster', CLUSTER, '--region', 'us-east-1', '--kubeconfig', cp.api.adminKubeconfig, '--output', 'json'], { env: cliEnv(), timeoutMs: 120_000 });
  expect(drift.code).toBe(1);
  const items = (JSON.parse(drift.stdout) as { items: Array<{ area: string; key: string; change: string; fields: Array<{ field: string; desired: unknown; live: unknown }> }> }).items;
  expect(items).toEqual([
    { area: 'aws-auth', key: `user arn:aws:iam::${account}:user/contractor`, change: 'changed', fields: [{ field: 'groups', desired: ['viewers'], live: ['deployers', 'viewers'] }] },
    { area: 'rbac', key: 'ClusterRoleBinding viewers', change: 'changed', fields: [{ field: 'subjects', desired: ['Group:viewers'], live: ['Group:viewers', 'User:mallory'] }] },
  ]);
  expect(eksStandIn.violations()).toEqual([]);
});

test('a reader without RBAC on roles gets the snapshot with that source listed as unreadable (exit 1), and diff cannot tell (exit 2)', async () => {
  await cp.kubectl(['delete', 'clusterrolebinding', 'access-auditors']);
  const snap = join(workDir, 'snap-denied');
  const r = await snapshot(snap, execKubeconfig);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/could not read kubernetes:clusterroles\.rbac\.authorization\.k8s\.io: GET \/apis\/rbac\.authorization\.k8s\.io\/v1\/clusterroles: HTTP 403: .*forbidden.*\(missing RBAC permission\)/);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  const d = await eksAccess(['diff', '--desired', snap, '--live', snap]);
  expect(d.code).toBe(2);
});
