/**
 * Issue 26 on real parts: two real kube-apiservers (etcd + kube-apiserver + the aggregation controller each, from the
 * built binaries) act as two clusters of two accounts — `alpha` (account A, CONFIG_MAP: aws-auth) and `beta`
 * (account B, API: access entries in the EKS STAND-IN, harness/eks-standin.ts, checked against botocore's EKS model) —
 * holding what the two-cluster CDK app (test/helpers/fleet-app.ts, synthesized by aws-cdk-lib) declares for each.
 * IAM and STS are moto in server mode with both accounts (harness/moto-accounts.ts): the CLI runs as a hub user of
 * account A, and reads beta's IAM through beta's read role in account B (STS AssumeRole with an ExternalId, through
 * the SDK's `fromTemporaryCredentials`); beta's spoke role, trusted by the hub user, exists in account B only, so its
 * trust policy in beta's snapshot proves the reads ran as the assumed role.
 *
 * snapshot --fleet → diff --fleet: alpha drifted (a hand-added aws-auth row), beta clean → exit 1 and the table; a
 * third cluster that cannot be read → partial results kept, exit 1, and diff exit 2. who-can --fleet follows the hub →
 * spoke hop from beta's trust policy. moto does not evaluate trust policies on AssumeRole (said in the harness), so
 * who may assume is the analysis's answer from the policy as read.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssociateAccessPolicyCommand, CreateAccessEntryCommand, EKSClient } from '@aws-sdk/client-eks';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { runCli } from '../../bin/cli-main';
import { encodeAwsAuth, parseAwsAuth } from '../../authenticator/mapper';
import { isAwsAuthConfigMap } from '../../authenticator/mapper/aws-auth';
import { ControlPlane, startControlPlane } from '../../harness/control-plane';
import { EksStandIn, startEksStandIn } from '../../harness/eks-standin';
import { freePort } from '../../harness/free-port';
import { MotoAccounts, startMotoAccounts } from '../../harness/moto-accounts';
import { stopAll } from '../../harness/processes';
import { loadSources } from '../../lib/analysis/inputs/load-sources';
import { desiredForCluster } from '../../lib/live/fleet/fleet-diff';
import { parseFleet } from '../../lib/live/fleet/fleet-file';
import { accessEntries } from '../../lib/model';
import { captureCli } from '../helpers/cli-output';
import { ACCOUNT_A, ACCOUNT_B, HUB_USER, SPOKE_ROLE, betaModel, synthFleetApp } from '../helpers/fleet-app';

const cli = (...argv: string[]) => captureCli(runCli, argv);
const READ_ROLE = `arn:aws:iam::${ACCOUNT_B}:role/eks-access-reader`;

let moto: MotoAccounts;
let eksStandIn: EksStandIn;
let alpha: ControlPlane;
let beta: ControlPlane;
let dir: string;
let cdkOut: string;
let fleetFile: string;
let savedEnv: NodeJS.ProcessEnv;

const trust = (principal: string, condition?: object) => JSON.stringify({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});

function fleetYaml(extra = ''): string {
  return `clusters:
  - name: alpha
    account: "${ACCOUNT_A}"
    region: eu-west-1
    kubeconfig: ${alpha.api.adminKubeconfig}
    labels: { env: prod }
  - name: beta
    account: "${ACCOUNT_B}"
    region: us-east-1
    readRoleArn: ${READ_ROLE}
    externalId: fleet-e2e
    kubeconfig: ${beta.api.adminKubeconfig}
    labels: { env: dev }
${extra}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eks-access-e2e-fleet-'));
  cdkOut = join(dir, 'cdk.out');
  synthFleetApp(cdkOut);
  [moto, alpha, beta] = await Promise.all([startMotoAccounts(), startControlPlane(), startControlPlane()]);
  eksStandIn = await startEksStandIn({ alpha: { authenticationMode: 'CONFIG_MAP', accountId: ACCOUNT_A }, beta: { authenticationMode: 'API', accountId: ACCOUNT_B } });

  // IAM of both accounts: the hub user (account A), alpha's mapped role (A), beta's read role, spoke role and dev role (B).
  const iamA = moto.iam(ACCOUNT_A);
  const iamB = moto.iam(ACCOUNT_B);
  await iamA.send(new CreateUserCommand({ UserName: 'hub-admin' }));
  const key = (await iamA.send(new CreateAccessKeyCommand({ UserName: 'hub-admin' }))).AccessKey!;
  await iamA.send(new CreateRoleCommand({ RoleName: 'ops', AssumeRolePolicyDocument: trust(`arn:aws:iam::${ACCOUNT_A}:root`) }));
  await iamB.send(new CreateRoleCommand({ RoleName: 'eks-access-reader', AssumeRolePolicyDocument: trust(HUB_USER, { StringEquals: { 'sts:ExternalId': 'fleet-e2e' } }) }));
  await iamB.send(new CreateRoleCommand({ RoleName: 'eks-spoke-admin', AssumeRolePolicyDocument: trust(HUB_USER, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) }));
  await iamB.send(new CreateRoleCommand({ RoleName: 'dev', AssumeRolePolicyDocument: trust(`arn:aws:iam::${ACCOUNT_B}:root`) }));

  // beta's access entries: what the code declares, created through the SDK in the EKS stand-in.
  const eks = new EKSClient({ region: 'us-east-1', endpoint: eksStandIn.endpoint, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
  try {
    for (const e of accessEntries(betaModel())) {
      await eks.send(new CreateAccessEntryCommand({ clusterName: 'beta', principalArn: e.principalArn, type: e.type, username: e.username, kubernetesGroups: e.kubernetesGroups }));
      for (const p of e.accessPolicies) {
        await eks.send(new AssociateAccessPolicyCommand({ clusterName: 'beta', principalArn: e.principalArn, policyArn: p.policyArn, accessScope: { type: p.scope, namespaces: p.namespaces } }));
      }
    }
  } finally {
    eks.destroy();
  }

  // Each apiserver holds what the code declares for its cluster (the code's resources placed as diff --fleet places them).
  const desired = await loadSources([cdkOut]);
  const fleet = parseFleet(fleetYaml(), join(dir, 'fleet.yaml'));
  for (const [cp, name] of [[alpha, 'alpha'], [beta, 'beta']] as const) {
    const objects = desiredForCluster(desired, fleet.clusters.find((c) => c.name === name)!).objects.map((o) => o.object);
    const namespaces = [...new Set(objects.map((o) => (o.metadata as { namespace?: string } | undefined)?.namespace).filter((n): n is string => !!n && n !== 'kube-system'))];
    if (namespaces.length) await cp.apply({ objects: namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } })) });
    await cp.apply({ objects });
  }
  // alpha drifts: a row added by hand to aws-auth.
  const awsAuth = desired.objects.map((o) => o.object).find((o) => isAwsAuthConfigMap(o))!;
  const rows = parseAwsAuth(awsAuth.data as Record<string, string>);
  await alpha.apply({ objects: [{ ...awsAuth, data: encodeAwsAuth({ ...rows, users: [...rows.users, { userArn: `arn:aws:iam::${ACCOUNT_A}:user/contractor`, username: 'contractor', groups: ['ops'] }] }) }] });

  fleetFile = join(dir, 'fleet.yaml');
  writeFileSync(fleetFile, fleetYaml());
  savedEnv = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey, AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_EKS: eksStandIn.endpoint, AWS_ENDPOINT_URL_IAM: moto.endpoint, AWS_ENDPOINT_URL_STS: moto.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}, 300_000);

afterAll(async () => {
  if (savedEnv) process.env = savedEnv;
  await Promise.all([alpha?.stop(), beta?.stop()]);
  await eksStandIn?.stop();
  await moto?.stop();
  await stopAll();
  if (dir && process.env.E2E_KEEP_LOGS !== '1') rmSync(dir, { recursive: true, force: true });
});

test('snapshot --fleet → diff --fleet: alpha drifted, beta clean → exit 1 and the per-cluster table; who-can follows the hub → spoke hop', async () => {
  const snap = join(dir, 'snap');
  const s = await cli('snapshot', '--fleet', fleetFile, '--out', snap);
  expect(s.stderr).toBe('');
  expect(s.code).toBe(0);
  expect(s.stdout).toMatch(/alpha +111111111111 +eu-west-1 +complete +/);
  expect(s.stdout).toMatch(/beta +222222222222 +us-east-1 +complete +2 +/);
  expect(eksStandIn.violations()).toEqual([]);
  const alphaSnap = JSON.parse(readFileSync(join(snap, 'alpha', 'cluster.json'), 'utf8'));
  const betaSnap = JSON.parse(readFileSync(join(snap, 'beta', 'cluster.json'), 'utf8'));
  expect(alphaSnap.cluster).toEqual({ name: 'alpha', region: 'eu-west-1', authenticationMode: 'CONFIG_MAP' });
  expect(readFileSync(join(snap, 'alpha', 'kubernetes', 'aws-auth.yaml'), 'utf8')).toContain('contractor');
  expect(betaSnap.cluster).toEqual({ name: 'beta', region: 'us-east-1', authenticationMode: 'API' });
  // The spoke role exists in account B only: its trust policy was read with the assumed read role's credentials.
  expect(betaSnap.iamRoles.map((r: { arn: string }) => r.arn).sort()).toEqual([`arn:aws:iam::${ACCOUNT_B}:role/dev`, SPOKE_ROLE]);
  expect(JSON.stringify(betaSnap.iamRoles)).toContain(HUB_USER);
  expect(alphaSnap.iamRoles.map((r: { arn: string }) => r.arn)).toEqual([`arn:aws:iam::${ACCOUNT_A}:role/ops`]);
  const summary = JSON.parse(readFileSync(join(snap, 'fleet.json'), 'utf8'));
  expect(summary.clusters.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([['alpha', 'complete'], ['beta', 'complete']]);

  const d = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', snap);
  expect(d.stdout).toMatch(/^CLUSTER +ACCOUNT +REGION +STATUS +DRIFTED ITEMS\nalpha +111111111111 +eu-west-1 +drift +1\nbeta +222222222222 +us-east-1 +clean +0\n/);
  expect(d.stdout).toContain(`\nalpha:\n`);
  expect(d.stdout).toMatch(/aws-auth +user arn:aws:iam::111111111111:user\/contractor +added/);
  expect(d.code).toBe(1);

  // Without --live: the same answer from snapshots taken now.
  const now = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '-o', 'json');
  expect(now.code).toBe(1);
  expect(JSON.parse(now.stdout).clusters.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([['alpha', 'drift'], ['beta', 'clean']]);

  const who = await cli('who-can', 'delete', 'pods', '-n', 'team-a', '--fleet', snap, '-o', 'json');
  expect(who.code).toBe(0);
  const clusters = JSON.parse(who.stdout).clusters as Array<{ name: string; hubPrincipals: unknown[] }>;
  expect(clusters.find((c) => c.name === 'alpha')!.hubPrincipals).toEqual([]);
  expect(clusters.find((c) => c.name === 'beta')!.hubPrincipals).toEqual([
    expect.objectContaining({ principalArn: HUB_USER, account: ACCOUNT_A, spokeRoleArn: SPOKE_ROLE, conditions: ['MFA required'] }),
  ]);
});

test('a cluster that cannot be read costs only that cluster: partial results kept (exit 1), and diff cannot tell (exit 2)', async () => {
  const closed = await freePort();
  const kubeconfig = join(dir, 'gone.kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: gone, cluster: {server: "https://127.0.0.1:${closed}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: gone, context: {cluster: gone, user: u}}]\ncurrent-context: gone\n`);
  const three = join(dir, 'fleet3.yaml');
  writeFileSync(three, fleetYaml(`  - name: gamma\n    account: "${ACCOUNT_A}"\n    region: eu-west-1\n    kubeconfig: ${kubeconfig}\n`));
  const snap = join(dir, 'snap3');
  const s = await cli('snapshot', '--fleet', three, '--out', snap, '--fleet-concurrency', '2', '-o', 'json');
  expect(s.code).toBe(1);
  const summary = JSON.parse(s.stdout) as { clusters: Array<{ name: string; status: string; problems: Array<{ source: string; reason: string }> }> };
  expect(summary.clusters.map((c) => [c.name, c.status])).toEqual([['alpha', 'complete'], ['beta', 'complete'], ['gamma', 'partial']]);
  const gamma = summary.clusters[2];
  expect(gamma.problems).toContainEqual(expect.objectContaining({ source: 'eks:ListAccessEntries', reason: expect.stringContaining('ResourceNotFoundException') }));
  expect(gamma.problems.some((p) => p.source.startsWith('kubernetes:') && /ECONNREFUSED/.test(p.reason))).toBe(true);
  const d = await cli('diff', '--fleet', three, '--desired', cdkOut, '--live', snap);
  expect(d.code).toBe(2);
  expect(d.stdout).toMatch(/gamma +111111111111 +eu-west-1 +cannot-tell +-/);
  expect(d.stdout).toMatch(/alpha +111111111111 +eu-west-1 +drift +1/);
  expect(d.stderr).toContain('gamma: cannot tell:');
  expect(eksStandIn.violations()).toEqual([]);
});
