/**
 * bin/code-cache.ts: the `token` bundle compiled from V8's code cache. A first run writes the cache (0600 in a 0700
 * directory), the next uses it, a rebuilt file or a foreign or tampered cache file is never used, and the switch
 * turns it off. The module here is a small file of our own, so the test does not depend on a build.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCacheDir, requireWithCodeCache } from '../bin/code-cache';

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
  expect(name).toMatch(new RegExp(`^mod\\.js-${process.version}-${process.arch}-\\d+-\\d+\\.v8cache$`));
  expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
  expect(statSync(join(cacheDir, name)).mode & 0o777).toBe(0o600);
  const second = requireWithCodeCache<Mod>(file, cacheDir);
  expect([second.cache, second.exports.run(1), second.saveCache()]).toEqual(['hit', 'mod.js:2', 'hit']);
});

test('a rebuilt file never meets the old cache (same length, new mtime), and the old cache is removed', () => {
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
  const st = statSync(file);
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const name = `mod.js-${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.v8cache`;
  writeFileSync(join(cacheDir, name), 'not a code cache', { mode: 0o600 });
  const loaded = requireWithCodeCache<Mod>(file, cacheDir);
  expect([loaded.cache, loaded.exports.run(2)]).toEqual(['miss', 'fresh:3']);
  expect(loaded.saveCache()).toBe('written');
  expect(readdirSync(cacheDir)).toEqual([name]);
  chmodSync(join(cacheDir, name), 0o666);
  expect(requireWithCodeCache<Mod>(file, cacheDir).cache).toBe('miss');
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
