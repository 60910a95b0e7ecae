/** `eks-access token` in-process, with credentials from the real AWS SDK default chain (env or credential_process). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../../../bin/commands/token';
import { TokenVerifier } from '../../../authenticator';
import { isolatedAwsHome, runCommand } from './cli-env';

let home: ReturnType<typeof isolatedAwsHome>;
beforeEach(() => {
  home = isolatedAwsHome();
});
afterEach(() => home.cleanup());

const envCreds = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12', AWS_SECRET_ACCESS_KEY: 'secret' };

function urlOf(token: string): string {
  return Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString();
}

test('prints an ExecCredential that expires 14 minutes after signing, with a token for the regional endpoint', async () => {
  const before = Date.now();
  const r = await runCommand(run, ['-i', 'my-cluster', '--region', 'eu-west-1'], { ...home.env, ...envCreds });
  expect(r).toMatchObject({ code: 0, stderr: '' });
  const cred = JSON.parse(r.stdout);
  expect(Object.keys(cred)).toEqual(['kind', 'apiVersion', 'spec', 'status']);
  expect(cred).toMatchObject({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', spec: {} });
  expect(cred.status.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const expires = Date.parse(cred.status.expirationTimestamp);
  expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 14 * 60_000);
  expect(expires).toBeLessThanOrEqual(Date.now() + 14 * 60_000);
  const url = urlOf(cred.status.token);
  expect(url.startsWith('https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&')).toBe(true);
  const verifier = new TokenVerifier({ clusterId: 'my-cluster' });
  try {
    expect(verifier.check(cred.status.token).accessKeyId).toBe('AKIAEXAMPLEEXAMPLE12');
  } finally {
    verifier.close();
  }
});

test('region comes from AWS_REGION, then the profile, then us-east-1', async () => {
  const fromEnv = await runCommand(run, ['-i', 'c', '--token-only'], { ...home.env, ...envCreds, AWS_REGION: 'ap-south-1' });
  expect(urlOf(fromEnv.stdout.trim())).toContain('https://sts.ap-south-1.amazonaws.com/');
  fs.writeFileSync(home.env.AWS_CONFIG_FILE, '[default]\nregion = ca-central-1\n');
  const fromProfile = await runCommand(run, ['-i', 'c', '--token-only'], { ...home.env, ...envCreds });
  expect(urlOf(fromProfile.stdout.trim())).toContain('https://sts.ca-central-1.amazonaws.com/');
  // a new file: the SDK caches shared config files per path for the life of the process
  const empty = path.join(home.dir, 'empty-config');
  fs.writeFileSync(empty, '');
  const fallback = await runCommand(run, ['-i', 'c', '--token-only'], { ...home.env, ...envCreds, AWS_CONFIG_FILE: empty });
  expect(urlOf(fallback.stdout.trim())).toContain('https://sts.us-east-1.amazonaws.com/');
});

test('--token-only, --global-endpoint, FIPS from the environment, and KUBERNETES_EXEC_INFO v1', async () => {
  const bare = await runCommand(run, ['-i', 'c', '--token-only', '--global-endpoint', '--region', 'eu-west-1'], { ...home.env, ...envCreds });
  expect(bare.stdout).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+\n$/);
  expect(urlOf(bare.stdout.trim())).toContain('https://sts.amazonaws.com/');
  expect(urlOf(bare.stdout.trim())).toContain('%2Fus-east-1%2Fsts%2Faws4_request');
  const fips = await runCommand(run, ['-i', 'c', '--token-only', '--region', 'us-east-2'], { ...home.env, ...envCreds, AWS_USE_FIPS_ENDPOINT: 'true' });
  expect(urlOf(fips.stdout.trim())).toContain('https://sts-fips.us-east-2.amazonaws.com/');
  const v1 = await runCommand(run, ['-i', 'c'], {
    ...home.env,
    ...envCreds,
    KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","spec":{"interactive":false}}',
  });
  expect(JSON.parse(v1.stdout).apiVersion).toBe('client.authentication.k8s.io/v1');
});

test('the cluster id may come from KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID', async () => {
  const r = await runCommand(run, ['--token-only'], { ...home.env, ...envCreds, KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID: 'env-cluster' });
  expect(r.code).toBe(0);
});

test.each([
  [[], 'cluster ID not specified'],
  [['-i', 'c', '-r', 'arn:aws:iam::1:role/r', '-s', 'x', '--forward-session-name'], 'cannot specify both --forward-session-name and --session-name'],
  [['-i', 'c', '--external-id', 'x'], 'need -r/--role'],
  [['-i', 'c', '--bogus'], "Unknown option '--bogus'"],
])('usage error %j exits 2: %s', async (argv, message) => {
  const r = await runCommand(run, argv, { ...home.env, ...envCreds });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(message);
});

test('without any credentials it exits 1 with one clear line', async () => {
  const r = await runCommand(run, ['-i', 'c', '--region', 'us-east-1'], home.env);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^eks-access token: .*credential/i);
});

test('--cache keeps credential_process credentials in the private cache file and reuses them', async () => {
  const counter = path.join(home.dir, 'calls');
  const script = path.join(home.dir, 'creds.sh');
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  fs.writeFileSync(
    script,
    `#!/bin/sh\necho x >> '${counter}'\necho '{"Version":1,"AccessKeyId":"ASIAPROCESS","SecretAccessKey":"s","SessionToken":"t","Expiration":"${expiration}"}'\n`,
    { mode: 0o700 },
  );
  fs.writeFileSync(home.env.AWS_CONFIG_FILE, `[profile dev]\ncredential_process = ${script}\nregion = us-west-2\n`);
  const cacheFile = path.join(home.dir, 'cache', 'credentials.yaml');
  const env = { ...home.env, AWS_PROFILE: 'dev', AWS_IAM_AUTHENTICATOR_CACHE_FILE: cacheFile };
  for (let i = 0; i < 3; i++) {
    const r = await runCommand(run, ['-i', 'c', '--cache', '--token-only'], env);
    expect(r.code).toBe(0);
    expect(urlOf(r.stdout.trim())).toContain('X-Amz-Credential=ASIAPROCESS%2F');
  }
  expect(fs.readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(1);
  expect(fs.statSync(cacheFile).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(cacheFile, 'utf8')).toContain('accesskeyid: ASIAPROCESS');

  // A refused cache is the reference's "unable to use cache" warning, and the token is signed uncached.
  fs.chmodSync(cacheFile, 0o640);
  const refused = await runCommand(run, ['-i', 'c', '--cache', '--token-only'], env);
  expect(refused.code).toBe(0);
  expect(urlOf(refused.stdout.trim())).toContain('X-Amz-Credential=ASIAPROCESS%2F');
  expect(refused.stderr).toBe(`eks-access token: warning: unable to use cache: ${cacheFile}: the cache file is not private: mode 0640 has some of the bits 0077 (mode 0600 is what we write) [eks-access:cache-file-not-private]\n`);
  expect(fs.readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(2);
});

test('--cache and --cache-token in a directory others may write: one warning each, a token all the same, nothing written there', async () => {
  const shared = path.join(home.dir, 'shared');
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o777);
  const cacheFile = path.join(shared, 'credentials.yaml');
  const env = { ...home.env, ...envCreds, AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 3600_000).toISOString(),
    AWS_IAM_AUTHENTICATOR_CACHE_FILE: cacheFile, EKS_ACCESS_TOKEN_CACHE_DIR: shared };
  const r = await runCommand(run, ['-i', 'c', '--cache', '--cache-token', '--token-only'], env);
  expect(r.code).toBe(0);
  expect(urlOf(r.stdout.trim())).toContain('X-Amz-Credential=AKIAEXAMPLEEXAMPLE12%2F');
  const warning = `eks-access token: warning: unable to use cache: ${shared}: the cache directory is not private: mode 0777 has some of the bits 0022 (use a directory of your own, mode 0700); another user could replace the cache files in it [eks-access:cache-dir-not-private]\n`;
  expect(r.stderr).toBe(warning.repeat(2));
  expect(fs.readdirSync(shared)).toEqual([]);
});
