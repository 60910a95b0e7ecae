/** Token generation: the reference's golden presign vector byte for byte, ExecCredential output, endpoint choice. */
import golden from '../../conformance/token-golden-presign.json';
import { generateToken, TokenVerifier } from '../../../authenticator';
import { formatExecCredential, execCredentialApiVersion } from '../../../authenticator/token/exec-credential';

const credentials = { accessKeyId: golden.input.accessKeyId, secretAccessKey: golden.input.secretAccessKey };
const signedAt = new Date(golden.input.signedAtUnix * 1000);

test('the golden presign vector is reproduced byte for byte', async () => {
  const t = await generateToken({ clusterId: golden.input.clusterId, region: golden.input.region, credentials, now: signedAt });
  const url = Buffer.from(t.token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
  expect(url).toBe(golden.expected.url);
  expect(t.token).toBe(`k8s-aws-v1.${Buffer.from(golden.expected.url).toString('base64url')}`);
  expect(t.token).toHaveLength(golden.expected.tokenLength);
  expect(t.token).not.toContain('=');
  expect(t.stsHost).toBe(golden.expected.stsHost);
  expect(t.signedAt.toISOString()).toBe('2023-04-28T00:00:00.000Z');
  expect(t.expiration.toISOString().replace('.000Z', 'Z')).toBe(golden.expected.expiration);
  expect(formatExecCredential(t.token, t.expiration)).toBe(golden.expected.execCredential.replace('{{TOKEN}}', t.token));
});

test('sub-second signing times are truncated so X-Amz-Date and expiration agree', async () => {
  const t = await generateToken({ clusterId: 'c', region: 'us-west-2', credentials, now: new Date(signedAt.getTime() + 999) });
  expect(t.signedAt).toEqual(signedAt);
  expect(t.expiration.getTime() - t.signedAt.getTime()).toBe(14 * 60 * 1000);
});

test('a credential provider function is called and a session token is signed into the query', async () => {
  const provider = jest.fn(async () => ({ ...credentials, sessionToken: 'FQoG/session+token=' }));
  const t = await generateToken({ clusterId: 'c', region: 'eu-west-1', credentials: provider, now: signedAt });
  expect(provider).toHaveBeenCalledTimes(1);
  const url = Buffer.from(t.token.slice(11), 'base64url').toString();
  // Go QueryEscape of '/', '+' and '=', sorted between X-Amz-Expires and X-Amz-SignedHeaders
  expect(url).toContain('&X-Amz-Expires=60&X-Amz-Security-Token=FQoG%2Fsession%2Btoken%3D&X-Amz-SignedHeaders=');
  expect(url).toMatch(/&X-Amz-Signature=[0-9a-f]{64}$/);
});

test.each([
  [{ region: 'us-east-1' }, 'sts.us-east-1.amazonaws.com', 'us-east-1'],
  [{ region: 'eu-west-1', useGlobalEndpoint: true }, 'sts.amazonaws.com', 'us-east-1'],
  [{ region: 'us-west-2', useFipsEndpoint: true }, 'sts-fips.us-west-2.amazonaws.com', 'us-west-2'],
  [{ region: 'us-west-2', useDualstackEndpoint: true }, 'sts.us-west-2.api.aws', 'us-west-2'],
  [{ region: 'cn-north-1' }, 'sts.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
  [{ region: 'us-gov-west-1' }, 'sts.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
  [{ region: 'us-iso-east-1' }, 'sts.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1'],
])('%j signs for %s with scope region %s, and the verifier of that partition accepts it', async (opts, host, scope) => {
  const t = await generateToken({ clusterId: 'c', credentials, ...opts });
  expect(t.stsHost).toBe(host);
  const url = Buffer.from(t.token.slice(11), 'base64url').toString();
  expect(url).toContain(`%2F${scope}%2Fsts%2Faws4_request`);
  const partition = host.endsWith('.cn') ? 'aws-cn' : host.includes('gov-') ? 'aws-us-gov' : host.endsWith('ic.gov') ? 'aws-iso' : 'aws';
  const verifier = new TokenVerifier({ clusterId: 'c', partition });
  try {
    expect(verifier.check(t.token)).toMatchObject({ host, accessKeyId: credentials.accessKeyId });
  } finally {
    verifier.close();
  }
});

test.each([
  [{ clusterId: '' }, 'ClusterID is required'],
  [{ clusterId: 'c', region: 'us_east_1' }, 'region "us_east_1" is not a valid region identifier'],
  [{ clusterId: 'c', roleArn: 'arn:aws:iam::1:role/r', sessionName: 's', forwardSessionName: true }, 'cannot specify both'],
  [{ clusterId: 'c', sessionName: 's' }, 'need roleArn'],
  [{ clusterId: 'c', useGlobalEndpoint: true, useFipsEndpoint: true }, 'useGlobalEndpoint cannot be combined'],
  [{ clusterId: 'c', useGlobalEndpoint: true, region: 'cn-north-1' }, 'only in partition aws, not for region cn-north-1'],
])('bad options %j are refused: %s', async (opts, message) => {
  await expect(generateToken({ credentials, region: 'us-east-1', ...opts })).rejects.toThrow(message);
});

describe('ExecCredential apiVersion (reference TestFormatJson)', () => {
  test.each([
    [undefined, 'client.authentication.k8s.io/v1beta1'],
    ['not json', 'client.authentication.k8s.io/v1beta1'],
    ['{"apiVersion":"client.authentication.k8s.io/v1beta1"}', 'client.authentication.k8s.io/v1beta1'],
    ['{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}', 'client.authentication.k8s.io/v1'],
    // deviation: the reference then omits apiVersion, which kubectl rejects
    ['{"kind":"ExecCredential"}', 'client.authentication.k8s.io/v1beta1'],
  ])('KUBERNETES_EXEC_INFO=%s → %s', (info, expected) => {
    expect(execCredentialApiVersion(info)).toBe(expected);
    expect(JSON.parse(formatExecCredential('t', signedAt, info)).apiVersion).toBe(expected);
  });
});
