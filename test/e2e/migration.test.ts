/**
 * The README's migration walkthrough (section "Migrating CONFIG_MAP → API_AND_CONFIG_MAP → API", on an imported
 * cluster) on a real control plane, issue 25: etcd + kube-apiserver (RBAC) + `eks-access serve` as its TokenReview
 * webhook + the STS stand-in, tokens from `eks-access token` through kubectl's exec plugin.
 *
 * The webhook plays EKS's authenticator in each mode, from what the walkthrough applies:
 *   CONFIG_MAP          → the aws-auth ConfigMap on this apiserver (the `configMap` backend, watched);
 *   API_AND_CONFIG_MAP  → the access entries first, then aws-auth (EKS: an access entry wins over an aws-auth row for
 *                         the same principal, https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html);
 *   API                 → the access entries only.
 * The access entries are the model's (`accessEntries(model)`, what `ClusterAccess` creates), read by the webhook's
 * access-entry mapper with EKS's rules; aws-auth is changed only through `eks-access merge-aws-auth --ours
 * dist/aws-auth.k8s.yaml`, as the walkthrough says, against a live ConfigMap that also holds another writer's row.
 * At every step — including the moment in step 2 when the entries exist and our rows are not yet removed — the
 * principals authenticate with the same identity and `kubectl auth can-i` answers exactly as in step 1.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { AccessModel, AuthenticationMode, writeAccessManifests } from '../../lib';
import { startStsStandIn, StsStandIn } from '../../harness/sts-standin';
import { CLI, eksAccess } from '../../harness/eks-access-process';
import { eksAccessInit, InitResult } from '../../harness/eks-access-webhook';
import { ManagedProcess, startProcess, stopAll } from '../../harness/processes';
import { freePort } from '../../harness/free-port';
import { httpsCall, waitUntil } from '../../harness/net';
import { ControlPlane, startControlPlane } from '../../harness/control-plane';
import { Creds, tokenClientEnv } from './harness/tokens';

const CLUSTER = 'prod';
/** The questions asked at every step: a granted read, a refused write, a refused cluster-scoped read. */
const CAN_I = [['list', 'pods', '--all-namespaces'], ['get', 'configmaps', '-n', 'default'], ['create', 'pods', '-n', 'default'], ['list', 'nodes'], ['delete', 'secrets', '-n', 'kube-system']];

let standIn: StsStandIn;
let cp: ControlPlane;
let work: string;
let init: InitResult;
let serve: ManagedProcess | undefined;
let account: string;
const creds: Record<string, Creds> = {};
/** Another writer's row (a self-managed node group) that every merge must keep. */
let nodeRow: { rolearn: string; username: string; groups: string[] };

/**
 * The walkthrough's model: a role with an IAM path (its aws-auth row is written path-less, its access entry takes the
 * full ARN) and a user, both in a group bound by a group grant, so they mean the same in every mode.
 */
function model(mode: AuthenticationMode): AccessModel {
  const m = new AccessModel({ accountId: account, authenticationMode: mode, clusterName: CLUSTER });
  m.importRole('readers', `arn:aws:iam::${account}:role/team/Reader`, { kubernetesGroups: ['readers'], username: 'reader' });
  m.importUser('alice', `arn:aws:iam::${account}:user/alice`, { kubernetesGroups: ['readers'], username: 'alice' });
  m.addGroupGrant({ group: 'readers', clusterRole: 'view' });
  return m;
}

/** `writeAccessManifests(model, 'dist')` of the step: the RBAC applied, the ownership file for merge-aws-auth. */
function synth(mode: AuthenticationMode): { access: string; awsAuth: string } {
  const dist = join(work, `dist-${mode}`);
  mkdirSync(dist, { recursive: true });
  const access = writeAccessManifests(model(mode), dist);
  return { access, awsAuth: join(dist, 'aws-auth.k8s.yaml') };
}

/** `kubectl get cm aws-auth -o yaml --ignore-not-found | eks-access merge-aws-auth --live - --ours FILE | kubectl replace|create -f -`. */
async function mergeAwsAuth(ours: string): Promise<Array<{ rolearn?: string; userarn?: string }>> {
  const live = await cp.kubectl(['-n', 'kube-system', 'get', 'configmap', 'aws-auth', '-o', 'yaml', '--ignore-not-found']);
  expect(live.code).toBe(0);
  const merged = await eksAccess(['merge-aws-auth', '--live', '-', '--ours', ours], { input: live.stdout });
  // stderr lists the rows added and removed (`+ role:…`); a conflict or unreadable row would exit 3.
  expect({ code: merged.code, stderr: merged.code === 0 ? '' : merged.stderr }).toEqual({ code: 0, stderr: '' });
  const put = await cp.kubectl([live.stdout.trim() ? 'replace' : 'create', '-f', '-'], { input: merged.stdout });
  expect(put.code).toBe(0);
  await changed();
  const data = (parse(merged.stdout) as { data: Record<string, string> }).data;
  return [...(parse(data.mapRoles ?? '[]') ?? []), ...(parse(data.mapUsers ?? '[]') ?? [])];
}

