/** `--cache-token` storage: file modes, what the key covers, the expiry margin, and files that must be ignored. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  credentialSourceIdentity, DEFAULT_TOKEN_CACHE_MARGIN_MS, readCachedToken, TokenCacheKey, tokenCacheFile, writeCachedToken,
} from '../../../authenticator/token/exec-credential-cache';
import { cacheDirectoryProblem } from '../../../authenticator/token/private-file';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-cache-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const KEY: TokenCacheKey = { clusterId: 'prod', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/Admin' };
const ENV = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', HOME: '/nonexistent' };
const NOW = new Date('2026-11-29T12:00:00Z');
const token = (expiration: Date) => ({ token: `k8s-aws-v1.${expiration.getTime()}`, expiration });

test('files are 0600 in a 0700 directory, and hold no credentials', () => {
  const file = tokenCacheFile(path.join(dir, 'tokens'), KEY, credentialSourceIdentity(ENV));
  writeCachedToken(file, token(new Date(NOW.getTime() + 14 * 60_000)));
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  const text = fs.readFileSync(file, 'utf8');
  expect(text).not.toContain('secret');
  expect(text).not.toContain('AKIAEXAMPLE');
  expect(path.basename(file)).toMatch(/^[0-9a-f]{64}\.json$/);
});

test('the key covers cluster, region, role and every other signing option, and the credentials', () => {
  const identity = credentialSourceIdentity(ENV);
  const base = tokenCacheFile(dir, KEY, identity);
  const variants: TokenCacheKey[] = [
    { ...KEY, clusterId: 'staging' }, { ...KEY, region: 'us-east-1' }, { ...KEY, roleArn: undefined }, { ...KEY, externalId: 'x' },
    { ...KEY, sessionName: 's' }, { ...KEY, forwardSessionName: true }, { ...KEY, useGlobalEndpoint: true },
    { ...KEY, useFipsEndpoint: true }, { ...KEY, useDualstackEndpoint: true },
  ];
  const files = new Set([base, ...variants.map((k) => tokenCacheFile(dir, k, identity))]);
  expect(files.size).toBe(variants.length + 1);
  expect(tokenCacheFile(dir, KEY, credentialSourceIdentity({ ...ENV, AWS_ACCESS_KEY_ID: 'AKIAOTHER' }))).not.toBe(base);
  expect(tokenCacheFile(dir, KEY, credentialSourceIdentity({ ...ENV, AWS_SESSION_TOKEN: 'session' }))).not.toBe(base);
  expect(tokenCacheFile(dir, KEY, credentialSourceIdentity({ ...ENV, AWS_PROFILE: 'dev' }))).not.toBe(base);
  expect(tokenCacheFile(dir, KEY, credentialSourceIdentity(ENV))).toBe(base);
});

test('rewriting the shared credentials file (e.g. new keys for the profile) changes the key', () => {
  const credentials = path.join(dir, 'credentials');
  fs.writeFileSync(credentials, '[default]\naws_access_key_id = AKIAONE\n');
  const env = { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: path.join(dir, 'config'), HOME: dir };
  const before = tokenCacheFile(dir, KEY, credentialSourceIdentity(env));
  fs.writeFileSync(credentials, '[default]\naws_access_key_id = AKIATWOTWO\n');
  expect(tokenCacheFile(dir, KEY, credentialSourceIdentity(env))).not.toBe(before);
});

test('a token is served until its expiry minus the margin, never after', () => {
  const file = tokenCacheFile(dir, KEY, credentialSourceIdentity(ENV));
  const expiration = new Date(NOW.getTime() + 10 * 60_000);
  writeCachedToken(file, token(expiration));
  const lastValid = new Date(expiration.getTime() - DEFAULT_TOKEN_CACHE_MARGIN_MS - 1);
  expect(readCachedToken(file, lastValid)).toEqual(token(expiration));
  expect(readCachedToken(file, new Date(lastValid.getTime() + 1))).toBeUndefined();
  expect(readCachedToken(file, new Date(expiration.getTime() + 1))).toBeUndefined();
  expect(readCachedToken(file, NOW, 10 * 60_000)).toBeUndefined(); // a margin as long as the token's life
});

test('credentials that expire before the token bound its validity', () => {
  const file = tokenCacheFile(dir, KEY, credentialSourceIdentity(ENV));
  writeCachedToken(file, token(new Date(NOW.getTime() + 14 * 60_000)), new Date(NOW.getTime() + 3 * 60_000));
  expect(readCachedToken(file, new Date(NOW.getTime() + 60_000))).toBeDefined();
  expect(readCachedToken(file, new Date(NOW.getTime() + 2 * 60_000))).toBeUndefined();
});

test.each([
  ['not JSON', '{"token": "k8s-aws-v1.x", '],
  ['JSON null', 'null'],
  ['no token', JSON.stringify({ expiration: '2099-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' })],
  ['not a token', JSON.stringify({ token: 'hello', expiration: '2099-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' })],
  ['a bad date', JSON.stringify({ token: 'k8s-aws-v1.x', expiration: 'soon', validUntil: '2099-01-01T00:00:00Z' })],
  ['no validUntil', JSON.stringify({ token: 'k8s-aws-v1.x', expiration: '2099-01-01T00:00:00Z' })],
])('a corrupted file (%s) is a miss, and the next write replaces it', (_what, content) => {
  const file = tokenCacheFile(dir, KEY, credentialSourceIdentity(ENV));
  fs.writeFileSync(file, content, { mode: 0o600 });
  expect(readCachedToken(file, NOW)).toBeUndefined();
  const fresh = token(new Date(NOW.getTime() + 14 * 60_000));
  writeCachedToken(file, fresh);
  expect(readCachedToken(file, NOW)).toEqual(fresh);
});

test('a file others may read or write is ignored', () => {
  const file = tokenCacheFile(dir, KEY, credentialSourceIdentity(ENV));
  writeCachedToken(file, token(new Date(NOW.getTime() + 14 * 60_000)));
  fs.chmodSync(file, 0o644);
  expect(readCachedToken(file, NOW)).toBeUndefined();
  fs.chmodSync(file, 0o620);
  expect(readCachedToken(file, NOW)).toBeUndefined();
});

test('a missing file or an unwritable directory is a miss, never an error', () => {
  expect(readCachedToken(path.join(dir, 'absent.json'), NOW)).toBeUndefined();
  const blocker = path.join(dir, 'blocker');
  fs.writeFileSync(blocker, '');
  expect(() => writeCachedToken(path.join(blocker, 'x.json'), token(new Date(NOW.getTime() + 60_000 * 14)))).not.toThrow();
});

// ---- issue 22 item 10: the token cache in a directory or at a name another user can reach ----

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** Root runs CI: chown to this uid stands for a file or directory another user owns. */
const OTHER_UID = 12345;
const aToken = () => token(new Date(NOW.getTime() + 14 * 60_000));

