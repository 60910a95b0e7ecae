/**
 * Tokens verified end to end against a real SigV4-checking STS (the moto stand-in over HTTPS on 127.0.0.1):
 * tokens from our generateToken and from Debian's awscli (`aws eks get-token`, a client nobody here wrote).
 * AWS itself cannot be reached here; the stand-in recomputes every signature with botocore like STS would.
 */
import { FormatError, STSError, STSThrottling } from '../../authenticator/errors';
import { generateToken, TokenVerifier, verifyToken, type VerifyOptions } from '../../authenticator/token';
import type { QueryCredentials } from '../../harness/aws-query';
import { awsEksGetToken } from '../fixtures/awscli';
import { startStsStandIn, type StandInUser, type StsStandIn } from '../../harness/sts-standin';

const CLUSTER = 'prod-cluster';

describe('verifyToken against the STS stand-in', () => {
  let standIn: StsStandIn;
  let alice: StandInUser;
  let verifyOpts: VerifyOptions;

  beforeAll(async () => {
    standIn = await startStsStandIn();
    alice = await standIn.createUser('alice');
    verifyOpts = { clusterId: CLUSTER, stsConnectTo: standIn.connectTo, stsCaPem: standIn.caPem, timeoutMs: 5000 };
  });
  afterAll(async () => {
    await standIn?.stop();
  });
  afterEach(async () => {
    await standIn.reset();
  });

  const tokenFor = async (credentials: QueryCredentials, extra: { now?: Date; clusterId?: string; useGlobalEndpoint?: boolean; region?: string } = {}) =>
    (await generateToken({ clusterId: extra.clusterId ?? CLUSTER, region: extra.region ?? 'us-east-1', credentials, ...extra })).token;

  const expectRejected = async (token: string, type: new (...args: never[]) => Error, code?: string, opts = verifyOpts) => {
    const error = await verifyToken(token, opts).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(type);
    if (code) expect((error as Error).message).toContain(code);
    // Security: neither the token, the presigned URL nor its signature may leak into errors.
    const signature = new URL(Buffer.from(token.slice(11), 'base64url').toString()).searchParams.get('X-Amz-Signature');
    expect((error as Error).message).not.toContain(token);
    if (signature) expect((error as Error).message).not.toContain(signature);
  };

  it('returns the IAM user identity for a valid user token', async () => {
    const identity = await verifyToken(await tokenFor(alice), verifyOpts);
    expect(identity).toEqual({
      arn: `arn:aws:iam::${standIn.accountId}:user/alice`,
      canonicalArn: `arn:aws:iam::${standIn.accountId}:user/alice`,
      accountId: standIn.accountId,
      userId: alice.userId,
      sessionName: '',
      accessKeyId: alice.accessKeyId,
      stsEndpoint: 'sts.us-east-1.amazonaws.com',
    });
    expect(standIn.requests()).toBe(1);
  });

  it('verifies tokens signed for the global and other regional endpoints', async () => {
    const global = await verifyToken(await tokenFor(alice, { useGlobalEndpoint: true }), verifyOpts);
    expect(global.stsEndpoint).toBe('sts.amazonaws.com');
    const west = await verifyToken(await tokenFor(alice, { region: 'us-west-2' }), verifyOpts);
    expect(west.stsEndpoint).toBe('sts.us-west-2.amazonaws.com');
    expect(west.arn).toBe(alice.arn);
  });

  it.each([
    ['without a path', 'eks-admins', '/'],
    ['with a path', 'eks-deployers', '/teams/platform/'],
  ])('returns the canonical role ARN for an assumed-role token (role %s)', async (_label, roleName, path) => {
    const role = await standIn.createRole(roleName, { path });
    const session = await standIn.assumeRole(alice, role.arn, 'alice-session');
    const identity = await verifyToken(await tokenFor(session), verifyOpts);
    expect(identity).toEqual({
      arn: `arn:aws:sts::${standIn.accountId}:assumed-role/${roleName}/alice-session`,
      // STS reports no path for sessions, so the canonical ARN has none either (`Canonicalize` in
      // https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/arn/arn.go).
      canonicalArn: `arn:aws:iam::${standIn.accountId}:role/${roleName}`,
      accountId: standIn.accountId,
      userId: role.roleId,
      sessionName: 'alice-session',
      accessKeyId: session.accessKeyId,
      stsEndpoint: 'sts.us-east-1.amazonaws.com',
    });
  });

  it('rejects a tampered signature with STSError (SignatureDoesNotMatch from STS)', async () => {
    const url = new URL(Buffer.from((await tokenFor(alice)).slice(11), 'base64url').toString());
    const signature = url.searchParams.get('X-Amz-Signature') as string;
    url.searchParams.set('X-Amz-Signature', signature.slice(0, -1) + (signature.endsWith('a') ? 'b' : 'a'));
    await expectRejected(`k8s-aws-v1.${Buffer.from(url.toString()).toString('base64url')}`, STSError, 'SignatureDoesNotMatch');
    expect(standIn.stats()).toMatchObject({ presigned: 1, rejected: 1 });
  });

  it('rejects a token made for another cluster id with STSError', async () => {
    await expectRejected(await tokenFor(alice, { clusterId: 'other-cluster' }), STSError, 'SignatureDoesNotMatch');
  });

  it('accepts a token past its X-Amz-Expires=60 but within 15 minutes, as real STS does', async () => {
    const identity = await verifyToken(await tokenFor(alice, { now: new Date(Date.now() - 5 * 60_000) }), verifyOpts);
    expect(identity.arn).toBe(alice.arn);
  });

  it('rejects a token STS finds expired (verifier clock lagging 10 min behind STS) with STSError', async () => {
    const token = await tokenFor(alice, { now: new Date(Date.now() - 16 * 60_000) });
    const laggingClock = { ...verifyOpts, now: () => new Date(Date.now() - 10 * 60_000) };
    await expectRejected(token, STSError, 'ExpiredToken', laggingClock);
  });

  it('rejects a token older than 15 minutes locally, before any STS call', async () => {
    await expectRejected(await tokenFor(alice, { now: new Date(Date.now() - 20 * 60_000) }), FormatError);
    expect(standIn.requests()).toBe(0);
  });

  it('rejects an unknown access key with STSError (InvalidClientTokenId)', async () => {
    await expectRejected(await tokenFor({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'nope' }), STSError, 'InvalidClientTokenId');
  });

  it('classifies STS throttling apart and a 500 as STSError', async () => {
    const token = await tokenFor(alice);
    await standIn.setFault('throttle');
    await expectRejected(token, STSThrottling);
    await standIn.setFault('500');
    await expectRejected(token, STSError);
  });

  it('reuses one TokenVerifier for many tokens', async () => {
    const verifier = new TokenVerifier(verifyOpts);
    try {
      const bob = await standIn.createUser('bob', { path: '/engineering/' });
      const [a, b] = await Promise.all([verifier.verify(await tokenFor(alice)), verifier.verify(await tokenFor(bob))]);
      expect(a.arn).toBe(alice.arn);
      expect(b.arn).toBe(`arn:aws:iam::${standIn.accountId}:user/engineering/bob`);
      expect(b.canonicalArn).toBe(b.arn);
    } finally {
      verifier.close();
    }
    expect(standIn.requests()).toBe(2);
  });

  describe('tokens from Debian awscli (aws eks get-token)', () => {
    function awsGetToken(credentials: QueryCredentials, clusterName: string): string {
      const credential = awsEksGetToken(standIn.env(credentials), clusterName);
      expect(credential.kind).toBe('ExecCredential');
      return credential.status.token;
    }

    it('verifies an IAM user token end to end', async () => {
      const identity = await verifyToken(awsGetToken(alice, CLUSTER), verifyOpts);
      expect(identity).toMatchObject({ arn: alice.arn, canonicalArn: alice.arn, userId: alice.userId, accessKeyId: alice.accessKeyId });
    });

    it('verifies an assumed-role session token end to end', async () => {
      const role = await standIn.createRole('cli-role', { path: '/cli/' });
      const session = await standIn.assumeRole(alice, role.arn, 'from-awscli');
      const identity = await verifyToken(awsGetToken(session, CLUSTER), verifyOpts);
      expect(identity).toMatchObject({ canonicalArn: `arn:aws:iam::${standIn.accountId}:role/cli-role`, sessionName: 'from-awscli' });
    });

    it('rejects an awscli token made for another cluster', async () => {
      await expectRejected(awsGetToken(alice, 'someone-elses-cluster'), STSError, 'SignatureDoesNotMatch');
    });
  });
});
