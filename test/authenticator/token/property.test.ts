/**
 * Property tests (fast-check): random and mutated tokens never make verifyToken throw anything but our error types,
 * never hang, and never open a connection to a host outside the STS allow-list. Every TLS connection is observed at
 * `tls.connect` (what https.Agent calls) and at a local HTTPS server standing in for STS.
 */
import fc from 'fast-check';
import tls from 'node:tls';
import { allowedStsHosts, generateToken, TokenError, TokenVerifier } from '../../../authenticator';
import { amzDate, LocalSts, startLocalSts, toToken } from './local-sts-server';

const ALLOWED = allowedStsHosts('aws');
const DEADLINE_MS = 5000;

let sts: LocalSts;
let verifier: TokenVerifier;
const dialled: { host?: string; servername?: string }[] = [];
let connectSpy: jest.SpyInstance;

beforeAll(async () => {
  sts = await startLocalSts(['evil.example', 'sts.s3.amazonaws.com']);
  sts.setReply({ status: 403, body: { Error: { Code: 'SignatureDoesNotMatch', Message: 'no' } } });
  verifier = new TokenVerifier({ clusterId: 'c', stsConnectTo: sts.connectTo, stsCaPem: sts.caPem, timeoutMs: 2000 });
  const original = tls.connect;
  connectSpy = jest.spyOn(tls, 'connect').mockImplementation(((...args: Parameters<typeof tls.connect>) => {
    const opts = (typeof args[0] === 'object' ? args[0] : args.find((a) => typeof a === 'object')) as tls.ConnectionOptions;
    dialled.push({ host: opts?.host, servername: opts?.servername });
    return (original as (...a: unknown[]) => tls.TLSSocket)(...args);
  }) as typeof tls.connect);
});
afterAll(async () => {
  connectSpy.mockRestore();
  verifier.close();
  await sts.close();
});

/** Runs one verification; fails the property on a foreign error type or a missed deadline. */
async function verifiesSafely(token: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), DEADLINE_MS);
  });
  const outcome = await Promise.race([verifier.verify(token).then(() => 'ok' as const, (e: unknown) => e), deadline]);
  clearTimeout(timer);
  if (outcome === 'hung') throw new Error('verification did not settle within the deadline');
  if (outcome !== 'ok' && !(outcome instanceof TokenError)) throw new Error(`foreign error: ${String(outcome)}`);
  return true;
}

function everyConnectionWasAllowed(): void {
  for (const d of dialled) {
    expect(d.host).toBe('127.0.0.1');
    expect(ALLOWED.has(d.servername ?? '')).toBe(true);
  }
  for (const r of sts.requests) {
    expect(ALLOWED.has(r.host ?? '')).toBe(true);
    expect(r.servername).toBe(r.host);
  }
}

