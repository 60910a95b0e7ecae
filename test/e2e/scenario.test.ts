/**
 * docs/walkthrough.md on a real control plane: etcd + kube-apiserver (RBAC) + `eks-access serve` as its
 * TokenReview webhook + the STS stand-in, driven with real kubectl and tokens from awscli and `eks-access token`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_DEV_NAMESPACE, exampleAccessModel } from '../../examples/app/example-access';
import { encodeAwsAuth, parseAwsAuth, ParsedAwsAuth } from '../../authenticator/mapper';
import { mergeAwsAuth } from '../../lib/k8s/aws-auth-merge';
import { AuthenticationMode } from '../../lib/model';
import { startStsStandIn, StsStandIn } from '../../harness/sts-standin';
import { ControlPlane, startControlPlane } from '../../harness/control-plane';
import { CLI } from '../../harness/eks-access-process';
import { RunningWebhook, startEksAccessWebhook, writeMapping } from '../../harness/eks-access-webhook';
import { ExampleObject, examplePrincipal, iamNameAndPath, namespacesOf, synthesizeExample } from './harness/example';
import { waitUntil } from '../../harness/net';
import { stopAll } from '../../harness/processes';
import { Creds, tokenClientEnv } from './harness/tokens';

const CLUSTER_ID = 'demo';

let standIn: StsStandIn;
let cp: ControlPlane;
let webhook: RunningWebhook;
let account: string;
const creds: Record<string, Creds> = {};
const userIds: Record<string, string> = {};
/** The synthesized aws-auth ConfigMap (the webhook's mapping) and its rows as the authenticator parses them. */
let awsAuth: ExampleObject;
let rows: ParsedAwsAuth;
let workDir: string | undefined;
let applied: { out: string; count: number };

/** The synthesized aws-auth ConfigMap with other rows: what an operator editing it would write. */
function awsAuthWith(rowsNow: Pick<ParsedAwsAuth, 'roles' | 'users' | 'accounts'>): object {
  return { ...awsAuth, data: encodeAwsAuth(rowsNow) };
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
  const testuserArn = examplePrincipal('testuser').arn;
  const users = rows.users.filter((u) => u.userArn !== testuserArn);
  const original = rows.users.find((u) => u.userArn === testuserArn)!;
  if (groups) users.unshift({ ...original, groups });
  writeMapping(webhook.mappingFile, awsAuthWith({ ...rows, users }));
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
  workDir = mkdtempSync(join(tmpdir(), 'eks-access-e2e-scenario-'));
  const synthDir = join(workDir, 'synth');
  mkdirSync(synthDir);
  // The example synthesized for a cluster that authenticates from aws-auth (EKS API mode has no aws-auth, and
  // access policies are evaluated by EKS's own authorizer, which cannot run here): its access.k8s.yaml holds the
  // RBAC, its aws-auth.k8s.yaml the aws-auth ConfigMap the webhook is configured from, unchanged.
  const synthesized = synthesizeExample(synthDir, AuthenticationMode.CONFIG_MAP);
  awsAuth = synthesized.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'aws-auth')!;
  expect(awsAuth).toBeDefined();
  rows = parseAwsAuth(awsAuth.data as Record<string, string>);
  expect(rows.errors).toEqual([]);

  // The example's IAM principals, created in the stand-in with the example's names and paths.
  for (const id of ['testuser', 'pod-viewer-user', 'pod-admin-user', 'read-only-user']) {
    const { name, path } = iamNameAndPath(examplePrincipal(id).arn);
    const u = await standIn.createUser(name, { path });
    creds[id] = { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey };
    userIds[id] = u.userId;
  }
  // moto does not evaluate trust policies (the example requires MFA); the AssumeRole calls themselves are real STS API.
  for (const [id, from, session] of [['read-only', 'read-only-user', 'auditor'], ['developer', 'testuser', 'alice']]) {
    const { name, path } = iamNameAndPath(examplePrincipal(id).arn);
    const role = await standIn.createRole(name, { path });
    const s = await standIn.assumeRole(creds[from], role.arn, session);
    creds[id] = { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken };
  }

  webhook = await startEksAccessWebhook({
    dir: workDir,
    clusterId: CLUSTER_ID,
    stsConnectTo: standIn.connectTo,
    stsCaFile: standIn.caFile,
    mapping: awsAuth,
  });
  cp = await startControlPlane({ webhookKubeconfig: webhook.webhookKubeconfig, webhookVersion: 'v1' });

  // The walkthrough needs the example's RBAC: apply the synthesized file as it is (the first test checks the outcome),
  // then aws-auth in the documented order, through the row merge (there is no live aws-auth on this control plane).
  await cp.apply({ objects: namespacesOf(synthesized.objects) });
  const rbacCount = synthesized.objects.length - 1;
  const merged = mergeAwsAuth(undefined, parseAwsAuth(awsAuth.data as Record<string, string>));
  expect(merged.conflicts).toEqual([]);
  const rbacOut = await cp.apply({ file: synthesized.file });
  applied = { out: `${rbacOut.trim()}\n${(await cp.apply({ objects: [merged.configMap] })).trim()}`, count: rbacCount + 1 };
}, 300000);

