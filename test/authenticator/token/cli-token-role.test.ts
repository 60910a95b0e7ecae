/**
 * `eks-access token -r ROLE` in a real CLI process: the AWS SDK STS client (pointed at a local HTTPS server standing
 * in for STS through AWS_ENDPOINT_URL_STS, as AWS itself cannot run here) assumes the role, and the token is signed
 * with the role session's credentials. The moto-backed integration tests check the same against real SigV4.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LocalSts, RecordedRequest } from './local-sts-server';
import { isolatedAwsHome, startStsCliFixture } from './cli-env';
import { eksAccess } from '../../../harness/eks-access-process';

const ROLE = 'arn:aws:iam::123456789012:role/team/Deployer';

let sts: LocalSts;
let home: ReturnType<typeof isolatedAwsHome>;
let caFile: string;
let stop: () => Promise<void>;

/**
 * Each role session gets its own key id, as STS gives every AssumeRole its own temporary credentials. With one key for
 * every role, two tokens signed in the same second would be equal whatever the cache did.
 */
const sessionKeyFor = (roleArn: string | null) =>
  `ASIA${createHash('sha256').update(String(roleArn)).digest('hex').slice(0, 16).toUpperCase()}`;

function answer(req: RecordedRequest) {
  const form = new URLSearchParams(req.body);
  if (form.get('Action') === 'GetCallerIdentity') {
    return {
      status: 200,
      contentType: 'text/xml',
      body: '<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/Sso/jane@example.com</Arn><UserId>AROASSO:jane@example.com</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>',
    };
  }
  if (form.get('Action') === 'AssumeRole') {
    return {
      status: 200,
      contentType: 'text/xml',
      body: `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>${sessionKeyFor(form.get('RoleArn'))}</AccessKeyId><SecretAccessKey>rolesecret</SecretAccessKey><SessionToken>role/session+token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/Deployer/${form.get('RoleSessionName')}</Arn><AssumedRoleId>AROADEPLOYER:${form.get('RoleSessionName')}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`,
    };
  }
  return { status: 400, contentType: 'text/xml', body: '<ErrorResponse><Error><Code>InvalidAction</Code><Message>no</Message></Error></ErrorResponse>' };
}

beforeAll(async () => {
  ({ sts, home, caFile, stop } = await startStsCliFixture());
  sts.setReply(answer);
});
afterAll(() => stop());

/** `eks-access token ARGS` from the sources, with only the stand-in's credentials and endpoint in the environment. */
function cli(args: string[]) {
  return eksAccess(['token', ...args], {
    fromSource: true,
    env: {
      PATH: process.env.PATH,
      ...home.env,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'ASIABASE',
      AWS_SECRET_ACCESS_KEY: 'basesecret',
      AWS_SESSION_TOKEN: 'basetoken',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_STS: `https://${sts.connectTo}`,
      NODE_EXTRA_CA_CERTS: caFile,
    },
  });
}

const urlOf = (token: string) => Buffer.from(token.trim().slice('k8s-aws-v1.'.length), 'base64url').toString();

test('-r with --session-name and --external-id assumes the role and signs with its session', async () => {
  sts.requests.length = 0;
  const r = await cli(['-i', 'c', '--token-only', '-r', ROLE, '--session-name', 'deploy-42', '--external-id', 'ext-1']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const form = new URLSearchParams(sts.requests.find((q) => q.body.includes('AssumeRole'))!.body);
  expect(Object.fromEntries(form)).toMatchObject({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'deploy-42', ExternalId: 'ext-1' });
  const url = urlOf(r.stdout);
  expect(url).toContain(`X-Amz-Credential=${sessionKeyFor(ROLE)}%2F`);
  expect(url).toContain('X-Amz-Security-Token=role%2Fsession%2Btoken&');
  expect(url.startsWith('https://sts.us-east-1.amazonaws.com/?')).toBe(true);
}, 60_000);

test('--forward-session-name names the role session after the caller\'s own session', async () => {
  sts.requests.length = 0;
  const r = await cli(['-i', 'c', '--token-only', '-r', ROLE, '--forward-session-name']);
  expect(r.code).toBe(0);
  const actions = sts.requests.map((q) => new URLSearchParams(q.body).get('Action'));
  expect(actions).toEqual(['GetCallerIdentity', 'AssumeRole']);
  expect(new URLSearchParams(sts.requests[1].body).get('RoleSessionName')).toBe('jane@example.com');
}, 60_000);

test('a refused role assumption exits 1 with the STS message', async () => {
  sts.setReply((req) =>
    req.body.includes('AssumeRole')
      ? { status: 403, contentType: 'text/xml', body: '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error></ErrorResponse>' }
      : answer(req),
  );
  try {
    const r = await cli(['-i', 'c', '-r', ROLE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('not authorized to perform sts:AssumeRole');
  } finally {
    sts.setReply(answer);
  }
}, 60_000);

test('--cache-token: the second call prints the same token without asking STS; another role is another entry', async () => {
  sts.requests.length = 0;
  const first = await cli(['-i', 'c', '-r', ROLE, '--cache-token']);
  expect(first.code).toBe(0);
  expect(sts.requests.map((q) => new URLSearchParams(q.body).get('Action'))).toEqual(['AssumeRole']);
  sts.requests.length = 0;
  const second = await cli(['-i', 'c', '-r', ROLE, '--cache-token']);
  expect(second.code).toBe(0);
  expect(second.stdout).toBe(first.stdout);
  expect(sts.requests).toEqual([]);
  const dir = path.join(home.dir, '.kube', 'cache', 'eks-access', 'tokens');
  const [file] = readdirSync(dir);
  expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);

  const other = await cli(['-i', 'c', '-r', `${ROLE}2`, '--cache-token']);
  expect(other.code).toBe(0);
  expect(sts.requests.length).toBe(1);
  expect(urlOf(JSON.parse(other.stdout).status.token)).toContain(`X-Amz-Credential=${sessionKeyFor(`${ROLE}2`)}%2F`);
  expect(JSON.parse(other.stdout).status.token).not.toBe(JSON.parse(first.stdout).status.token);
  expect(readdirSync(dir)).toHaveLength(2);
}, 60_000);
