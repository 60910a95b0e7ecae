/**
 * bin/code-cache.ts: the `token` bundle compiled from V8's code cache. A first run writes the cache (0600 in a 0700
 * directory), the next uses it, a rebuilt file or a foreign or tampered cache file is never used, and the switch
 * turns it off. The module here is a small file of our own, so the test does not depend on a build.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { codeCacheDir, codeCacheFile, requireWithCodeCache, stampSourceDigest } from '../bin/code-cache';

let dir: string;
let file: string;
let cacheDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  file = join(dir, 'mod.js');
  cacheDir = join(dir, 'cache', 'code-cache');
  writeFileSync(file, '#!/usr/bin/env node\nconst path = require("node:path");\nexports.run = (x) => `${path.basename(__filename)}:${x * 2}`;\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Mod = { run(x: number): string };

test('a first run writes the cache, the next one compiles from it, and both behave as require()', () => {
  const first = requireWithCodeCache<Mod>(file, cacheDir);
  expect([first.cache, first.exports.run(21)]).toEqual(['miss', 'mod.js:42']);
  expect(first.saveCache()).toBe('written');
  const [name] = readdirSync(cacheDir);
  expect(name).toMatch(new RegExp(`^mod\\.js-${process.version}-${process.arch}-[0-9a-f]{64}\\.v8cache$`));
  expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
  expect(statSync(join(cacheDir, name)).mode & 0o777).toBe(0o600);
  const second = requireWithCodeCache<Mod>(file, cacheDir);
  expect([second.cache, second.exports.run(1), second.saveCache()]).toEqual(['hit', 'mod.js:2', 'hit']);
});

test('a rebuilt file never meets the old cache (same length), and the old cache is removed', () => {
  requireWithCodeCache<Mod>(file, cacheDir).saveCache();
  // Same length, different code: V8 alone would accept the old cache for it.
  writeFileSync(file, '#!/usr/bin/env node\nconst path = require("node:path");\nexports.run = (x) => `${path.basename(__filename)}:${x * 3}`;\n');
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  const rebuilt = requireWithCodeCache<Mod>(file, cacheDir);
  expect([rebuilt.cache, rebuilt.exports.run(1)]).toEqual(['miss', 'mod.js:3']);
  expect(rebuilt.saveCache()).toBe('written');
  expect(readdirSync(cacheDir)).toHaveLength(1);
});

test('garbage in the cache file, or a cache file others may write, is not used; the module still loads', () => {
  // Source this process has never compiled: V8 would otherwise answer from its in-memory compilation cache.
  writeFileSync(file, `exports.run = (x) => 'fresh:' + (x + 1); // ${Math.random()}\n`);
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const name = basename(codeCacheFile(file, cacheDir));
  writeFileSync(join(cacheDir, name), 'not a code cache', { mode: 0o600 });
  const loaded = requireWithCodeCache<Mod>(file, cacheDir);
  expect([loaded.cache, loaded.exports.run(2)]).toEqual(['miss', 'fresh:3']);
  expect(loaded.saveCache()).toBe('written');
  expect(readdirSync(cacheDir)).toEqual([name]);
  chmodSync(join(cacheDir, name), 0o666);
  const warnings: string[] = [];
  expect(requireWithCodeCache<Mod>(file, cacheDir, { warn: (m) => warnings.push(m) }).cache).toBe('miss');
  expect(warnings).toEqual([expect.stringContaining('the cache file is not private: mode 0666')]);
});

test('the cache directory: override, default under ~/.kube/cache, and off', () => {
  expect(codeCacheDir({ EKS_ACCESS_CODE_CACHE_DIR: '/x/y' })).toBe('/x/y');
  expect(codeCacheDir({})).toMatch(/\.kube\/cache\/eks-access\/code-cache$/);
  expect(codeCacheDir({ EKS_ACCESS_NO_CODE_CACHE: '1', EKS_ACCESS_CODE_CACHE_DIR: '/x/y' })).toBeUndefined();
  const off = requireWithCodeCache<Mod>(file, undefined);
  expect([off.cache, off.exports.run(1), off.saveCache()]).toEqual(['off', 'mod.js:2', 'off']);
});

test('an unwritable cache directory costs nothing but the cache', () => {
  writeFileSync(join(dir, 'cache'), 'a file where the directory should be');
  const loaded = requireWithCodeCache<Mod>(file, cacheDir);
  expect([loaded.exports.run(1), loaded.saveCache()]).toEqual(['mod.js:2', 'failed']);
});

// ---- issue 22 item 9: the cache in a directory another user can write ----

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** A uid that is not ours: root (which runs CI) may hand a file or directory to it, as another user would own it. */
const OTHER_UID = 12345;

