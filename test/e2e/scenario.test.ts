/**
 * The seeds' walkthrough on a real control plane: etcd + kube-apiserver (RBAC) + `eks-access serve` as its
 * TokenReview webhook + the STS stand-in, driven with real kubectl and tokens from awscli and `eks-access token`.
 */
import { join } from 'node:path';
import { exampleAccessModel } from '../../bin/example-access';
import { accessPolicies } from '../../lib/analysis/eks-access-policies';
import { AccessPolicy, AuthenticationMode } from '../../lib/model';
import { startStsStandIn, StsStandIn } from '../fixtures/sts-standin';
import { ControlPlane, startControlPlane } from './harness/control-plane';
import { CLI, RunningWebhook, startEksAccessWebhook, writeMapping } from './harness/eks-access';
import { awsAuthDocument, exampleAwsAuthRows, exampleManifests, examplePrincipal, iamNameAndPath } from './harness/example';
import { waitUntil } from './harness/net';
import { stopAll } from './harness/processes';
import { Creds, tokenClientEnv } from './harness/tokens';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const CLUSTER_ID = 'demo';
/**
 * EKS authorizes access policies in its own authorizer, which cannot run outside EKS. Here it is stood in by RBAC:
 * the policy's upstream-equivalent ClusterRole (as lib/analysis models it) bound to a group the mapping adds.
 */
const VIEW_POLICY = AccessPolicy.AMAZON_EKS_VIEW_POLICY.policyName;
const VIEW_POLICY_GROUP = `e2e:eks-access-policy:${VIEW_POLICY}`;

let standIn: StsStandIn;
let cp: ControlPlane;
let webhook: RunningWebhook;
let account: string;
const creds: Record<string, Creds> = {};
const userIds: Record<string, string> = {};
let rows: ReturnType<typeof exampleAwsAuthRows>;
let webhookDir: string | undefined;
let applied: { out: string; count: number };

function kubeconfigFor(name: string, tokenCommand: 'awscli' | 'eks-access', c: Creds): string {
  const env = Object.entries(tokenClientEnv(c)).map(([n, value]) => ({ name: n, value: String(value) }));
  const exec =
    tokenCommand === 'awscli'
      ? { command: cp.bins.aws, args: ['eks', 'get-token', '--cluster-name', CLUSTER_ID, '--output', 'json'] }
      : { command: process.execPath, args: [CLI, 'token', '-i', CLUSTER_ID] };
  return cp.api.writeKubeconfig(`${name}-${tokenCommand}`, {
    exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', ...exec, env, interactiveMode: 'Never' },
  });
}

/** Sets testuser's groups in the mapping file (undefined: remove the row) and waits until the webhook uses it. */
async function mapTestuser(groups: string[] | undefined): Promise<void> {
  const testuserArn = examplePrincipal('testuser').arn;
  const mapUsers = rows.mapUsers.filter((u) => u.userArn !== testuserArn);
  const original = rows.mapUsers.find((u) => u.userArn === testuserArn)!;
  if (groups) mapUsers.unshift({ ...original, groups });
  writeMapping(webhook.mappingFile, awsAuthDocument({ ...rows, mapUsers }));
  const kubeconfig = kubeconfigFor('testuser', 'eks-access', creds.testuser);
  await waitUntil(
    `webhook to reload the mapping (testuser groups ${JSON.stringify(groups)})`,
    async () => {
      const r = await cp.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
      if (!groups) return r.code !== 0 && /Unauthorized/.test(r.stderr);
      if (r.code !== 0) return false;
      const got: string[] = JSON.parse(r.stdout).status.userInfo.groups;
      return JSON.stringify(got.filter((g) => g !== 'system:authenticated')) === JSON.stringify(groups);
    },
    { timeoutMs: 20000, intervalMs: 300, describe: () => webhook.process.tail(10) },
  );
}

