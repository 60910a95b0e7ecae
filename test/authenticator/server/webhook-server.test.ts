/**
 * The real webhook server on 127.0.0.1 over HTTPS, the real verifier and mappers, tokens from generateToken and from
 * awscli, verified against the STS stand-in (moto behind a presign-checking shim); EC2 DescribeInstances for
 * {{EC2PrivateDNSName}} is moto's EC2 behind the same stand-in.
 */
import { Agent } from 'node:https';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { stringify } from 'yaml';
import { parseConfig } from '../../../authenticator/config';
import { startWebhookServer, WebhookServer } from '../../../authenticator/server';
import { generateToken } from '../../../authenticator/token';
import { awsEksGetToken } from '../../fixtures/awscli';
import { startStsStandIn, StsStandIn } from '../../../harness/sts-standin';
import { httpsCall, makeTlsFiles, metricValue, review, TlsFiles } from './helpers';

const CLUSTER = 'webhook-it';
const DEADLINE_MS = 6000;

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** Collects pino's JSON lines so tests can assert what was (not) logged. */
function logSink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({ write(chunk, _enc, cb) { chunks.push(chunk.toString()); cb(); } }),
    text: () => chunks.join(''),
  };
}

async function tokenFor(creds: Creds, secondsAgo = 0): Promise<string> {
  return (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: creds, now: new Date(Date.now() - secondsAgo * 1000) })).token;
}