/**
 * What the attacker plants: a valid V8 code cache made from *their* source, of the same length as ours (V8 checks only
 * the length), saved under the name our next run looks for. `codeCacheFile` gives that name without compiling ours.
 */
function plantForgedCache(victimFile: string, victimCacheDir: string, forgedSource: string): void {
  const attackerDir = join(dir, 'attacker');
  mkdirSync(attackerDir, { recursive: true });
  const forgedFile = join(attackerDir, 'mod.js');
  writeFileSync(forgedFile, forgedSource);
  const st = statSync(victimFile);
  utimesSync(forgedFile, st.atime, st.mtime); // same size and mtime: the name the length/mtime scheme would look for
  const forged = requireWithCodeCache<Mod>(forgedFile, join(attackerDir, 'cache'));
  expect(forged.saveCache()).toBe('written');
  const [made] = readdirSync(join(attackerDir, 'cache'));
  writeFileSync(codeCacheFile(victimFile, victimCacheDir), readFileSync(join(attackerDir, 'cache', made)), { mode: 0o600 });
}

/**
 * Two sources of one length that this process has never compiled (V8's in-memory cache would otherwise answer). The
 * value is set at the top level, which the cache holds compiled: the attacker's statements, not a lazy function.
 */
function sameLengthSources(): { genuine: string; forged: string } {
  const nonce = `${process.pid}-${Date.now()}-${Math.random()}`;
  const source = (value: string) => `const value = '${value}:${nonce}';\nexports.run = () => value;\n`;
  return { genuine: source('genuine'), forged: source('FORGED!') };
}

test('a forged cache of another source of the same length, in a directory others may write, never runs', () => {
  const { genuine, forged } = sameLengthSources();
  writeFileSync(file, genuine);
  mkdirSync(cacheDir, { recursive: true });
  chmodSync(cacheDir, 0o777);
  plantForgedCache(file, cacheDir, forged);
  const warnings: string[] = [];
  const loaded = requireWithCodeCache<{ run(): string }>(file, cacheDir, { warn: (m) => warnings.push(m) });
  expect(loaded.exports.run()).toBe(genuine.match(/'(.*)'/)![1]);
  expect([loaded.cache, loaded.saveCache()]).toEqual(['off', 'off']);
  expect(warnings).toEqual([expect.stringMatching(new RegExp(`^${cacheDir}: the cache directory is not private: mode 0777.*\\[eks-access:cache-dir-not-private\\]$`))]);
  expect(readdirSync(cacheDir)).toHaveLength(1); // nothing of ours was written into it
});

(isRoot ? test : test.skip)('a cache directory owned by another user is refused, even at mode 0700', () => {
  const { genuine, forged } = sameLengthSources();
  writeFileSync(file, genuine);
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  plantForgedCache(file, cacheDir, forged);
  chownSync(cacheDir, OTHER_UID, OTHER_UID);
  const warnings: string[] = [];
  const loaded = requireWithCodeCache<{ run(): string }>(file, cacheDir, { warn: (m) => warnings.push(m) });
  expect(loaded.exports.run()).toBe(genuine.match(/'(.*)'/)![1]);
  expect(warnings).toEqual([expect.stringContaining(`owned by uid ${OTHER_UID}, not by the current user`)]);
});