/** Runs `kubectl ARGS` as testuser with a token from each client; both must give the same exit code and output. */
async function asTestuser(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [a, b] = await Promise.all(
    (['awscli', 'eks-access'] as const).map((c) => cp.kubectl(args, { kubeconfig: kubeconfigFor('testuser', c, creds.testuser) })),
  );
  // The server stamps review objects (whoami) with the time; everything else must be identical.
  const same = (r: { code: number; stdout: string }) => ({ code: r.code, stdout: r.stdout.replace(/"creationTimestamp": "[^"]*"/g, '') });
  expect(same(b)).toEqual(same(a));
  return a;
}

beforeAll(async () => {
  // The stand-in answers for the example's fixed account, so the example's ARNs are used unchanged.
  standIn = await startStsStandIn({ accountId: exampleAccessModel().accountId });
  account = standIn.accountId;
  rows = exampleAwsAuthRows();
  // The read-only role's access policy, through the RBAC stand-in (see VIEW_POLICY_GROUP).
  const readOnlyArn = examplePrincipal('read-only').arn.replace(/role\/.*\//, 'role/');
  rows.mapRoles = rows.mapRoles.map((r) => (r.roleArn === readOnlyArn ? { ...r, groups: [...r.groups, VIEW_POLICY_GROUP] } : r));

  // The example's IAM principals, created in the stand-in with the example's names and paths.
  for (const id of ['testuser', 'pod-viewer-user', 'pod-admin-user', 'read-only-user']) {
    const { name, path } = iamNameAndPath(examplePrincipal(id).arn);
    const u = await standIn.createUser(name, { path });
    creds[id] = { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey };
    userIds[id] = u.userId;
  }
  const readOnly = iamNameAndPath(examplePrincipal('read-only').arn);
  const role = await standIn.createRole(readOnly.name, { path: readOnly.path });
  // moto does not evaluate trust policies (the example requires MFA); the AssumeRole call itself is real STS API.
  const session = await standIn.assumeRole(creds['read-only-user'], role.arn, 'auditor');
  creds['read-only'] = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };

  webhookDir = mkdtempSync(join(tmpdir(), 'eks-access-e2e-webhook-'));
  webhook = await startEksAccessWebhook({
    dir: webhookDir,
    clusterId: CLUSTER_ID,
    stsConnectTo: standIn.connectTo,
    stsCaFile: standIn.caFile,
    mapping: awsAuthDocument(rows),
  });
  cp = await startControlPlane({ webhookKubeconfig: webhook.webhookKubeconfig, webhookVersion: 'v1' });

  // The walkthrough needs the example's RBAC: apply its manifests (the first test checks the apply's outcome).
  const manifests = exampleManifests();
  const namespaces = [...new Set(manifests.map((m) => (m.metadata as { namespace?: string }).namespace).filter((n): n is string => !!n))];
  await cp.apply({ objects: namespaces.filter((n) => n !== 'kube-system').map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) });
  applied = { out: await cp.apply({ objects: manifests }), count: manifests.length };
  // The access-policy stand-in binding (not part of the product's output; see VIEW_POLICY_GROUP).
  await cp.apply({
    objects: [{
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'e2e-eks-access-policy-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: accessPolicies().get(VIEW_POLICY)!.equivalentClusterRole! },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: VIEW_POLICY_GROUP }],
    }],
  });
}, 300000);

afterAll(async () => {
  await cp?.stop();
  await webhook?.stop();
  await standIn?.stop();
  await stopAll();
  if (webhookDir && process.env.E2E_KEEP_LOGS !== '1') rmSync(webhookDir, { recursive: true, force: true });
});

test('the example app manifests apply server-side with strict validation, all accepted', () => {
  expect(applied.out.trim().split('\n')).toHaveLength(applied.count);
  expect(applied.out).not.toMatch(/error|warning/i);
});

test('the identity-mapping manifests (aws-auth ConfigMap, IAMIdentityMapping CRD and objects) apply strictly too', async () => {
  // The example's identity rows rendered for the ConfigMap modes; the CRD must be established before its objects.
  const manifests = exampleManifests(exampleAccessModel(AuthenticationMode.CONFIG_MAP), { iamIdentityMappings: true });
  const crds = manifests.filter((m) => m.kind === 'CustomResourceDefinition');
  expect(crds).toHaveLength(1);
  expect(manifests.some((m) => m.kind === 'ConfigMap' && (m.metadata as { name: string }).name === 'aws-auth')).toBe(true);
  await cp.apply({ objects: crds });
  const crd = (crds[0].metadata as { name: string }).name;
  const wait = await cp.kubectl(['wait', '--for=condition=Established', `crd/${crd}`, '--timeout=30s']);
  expect(wait.code).toBe(0);
  const rest = manifests.filter((m) => m.kind !== 'CustomResourceDefinition');
  const out = await cp.apply({ objects: rest });
  expect(out.trim().split('\n')).toHaveLength(rest.length);
  const mappings = JSON.parse((await cp.kubectl(['get', 'iamidentitymappings', '-o', 'json'])).stdout).items;
  expect(mappings.length).toBe(rest.filter((m) => m.kind === 'IAMIdentityMapping').length);
  expect(mappings.length).toBeGreaterThan(0);
});

describe('testuser, step by step', () => {
  test('mapped to system:masters: kubectl get nodes succeeds (awscli and eks-access tokens)', async () => {
    await mapTestuser(['system:masters']);
    const r = await asTestuser(['get', 'nodes']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/No resources found/);
  });

  test('kubectl auth whoami shows username, uid aws-iam-authenticator:<account>:<userid>, groups and extra', async () => {
    const r = await asTestuser(['auth', 'whoami', '-o', 'json']);
    const info = JSON.parse(r.stdout).status.userInfo;
    const arn = `arn:aws:iam::${account}:user/testuser`;
    expect(info.username).toBe(arn);
    expect(info.uid).toBe(`aws-iam-authenticator:${account}:${userIds.testuser}`);
    expect(info.groups).toEqual(['system:masters', 'system:authenticated']);
    expect(Object.keys(info.extra).sort()).toEqual(
      ['accessKeyId', 'arn', 'canonicalArn', 'principalId', 'sessionName', 'sigs.k8s.io/aws-iam-authenticator/principalId'].sort(),
    );
    expect(info.extra.arn).toEqual([arn]);
    expect(info.extra.accessKeyId).toEqual([creds.testuser.accessKeyId]);
  });

  test('mapped to no group (only system:authenticated): 403 Forbidden', async () => {
    await mapTestuser([]);
    const r = await asTestuser(['get', 'nodes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\(Forbidden\).*cannot list resource "nodes"/);
  });

  test('mapping removed: 401 Unauthorized', async () => {
    await mapTestuser(undefined);
    const r = await asTestuser(['get', 'nodes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unauthorized/);
  });

  test('pod-viewer group: can get pods in all namespaces, cannot delete them', async () => {
    await mapTestuser(['pod-viewer']);
    expect((await asTestuser(['auth', 'can-i', 'get', 'pods', '-A'])).stdout.trim()).toBe('yes');
    const del = await asTestuser(['auth', 'can-i', 'delete', 'pods', '-A']);
    expect(del.stdout.trim()).toBe('no');
    expect(del.code).toBe(1);
  });

  test('pod-admin group: can delete pods', async () => {
    await mapTestuser(['pod-admin']);
    expect((await asTestuser(['auth', 'can-i', 'delete', 'pods', '-A'])).stdout.trim()).toBe('yes');
  });
});

describe('the example users and the read-only role with their own tokens', () => {
  const canI = async (who: string, verb: string, resource: string): Promise<string> => {
    const kubeconfig = kubeconfigFor(who, 'awscli', creds[who]);
    return (await cp.kubectl(['auth', 'can-i', verb, resource, '-A'], { kubeconfig })).stdout.trim();
  };

  test('pod-viewer-user reads pods, cannot delete; pod-admin-user deletes', async () => {
    expect(await canI('pod-viewer-user', 'get', 'pods')).toBe('yes');
    expect(await canI('pod-viewer-user', 'delete', 'pods')).toBe('no');
    expect(await canI('pod-admin-user', 'delete', 'pods')).toBe('yes');
  });

  test('the read-only role, assumed through STS AssumeRole: get/list/watch yes, create no', async () => {
    for (const verb of ['get', 'list', 'watch']) {
      expect(await canI('read-only', verb, 'pods')).toBe('yes');
      expect(await canI('read-only', verb, 'deployments.apps')).toBe('yes');
    }
    expect(await canI('read-only', 'create', 'pods')).toBe('no');
    expect(await canI('read-only', 'create', 'deployments.apps')).toBe('no');
    const whoami = await cp.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig: kubeconfigFor('read-only', 'eks-access', creds['read-only']) });
    const info = JSON.parse(whoami.stdout).status.userInfo;
    expect(info.username).toBe(`arn:aws:sts::${account}:assumed-role/${iamNameAndPath(examplePrincipal('read-only').arn).name}/auditor`);
    expect(info.uid).toMatch(new RegExp(`^aws-iam-authenticator:${account}:AROA[A-Z0-9]+$`));
    expect(info.extra.sessionName).toEqual(['auditor']);
  });

  test('the read-only role assumed by `eks-access token -r` itself (SDK AssumeRole against the stand-in): same rights', async () => {
    const roleArn = examplePrincipal('read-only').arn;
    const env = {
      ...tokenClientEnv(creds['read-only-user']),
      // Only the AssumeRole call goes to the stand-in; the token still names the real STS host.
      AWS_ENDPOINT_URL_STS: standIn.endpoint,
      NODE_EXTRA_CA_CERTS: standIn.caFile,
    };
    const kubeconfig = cp.api.writeKubeconfig('read-only-cli-assume', {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: process.execPath,
        args: [CLI, 'token', '-i', CLUSTER_ID, '-r', roleArn, '-s', 'cli-session'],
        env: Object.entries(env).map(([name, value]) => ({ name, value: String(value) })),
        interactiveMode: 'Never',
      },
    });
    const can = async (verb: string) => (await cp.kubectl(['auth', 'can-i', verb, 'pods', '-A'], { kubeconfig })).stdout.trim();
    expect(await can('list')).toBe('yes');
    expect(await can('create')).toBe('no');
    const info = JSON.parse((await cp.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig })).stdout).status.userInfo;
    expect(info.extra.sessionName).toEqual(['cli-session']);
    expect(info.extra.arn[0]).toMatch(/:assumed-role\/[^/]+\/cli-session$/);
  });
});
