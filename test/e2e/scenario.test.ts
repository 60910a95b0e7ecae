/**
 * The seeds' walkthrough on a real control plane: etcd + kube-apiserver (RBAC) + `eks-access serve` as its
 * TokenReview webhook + the STS stand-in, driven with real kubectl and tokens from awscli and `eks-access token`.
 */
import { join } from 'node:path';
import { exampleAccessModel } from '../../bin/example-access';
import { accessPolicies } from '../../lib/analysis/eks-access-policies';
import { AccessPolicy } from '../../lib/model';
import { startStsStandIn, StsStandIn } from '../fixtures/sts-standin';
import { ControlPlane, startControlPlane } from './harness/control-plane';
import { CLI, RunningWebhook, startEksAccessWebhook, writeMapping } from './harness/eks-access';
import { awsAuthDocument, exampleAwsAuthRows, exampleManifests, examplePrincipal, iamNameAndPath } from './harness/example';
import { waitUntil } from './harness/net';
import { stopAll } from './harness/processes';
import { Creds, tokenClientEnv } from './harness/tokens';
import { mkdtempSync } from 'node:fs';
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

/** The example's rows moved into the stand-in's account (the example pins 111122223333 so `cdk synth` needs no AWS). */
function inStandInAccount<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll(exampleAccessModel().accountId, account)) as T;
}

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
  const testuserArn = inStandInAccount(examplePrincipal('testuser').arn);
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
  expect({ code: b.code, stdout: b.stdout }).toEqual({ code: a.code, stdout: a.stdout });
  return a;
}

beforeAll(async () => {
  standIn = await startStsStandIn();
  account = standIn.accountId;
  rows = inStandInAccount(exampleAwsAuthRows());
  // The read-only role's access policy, through the RBAC stand-in (see VIEW_POLICY_GROUP).
  const readOnlyArn = inStandInAccount(examplePrincipal('read-only').arn).replace(/role\/.*\//, 'role/');
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

  const dir = mkdtempSync(join(tmpdir(), 'eks-access-e2e-webhook-'));
  webhook = await startEksAccessWebhook({
    dir,
    clusterId: CLUSTER_ID,
    stsConnectTo: standIn.connectTo,
    stsCaFile: standIn.caFile,
    mapping: awsAuthDocument(rows),
  });
  cp = await startControlPlane({ webhookKubeconfig: webhook.webhookKubeconfig, webhookVersion: 'v1' });
}, 300000);

afterAll(async () => {
  await cp?.stop();
  await webhook?.stop();
  await standIn?.stop();
  await stopAll();
});

test('the example app manifests apply server-side with strict validation, all accepted', async () => {
  const manifests = exampleManifests();
  const namespaces = [...new Set(manifests.map((m) => (m.metadata as { namespace?: string }).namespace).filter((n): n is string => !!n))];
  await cp.apply({ objects: namespaces.filter((n) => n !== 'kube-system').map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) });
  const out = await cp.apply({ objects: manifests });
  expect(out.trim().split('\n')).toHaveLength(manifests.length);
  expect(out).not.toMatch(/error|warning/i);
  // The access-policy stand-in binding (not part of the product's output; see VIEW_POLICY_GROUP).
  const view = accessPolicies().get(VIEW_POLICY)!.equivalentClusterRole!;
  await cp.apply({
    objects: [{
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'e2e-eks-access-policy-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: view },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: VIEW_POLICY_GROUP }],
    }],
  });
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
});
