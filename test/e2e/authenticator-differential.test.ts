/**
 * Differential check: our webhook (`eks-access serve`) against the Go kubernetes-sigs/aws-iam-authenticator
 * (`server --backend-mode=EKSConfigMap`), on the same tokens and the same kube-system/aws-auth ConfigMap.
 *
 * Both verify against the same STS stand-in (moto + signature-checking shim over HTTPS, test CA): ours through its
 * test-only connect-to setting, the Go server through HTTPS_PROXY (a loopback CONNECT proxy that only tunnels STS
 * hosts) and SSL_CERT_FILE. The Go server reads aws-auth from the real kube-apiserver; ours reads the byte-identical
 * ConfigMap manifest from its watched mapping file.
 */
import { join } from 'node:path';
import { stringify } from 'yaml';
import { generateToken } from '../../authenticator/token';
import { startStsStandIn, StsStandIn } from '../../harness/sts-standin';
import { ControlPlane, startControlPlane } from '../../harness/control-plane';
import { ConnectProxy, startConnectProxy } from '../../harness/connect-proxy';
import { RunningGoAuthenticator, startGoAuthenticator } from '../../harness/go-authenticator';
import { RunningWebhook, startEksAccessWebhook, writeMapping } from '../../harness/eks-access-webhook';
import { awscliToken, Creds, tokenUrl } from './harness/tokens';
import { reviewOutcome, ReviewOutcome, userOf } from './harness/token-review';
import { conformanceTokens } from './harness/conformance-tokens';
import { waitUntil } from '../../harness/net';
import { stopAll } from '../../harness/processes';

const CLUSTER_ID = 'e2e-differential';

let standIn: StsStandIn;
let cp: ControlPlane;
let proxy: ConnectProxy;
let go: RunningGoAuthenticator;
let ours: RunningWebhook;
let account: string;
/** Credentials by principal label. */
const creds: Record<string, Creds> = {};
const arns: Record<string, string> = {};
let mappingVersion = 0;

interface AwsAuthRows {
  mapRoles: object[];
  mapUsers: object[];
  mapAccounts: string[];
}

function awsAuthConfigMap(rows: AwsAuthRows): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'aws-auth', namespace: 'kube-system' },
    data: {
      mapRoles: stringify(rows.mapRoles),
      mapUsers: stringify(rows.mapUsers),
      ...(rows.mapAccounts.length ? { mapAccounts: stringify(rows.mapAccounts) } : {}),
    },
  };
}

/** The mapping both servers share; the `sentinel` row carries the version so we can tell when both have loaded it. */
function baseRows(): AwsAuthRows {
  return {
    mapRoles: [
      // Assumed-role sessions never carry the role path: the row names the role without it (EKS docs).
      { rolearn: `arn:aws:iam::${account}:role/admins`, username: 'admin:{{SessionName}}', groups: ['system:masters'] },
      {
        rolearn: `arn:aws:iam::${account}:role/viewer`,
        username: '{{AccountID}}:{{SessionNameRaw}}:{{AccessKeyID}}',
        groups: ['viewers', 'team-{{SessionName}}'],
      },
      { rolearn: `arn:aws:iam::${account}:role/AWSReservedSSO_Admin_0123456789abcdef`, username: 'sso:{{SessionName}}', groups: ['sso-admins'] },
      // With its path: upstream compares the literal ARN and never matches; we strip the path (deliberate difference).
      { rolearn: `arn:aws:iam::${account}:role/ops/pathy`, username: 'pathy', groups: ['ops'] },
    ],
    mapUsers: [
      { userarn: arns.alice, username: 'alice', groups: ['devs', 'viewers'] },
      { userarn: arns.bob, username: 'bob-{{AccountID}}', groups: ['devs'] },
      { userarn: arns.sentinel, username: `sentinel-v${mappingVersion}` },
    ],
    mapAccounts: [],
  };
}

async function publishMapping(rows: AwsAuthRows): Promise<void> {
  const doc = awsAuthConfigMap(rows);
  await cp.apply({ objects: [doc] });
  writeMapping(ours.mappingFile, doc);
  const sentinel = (await generateToken({ clusterId: CLUSTER_ID, region: 'us-east-1', credentials: creds.sentinel })).token;
  for (const [name, server] of [['aws-iam-authenticator', go], ['eks-access', ours]] as const) {
    await waitUntil(
      `${name} to load aws-auth v${mappingVersion}`,
      async () => reviewOutcome(await server.review(sentinel)).username === `sentinel-v${mappingVersion}`,
      { timeoutMs: 30000, intervalMs: 500, describe: () => server.process.tail(10) },
    );
  }
}

