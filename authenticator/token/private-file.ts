/**
 * The one way the CLI's caches touch the disk (the `--cache` credentials file, the `--cache-token` files, the V8 code
 * cache): a cache may live in a directory the user pointed us at, and whoever else can write there is an attacker.
 *
 * - Directory: used only if it is a directory owned by the current user and not writable by group or others (the
 *   rule OpenSSH applies to `~/.ssh`, and for the same reason: whoever can write a directory can swap the files in it).
 *   It is resolved once (`realpath`) and every file is then addressed under the resolved path. A missing directory is
 *   created 0700. A refused directory is an {@link UnsafeCacheError}; callers warn and carry on uncached.
 * - Read: `open(O_RDONLY|O_NOFOLLOW|O_NONBLOCK)`, `fstat` and read **through the same descriptor**, so what is checked
 *   is what is read (an `lstat` then a read by path leaves a window to swap the file). O_NOFOLLOW refuses a symlink at
 *   the name (open(2): ELOOP); O_NONBLOCK keeps a FIFO planted there from blocking the open. The file must be a regular
 *   file owned by the user with none of `forbiddenMode`'s bits (group/other write by default), and not larger than
 *   `maxBytes`.
 * - Write: a temporary file with a random name in the target directory, created `O_CREAT|O_EXCL|O_NOFOLLOW` mode 0600
 *   (O_EXCL fails on any existing name, a symlink included, so nothing planted is ever written through), written,
 *   fsync'ed and renamed over the target (rename(2) replaces a symlink at the target instead of following it).
 *
 * Where `O_NOFOLLOW` does not exist (Windows) the flag is 0 and the ownership check is skipped (no `getuid`): those
 * systems guard a user's profile directory by ACL instead.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync, constants, fchmodSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, Stats, writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A cache directory another user could write (or not ours) was refused. */
export const CACHE_DIR_RULE = 'eks-access:cache-dir-not-private';
/** A cache file that is a symlink, not a regular file, not ours, or open to others was refused. */
export const CACHE_FILE_RULE = 'eks-access:cache-file-not-private';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL } = constants;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Group- or other-writable: someone else could change it. */
export const WRITABLE_BY_OTHERS = 0o022;
/** Any group or other permission: the reference's "not private" (aws-iam-authenticator pkg/filecache/filecache.go). */
export const ANY_GROUP_OR_OTHER = 0o077;
/** Larger than any cache we write (a V8 code cache of the token bundle is a few MB). */
export const DEFAULT_MAX_CACHE_FILE_BYTES = 64 * 1024 * 1024;

/** Why a cache directory or file was not used: names the path and what would be accepted; ends with the rule id. */
export class UnsafeCacheError extends Error {
  constructor(public readonly ruleId: string, public readonly path: string, public readonly detail: string) {
    super(`${path}: ${detail} [${ruleId}]`);
    this.name = 'UnsafeCacheError';
  }
}

const currentUid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);
const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

function ownershipProblem(st: Stats, forbiddenMode: number, what: string, valid: string): string | undefined {
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid) return `${what} is owned by uid ${st.uid}, not by the current user (uid ${uid})`;
  if ((st.mode & forbiddenMode) !== 0) return `${what} is not private: mode ${octal(st.mode)} has some of the bits ${octal(forbiddenMode)} (${valid})`;
  return undefined;
}

/**
 * The cache directory `dir`, resolved, after checking it (created 0700 first when `create` and missing).
 * Throws {@link UnsafeCacheError} when it is not the user's own or others may write it.
 */
export function privateDirectory(dir: string, opts: { create?: boolean } = {}): string {
  if (opts.create) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const resolved = realpathSync(dir);
  const st = statSync(resolved);
  if (!st.isDirectory()) throw new UnsafeCacheError(CACHE_DIR_RULE, dir, 'the cache directory is not a directory');
  const problem = ownershipProblem(st, WRITABLE_BY_OTHERS, 'the cache directory', 'use a directory of your own, mode 0700');
  if (problem) throw new UnsafeCacheError(CACHE_DIR_RULE, dir, `${problem}; another user could replace the cache files in it`);
  return resolved;
}

export interface PrivateReadOptions {
  /** Permission bits the file must not have. @default WRITABLE_BY_OTHERS */
  readonly forbiddenMode?: number;
  /** @default DEFAULT_MAX_CACHE_FILE_BYTES */
  readonly maxBytes?: number;
}

/**
 * The bytes of the cache file `file` (in a directory that passes {@link privateDirectory}), or undefined when there is
 * no such file. Throws {@link UnsafeCacheError} for a file that is a symlink, not regular, not ours, has a forbidden
 * mode bit or is too large, and for an unsafe directory.
 */
export function readPrivateFile(file: string, opts: PrivateReadOptions = {}): Buffer | undefined {
  const dir = privateDirectoryIfExists(dirname(file));
  if (dir === undefined) return undefined;
  const target = join(dir, basename(file));
  let fd: number;
  try {
    fd = openSync(target, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // Linux and macOS say ELOOP for a symlink under O_NOFOLLOW; FreeBSD says EMLINK (open(2)).
    if (code === 'ELOOP' || code === 'EMLINK') throw new UnsafeCacheError(CACHE_FILE_RULE, file, 'the cache file is a symbolic link; only a regular file is used');
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnsafeCacheError(CACHE_FILE_RULE, file, 'the cache file is not a regular file');
    const problem = ownershipProblem(st, opts.forbiddenMode ?? WRITABLE_BY_OTHERS, 'the cache file', 'mode 0600 is what we write');
    if (problem) throw new UnsafeCacheError(CACHE_FILE_RULE, file, problem);
    const max = opts.maxBytes ?? DEFAULT_MAX_CACHE_FILE_BYTES;
    if (st.size > max) throw new UnsafeCacheError(CACHE_FILE_RULE, file, `the cache file has ${st.size} bytes, more than the ${max} a cache file may have`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The refusal of the cache directory `dir`, if it exists and is refused (a missing one is created safely later). */
export function cacheDirectoryProblem(dir: string): UnsafeCacheError | undefined {
  try {
    privateDirectoryIfExists(dir);
    return undefined;
  } catch (e) {
    if (e instanceof UnsafeCacheError) return e;
    return undefined; // unreadable for another reason: the read or write that follows fails and is a miss
  }
}

function privateDirectoryIfExists(dir: string): string | undefined {
  try {
    return privateDirectory(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Replaces `file` with `data` (mode 0600) through a temporary file of random name created O_EXCL|O_NOFOLLOW in the same
 * directory, renamed into place. Creates the directory 0700 if missing; throws {@link UnsafeCacheError} for an unsafe
 * one, and the file system's error otherwise (nothing is left behind).
 */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  const dir = privateDirectory(dirname(file), { create: true });
  const target = join(dir, basename(file));
  const tmp = join(dir, `.${basename(file)}.${randomBytes(12).toString('hex')}.tmp`);
  const fd = openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    try {
      // The umask may only have removed bits; set exactly 0600 on what we created (not on a path).
      fchmodSync(fd, 0o600);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
