/**
 * The Lambda handler, bundled with esbuild exactly as production ships it, run by the real runtime interface client
 * (aws-lambda-ric 3.3.0) against a local Runtime API, with Function URL (payload 2.0) events. Tokens are real
 * (generateToken and SigV4) and verified against the STS stand-in; the mapping comes from the environment in one
 * function and from an SSM SecureString (moto SSM behind the stand-in) in the other.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleLambda } from '../../../scripts/bundle-lambda';
import { generateToken } from '../../../authenticator/token';
import { startStsStandIn, StsStandIn } from '../../fixtures/sts-standin';
import { functionUrlEvent, LocalRuntimeApi } from './runtime-api';

const CLUSTER = 'lambda-cluster';
const SECRET = 'kube-apiserver-shared-secret-0123456789';

function reviewBody(token: string, apiVersion = 'authentication.k8s.io/v1'): string {
  return JSON.stringify({ apiVersion, kind: 'TokenReview', spec: { token } });
}

describe('Lambda handler through aws-lambda-ric', () => {
  let standIn: StsStandIn;
  let bundleDir: string;
  let alice: { arn: string; userId: string; accessKeyId: string; secretAccessKey: string };
  const runtimes: LocalRuntimeApi[] = [];

  async function startFunction(env: NodeJS.ProcessEnv): Promise<LocalRuntimeApi> {
    const api = new LocalRuntimeApi();
    runtimes.push(api);
    await api.start();
    await api.spawnRic(bundleDir, {
      EKS_ACCESS_CLUSTER_ID: CLUSTER,
      EKS_ACCESS_STS_CONNECT_TO: standIn.connectTo, // TEST ONLY: real STS cannot run here
      EKS_ACCESS_STS_CA_FILE: standIn.caFile,
      EKS_ACCESS_LOG_LEVEL: 'warn',
      ...env,
    });
    return api;
  }

  async function aliceToken(offsetSeconds = 0): Promise<string> {
    const creds = { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey };
    return (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: creds, now: new Date(Date.now() - offsetSeconds * 1000) })).token;
  }

  beforeAll(async () => {
    const [bundle, s] = await Promise.all([bundleLambda(mkdtempSync(join(tmpdir(), 'lambda-bundle-'))), startStsStandIn()]);
    bundleDir = dirname(bundle);
    standIn = s;
    alice = await standIn.createUser('alice');
  }, 120000);

  afterAll(async () => {
    await Promise.all(runtimes.map((r) => r.stop()));
    await standIn?.stop();
  });

  describe('mapping from EKS_ACCESS_MAPPING', () => {
    let fn: LocalRuntimeApi;
    beforeAll(async () => {
      fn = await startFunction({
        EKS_ACCESS_WEBHOOK_SECRET: SECRET,
        EKS_ACCESS_MAPPING: JSON.stringify({ mapUsers: [{ userarn: alice.arn, username: 'alice', groups: ['devs'] }] }),
      });
    });

    it('authenticates a real token in a base64 Function URL body and answers in the request version', async () => {
      const token = await aliceToken();
      const out = await fn.invoke(functionUrlEvent({ body: reviewBody(token, 'authentication.k8s.io/v1beta1'), base64: true, authorization: `Bearer ${SECRET}` }));
      expect(out.kind).toBe('response');
      expect(out.payload.statusCode).toBe(200);
      const review = JSON.parse(out.payload.body);
      expect(review.apiVersion).toBe('authentication.k8s.io/v1beta1');
      expect(review.status).toMatchObject({
        authenticated: true,
        user: { username: 'alice', uid: `aws-iam-authenticator:${standIn.accountId}:${alice.userId}`, groups: ['devs'] },
      });
      expect(review.status.user.extra.arn).toEqual([alice.arn]);
      expect(review.status.user.extra.accessKeyId).toEqual([alice.accessKeyId]);
    });

    it('accepts a plain-text body too', async () => {
      const out = await fn.invoke(functionUrlEvent({ body: reviewBody(await aliceToken(1)), authorization: `Bearer ${SECRET}` }));
      expect(out.payload.statusCode).toBe(200);
    });

    it.each([
      ['no Authorization header', undefined],
      ['a wrong secret', 'Bearer not-the-secret'],
      ['a longer wrong secret', `Bearer ${SECRET}x`],
      ['the secret without the Bearer scheme', SECRET],
    ])('refuses a caller with %s (401, authenticated false)', async (_what, authorization) => {
      const out = await fn.invoke(functionUrlEvent({ body: reviewBody(await aliceToken()), authorization }));
      expect(out.payload.statusCode).toBe(401);
      expect(JSON.parse(out.payload.body).status).toEqual({ authenticated: false, error: expect.stringMatching(/Bearer/) });
    });

    it.each([
      ['an empty body', '', 400],
      ['a non-JSON body', 'hello', 400],
      ['another kind', JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'Pod', spec: {} }), 400],
      ['a garbage token', reviewBody('k8s-aws-v1.garbage'), 403],
      ['a token for another scheme', reviewBody('eyJhbGciOiJSUzI1NiJ9.e30.sig'), 403],
    ])('denies %s with a reason', async (_what, body, status) => {
      const out = await fn.invoke(functionUrlEvent({ body, authorization: `Bearer ${SECRET}` }));
      expect(out.kind).toBe('response');
      expect(out.payload.statusCode).toBe(status);
      const review = JSON.parse(out.payload.body);
      expect(review.status.authenticated).toBe(false);
      expect(review.status.error).toEqual(expect.any(String));
    });

    it('answers 405 to GET and 413 to an oversized body', async () => {
      expect((await fn.invoke(functionUrlEvent({ method: 'GET', authorization: `Bearer ${SECRET}` }))).payload.statusCode).toBe(405);
      const huge = reviewBody('k8s-aws-v1.' + 'A'.repeat(70 * 1024));
      expect((await fn.invoke(functionUrlEvent({ body: huge, authorization: `Bearer ${SECRET}` }))).payload.statusCode).toBe(413);
    });

    it('denies an identity that is not mapped', async () => {
      const bob = await standIn.createUser('bob');
      const token = (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: bob })).token;
      const out = await fn.invoke(functionUrlEvent({ body: reviewBody(token), authorization: `Bearer ${SECRET}` }));
      expect(out.payload.statusCode).toBe(403);
      expect(JSON.parse(out.payload.body).status.error).toMatch(/not mapped/);
    });
  });

  describe('secret and mapping from SSM parameters', () => {
    it('reads both once per cold start', async () => {
      const env = standIn.env(alice);
      const aws = (args: string[]) => execFileSync('aws', ['--endpoint-url', standIn.endpoint, '--ca-bundle', standIn.caFile, '--region', 'us-east-1', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
      aws(['ssm', 'put-parameter', '--name', '/eks-access/secret', '--type', 'SecureString', '--value', SECRET]);
      aws(['ssm', 'put-parameter', '--name', '/eks-access/mapping', '--type', 'String', '--value',
        `mapUsers:\n  - userarn: ${alice.arn}\n    username: alice-from-ssm\n`]);
      const fn = await startFunction({
        ...env,
        AWS_ENDPOINT_URL_SSM: standIn.endpoint,
        NODE_EXTRA_CA_CERTS: standIn.caFile,
        EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER: '/eks-access/secret',
        EKS_ACCESS_MAPPING_SSM_PARAMETER: '/eks-access/mapping',
      });
      const out = await fn.invoke(functionUrlEvent({ body: reviewBody(await aliceToken(2)), authorization: `Bearer ${SECRET}` }));
      expect(out.payload.statusCode).toBe(200);
      expect(JSON.parse(out.payload.body).status.user.username).toBe('alice-from-ssm');
      // Changing the parameter does not affect the warm function: it was read once.
      aws(['ssm', 'put-parameter', '--overwrite', '--name', '/eks-access/mapping', '--type', 'String', '--value', 'mapUsers: []']);
      const again = await fn.invoke(functionUrlEvent({ body: reviewBody(await aliceToken(3)), authorization: `Bearer ${SECRET}` }));
      expect(JSON.parse(again.payload.body).status.user.username).toBe('alice-from-ssm');
    });

    it('answers 500 with a reason naming the variable when the configuration is missing', async () => {
      const fn = await startFunction({ EKS_ACCESS_WEBHOOK_SECRET: SECRET });
      const out = await fn.invoke(functionUrlEvent({ body: reviewBody('x'), authorization: `Bearer ${SECRET}` }));
      expect(out.payload.statusCode).toBe(500);
      expect(JSON.parse(out.payload.body).status.error).toMatch(/EKS_ACCESS_MAPPING/);
    });
  });
});
