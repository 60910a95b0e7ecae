/**
 * `--cache`: the reference's on-disk cache of the *base* AWS credentials
 * (https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/filecache/filecache.go), same file and
 * layout, so a profile whose own role assumption needs MFA is not prompted on every kubectl call.
 *
 * - File: `$AWS_IAM_AUTHENTICATOR_CACHE_FILE` or `~/.kube/cache/aws-iam-authenticator/credentials.yaml`; the
 *   directory is created 0700, a file with any group/other permission bit is refused, writes are 0600.
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

export const CACHE_FILE_ENV = 'AWS_IAM_AUTHENTICATOR_CACHE_FILE';

export interface CredentialCacheOptions {
  readonly clusterId: string;
  /** @default $AWS_PROFILE or 'default' */
  readonly profile?: string;
  readonly roleArn?: string;
  /** @default $AWS_IAM_AUTHENTICATOR_CACHE_FILE or ~/.kube/cache/aws-iam-authenticator/credentials.yaml */
  readonly file?: string;
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

function readCache(file: string): CacheFile {
  if (!fs.existsSync(file)) return {};
  if ((fs.statSync(file).mode & 0o077) !== 0) throw new Error(`cache file ${file} is not private`);
  try {
    return (parse(fs.readFileSync(file, 'utf8')) as CacheFile | null) ?? {};
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
 * Wraps `provider` with the file cache. Throws (before any credential is fetched) if the cache file is not private
 * or does not parse, as the reference refuses such a cache.
 */
export async function cachedCredentialProvider(
  provider: AwsCredentialIdentityProvider,
  opts: CredentialCacheOptions,
): Promise<AwsCredentialIdentityProvider> {
  const file = opts.file ?? defaultCacheFile();
  const keys = [opts.clusterId, opts.profile ?? (process.env.AWS_PROFILE || 'default'), opts.roleArn ?? ''] as const;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const cache = fs.existsSync(file) ? await withLock(file, () => readCache(file)) : {};
  if (cache === undefined) throw new Error(`unable to read lock file ${file}`);
  const cached = toIdentity(cache.clusters?.[keys[0]]?.[keys[1]]?.[keys[2]], Date.now());

  return async () => {
    if (cached) return cached;
    const fresh = await provider();
    if (!fresh.expiration) return fresh; // the reference caches only credentials that can expire
    await withLock(file, () => {
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
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, stringify(current), { mode: 0o600 });
      fs.renameSync(tmp, file);
    });
    return fresh;
  };
}
