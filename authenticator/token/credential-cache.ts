/**
 * `--cache`: the reference's on-disk cache of the *base* AWS credentials
 * (https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/filecache/filecache.go), same file and
 * layout, so a profile whose own role assumption needs MFA is not prompted on every kubectl call.
 *
 * - File: `$AWS_IAM_AUTHENTICATOR_CACHE_FILE` or `~/.kube/cache/aws-iam-authenticator/credentials.yaml`; the
 *   directory is created 0700, a file with any group/other permission bit is refused, writes are 0600.
 * - The file holds secret keys, and the variable may point into a directory others can reach, so it is read and written
 *   only through private-file.ts: a directory not the user's own or writable by others, a symlink at the name, a file
 *   owned by someone else are each refused ({@link UnsafeCacheError}, with its rule id), and the write goes through an
 *   O_EXCL|O_NOFOLLOW temporary file of random name, so a symlink planted at any name never receives the secrets.
 * - Layout: `clusters: {<clusterId>: {<profile>: {<roleArn or "">: {accesskeyid, secretaccesskey, sessiontoken,
 *   source, canexpire, expires}}}}`.
 * - Only expiring credentials are cached; a cached one is used while unexpired.
 * - Difference: the reference locks with flock(2), which Node lacks; we use an exclusive `<file>.lock` (1 s timeout,
 *   250 ms retry, as the reference) and write through a temporary file renamed into place, so readers never see a
 *   half-written file even without the lock.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ANY_GROUP_OR_OTHER, privateDirectory, readPrivateFile, writePrivateFile } from './private-file';

export const CACHE_FILE_ENV = 'AWS_IAM_AUTHENTICATOR_CACHE_FILE';

export interface CredentialCacheOptions {
  readonly clusterId: string;
  /** @default $AWS_PROFILE or 'default' */
  readonly profile?: string;
  readonly roleArn?: string;
  /** @default $AWS_IAM_AUTHENTICATOR_CACHE_FILE or ~/.kube/cache/aws-iam-authenticator/credentials.yaml */
  readonly file?: string;
  /** Told when fresh credentials could not be written to the cache (they are returned all the same). @default ignore */
  readonly onWarning?: (message: string) => void;
  /** The clock a cached credential's expiry is compared with (tests inject one). @default Date.now */
  readonly now?: () => number;
}

interface CachedCredential {
  accesskeyid?: string;
  secretaccesskey?: string;
  sessiontoken?: string;
  source?: string;
  canexpire?: boolean;
  expires?: string;
}

type CacheFile = { clusters?: Record<string, Record<string, Record<string, CachedCredential>>> };

export function defaultCacheFile(): string {
  return process.env[CACHE_FILE_ENV] || path.join(os.homedir(), '.kube', 'cache', 'aws-iam-authenticator', 'credentials.yaml');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withLock<T>(file: string, fn: () => T): Promise<T | undefined> {
  const lock = `${file}.lock`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx', 0o600));
    } catch {
      await sleep(250);
      continue;
    }
    try {
      return fn();
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
  return undefined;
}

/** The parsed cache file ({} when there is none); throws for an unsafe or non-private file, or one that does not parse. */
function readCache(file: string): CacheFile {
  // Any group/other bit refuses the file, as the reference's "is not private" (pkg/filecache/filecache.go).
  const bytes = readPrivateFile(file, { forbiddenMode: ANY_GROUP_OR_OTHER });
  if (bytes === undefined) return {};
  try {
    return (parse(bytes.toString('utf8')) as CacheFile | null) ?? {};
  } catch (e) {
    throw new Error(`unable to parse file ${file}: ${(e as Error).message}`);
  }
}

function toIdentity(c: CachedCredential | undefined, now: number): AwsCredentialIdentity | undefined {
  if (!c?.accesskeyid || !c.secretaccesskey || !c.expires) return undefined;
  const expiration = new Date(c.expires);
  if (!(expiration.getTime() > now)) return undefined;
  return { accessKeyId: c.accesskeyid, secretAccessKey: c.secretaccesskey, sessionToken: c.sessiontoken || undefined, expiration };
}

/**
 * Wraps `provider` with the file cache. Throws (before any credential is fetched) if the cache directory or file is
 * refused (see above) or the file does not parse, as the reference refuses such a cache; the CLI then warns and signs
 * uncached, as the reference's `unable to use cache` (aws-iam-authenticator pkg/token/token.go).
 */
export async function cachedCredentialProvider(
  provider: AwsCredentialIdentityProvider,
  opts: CredentialCacheOptions,
): Promise<AwsCredentialIdentityProvider> {
  const file = opts.file ?? defaultCacheFile();
  const keys = [opts.clusterId, opts.profile ?? (process.env.AWS_PROFILE || 'default'), opts.roleArn ?? ''] as const;
  // Refused before the lock file is made in it: a directory others may write is not used at all.
  privateDirectory(path.dirname(file), { create: true });
  const cache = nameExists(file) ? await withLock(file, () => readCache(file)) : {};
  if (cache === undefined) throw new Error(`unable to read lock file ${file}`);
  const cached = toIdentity(cache.clusters?.[keys[0]]?.[keys[1]]?.[keys[2]], (opts.now ?? Date.now)());

  return async () => {
    if (cached) return cached;
    const fresh = await provider();
    if (!fresh.expiration) return fresh; // the reference caches only credentials that can expire
    try {
      await withLock(file, () => writeEntry(file, keys, fresh));
    } catch (e) {
      opts.onWarning?.((e as Error).message);
    }
    return fresh;
  };
}

/** Anything at the name, a symlink included (which readCache then refuses). */
function nameExists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function writeEntry(file: string, keys: readonly [string, string, string], fresh: AwsCredentialIdentity): void {
  // An unsafe directory is refused here again (it may have changed since the read), and nothing is written.
  privateDirectory(path.dirname(file));
  let current: CacheFile = {};
  try {
    current = readCache(file);
  } catch {
    // an unreadable cache is replaced, as the reference does on write
  }
  const clusters = (current.clusters ??= {});
  const byProfile = (clusters[keys[0]] ??= {});
  const byRole = (byProfile[keys[1]] ??= {});
  byRole[keys[2]] = {
    accesskeyid: fresh.accessKeyId,
    secretaccesskey: fresh.secretAccessKey,
    sessiontoken: fresh.sessionToken ?? '',
    source: 'eks-access',
    canexpire: true,
    expires: fresh.expiration!.toISOString(),
  };
  writePrivateFile(file, stringify(current));
}
