/**
 * Loads a CommonJS file (the `token` bundle) through V8's code cache: the bytecode V8 compiled for it on an earlier
 * run, functions compiled while that run executed included, is handed back to V8 instead of parsing and compiling the
 * source again. Node 20 has no `module.enableCompileCache` (22.1+), so this uses `vm.Script`'s `cachedData`
 * (https://nodejs.org/docs/latest-v20.x/api/vm.html#scriptcreatecacheddata). Measured on the token bundle: ~15% of
 * an `eks-access token` process's wall time (bench/results/RESULTS.md, token CLI).
 *
 * - One cache file per bundle, Node version and architecture, named after the bundle's size and mtime: V8 itself
 *   checks only the source length and its own version and flags, so a rebuilt bundle must never meet an old cache.
 * - Under `$EKS_ACCESS_CODE_CACHE_DIR` or `~/.kube/cache/eks-access/code-cache` (directory 0700, files 0600, written
 *   atomically); a file not owned by the user, or writable by others, is not used. `EKS_ACCESS_NO_CODE_CACHE=1`
 *   turns the cache off.
 * - Best effort: a missing, rejected or unwritable cache only costs the normal compile, never the command.
 */
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

export const CODE_CACHE_DIR_ENV = 'EKS_ACCESS_CODE_CACHE_DIR';
export const NO_CODE_CACHE_ENV = 'EKS_ACCESS_NO_CODE_CACHE';

/** What happened to the cache: used, written for next time (none or a rejected one), or not used at all. */
export type CodeCacheOutcome = 'hit' | 'written' | 'off' | 'failed';

export interface LoadedModule<T> {
  readonly exports: T;
  /** Writes the cache if this run compiled from source; call once the module has done its work (more is compiled). */
  saveCache(): CodeCacheOutcome;
  readonly cache: 'hit' | 'miss' | 'off';
}

export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env[NO_CODE_CACHE_ENV] === '1') return undefined;
  return env[CODE_CACHE_DIR_ENV] || join(homedir(), '.kube', 'cache', 'eks-access', 'code-cache');
}

function cacheFileOf(file: string, dir: string): { path: string; prefix: string } {
  const st = statSync(file);
  const prefix = `${basename(file)}-`;
  return { path: join(dir, `${prefix}${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.v8cache`), prefix };
}

/** The cache file's bytes, if it is the user's own and not writable by anyone else. */
function readTrusted(path: string): Buffer | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || (typeof process.getuid === 'function' && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeAtomically(path: string, data: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Removes the caches of earlier builds or Node versions of the same file. */
function removeStale(dir: string, prefix: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith(prefix) && name.endsWith('.v8cache') && join(dir, name) !== keep) unlinkSync(join(dir, name));
  }
}

/** `require(file)`, compiled from the code cache in `dir` when there is a valid one (`dir` undefined: no cache). */
export function requireWithCodeCache<T>(file: string, dir: string | undefined): LoadedModule<T> {
  const cache = dir === undefined ? undefined : cacheFileOf(file, dir);
  const cachedData = cache && readTrusted(cache.path);
  const source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
  // The wrapper Node's CommonJS loader puts around a module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  const hit = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: module.exports,
    cache: cache === undefined ? 'off' : hit ? 'hit' : 'miss',
    saveCache(): CodeCacheOutcome {
      if (cache === undefined || dir === undefined) return 'off';
      if (hit) return 'hit';
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeAtomically(cache.path, script.createCachedData());
        removeStale(dir, cache.prefix, cache.path);
        return 'written';
      } catch {
        return 'failed';
      }
    },
  };
}
