/** `--cache`: the reference's private credential cache file, exercised on the real file system in a temp dir. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { cachedCredentialProvider } from '../../../authenticator/token/credential-cache';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eks-access-cache-'));
  file = path.join(dir, 'nested', 'credentials.yaml');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const inOneHour = () => new Date(Date.now() + 3600_000);
const expiring = () => ({ accessKeyId: 'ASIAEXPIRING', secretAccessKey: 'sek', sessionToken: 'tok', expiration: inOneHour() });

test('expiring credentials are cached privately and served to the next run without calling the provider', async () => {
  const provider = jest.fn(async () => expiring());
  const first = await cachedCredentialProvider(provider, { file, clusterId: 'c1', profile: 'dev', roleArn: 'arn:aws:iam::1:role/r' });
  expect((await first()).accessKeyId).toBe('ASIAEXPIRING');
  expect(provider).toHaveBeenCalledTimes(1);

  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  const yaml = parse(fs.readFileSync(file, 'utf8'));
  expect(yaml.clusters.c1.dev['arn:aws:iam::1:role/r']).toMatchObject({
    accesskeyid: 'ASIAEXPIRING',
    secretaccesskey: 'sek',
    sessiontoken: 'tok',
    canexpire: true,
  });

  const second = await cachedCredentialProvider(provider, { file, clusterId: 'c1', profile: 'dev', roleArn: 'arn:aws:iam::1:role/r' });
  expect(await second()).toMatchObject({ accessKeyId: 'ASIAEXPIRING', sessionToken: 'tok' });
  expect(provider).toHaveBeenCalledTimes(1);
});

test('entries are keyed by cluster, profile and role', async () => {
  const provider = jest.fn(async () => expiring());
  await (await cachedCredentialProvider(provider, { file, clusterId: 'c1', profile: 'dev' }))();
  await (await cachedCredentialProvider(provider, { file, clusterId: 'c2', profile: 'dev' }))();
  await (await cachedCredentialProvider(provider, { file, clusterId: 'c1', profile: 'prod' }))();
  await (await cachedCredentialProvider(provider, { file, clusterId: 'c1', profile: 'dev', roleArn: 'arn:aws:iam::1:role/x' }))();
  expect(provider).toHaveBeenCalledTimes(4);
  await (await cachedCredentialProvider(provider, { file, clusterId: 'c1', profile: 'dev' }))();
  expect(provider).toHaveBeenCalledTimes(4);
});

test('credentials that cannot expire are not cached', async () => {
  const provider = jest.fn(async () => ({ accessKeyId: 'AKIASTATIC', secretAccessKey: 's' }));
  await (await cachedCredentialProvider(provider, { file, clusterId: 'c' }))();
  await (await cachedCredentialProvider(provider, { file, clusterId: 'c' }))();
  expect(provider).toHaveBeenCalledTimes(2);
  expect(fs.existsSync(file)).toBe(false);
});

test('an expired cached credential is refreshed', async () => {
  const stale = jest.fn(async () => ({ ...expiring(), accessKeyId: 'ASIASTALE', expiration: new Date(Date.now() + 50) }));
  await (await cachedCredentialProvider(stale, { file, clusterId: 'c' }))();
  await new Promise((r) => setTimeout(r, 100));
  const fresh = jest.fn(async () => expiring());
  expect((await (await cachedCredentialProvider(fresh, { file, clusterId: 'c' }))()).accessKeyId).toBe('ASIAEXPIRING');
  expect(fresh).toHaveBeenCalledTimes(1);
});

test('a cache file readable by group or others is refused, as the reference does', async () => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'clusters: {}\n', { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  await expect(cachedCredentialProvider(async () => expiring(), { file, clusterId: 'c' })).rejects.toThrow(`cache file ${file} is not private`);
});

test('a cache file that does not parse is refused, naming the file', async () => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'clusters: [unclosed\n', { mode: 0o600 });
  await expect(cachedCredentialProvider(async () => expiring(), { file, clusterId: 'c' })).rejects.toThrow(`unable to parse file ${file}`);
});

test('the file is found through AWS_IAM_AUTHENTICATOR_CACHE_FILE', async () => {
  const saved = process.env.AWS_IAM_AUTHENTICATOR_CACHE_FILE;
  process.env.AWS_IAM_AUTHENTICATOR_CACHE_FILE = file;
  try {
    await (await cachedCredentialProvider(async () => expiring(), { clusterId: 'c' }))();
    expect(fs.existsSync(file)).toBe(true);
  } finally {
    if (saved === undefined) delete process.env.AWS_IAM_AUTHENTICATOR_CACHE_FILE;
    else process.env.AWS_IAM_AUTHENTICATOR_CACHE_FILE = saved;
  }
});