test('a new build of the same length and mtime (npm packs every file at 1985-10-26) never meets the old cache', () => {
  const { genuine, forged: rebuilt } = sameLengthSources();
  const npmEpoch = new Date('1985-10-26T08:15:00Z');
  writeFileSync(file, genuine);
  utimesSync(file, npmEpoch, npmEpoch);
  expect(requireWithCodeCache<{ run(): string }>(file, cacheDir).saveCache()).toBe('written');
  writeFileSync(file, rebuilt);
  utimesSync(file, npmEpoch, npmEpoch);
  const next = requireWithCodeCache<{ run(): string }>(file, cacheDir);
  expect([next.cache, next.exports.run()]).toEqual(['miss', rebuilt.match(/'(.*)'/)![1]]);
});

test('the cache file is named after the SHA-256 of the source and the Node version, not its length or mtime', () => {
  const name = basename(codeCacheFile(file, cacheDir));
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  expect(name).toBe(`mod.js-${process.version}-${process.arch}-${sha}.v8cache`);
});

// The token bundle is written with its SHA-256 in its first line (scripts/bundle-token.ts), read instead of hashed.
test('a stamped file is keyed by its stamp, and a rebuild with other content of the same length by another one', () => {
  const { genuine, forged: rebuilt } = sameLengthSources();
  writeFileSync(file, stampSourceDigest(Buffer.from(genuine)));
  const sha = createHash('sha256').update(genuine).digest('hex');
  expect(readFileSync(file, 'utf8')).toBe(`// sha256:${sha}\n${genuine}`);
  expect(basename(codeCacheFile(file, cacheDir))).toBe(`mod.js-${process.version}-${process.arch}-${sha}.v8cache`);
  const first = requireWithCodeCache<{ run(): string }>(file, cacheDir);
  expect([first.exports.run(), first.saveCache()]).toEqual([genuine.match(/'(.*)'/)![1], 'written']);
  expect(requireWithCodeCache<{ run(): string }>(file, cacheDir).cache).toBe('hit');

  writeFileSync(file, stampSourceDigest(Buffer.from(rebuilt)));
  expect(basename(codeCacheFile(file, cacheDir))).toBe(`mod.js-${process.version}-${process.arch}-${createHash('sha256').update(rebuilt).digest('hex')}.v8cache`);
  const next = requireWithCodeCache<{ run(): string }>(file, cacheDir);
  expect([next.cache, next.exports.run()]).toEqual(['miss', rebuilt.match(/'(.*)'/)![1]]);
});

test('a first line that only looks like a stamp is hashed with the rest', () => {
  writeFileSync(file, `// sha256:${'0'.repeat(63)}\nexports.run = () => 1;\n`);
  expect(basename(codeCacheFile(file, cacheDir))).toBe(`mod.js-${process.version}-${process.arch}-${createHash('sha256').update(readFileSync(file)).digest('hex')}.v8cache`);
});

test('a symlink at the cache name is not followed, and saving replaces it with a file of our own', () => {
  const { genuine } = sameLengthSources();
  writeFileSync(file, genuine);
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const elsewhere = join(dir, 'elsewhere.v8cache');
  writeFileSync(elsewhere, 'someone else\'s file', { mode: 0o600 });
  symlinkSync(elsewhere, codeCacheFile(file, cacheDir));
  const warnings: string[] = [];
  const loaded = requireWithCodeCache<{ run(): string }>(file, cacheDir, { warn: (m) => warnings.push(m) });
  expect(loaded.cache).toBe('miss');
  expect(warnings).toEqual([expect.stringContaining('[eks-access:cache-file-not-private]')]);
  expect(loaded.saveCache()).toBe('written');
  expect(readFileSync(elsewhere, 'utf8')).toBe('someone else\'s file');
  expect(lstatSync(codeCacheFile(file, cacheDir)).isSymbolicLink()).toBe(false);
});

test('by default the refusal is one warning line on stderr, and the module still runs', () => {
  mkdirSync(cacheDir, { recursive: true });
  chmodSync(cacheDir, 0o757);
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    expect(requireWithCodeCache<Mod>(file, cacheDir).exports.run(4)).toBe('mod.js:8');
  } finally {
    spy.mockRestore();
  }
  expect(written).toEqual([expect.stringMatching(/^eks-access: warning: code cache not used: .*mode 0757.*\[eks-access:cache-dir-not-private\]\n$/)]);
});
