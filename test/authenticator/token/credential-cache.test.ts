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

test('an expired cached credential is refreshed (the clock injected, not waited for)', async () => {
  const expiresAt = Date.now() + 60_000;
  const stale = jest.fn(async () => ({ ...expiring(), accessKeyId: 'ASIASTALE', expiration: new Date(expiresAt) }));
  await (await cachedCredentialProvider(stale, { file, clusterId: 'c' }))();
  const fresh = jest.fn(async () => expiring());
  const justBefore = await cachedCredentialProvider(fresh, { file, clusterId: 'c', now: () => expiresAt - 1 });
  expect((await justBefore()).accessKeyId).toBe('ASIASTALE');
  const atExpiry = await cachedCredentialProvider(fresh, { file, clusterId: 'c', now: () => expiresAt });
  expect((await atExpiry()).accessKeyId).toBe('ASIAEXPIRING');
  expect(fresh).toHaveBeenCalledTimes(1);
});

test('a cache file readable by group or others is refused, as the reference does', async () => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'clusters: {}\n', { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  await expect(cachedCredentialProvider(async () => expiring(), { file, clusterId: 'c' })).rejects.toThrow(
    `${file}: the cache file is not private: mode 0644 has some of the bits 0077 (mode 0600 is what we write) [eks-access:cache-file-not-private]`);
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

// ---- issue 22 item 10: the cache file in a directory or at a name another user can reach ----

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** Root runs CI: chown to this uid stands for a file or directory another user owns. */
const OTHER_UID = 12345;

/** A file the attacker owns and can read, where they hope our secrets will land. */
function attackerFile(): string {
  const loot = path.join(dir, 'loot');
  fs.writeFileSync(loot, '');
  fs.chmodSync(loot, 0o666);
  if (isRoot) fs.chownSync(loot, OTHER_UID, OTHER_UID);
  return loot;
}

test('a symlink planted at the temporary name is never written through: secrets stay in our own 0600 file', async () => {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const loot = attackerFile();
  // The name the writer used to use, and a few random-looking ones: whatever the name, O_EXCL refuses an existing one.
  fs.symlinkSync(loot, `${file}.${process.pid}.tmp`);
  await (await cachedCredentialProvider(async () => expiring(), { file, clusterId: 'c' }))();
  expect(fs.readFileSync(loot, 'utf8')).toBe('');
  expect(fs.lstatSync(file).isFile()).toBe(true);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(file, 'utf8')).toContain('secretaccesskey: sek');
});

test('a cache directory others may write is refused before any credential is fetched, naming the rule', async () => {
  const shared = path.dirname(file);
  fs.mkdirSync(shared, { recursive: true });
  fs.chmodSync(shared, 0o777);
  const loot = attackerFile();
  fs.symlinkSync(loot, `${file}.${process.pid}.tmp`);
  const provider = jest.fn(async () => expiring());
  await expect(cachedCredentialProvider(provider, { file, clusterId: 'c' })).rejects.toThrow(
    new RegExp(`^${shared}: the cache directory is not private: mode 0777.*\\[eks-access:cache-dir-not-private\\]$`));
  expect(provider).not.toHaveBeenCalled();
  expect(fs.readFileSync(loot, 'utf8')).toBe('');
  expect(fs.existsSync(file)).toBe(false);
});

test('a symlink at the cache file itself is refused, not read', async () => {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const planted = path.join(dir, 'planted.yaml');
  const forged = { clusters: { c: { default: { '': { accesskeyid: 'ASIAATTACKER', secretaccesskey: 'x', expires: inOneHour().toISOString() } } } } };
  fs.writeFileSync(planted, JSON.stringify(forged), { mode: 0o600 });
  fs.symlinkSync(planted, file);
  await expect(cachedCredentialProvider(async () => expiring(), { file, clusterId: 'c', profile: 'default' }))
    .rejects.toThrow(`${file}: the cache file is a symbolic link; only a regular file is used [eks-access:cache-file-not-private]`);
});

(isRoot ? test : test.skip)('a cache file or directory owned by another user is refused, even at mode 0600/0700', async () => {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const forged = { clusters: { c: { default: { '': { accesskeyid: 'ASIAATTACKER', secretaccesskey: 'x', expires: inOneHour().toISOString() } } } } };
  fs.writeFileSync(file, JSON.stringify(forged), { mode: 0o600 });
  fs.chownSync(file, OTHER_UID, OTHER_UID);
  const opts = { file, clusterId: 'c', profile: 'default' };
  await expect(cachedCredentialProvider(async () => expiring(), opts)).rejects.toThrow(`owned by uid ${OTHER_UID}, not by the current user`);
  fs.chownSync(file, 0, 0);
  fs.chownSync(path.dirname(file), OTHER_UID, OTHER_UID);
  await expect(cachedCredentialProvider(async () => expiring(), opts)).rejects.toThrow('[eks-access:cache-dir-not-private]');
});

test('a cache that cannot be written afterwards costs a warning, never the credentials', async () => {
  const warnings: string[] = [];
  const provider = await cachedCredentialProvider(async () => expiring(), { file, clusterId: 'c', onWarning: (m) => warnings.push(m) });
  fs.chmodSync(path.dirname(file), 0o777); // made unsafe between the read and the write
  expect((await provider()).accessKeyId).toBe('ASIAEXPIRING');
  expect(warnings).toEqual([expect.stringContaining('[eks-access:cache-dir-not-private]')]);
  expect(fs.existsSync(file)).toBe(false);
});
