/** `eks-access verify` against a local HTTPS server standing in for STS: identity JSON, error JSON, exit codes. */
import { EXIT_CODES, run } from '../../../bin/commands/verify';
import { amzDate, LocalSts, toToken } from './local-sts-server';
import { isolatedAwsHome, runCommand, startStsCliFixture } from './cli-env';
import { eksAccess } from '../../../harness/eks-access-process';

const USER_REPLY = {
  status: 200,
  body: { GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice', Account: '123456789012', UserId: 'AROAADMIN:alice' } } },
};

let sts: LocalSts;
let home: ReturnType<typeof isolatedAwsHome>;
let caFile: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ sts, home, caFile, stop } = await startStsCliFixture());
});
afterAll(() => stop());

const token = () =>
  toToken(`https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Credential=ASIAKEY%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Date=${amzDate()}&X-Amz-Expires=60`);
const args = (...extra: string[]) => ['-i', 'my-cluster', '-t', token(), '--sts-connect-to', sts.connectTo, '--sts-ca-file', caFile, ...extra];

test('a verified token prints the identity and exits 0', async () => {
  sts.setReply(USER_REPLY);
  const r = await runCommand(run, args('--output', 'json'), home.env);
  expect(r.code).toBe(EXIT_CODES.ok);
  expect(JSON.parse(r.stdout)).toEqual({
    arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
    canonicalArn: 'arn:aws:iam::123456789012:role/Admin',
    accountId: '123456789012',
    userId: 'AROAADMIN',
    sessionName: 'alice',
    accessKeyId: 'ASIAKEY',
    stsEndpoint: 'sts.us-east-1.amazonaws.com',
  });
  expect(sts.requests.at(-1)?.headers['x-k8s-aws-id']).toBe('my-cluster');
});

test.each([
  ['FormatError', 3, 'illegal base64 data'],
  ['STSError', 4, 'error from AWS (expected 200, got 403)'],
  ['STSThrottling', 5, 'was throttled'],
])('%s exits %i with a JSON error on stdout', async (type, code, message) => {
  const argv = type === 'FormatError' ? ['-i', 'c', '-t', 'k8s-aws-v1.!!'] : args();
  sts.setReply(type === 'STSThrottling' ? { status: 400, body: { Error: { Code: 'Throttling', Message: 'Rate exceeded' } } } : { status: 403, body: { Error: { Code: 'InvalidClientTokenId', Message: 'bad' } } });
  const r = await runCommand(run, [...argv, '--output', 'json'], home.env);
  expect(r.code).toBe(code);
  expect(EXIT_CODES[type as keyof typeof EXIT_CODES]).toBe(code);
  const out = JSON.parse(r.stdout);
  expect(out.error.type).toBe(type);
  expect(out.error.message).toContain(message);
  expect(r.stderr).toBe('');
  const text = await runCommand(run, argv, home.env);
  expect(text.code).toBe(code);
  expect(text.stdout).toBe('');
  expect(text.stderr).toMatch(new RegExp(`^eks-access verify: ${type}: .*\\n$`));
});

test.each([
  [['-t', 'x'], EXIT_CODES.usage, 'cluster ID not specified'],
  [['-i', 'c'], EXIT_CODES.usage, 'token not specified'],
  [['-i', 'c', '-t', 'x', '--output', 'xml'], EXIT_CODES.usage, '--output must be text, json or yaml'],
  [['-i', 'c', '-t', 'x', '--bogus'], EXIT_CODES.usage, "Unknown option '--bogus'"],
  [['-i', 'c', '-t', 'x', '--partition', 'aws-moon'], EXIT_CODES.other, 'VerifyOptions.partition "aws-moon" is unknown'],
  [['-i', 'c', '-t', 'x', '--sts-ca-file', '/nonexistent/ca.pem'], EXIT_CODES.other, 'ENOENT'],
])('bad usage %j exits %i: %s', async (argv, code, message) => {
  const r = await runCommand(run, argv, home.env);
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(message);
});

test('the real CLI process reads the token from stdin with -t - and sets its exit code', async () => {
  sts.setReply(USER_REPLY);
  const { code, stdout } = await eksAccess(
    ['verify', '-i', 'my-cluster', '-t', '-', '--sts-connect-to', sts.connectTo, '--sts-ca-file', caFile, '--output', 'json'],
    { fromSource: true, env: { PATH: process.env.PATH, HOME: home.dir }, input: `${token()}\n` },
  );
  expect(code).toBe(0);
  expect(JSON.parse(stdout).canonicalArn).toBe('arn:aws:iam::123456789012:role/Admin');
});