const hostArb = fc.oneof(
  fc.constantFrom(...[...ALLOWED].slice(0, 20)),
  fc.constantFrom('evil.example', 'sts.s3.amazonaws.com', 'sts.amazonaws.com:443', 'x@sts.amazonaws.com', '127.0.0.1',
    'sts.amazonaws.com.evil.example', 'STS.AMAZONAWS.COM', 'sts.us-gov-west-1.amazonaws.com', '[::1]', ''),
  fc.string({ maxLength: 30 }),
);
const keyArb = fc.oneof(
  fc.constantFrom('Action', 'action', 'ACTION', 'Version', 'X-Amz-Date', 'x-amz-date', 'X-Amz-Expires', 'X-Amz-SignedHeaders',
    'X-Amz-Credential', 'X-Amz-Security-Token', 'X-Amz-Signature', 'X-Amz-Algorithm', 'Host', 'redirect'),
  fc.string({ maxLength: 12 }),
);
const valueArb = fc.oneof(
  fc.constantFrom('GetCallerIdentity', 'host%3Bx-k8s-aws-id', 'x-k8s-aws-id', '60', '900', '901', amzDate(), '19900101T000000Z',
    '%gh', '%', 'a;b', 'https://evil.example/'),
  fc.string({ maxLength: 20 }),
);
/** Mostly the valid choice, sometimes a hostile one: so that some URLs pass every local check and reach STS. */
const mostly = <T>(valid: T, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: hostile });
const VALID_PARAMS: [string, string][] = [
  ['Action', 'GetCallerIdentity'],
  ['X-Amz-Date', amzDate()],
  ['X-Amz-Expires', '60'],
  ['X-Amz-SignedHeaders', 'host%3Bx-k8s-aws-id'],
];
const urlArb = fc
  .record({
    scheme: mostly('https', fc.constantFrom('HTTPS', 'http', 'file', 'javascript', '')),
    sep: mostly('://', fc.constantFrom(':/', ':', ':\\\\', '://\t')),
    host: fc.oneof(fc.constantFrom(...[...ALLOWED].slice(0, 20)), hostArb),
    path: mostly('/', fc.constantFrom('', '/abc', '//', '/%2F', '\\', '/..')),
    params: mostly(VALID_PARAMS, fc.array(fc.tuple(keyArb, valueArb), { maxLength: 12 })),
    extra: mostly([] as [string, string][], fc.array(fc.tuple(keyArb, valueArb), { maxLength: 3 })),
    fragment: mostly(null as string | null, fc.string({ maxLength: 8 })),
  })
  .map(({ scheme, sep, host, path, params, extra, fragment }) => {
    const query = [...params, ...extra].map(([k, v]) => `${k}=${v}`).join('&');
    return `${scheme}${sep}${host}${path}?${query}${fragment === null ? '' : `#${fragment}`}`;
  });

test('arbitrary strings', async () => {
  await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), verifiesSafely), { numRuns: 300 });
  await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }).map((s) => `k8s-aws-v1.${s}`), verifiesSafely), { numRuns: 300 });
  everyConnectionWasAllowed();
});

test('structured URLs with hostile hosts, paths and parameters', async () => {
  await fc.assert(fc.asyncProperty(urlArb.map(toToken), verifiesSafely), { numRuns: 400 });
  everyConnectionWasAllowed();
  // the generator does reach STS sometimes, so the property is not vacuous
  expect(sts.requests.length).toBeGreaterThan(0);
});

test('mutations of a genuine token', async () => {
  const { token } = await generateToken({
    clusterId: 'c',
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 'secret', sessionToken: 'session/token+=' },
  });
  const url = Buffer.from(token.slice(11), 'base64url').toString();
  const mutate = (text: string) =>
    fc
      .tuple(fc.nat({ max: text.length }), fc.constantFrom('delete', 'insert', 'replace'), fc.string({ minLength: 1, maxLength: 3 }))
      .map(([at, op, s]) => text.slice(0, at) + (op === 'delete' ? '' : s) + text.slice(op === 'insert' ? at : at + 1));
  await fc.assert(fc.asyncProperty(mutate(token), verifiesSafely), { numRuns: 300 });
  await fc.assert(fc.asyncProperty(mutate(url).map(toToken), verifiesSafely), { numRuns: 300 });
  everyConnectionWasAllowed();
});

test('the observation is real: a genuine token does dial, and only the stand-in address', async () => {
  const before = dialled.length;
  const fresh = new TokenVerifier({ clusterId: 'c', stsConnectTo: sts.connectTo, stsCaPem: sts.caPem });
  try {
    const { token } = await generateToken({ clusterId: 'c', region: 'eu-west-1', credentials: { accessKeyId: 'AKIAX', secretAccessKey: 's' } });
    await expect(fresh.verify(token)).rejects.toBeInstanceOf(TokenError);
  } finally {
    fresh.close();
  }
  expect(dialled.slice(before)).toEqual([{ host: '127.0.0.1', servername: 'sts.eu-west-1.amazonaws.com' }]);
});