/**
 * Reviews the Go peer has refused so far: upstream's authenticateEndpoint (aws-iam-authenticator pkg/server/server.go,
 * v0.7.10) logs one "access denied" line before each 403 or 429 it answers, a write that may land after its answer is
 * here. The n-th refusal's reason is the n-th such line once there are n — however late the previous test's came.
 */
let goRefusals = 0;

async function both(token: string): Promise<{ go: ReviewOutcome; ours: ReviewOutcome }> {
  const [g, o] = await Promise.all([go.review(token), ours.review(token)]);
  const outcome = { go: reviewOutcome(g), ours: reviewOutcome(o) };
  if (outcome.go.status === 403 || outcome.go.status === 429) goRefusals++;
  return outcome;
}

beforeAll(async () => {
  standIn = await startStsStandIn();
  account = standIn.accountId;
  cp = await startControlPlane();
  proxy = await startConnectProxy(standIn.connectTo);

  for (const [label, path] of [['alice', undefined], ['bob', '/team/'], ['mallory', undefined], ['sentinel', undefined]] as const) {
    const u = await standIn.createUser(`e2e-${label}`, path ? { path } : undefined);
    creds[label] = { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey };
    arns[label] = u.arn;
  }
  const roles: Array<[string, string, string | undefined, string]> = [
    ['admins', 'admins', '/eng/', 'jane@example.com'],
    ['viewer', 'viewer', undefined, 'ci-run-42'],
    ['sso', 'AWSReservedSSO_Admin_0123456789abcdef', '/aws-reserved/sso.amazonaws.com/us-east-1/', 'jane@example.com'],
    ['pathy', 'pathy', '/ops/', 'p1'],
  ];
  for (const [label, name, path, session] of roles) {
    const role = await standIn.createRole(name, path ? { path } : undefined);
    const s = await standIn.assumeRole(creds.alice, role.arn, session);
    creds[label] = { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken };
    arns[label] = s.arn;
  }

  const dir = cp.dir;
  mappingVersion = 1;
  const initial = awsAuthConfigMap(baseRows());
  await cp.apply({ objects: [initial] });
  go = await startGoAuthenticator({
    binary: cp.bins.awsIamAuthenticator,
    dir: join(dir, 'go-authenticator'),
    clusterId: CLUSTER_ID,
    kubeconfig: cp.api.adminKubeconfig,
    stsProxyUrl: proxy.url,
    stsCaFile: standIn.caFile,
  });
  ours = await startEksAccessWebhook({
    dir: join(dir, 'eks-access'),
    clusterId: CLUSTER_ID,
    stsConnectTo: standIn.connectTo,
    stsCaFile: standIn.caFile,
    mapping: initial,
  });
  await publishMapping(baseRows());
}, 300000);

afterAll(async () => {
  await go?.stop();
  await ours?.stop();
  await proxy?.close();
  await cp?.stop();
  await standIn?.stop();
  await stopAll();
});

describe('tokens both implementations accept', () => {
  const cases: Array<[string, string, () => Promise<string>]> = [];
  const add = (principal: string, source: string, mint: () => Promise<string>) => cases.push([principal, source, mint]);
  for (const p of ['alice', 'bob', 'admins', 'viewer', 'sso']) {
    add(p, 'generateToken (regional)', async () => (await generateToken({ clusterId: CLUSTER_ID, region: 'us-east-1', credentials: creds[p] })).token);
    add(p, 'aws eks get-token', () => awscliToken(cp.bins.aws, creds[p], CLUSTER_ID));
  }
  add('alice', 'generateToken (global endpoint)', async () =>
    (await generateToken({ clusterId: CLUSTER_ID, useGlobalEndpoint: true, credentials: creds.alice })).token);
  add('viewer', 'generateToken (eu-west-1)', async () => (await generateToken({ clusterId: CLUSTER_ID, region: 'eu-west-1', credentials: creds.viewer })).token);

  test.each(cases)('%s via %s: same username, uid, groups and extra', async (_p, _source, mint) => {
    const token = await mint();
    const r = await both(token);
    expect(r.go.authenticated).toBe(true);
    expect(userOf(r.ours)).toEqual(userOf(r.go));
  });

  test('the Go peer really went through the proxy to the stand-in, and nothing else was tunnelled', () => {
    expect(proxy.tunnels.get('sts.us-east-1.amazonaws.com:443')).toBeGreaterThan(0);
    expect(proxy.tunnels.get('sts.amazonaws.com:443')).toBeGreaterThan(0);
    expect(proxy.refused).toEqual([]);
  });

  test('templates rendered identically (spot check of the values, not only equality)', async () => {
    const token = (await generateToken({ clusterId: CLUSTER_ID, region: 'us-east-1', credentials: creds.viewer })).token;
    const r = await both(token);
    expect(r.ours.username).toBe(`${account}:ci-run-42:${creds.viewer.accessKeyId}`);
    expect(r.ours.groups).toEqual(['viewers', 'team-ci-run-42']);
    const admin = await both((await generateToken({ clusterId: CLUSTER_ID, credentials: creds.admins })).token);
    expect(admin.ours.username).toBe('admin:jane-example.com');
    expect(admin.ours.uid).toMatch(new RegExp(`^aws-iam-authenticator:${account}:AROA`));
  });
});