/** (Re)starts `eks-access serve` on the same port and TLS files (the apiserver's webhook kubeconfig stays valid). */
async function serveWith(backends: object[]): Promise<void> {
  await serve?.stop();
  const config = parse(readFileSync(init.files.config, 'utf8'));
  config.sts = { ...config.sts, connectTo: standIn.connectTo, caFile: standIn.caFile };
  config.mapping = { ...config.mapping, backends };
  writeFileSync(init.files.config, stringify(config));
  const proc = startProcess('eks-access serve', process.execPath, [CLI, 'serve', `--config=${init.files.config}`], join(work, 'serve.log'), {
    env: { PATH: process.env.PATH, HOME: work },
  });
  serve = proc;
  const ca = readFileSync(init.files.caCert, 'utf8');
  await waitUntil('eks-access serve ready', async () => (await httpsCall(`${new URL(init.url).origin}/readyz`, ca).catch(() => ({ status: 0 }))).status === 200, {
    timeoutMs: 30000, describe: () => proc.tail(), abort: () => proc.exited(),
  });
  await changed();
}

/** The access entries `ClusterAccess` creates for the step's model, as the webhook's access-entry backend reads them. */
function accessEntriesBackend(mode: AuthenticationMode): object {
  const file = join(work, `access-entries-${mode}.yaml`);
  const entries = model(mode).accessEntries().map((e) => ({ principalArn: e.principalArn, type: e.type, username: e.username, kubernetesGroups: [...(e.kubernetesGroups ?? [])] }));
  expect(entries.map((e) => e.principalArn).sort()).toEqual([`arn:aws:iam::${account}:role/team/Reader`, `arn:aws:iam::${account}:user/alice`]);
  writeFileSync(file, stringify(entries));
  return { type: 'accessEntries', path: file };
}

const CONFIG_MAP_BACKEND = (): object => ({ type: 'configMap', kubeconfig: cp.api.adminKubeconfig });

function kubeconfigFor(who: string): string {
  const env = Object.entries(tokenClientEnv(creds[who])).map(([name, value]) => ({ name, value: String(value) }));
  return cp.api.writeKubeconfig(`migration-${who}`, {
    exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [CLI, 'token', '-i', CLUSTER], env, interactiveMode: 'Never' },
  });
}

interface Seen { readonly username: string; readonly groups: string[]; readonly canI: string[] }

/** Who each principal is and what it may do, asked through kubectl with a fresh token per call. */
async function observe(who: string): Promise<Seen> {
  const kubeconfig = kubeconfigFor(who);
  const whoami = await cp.kubectl(['auth', 'whoami', '-o', 'json'], { kubeconfig });
  if (whoami.code !== 0) throw new Error(`${who} does not authenticate: ${whoami.stderr.trim()}\n${serve?.tail(10)}`);
  const info = JSON.parse(whoami.stdout).status.userInfo as { username: string; groups: string[] };
  const canI: string[] = [];
  for (const q of CAN_I) {
    const r = await cp.kubectl(['auth', 'can-i', ...q], { kubeconfig });
    canI.push(`${q.join(' ')}: ${r.stdout.trim() || r.stderr.trim()}`);
  }
  return { username: info.username, groups: info.groups, canI };
}

/**
 * Marks a change (webhook restarted, aws-auth merged) and waits for the next second. kube-apiserver caches every
 * successful token authentication for 10 s whatever the webhook's cache TTL (the union token cache,
 * `TokenSuccessCacheTTL: 10 * time.Second` in kubernetes/kubernetes pkg/kubeapiserver/options/authentication.go,
 * v1.33), and a token is the same for a whole second (X-Amz-Date has one-second resolution); a token signed after this
 * second was never seen before the change, so its first review reaches the webhook as it is now.
 */
async function changed(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  await waitUntil('the next second', () => Math.floor(Date.now() / 1000) > second, { timeoutMs: 3000, intervalMs: 50 });
}

/**
 * The principal is seen as `expected` at the first attempt: no polling, so a moment in which it could not
 * authenticate (or got other rights) fails the test — what "authentication keeps working at every step" means.
 */
async function expectSeen(who: string, expected: Seen): Promise<void> {
  const verified = standIn.requests();
  expect(await observe(who)).toEqual(expected);
  // Seen by the webhook as it is now (its STS verification), not only from kube-apiserver's cache.
  expect(standIn.requests()).toBeGreaterThan(verified);
}

