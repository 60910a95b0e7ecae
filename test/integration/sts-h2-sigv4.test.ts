/**
 * The verifier's h2 path end to end with real SigV4: tokens from generateToken, verified through an h2-only TLS front
 * (harness/sts-h2-front.ts) before the moto stand-in, which recomputes every signature with botocore. Checks that
 * concurrent verifications multiplex onto one h2 connection, and that a forged signature is still refused over h2.
 * A stand-in for STS: AWS cannot be reached here, and whether real STS offers h2 is not known (issue 27).
 */
import { STSError } from '../../authenticator/errors';
import { generateToken, TokenVerifier } from '../../authenticator/token';
import { startStsStandIn, type StandInUser, type StsStandIn } from '../../harness/sts-standin';

const CLUSTER = 'h2-cluster';
jest.setTimeout(120_000);

let standIn: StsStandIn;
let users: StandInUser[];
beforeAll(async () => {
  standIn = await startStsStandIn({ h2: true });
  users = [];
  for (let i = 0; i < 4; i++) users.push(await standIn.createUser(`h2-user-${i}`));
});
afterAll(async () => standIn?.stop());

const tokenOf = async (u: StandInUser) => (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: u })).token;

test('12 concurrent verifications of real presigned tokens over h2 open one connection and all verify', async () => {
  const v = new TokenVerifier({ clusterId: CLUSTER, stsConnectTo: standIn.connectTo, stsCaPem: standIn.caPem, timeoutMs: 20_000, stsHttp2: true });
  const [connections, requests, presigned] = [standIn.h2!.connections(), standIn.h2!.requests(), standIn.requests()];
  try {
    const tokens = await Promise.all(Array.from({ length: 12 }, (_, i) => tokenOf(users[i % users.length])));
    const identities = await Promise.all(tokens.map((t) => v.verify(t)));
    expect(identities.map((i) => i.arn)).toEqual(tokens.map((_, i) => users[i % users.length].arn));
    expect(standIn.h2!.connections() - connections).toBe(1);
    expect(standIn.h2!.requests() - requests).toBe(12);
    expect(standIn.requests() - presigned).toBe(12); // moto checked each one
  } finally {
    v.close();
  }
});

test('a token with a forged signature is refused by STS over h2, and the error names neither token nor signature', async () => {
  const v = new TokenVerifier({ clusterId: CLUSTER, stsConnectTo: standIn.connectTo, stsCaPem: standIn.caPem, timeoutMs: 20_000, stsHttp2: true });
  try {
    const good = await tokenOf(users[0]);
    const url = new URL(Buffer.from(good.slice(11), 'base64url').toString());
    const forged = 'f'.repeat(64);
    url.searchParams.set('X-Amz-Signature', forged);
    const token = `k8s-aws-v1.${Buffer.from(url.toString()).toString('base64url')}`;
    const err = await v.verify(token).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(STSError);
    expect(err!.message).toMatch(/expected 200, got 403/);
    expect(err!.message).not.toContain(forged);
    expect(err!.message).not.toContain(token.slice(11, 80));
  } finally {
    v.close();
  }
});

test.each([
  ['stsHttp2: false (config sts.http2: false)', { stsHttp2: false }],
  ['no stsHttp2 (the default, STS_HTTP2_DEFAULT)', {}],
])('%s offers HTTP/1.1 only: the h2-only front refuses the connection', async (_, option) => {
  const v = new TokenVerifier({ clusterId: CLUSTER, stsConnectTo: standIn.connectTo, stsCaPem: standIn.caPem, timeoutMs: 5_000, ...option });
  const requests = standIn.h2!.requests();
  try {
    await expect(v.verify(await tokenOf(users[0]))).rejects.toBeInstanceOf(STSError);
    expect(standIn.h2!.requests()).toBe(requests);
  } finally {
    v.close();
  }
});
