/**
 * Loads a CommonJS file (the `token` bundle) through V8's code cache: the bytecode V8 compiled for it on an earlier
 * run, functions compiled while that run executed included, is handed back to V8 instead of parsing and compiling the
 * source again. Node 20 has no `module.enableCompileCache` (22.1+), so this uses `vm.Script`'s `cachedData`
 * (https://nodejs.org/docs/latest-v20.x/api/vm.html#scriptcreatecacheddata). Measured on the token bundle: ~15% of
 * an `eks-access token` process's wall time (bench/results/RESULTS.md, token CLI).
 *
 * - One cache file per bundle source, Node version and architecture, named after the SHA-256 of the source as read
 *   (the same bytes are hashed and compiled). V8 itself checks only the source's length and its own version and flags
 *   (v8 src/snapshot/code-serializer.cc, `SerializedCodeData::SourceHash`), so a cache made from any other source of
 *   the same length would be run as if it were ours: a rebuilt bundle must never meet an old cache, and npm gives every
 *   installed file the same mtime (1985-10-26), so neither size nor mtime tells two builds apart.
 * - The token bundle carries that SHA-256 in its first line, written by the bundler (`stampSourceDigest`,
 *   scripts/bundle-token.ts), so kubectl's hot path neither hashes 38 KB nor loads node:crypto for it (loading
 *   node:crypto alone, with the node:stream modules it pulls in, was the largest part of a `token` run above Node's
 *   start-up: bench/results/RESULTS.md, token CLI). Why this keeps the property above: the stamp is the SHA-256 of the
 *   rest of the same file, read in the same read as the source that is compiled, so a bundle and its key are never
 *   out of step (no second file, no half-installed pair); a rebuilt bundle with any other content has another stamp,
 *   hence another cache name, so a cache made for other source is never picked up; and only whoever can write the
 *   package's own file could make the stamp lie, who can equally change the code it runs (the package directory is
 *   trusted; the cache directory is the one checked below). A file without the stamp is hashed here as before.
 * - Under `$EKS_ACCESS_CODE_CACHE_DIR` or `~/.kube/cache/eks-access/code-cache`, read and written only through
 *   authenticator/token/private-file.ts: the directory must be the user's own and not writable by group or others
 *   (created 0700), the file is opened O_NOFOLLOW and checked (`fstat`: regular, ours, not writable by others) on the
 *   descriptor it is read from, and written 0600 through an O_EXCL temporary file of random name. Whoever can write the
 *   directory could plant a cache that runs as the user, so a refused directory or file is one warning on stderr and
 *   the module is compiled from source. `EKS_ACCESS_NO_CODE_CACHE=1` turns the cache off.
 * - Best effort: a missing, rejected or unwritable cache only costs the normal compile, never the command.
 */
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import Module, { createRequire as createRequireOfNodeModule } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { homeDirectory } from '../authenticator/token/home-dir';
import { privateDirectory, readPrivateFile, UnsafeCacheError, writePrivateFile } from '../authenticator/token/private-file';
import { sha256Hex } from '../authenticator/token/sha256-hex';
import { terminalSafe } from './commands/terminal-text';

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
  return env[CODE_CACHE_DIR_ENV] || join(homeDirectory(), '.kube', 'cache', 'eks-access', 'code-cache');
}

/**
 * node:module's `createRequire`, taken from the CommonJS loader's `Module` class, which a module Node's CommonJS loader
 * loaded is an instance of (Node lib/internal/modules/cjs/loader.js, `Module.createRequire`): requiring the public
 * node:module itself loads four more of Node's modules (the ES-module loader, source maps: lib/module.js), ~0.5 ms of
 * every `token` run, so the bundled entry has it only as a lazy stand-in (scripts/bundle-token.ts), used where a
 * module is not the loader's own (a test runner's registry).
 */
function createRequire(file: string): NodeJS.Require {
  const loader = module.constructor as Partial<typeof Module>;
  return typeof loader.createRequire === 'function' ? loader.createRequire(file) : createRequireOfNodeModule(file);
}

const cachePrefix = (file: string) => `${basename(file)}-`;

/** The bundler's first line: the SHA-256 (hex) of every byte after it. A comment, so the file compiles unchanged. */
const STAMP = /^\/\/ sha256:([0-9a-f]{64})\n/;
const STAMP_LENGTH = '// sha256:\n'.length + 64;

/** `source` with its SHA-256 stamped in a first line, as the token bundle is written (scripts/bundle-token.ts). */
export function stampSourceDigest(source: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`// sha256:${sha256Hex(source)}\n`), source]);
}

/** The SHA-256 of the source: the stamp of a stamped file (no hashing at run time), else computed. */
function sourceDigest(source: Buffer): string {
  return STAMP.exec(source.toString('latin1', 0, STAMP_LENGTH))?.[1] ?? sha256Hex(source);
}

function cacheFileFor(file: string, dir: string, source: Buffer): string {
  return join(dir, `${cachePrefix(file)}${process.version}-${process.arch}-${sourceDigest(source)}.v8cache`);
}

/** The cache file `requireWithCodeCache(file, dir)` reads and writes for the current contents of `file`. */
export function codeCacheFile(file: string, dir: string): string {
  return cacheFileFor(file, dir, readFileSync(file));
}

export interface CodeCacheOptions {
  /** Where a refused cache directory or file is reported. @default one `eks-access: warning:` line on stderr */
  readonly warn?: (message: string) => void;
}

const warnOnStderr = (message: string) => process.stderr.write(`eks-access: warning: code cache not used: ${terminalSafe(message)}\n`);

/** Removes the caches of earlier builds or Node versions of the same file. */
function removeStale(dir: string, prefix: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith(prefix) && name.endsWith('.v8cache') && name !== keep) unlinkSync(join(dir, name));
  }
}

/** `require(file)`, compiled from the code cache in `dir` when there is a valid one (`dir` undefined: no cache). */
export function requireWithCodeCache<T>(file: string, dir: string | undefined, opts: CodeCacheOptions = {}): LoadedModule<T> {
  const warn = opts.warn ?? warnOnStderr;
  const bytes = readFileSync(file);
  let cacheFile = dir === undefined ? undefined : cacheFileFor(file, dir, bytes);
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readPrivateFile(cacheFile);
    } catch (e) {
      if (e instanceof UnsafeCacheError) {
        warn(e.message);
        // A directory others may write is not used at all, not even written: what we wrote there could be swapped.
        if (e.path !== cacheFile) cacheFile = undefined;
      }
    }
  }
  const source = bytes.toString('utf8').replace(/^#!.*/, '');
  // The wrapper Node's CommonJS loader puts around a module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  const hit = cachedData !== undefined && !script.cachedDataRejected;
  return {
    exports: module.exports,
    cache: cacheFile === undefined ? 'off' : hit ? 'hit' : 'miss',
    saveCache(): CodeCacheOutcome {
      if (cacheFile === undefined || dir === undefined) return 'off';
      if (hit) return 'hit';
      try {
        writePrivateFile(cacheFile, script.createCachedData());
        removeStale(privateDirectory(dir), cachePrefix(file), basename(cacheFile));
        return 'written';
      } catch {
        return 'failed';
      }
    },
  };
}
