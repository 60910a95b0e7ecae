/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates and manifests are untyped documents */
/**
 * The Lambda handler as the package ships it (the pre-built `dist/lambda/index.js` of `npm run build`), run by the
 * real runtime interface client (aws-lambda-ric 3.3.0) against a local Runtime API, with Function URL (payload 2.0)
 * events. Tokens are real (generateToken and SigV4) and verified against the STS stand-in; the mapping comes from the
 * environment, from an SSM parameter (moto SSM behind the stand-in), or from the layer file AuthenticatorFunction
 * synthesizes.
 */
import { execFileSync } from 'node:child_process';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { App as Cdk8sApp } from 'cdk8s';
import { generateToken } from '../../../authenticator/token';
import { AuthenticatorFunction } from '../../../lib/aws';
import { lambdaBundleDir } from '../../../lib/aws/lambda-bundle';
import { AccessChart } from '../../../lib/k8s';
import { AccessModel, AccessPolicy } from '../../../lib/model';
import { startStsStandIn, StsStandIn } from '../../../harness/sts-standin';
import { functionUrlEvent, LocalRuntimeApi } from '../../../harness/lambda-runtime-api';

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
    bundleDir = lambdaBundleDir(); // throws "run npm run build first" when the bundle is missing
    standIn = await startStsStandIn();
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
    it('reads both once per cold start (the mapping is JSON)', async () => {
      const env = standIn.env(alice);
      const aws = (args: string[]) => execFileSync('aws', ['--endpoint-url', standIn.endpoint, '--ca-bundle', standIn.caFile, '--region', 'us-east-1', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
      aws(['ssm', 'put-parameter', '--name', '/eks-access/secret', '--type', 'SecureString', '--value', SECRET]);
      aws(['ssm', 'put-parameter', '--name', '/eks-access/mapping', '--type', 'String', '--value',
        JSON.stringify({ mapUsers: [{ userarn: alice.arn, username: 'alice-from-ssm' }] })]);
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
      aws(['ssm', 'put-parameter', '--overwrite', '--name', '/eks-access/mapping', '--type', 'String', '--value', '{"mapUsers": []}']);
      const again = await fn.invoke(functionUrlEvent({ body: reviewBody(await aliceToken(3)), authorization: `Bearer ${SECRET}` }));
      expect(JSON.parse(again.payload.body).status.user.username).toBe('alice-from-ssm');
    });

    it('a YAML mapping is refused (the bundle carries no YAML parser): generic 500, the reason in the log only', async () => {
      const fn = await startFunction({ EKS_ACCESS_WEBHOOK_SECRET: SECRET, EKS_ACCESS_MAPPING: `mapUsers:\n  - userarn: ${alice.arn}\n    username: alice\n` });
      const out = await fn.invoke(functionUrlEvent({ body: reviewBody(await aliceToken()), authorization: `Bearer ${SECRET}` }));
      expect(out.payload.statusCode).toBe(500);
      expect(fn.output).toMatch(/EKS_ACCESS_MAPPING: must be JSON/);
    });
  });

  describe('bearer check first, no AWS call for an unauthenticated caller (issue: SSM reads before the bearer check)', () => {
    /** A loopback stand-in for the SSM endpoint that only counts requests and fails them (500). */
    let ssmCalls = 0;
    let counter: Server;
    let fn: LocalRuntimeApi;
    beforeAll(async () => {
      counter = createServer((req, res) => {
        ssmCalls++;
        req.resume();
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' }).end('{"__type":"InternalServerError","message":"stand-in"}');
      });
      await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
      fn = await startFunction({
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(counter.address() as AddressInfo).port}`,
        AWS_MAX_ATTEMPTS: '1',
        EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER: '/aws/reference/secretsmanager/eks-access/webhook-bearer',
        EKS_ACCESS_MAPPING_SSM_PARAMETER: '/eks-access/mapping',
      });
    });
    afterAll(async () => {
      counter.closeAllConnections();
      await new Promise((r) => counter.close(r));
    });

    it.each([
      ['no Authorization header', undefined],
      ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['a bearer too short to be the secret', 'Bearer short'],
      ['a bearer with characters no secret has', `Bearer ${'x'.repeat(20)}"<script>`],
      ['an empty bearer', 'Bearer '],
    ])('refuses %s with 401 before reading anything', async (_what, authorization) => {
      const out = await fn.invoke(functionUrlEvent({ body: reviewBody('k8s-aws-v1.x'), authorization }));
      expect(out.payload.statusCode).toBe(401);
      expect(ssmCalls).toBe(0);
    });

    it('a well-formed wrong secret while the secret cannot be read: generic 500 without the reason, and one read for a burst', async () => {
      const answers = [];
      for (let i = 0; i < 10; i++) {
        answers.push(await fn.invoke(functionUrlEvent({ body: reviewBody('k8s-aws-v1.x'), authorization: `Bearer wrong-secret-${i}-0123456789abcdef` })));
      }
      for (const out of answers) {
        expect(out.payload.statusCode).toBe(500);
        const body = out.payload.body as string;
        expect(JSON.parse(body).status).toEqual({ authenticated: false, error: expect.stringMatching(/not available/) });
        expect(body).not.toMatch(/SSM|secretsmanager|EKS_ACCESS|stand-in|InternalServerError/);
      }
      expect(ssmCalls).toBe(1); // one read; the failure is remembered for 5 s instead of re-read per request
      expect(fn.output).toMatch(/cannot read SSM parameter \/aws\/reference\/secretsmanager\/eks-access\/webhook-bearer/);
    });
  });

  describe('access policies on a self-managed cluster, through the mapping AuthenticatorFunction synthesizes', () => {
    it('a principal whose only grant is AmazonEKSAdminPolicy in payments gets the group the AccessChart binds to admin', async () => {
      const model = new AccessModel({ accountId: standIn.accountId });
      model.importUser('alice', alice.arn, { username: 'alice', accessPolicies: [AccessPolicy.AMAZON_EKS_ADMIN_POLICY.inNamespaces('payments')] });
      const app = new App();
      const stack = new Stack(app, 'Webhook', { env: { account: standIn.accountId, region: 'us-east-1' } });
      new AuthenticatorFunction(stack, 'Authenticator', { clusterId: CLUSTER, model });
      const assembly = app.synth();
      const template = Template.fromStack(stack);
      const [layer] = Object.values(template.findResources('AWS::Lambda::LayerVersion')).map((r: any) => r.Properties);
      const [fnProps] = Object.values(template.findResources('AWS::Lambda::Function')).map((r: any) => r.Properties);
      const layerDir = join(assembly.directory, `asset.${layer.Content.S3Key.replace(/\.zip$/, '')}`);
      // The function's own environment, with the layer at its synthesized place instead of /opt and the secret direct.
      const fn = await startFunction({
        ...fnProps.Environment.Variables,
        EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER: '',
        EKS_ACCESS_WEBHOOK_SECRET: SECRET,
        EKS_ACCESS_MAPPING_FILE: fnProps.Environment.Variables.EKS_ACCESS_MAPPING_FILE.replace(/^\/opt/, layerDir),
        AWS_LAMBDA_LOG_FORMAT: 'JSON',
        EKS_ACCESS_LOG_LEVEL: 'info',
      });
      const token = await aliceToken(4);
      const out = await fn.invoke(functionUrlEvent({ body: reviewBody(token), authorization: `Bearer ${SECRET}` }));
      expect(out.payload.statusCode).toBe(200);
      expect(JSON.parse(out.payload.body).status.user).toMatchObject({ username: 'alice', groups: ['eks-access:policy:AmazonEKSAdminPolicy:payments'] });

      // Lambda's JSON log format: one JSON object per line, our fields structured in `message`, no token anywhere.
      const lines = fn.output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      const granted = lines.find((l) => l.message?.msg === 'access granted');
      expect(granted).toMatchObject({ level: 'INFO', requestId: expect.any(String), message: { username: 'alice', groups: ['eks-access:policy:AmazonEKSAdminPolicy:payments'] } });
      expect(fn.output).not.toContain(token.slice(11, 60));

      // The Kubernetes half: the same group bound to the admin ClusterRole in payments, as EKS does for the policy.
      const chart = new AccessChart(new Cdk8sApp(), 'access', { model, selfManagedAuthenticator: true });
      const binding = chart.toJson().find((o: any) => o.kind === 'RoleBinding');
      expect(binding).toMatchObject({
        metadata: { namespace: 'payments' },
        roleRef: { kind: 'ClusterRole', name: 'admin' },
        subjects: [{ kind: 'Group', name: 'eks-access:policy:AmazonEKSAdminPolicy:payments' }],
      });
    }, 120000);
  });
});