afterAll(async () => {
  await cp?.stop();
  await webhook?.stop();
  await standIn?.stop();
  await stopAll();
  if (workDir && process.env.E2E_KEEP_LOGS !== '1') rmSync(workDir, { recursive: true, force: true });
});

test('the synthesized access.k8s.yaml and the merged aws-auth apply server-side with strict validation, all accepted', () => {
  expect(applied.out.trim().split('\n')).toHaveLength(applied.count);
  expect(applied.out).not.toMatch(/error|warning/i);
  // The read-only and developer roles' groups are bound by the chart itself (view cluster-wide, edit in dev).
  expect(applied.out).toMatch(/clusterrolebinding\.rbac\.authorization\.k8s\.io\/\S+ serverside-applied/);
  expect(applied.out).toMatch(/configmap\/aws-auth serverside-applied/);
});

test('the app\'s own (API mode) access.k8s.yaml applies strictly too', async () => {
  const api = synthesizeExample(join(workDir!, 'synth-api'), AuthenticationMode.API);
  expect(api.objects.some((o) => o.metadata.name === 'aws-auth')).toBe(false);
  await cp.apply({ objects: namespacesOf(api.objects) });
  const out = await cp.apply({ file: api.file }, 'eks-access-e2e-api-mode');
  expect(out.trim().split('\n')).toHaveLength(api.objects.length);
  expect(out).not.toMatch(/error|warning/i);
});

test('the identity-mapping manifests (aws-auth ConfigMap, IAMIdentityMapping CRD and objects) apply strictly too', async () => {
  // The example's identity rows rendered for the ConfigMap modes; the CRD must be established before its objects.
  const manifests = synthesizeExample(join(workDir!, 'synth-crd'), AuthenticationMode.CONFIG_MAP, { iamIdentityMappings: true }).objects;
  const crds = manifests.filter((m) => m.kind === 'CustomResourceDefinition');
  expect(crds).toHaveLength(1);
  expect(manifests.some((m) => m.kind === 'ConfigMap' && m.metadata.name === 'aws-auth')).toBe(true);
  await cp.apply({ objects: crds });
  const crd = crds[0].metadata.name;
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
    // The role's own group from the synthesized aws-auth row, bound to `view` by the synthesized RBAC.
    expect(info.groups).toEqual(['read-only', 'system:authenticated']);
    expect(info.extra.sessionName).toEqual(['auditor']);
  });

  test('the developer role: username from its template, edit in its namespace only', async () => {
    const kubeconfig = kubeconfigFor('developer', 'eks-access', creds.developer);
    const info = JSON.parse((await cp.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig })).stdout).status.userInfo;
    expect(info.username).toBe('developer:alice');
    expect(info.groups).toEqual(['developer', 'system:authenticated']);
    const can = async (verb: string, resource: string, ns: string) =>
      (await cp.kubectl(['auth', 'can-i', verb, resource, '-n', ns], { kubeconfig })).stdout.trim();
    expect(await can('create', 'deployments.apps', EXAMPLE_DEV_NAMESPACE)).toBe('yes');
    expect(await can('delete', 'pods', EXAMPLE_DEV_NAMESPACE)).toBe('yes');
    expect(await can('create', 'deployments.apps', 'default')).toBe('no');
    expect(await can('get', 'pods', 'default')).toBe('no');
    // edit does not include RBAC: no escalation inside the namespace either.
    expect(await can('create', 'rolebindings.rbac.authorization.k8s.io', EXAMPLE_DEV_NAMESPACE)).toBe('no');
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