describe('tokens both implementations reject', () => {
  const cases: Array<[string, () => Promise<string>]> = [
    ['unmapped IAM user', async () => (await generateToken({ clusterId: CLUSTER_ID, credentials: creds.mallory })).token],
    ['token for another cluster', async () => (await generateToken({ clusterId: 'other-cluster', credentials: creds.alice })).token],
    ['token signed 20 minutes ago', async () =>
      (await generateToken({ clusterId: CLUSTER_ID, credentials: creds.alice, now: new Date(Date.now() - 20 * 60 * 1000) })).token],
    ['tampered signature', async () => {
      const url = tokenUrl((await generateToken({ clusterId: CLUSTER_ID, credentials: creds.alice })).token);
      const sig = url.searchParams.get('X-Amz-Signature')!;
      url.searchParams.set('X-Amz-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
      return `k8s-aws-v1.${Buffer.from(url.toString()).toString('base64url')}`;
    }],
    ['unknown access key', async () =>
      (await generateToken({ clusterId: CLUSTER_ID, credentials: { accessKeyId: 'AKIAEXAMPLEUNKNOWN00', secretAccessKey: 'x'.repeat(40) } })).token],
  ];

  test.each(cases)('%s', async (_name, mint) => {
    const r = await both(await mint());
    expect(r.go.authenticated).toBe(false);
    expect(r.ours.authenticated).toBe(false);
    expect(r.go.status).not.toBe(200);
  });

  test('conformance token set: identical accept/reject, and both fail each reference case for the reason its vector names', async () => {
    const vectors = conformanceTokens().filter((v) => !v.needsOptions);
    expect(vectors.length).toBeGreaterThan(20);
    const mismatches: string[] = [];
    for (const v of vectors) {
      const r = await both(v.token);
      const n = goRefusals;
      if (r.go.authenticated || r.ours.authenticated) mismatches.push(`${v.name}: go=${r.go.authenticated} ours=${r.ours.authenticated}`);
      if (v.error && !(r.ours.error ?? '').includes(v.error)) mismatches.push(`${v.name}: our reason "${r.ours.error}" lacks "${v.error}"`);
      // Upstream logs its reason; the vectors transcribed from its tests must name what the real binary says.
      await waitUntil(`upstream to log its denial of "${v.name}"`, async () => go.denialReasons().length >= n, { timeoutMs: 5000, intervalMs: 50 });
      const upstream = go.denialReasons()[n - 1];
      if (v.reference && v.error && !upstream.includes(v.error)) mismatches.push(`${v.name}: upstream said "${upstream}", vector expects "${v.error}"`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('deliberate differences (README "differences")', () => {
  test('an aws-auth role row written with its IAM path: upstream never matches it, we match after stripping the path', async () => {
    const r = await both((await generateToken({ clusterId: CLUSTER_ID, credentials: creds.pathy })).token);
    expect(r.go.authenticated).toBe(false);
    expect(r.ours.authenticated).toBe(true);
    expect(r.ours.username).toBe('pathy');
  });
});

describe('after the mapping changes (mapAccounts added, alice removed)', () => {
  beforeAll(async () => {
    mappingVersion = 2;
    const rows = baseRows();
    rows.mapUsers = rows.mapUsers.filter((u) => (u as { userarn: string }).userarn !== arns.alice);
    rows.mapAccounts = [account];
    await publishMapping(rows);
  });

  test.each(['mallory', 'alice', 'bob', 'admins'])('%s: same outcome from both', async (p) => {
    const r = await both((await generateToken({ clusterId: CLUSTER_ID, credentials: creds[p] })).token);
    expect(r.go.authenticated).toBe(true);
    expect(userOf(r.ours)).toEqual(userOf(r.go));
  });

  test('an account-mapped user gets its canonical ARN as username and no groups', async () => {
    const r = await both((await generateToken({ clusterId: CLUSTER_ID, credentials: creds.mallory })).token);
    expect(r.ours.username).toBe(arns.mallory);
    expect(r.ours.groups).toEqual([]);
  });
});