describe('webhook server against the STS stand-in', () => {
  let standIn: StsStandIn;
  let tls: TlsFiles;
  let server: WebhookServer;
  let logs: ReturnType<typeof logSink>;
  let acct: string;
  let alice: Creds & { arn: string; userId: string };
  let carol: Creds & { arn: string; userId: string };
  let dave: Creds & { arn: string; userId: string };
  let privateDnsName: string;
  let instanceId: string;
  const roles: Record<string, { arn: string; roleId: string }> = {};

  beforeAll(async () => {
    standIn = await startStsStandIn();
    tls = makeTlsFiles();
    acct = standIn.accountId;
    alice = await standIn.createUser('alice');
    carol = await standIn.createUser('carol', { path: '/engineering/' });
    dave = await standIn.createUser('dave');
    roles.admin = await standIn.createRole('Admin');
    roles.dev = await standIn.createRole('Dev', { path: '/team/dev/' });
    roles.sso = await standIn.createRole('AWSReservedSSO_PowerUser_0123456789abcdef', { path: '/aws-reserved/sso.amazonaws.com/us-east-1/' });
    roles.node = await standIn.createRole('NodeInstanceRole');

    // moto EC2 through the stand-in's TLS endpoint: a real EC2 client and a real instance with a private DNS name.
    const ec2Client = new EC2Client({
      region: 'us-east-1', endpoint: standIn.endpoint, credentials: alice,
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: standIn.caPem }) }),
    });
    const images = await ec2Client.send(new DescribeImagesCommand({}));
    const run = await ec2Client.send(new RunInstancesCommand({ ImageId: images.Images![0].ImageId!, MinCount: 1, MaxCount: 1 }));
    instanceId = run.Instances![0].InstanceId!;
    privateDnsName = run.Instances![0].PrivateDnsName!;
    expect(privateDnsName).toMatch(/\.internal$/);

    const mappingFile = join(tls.dir, 'mapping.yaml');
    writeFileSync(mappingFile, stringify({
      mapRoles: [
        { rolearn: roles.admin.arn, username: 'admin:{{SessionName}}', groups: ['system:masters'] },
        { rolearn: `arn:aws:iam::${acct}:role/team/dev/Dev`, username: 'dev:{{SessionName}}', groups: ['developers'] },
        { sso: { permissionSetName: 'PowerUser', accountID: acct }, username: 'sso:{{SessionName}}', groups: ['power-users'] },
        { rolearn: roles.node.arn, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] },
      ],
      mapUsers: [
        { userarn: alice.arn, username: 'alice', groups: ['devs'] },
        { userarn: carol.arn, username: 'carol', groups: ['engineering'] },
      ],
      mapAccounts: [acct],
    }));
    logs = logSink();
    const config = parseConfig({
      clusterId: CLUSTER,
      server: { port: 0, tlsCertFile: tls.certFile, tlsKeyFile: tls.keyFile },
      review: { deadlineMs: DEADLINE_MS, audiences: [] },
      sts: { connectTo: standIn.connectTo, caFile: standIn.caFile, maxConcurrent: 16 },
      mapping: { backends: [{ type: 'file', path: mappingFile }], ec2Region: 'us-east-1' },
      logLevel: 'info',
    });
    server = await startWebhookServer(config, { logDestination: logs.stream, ec2Client });
  }, 120000);

  afterAll(async () => {
    await server?.close();
    await standIn?.stop();
  });

  const call = (token: string, apiVersion?: string, audiences?: string[]) => review(server.url, tls.caPem, token, apiVersion, audiences);

  it('maps an IAM user (token from generateToken), with the reference uid and extra', async () => {
    const res = await call(await tokenFor(alice));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: { creationTimestamp: null }, spec: {},
      status: {
        authenticated: true,
        user: {
          username: 'alice', uid: `aws-iam-authenticator:${acct}:${alice.userId}`, groups: ['devs'],
          extra: {
            'arn': [alice.arn], 'canonicalArn': [alice.arn], 'sessionName': [''], 'accessKeyId': [alice.accessKeyId],
            'principalId': [alice.userId], 'sigs.k8s.io/aws-iam-authenticator/principalId': [alice.userId],
          },
        },
      },
    });
  });

  it('maps a user with a path, token from awscli (aws eks get-token), answering v1beta1 in v1beta1', async () => {
    const token = awsEksGetToken(standIn.env(carol), CLUSTER).status.token;
    const res = await call(token, 'authentication.k8s.io/v1beta1');
    expect(res.status).toBe(200);
    expect(res.json.apiVersion).toBe('authentication.k8s.io/v1beta1');
    expect(res.json.status.user).toMatchObject({ username: 'carol', groups: ['engineering'] });
  });

  it('maps a role without a path, rendering {{SessionName}} (@ becomes -)', async () => {
    const session = await standIn.assumeRole(alice, roles.admin.arn, 'alice@example.com');
    const res = await call(await tokenFor(session));
    expect(res.status).toBe(200);
    expect(res.json.status.user).toMatchObject({ username: 'admin:alice-example.com', groups: ['system:masters'] });
    expect(res.json.status.user.extra.canonicalArn).toEqual([roles.admin.arn]);
    expect(res.json.status.user.extra.sessionName).toEqual(['alice@example.com']);
    expect(res.json.status.user.uid).toBe(`aws-iam-authenticator:${acct}:${roles.admin.roleId}`);
  });

  it('maps a role with a path (the mapping names the path; STS reports the session without it)', async () => {
    const session = await standIn.assumeRole(alice, roles.dev.arn, 'bob');
    const res = await call(awsEksGetToken(standIn.env(session), CLUSTER).status.token);
    expect(res.status).toBe(200);
    expect(res.json.status.user).toMatchObject({ username: 'dev:bob', groups: ['developers'] });
  });

  it('maps an IAM Identity Center (SSO) permission-set role', async () => {
    const session = await standIn.assumeRole(alice, roles.sso.arn, 'sso-user');
    const res = await call(await tokenFor(session));
    expect(res.status).toBe(200);
    expect(res.json.status.user).toMatchObject({ username: 'sso:sso-user', groups: ['power-users'] });
  });

  it('maps a node role to system:node:{{EC2PrivateDNSName}} through EC2 DescribeInstances', async () => {
    const session = await standIn.assumeRole(alice, roles.node.arn, instanceId);
    const res = await call(await tokenFor(session));
    expect(res.status).toBe(200);
    expect(res.json.status.user).toMatchObject({ username: `system:node:${privateDnsName}`, groups: ['system:bootstrappers', 'system:nodes'] });
    const metrics = await httpsCall(`${server.url}/metrics`, tls.caPem);
    expect(metricValue(metrics.text, 'aws_iam_authenticator_ec2_describe_instances_calls_total')).toBeGreaterThanOrEqual(1);
  });

  it('maps an otherwise unmapped principal of an allow-listed account to its ARN, without groups', async () => {
    const res = await call(await tokenFor(dave));
    expect(res.status).toBe(200);
    expect(res.json.status.user.username).toBe(dave.arn);
    expect(res.json.status.user.groups).toBeUndefined();
  });

  it('denies a token signed with a wrong secret (403, reason from STS)', async () => {
    const res = await call(await tokenFor({ accessKeyId: alice.accessKeyId, secretAccessKey: 'wrong-secret-key-0000000000000000000000' }));
    expect(res.status).toBe(403);
    expect(res.json.status.authenticated).toBe(false);
    expect(res.json.status.error).toMatch(/sts getCallerIdentity failed|signature/i);
  });

  it('denies a token for another cluster', async () => {
    const other = (await generateToken({ clusterId: 'other-cluster', region: 'us-east-1', credentials: alice })).token;
    const res = await call(other);
    expect(res.status).toBe(403);
    expect(res.json.status.authenticated).toBe(false);
  });

  it('honours spec.audiences: echoes the cluster ID, stays audience-unaware for the apiserver audience', async () => {
    const token = await tokenFor(alice, 5);
    const withCluster = await call(token, undefined, ['https://kubernetes.default.svc', CLUSTER]);
    expect(withCluster.json.status.audiences).toEqual([CLUSTER]);
    const apiserverOnly = await call(token, undefined, ['https://kubernetes.default.svc']);
    expect(apiserverOnly.status).toBe(200);
    expect(apiserverOnly.json.status.audiences).toBeUndefined();
  });

  it('caches a verified identity: the same token twice is one STS call', async () => {
    const token = await tokenFor(await standIn.createUser('cache-user')); // a signer no other test uses: a fresh token
    const before = standIn.requests();
    expect((await call(token)).status).toBe(200);
    expect((await call(token)).status).toBe(200);
    expect(standIn.requests() - before).toBe(1);
    const metrics = (await httpsCall(`${server.url}/metrics`, tls.caPem)).text;
    expect(metricValue(metrics, 'eks_access_webhook_identity_cache_hits_total', { kind: 'identity' })).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['an empty body', '', /empty body/],
    ['not JSON', '{"apiVersion":', /not JSON/],
    ['a JSON array', '[]', /TokenReview object/],
    ['a wrong apiVersion', JSON.stringify({ apiVersion: 'v1', kind: 'TokenReview', spec: { token: 'x' } }), /apiVersion/],
    ['a wrong kind', JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'Secret', spec: { token: 'x' } }), /kind/],
    ['no token', JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} }), /spec.token/],
    ['a numeric token', JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 1 } }), /spec.token/],
    ['bad audiences', JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'x', audiences: [1] } }), /audiences/],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0x7b]), /not JSON/],
  ])('answers a malformed body (%s) with 400 and a reason', async (_what, body, reason) => {
    const res = await httpsCall(`${server.url}/authenticate`, tls.caPem, { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(res.json.status).toEqual({ authenticated: false, error: expect.stringMatching(reason) });
  });

  it.each([
    ['a garbage token', 'k8s-aws-v1.!!!'],
    ['a token of another scheme', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln'],
    ['a token for a non-STS host', `k8s-aws-v1.${Buffer.from('https://evil.example.com/?Action=GetCallerIdentity').toString('base64url')}`],
    ['an oversized token', `k8s-aws-v1.${'A'.repeat(20000)}`],
  ])('denies %s with 403 without calling STS', async (_what, token) => {
    const before = standIn.requests();
    const res = await call(token);
    expect(res.status).toBe(403);
    expect(res.json.status.authenticated).toBe(false);
    expect(res.json.status.error).toMatch(/input token was not properly formatted/);
    expect(standIn.requests()).toBe(before);
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    const res = await httpsCall(`${server.url}/authenticate`, tls.caPem, { method: 'POST', body: Buffer.alloc(2 * 1024 * 1024, 0x61) });
    expect(res.status).toBe(413);
    expect(res.json.status).toEqual({ authenticated: false, error: expect.stringMatching(/exceeds 65536 bytes/) });
  });

  it('serves health, readiness, metrics and refuses other methods and paths', async () => {
    expect((await httpsCall(`${server.url}/healthz`, tls.caPem)).text).toBe('ok\n');
    expect((await httpsCall(`${server.url}/readyz`, tls.caPem)).status).toBe(200);
    expect((await httpsCall(`${server.url}/authenticate`, tls.caPem)).status).toBe(405);
    expect((await httpsCall(`${server.url}/nope`, tls.caPem)).status).toBe(404);
    const metrics = (await httpsCall(`${server.url}/metrics`, tls.caPem)).text;
    expect(metricValue(metrics, 'aws_iam_authenticator_authenticate_latency_seconds_count', { result: 'success' })).toBeGreaterThanOrEqual(7);
    expect(metricValue(metrics, 'aws_iam_authenticator_authenticate_latency_seconds_count', { result: 'malformed_request' })).toBeGreaterThanOrEqual(9);
    expect(metricValue(metrics, 'aws_iam_authenticator_sts_responses_total', { ResponseCode: '200', StsRegion: 'us-east-1' })).toBeGreaterThanOrEqual(7);
  });

  it('refuses TLS below 1.2', async () => {
    const res = httpsCall(`${server.url}/healthz`, tls.caPem, { headers: {} });
    await res; // sanity: TLS 1.2+ works
    const { connect } = await import('node:tls');
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: server.port, ca: tls.caPem, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
      s.on('secureConnect', () => { s.destroy(); resolve(false); });
      s.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it('answers 200 concurrent reviews within the deadline, survives, and counts them', async () => {
    const metricsBefore = (await httpsCall(`${server.url}/metrics`, tls.caPem)).text;
    const count = (text: string, result: string) => metricValue(text, 'aws_iam_authenticator_authenticate_latency_seconds_count', { result });
    const wrong = { accessKeyId: alice.accessKeyId, secretAccessKey: 'wrong-secret-key-1111111111111111111111' };
    const signers = [alice, carol, dave, ...(await Promise.all(['erin', 'frank', 'grace', 'heidi'].map((n) => standIn.createUser(n))))];
    // Tokens first, so the timing below is the review alone.
    const kinds = Array.from({ length: 200 }, (_, i) => (i % 8 === 0 ? 'malformed' : i % 8 === 1 ? 'forged' : 'valid'));
    const bodies = await Promise.all(kinds.map(async (kind, i) => (kind === 'malformed'
      ? `{"kind":${i}`
      // Distinct tokens: seven signers, signing times up to 28 s back.
      : JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: await tokenFor(kind === 'valid' ? signers[i % 7] : wrong, Math.floor(i / 7)) } }))));
    const jobs = kinds.map(async (kind, i) => {
      const res = await httpsCall(`${server.url}/authenticate`, tls.caPem, { method: 'POST', body: bodies[i] });
      return { kind, status: res.status, ms: res.ms, error: res.json?.status?.error as string | undefined };
    });
    const expected: Record<string, number> = { valid: 200, forged: 403, malformed: 400 };
    const results = await Promise.all(jobs);
    const unexpected = results.filter((r) => r.status !== expected[r.kind]);
    expect(unexpected).toEqual([]);
    for (const r of results) {
      expect({ kind: r.kind, status: r.status }).toEqual({ kind: r.kind, status: expected[r.kind] });
      // Client-side time adds 200 TLS handshakes made by this same process on a shared 2-core machine, so it only
      // proves that nothing hangs; the server-side deadline is asserted exactly through the histogram below.
      expect(r.ms).toBeLessThan(DEADLINE_MS * 5);
    }
    expect((await httpsCall(`${server.url}/healthz`, tls.caPem)).status).toBe(200);
    const metricsAfter = (await httpsCall(`${server.url}/metrics`, tls.caPem)).text;
    expect(count(metricsAfter, 'success') - count(metricsBefore, 'success')).toBe(150); // the extra signers: account automap
    expect(count(metricsAfter, 'sts_error') - count(metricsBefore, 'sts_error')).toBe(25);
    expect(count(metricsAfter, 'malformed_request') - count(metricsBefore, 'malformed_request')).toBe(25);
    // Server side, all 200 reviews fall in the histogram's first bucket above the 6 s deadline (default buckets: 5, 10).
    const within = (text: string) => metricValue(text, 'aws_iam_authenticator_authenticate_latency_seconds_bucket', { le: '10' });
    const total = (text: string) => metricValue(text, 'aws_iam_authenticator_authenticate_latency_seconds_count');
    expect(within(metricsAfter) - within(metricsBefore)).toBe(200);
    expect(total(metricsAfter) - total(metricsBefore)).toBe(200);
    expect(metricValue(metricsAfter, 'eks_access_webhook_reviews_in_flight')).toBe(0);
    expect(metricValue(metricsAfter, 'eks_access_webhook_sts_in_flight')).toBe(0);
  }, 60000);

  it('never logs a token or presigned URL, only a sha256 prefix', async () => {
    const token = await tokenFor(alice, 11);
    await call(token);
    const text = logs.text();
    expect(text).toContain('"tokenSha256"');
    expect(text).not.toContain(token.slice(11, 60));
    expect(text).not.toMatch(/k8s-aws-v1\.[A-Za-z0-9_-]{8}/);
    expect(text).not.toMatch(/X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token/i);
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});