const PRINCIPALS = ['reader', 'alice'];
const baseline: Record<string, Seen> = {};

beforeAll(async () => {
  standIn = await startStsStandIn();
  account = standIn.accountId;
  work = mkdtempSync(join(tmpdir(), 'eks-access-e2e-migration-'));
  init = await eksAccessInit(join(work, 'webhook'), CLUSTER, await freePort());
  cp = await startControlPlane({ webhookKubeconfig: init.files.kubeconfig, webhookVersion: 'v1' });

  const alice = await standIn.createUser('alice');
  creds.alice = { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey };
  const role = await standIn.createRole('Reader', { path: '/team/' });
  const session = await standIn.assumeRole(creds.alice, role.arn, 'rita');
  creds.reader = { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };

  // Before the walkthrough: aws-auth holds a self-managed node group's row, written by someone else.
  nodeRow = { rolearn: `arn:aws:iam::${account}:role/nodes`, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] };
  await cp.apply({ objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: { mapRoles: stringify([nodeRow]) } }] }, 'node-group');
}, 300000);

afterAll(async () => {
  await serve?.stop();
  await cp?.stop();
  await standIn?.stop();
  await stopAll();
  if (work && process.env.E2E_KEEP_LOGS !== '1') rmSync(work, { recursive: true, force: true });
});

describe('CONFIG_MAP → API_AND_CONFIG_MAP → API, authentication unchanged at every step', () => {
  test('step 1, CONFIG_MAP: RBAC applied, our rows merged into aws-auth; the principals authenticate from aws-auth', async () => {
    const { access, awsAuth } = synth(AuthenticationMode.CONFIG_MAP);
    await cp.apply({ file: access });
    const rows = await mergeAwsAuth(awsAuth);
    // Our role's row is path-less (the authenticator compares the caller's path-less ARN); the node row is kept.
    expect(rows.map((r) => r.rolearn ?? r.userarn).sort()).toEqual([
      `arn:aws:iam::${account}:role/Reader`, `arn:aws:iam::${account}:role/nodes`, `arn:aws:iam::${account}:user/alice`,
    ]);
    await serveWith([CONFIG_MAP_BACKEND()]);
    for (const who of PRINCIPALS) {
      await waitUntil(`${who} authenticates from aws-auth`, async () => observe(who).then(() => true, () => false), { timeoutMs: 20000, intervalMs: 300 });
      baseline[who] = await observe(who);
    }
    // What "unchanged" is compared with: the group grant's view, nothing more.
    expect(baseline.alice).toEqual({
      username: 'alice', groups: ['readers', 'system:authenticated'],
      canI: ['list pods --all-namespaces: yes', 'get configmaps -n default: yes', 'create pods -n default: no', 'list nodes: no', 'delete secrets -n kube-system: no'],
    });
    expect(baseline.reader).toEqual({ ...baseline.alice, username: 'reader' });
  });

  test('step 2, API_AND_CONFIG_MAP: the access entries exist while our rows are still in aws-auth — unchanged', async () => {
    const { access } = synth(AuthenticationMode.API_AND_CONFIG_MAP);
    await cp.apply({ file: access });
    await serveWith([accessEntriesBackend(AuthenticationMode.API_AND_CONFIG_MAP), CONFIG_MAP_BACKEND()]);
    for (const who of PRINCIPALS) await expectSeen(who, baseline[who]);
  });

  test('step 2, then merge-aws-auth removes exactly our rows (the ownership file in this mode) — unchanged, now from the entries', async () => {
    const rows = await mergeAwsAuth(synth(AuthenticationMode.API_AND_CONFIG_MAP).awsAuth);
    expect(rows).toEqual([nodeRow]);
    for (const who of PRINCIPALS) await expectSeen(who, baseline[who]);
  });

  test('step 3, API: aws-auth is no longer read; the merge keeps the node row — unchanged', async () => {
    const { access, awsAuth } = synth(AuthenticationMode.API);
    await cp.apply({ file: access });
    await serveWith([accessEntriesBackend(AuthenticationMode.API)]);
    expect(await mergeAwsAuth(awsAuth)).toEqual([nodeRow]);
    for (const who of PRINCIPALS) await expectSeen(who, baseline[who]);
  });

  test('control: without the access entries, API mode would lock the principals out (the check can fail)', async () => {
    await serveWith([{ type: 'accessEntries', entries: [{ principalArn: nodeRow.rolearn, type: 'EC2_LINUX' }] }]);
    const r = await cp.kubectl(['auth', 'whoami'], { kubeconfig: kubeconfigFor('alice') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unauthorized|must be logged in/);
  });
});