function attackerFile(content = ''): string {
  const loot = path.join(dir, 'loot');
  fs.writeFileSync(loot, content);
  fs.chmodSync(loot, 0o666);
  if (isRoot) fs.chownSync(loot, OTHER_UID, OTHER_UID);
  return loot;
}

test('in a directory others may write, nothing is read or written, and the refusal names the rule', () => {
  const tokens = path.join(dir, 'tokens');
  fs.mkdirSync(tokens);
  fs.chmodSync(tokens, 0o777);
  const file = tokenCacheFile(tokens, KEY, credentialSourceIdentity(ENV));
  // What the attacker planted: their own token (kubectl would act as them), and a symlink at the old temp name.
  fs.writeFileSync(file, JSON.stringify({ token: 'k8s-aws-v1.attacker', expiration: '2099-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' }), { mode: 0o600 });
  const loot = attackerFile();
  fs.symlinkSync(loot, `${file}.${process.pid}.tmp`);
  expect(readCachedToken(file, NOW)).toBeUndefined();
  writeCachedToken(file, aToken());
  expect(fs.readFileSync(loot, 'utf8')).toBe('');
  expect(fs.readFileSync(file, 'utf8')).toContain('k8s-aws-v1.attacker'); // left as it was: not ours to replace
  expect(cacheDirectoryProblem(tokens)?.message).toMatch(/the cache directory is not private: mode 0777.*\[eks-access:cache-dir-not-private\]$/);
  expect(cacheDirectoryProblem(path.join(dir, 'absent'))).toBeUndefined();
});

test('a symlink at the cache file is not followed: a miss, and the next write replaces the link, not its target', () => {
  const file = tokenCacheFile(path.join(dir, 'tokens'), KEY, credentialSourceIdentity(ENV));
  fs.mkdirSync(path.dirname(file), { mode: 0o700 });
  const valid = JSON.stringify({ token: 'k8s-aws-v1.attacker', expiration: '2099-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' });
  const planted = path.join(dir, 'planted.json');
  fs.writeFileSync(planted, valid, { mode: 0o600 });
  fs.symlinkSync(planted, file);
  expect(readCachedToken(file, NOW)).toBeUndefined();
  writeCachedToken(file, aToken());
  expect(fs.readFileSync(planted, 'utf8')).toBe(valid);
  expect(fs.lstatSync(file).isFile()).toBe(true);
  expect(readCachedToken(file, NOW)).toEqual(aToken());
});

test('a symlink planted at the writer\'s temporary name is never written through', () => {
  const file = tokenCacheFile(path.join(dir, 'tokens'), KEY, credentialSourceIdentity(ENV));
  fs.mkdirSync(path.dirname(file), { mode: 0o700 });
  const loot = attackerFile();
  fs.symlinkSync(loot, `${file}.${process.pid}.tmp`);
  writeCachedToken(file, aToken());
  expect(fs.readFileSync(loot, 'utf8')).toBe('');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  expect(fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp') && !n.startsWith(path.basename(file)))).toEqual([]);
});

(isRoot ? test : test.skip)('a cache file or directory owned by another user is not used, even at mode 0600/0700', () => {
  const file = tokenCacheFile(path.join(dir, 'tokens'), KEY, credentialSourceIdentity(ENV));
  writeCachedToken(file, aToken());
  fs.chownSync(file, OTHER_UID, OTHER_UID);
  expect(readCachedToken(file, NOW)).toBeUndefined();
  fs.chownSync(file, 0, 0);
  expect(readCachedToken(file, NOW)).toEqual(aToken());
  fs.chownSync(path.dirname(file), OTHER_UID, OTHER_UID);
  expect(readCachedToken(file, NOW)).toBeUndefined();
  expect(cacheDirectoryProblem(path.dirname(file))?.message).toContain(`owned by uid ${OTHER_UID}, not by the current user`);
});
