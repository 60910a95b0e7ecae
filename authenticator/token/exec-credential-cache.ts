/**
 * `eks-access token --cache-token`: an opt-in cache of the signed token itself, so that kubectl, which starts the exec
 * plugin for every command, gets a still-valid token back without resolving credentials or signing.
 *
 * - One file per key under `$EKS_ACCESS_TOKEN_CACHE_DIR` or `~/.kube/cache/eks-access/tokens` (directory 0700,
 *   files 0600, written to a temporary name and renamed, so a reader never sees half a file). The file name is the
 *   SHA-256 of the key; the file holds the token and its validity, never credentials.
 * - Key: cluster id, role, region and endpoint variant asked for, and the identity of the credentials as far as it can
 *   be known without resolving them (resolving is what the cache saves): the static AWS_* credential variables
 *   themselves, or the profile, the role / web-identity / container-credential settings and the size and mtime of the
 *   shared config and credentials files (a changed profile or `aws sso login` writing new keys gives a new key).
 * - Valid until the earlier of the token's expiration and the signing credentials' expiration, minus a margin
 *   (default 60 s), so a token handed to kubectl always outlives the request it is for.
 * - Anything unexpected in a file (unparsable, wrong shape, a group/other permission bit) is a miss, never an error:
 *   the token is then signed afresh and the file replaced.
 * - A token is a credential and the directory may be one the user pointed at, so files are read and written only
 *   through private-file.ts: a directory not the user's own or writable by others is neither read nor written (the CLI
 *   warns once, `cacheDirectoryProblem`), a symlink or a file someone else owns at the name is a miss (and is replaced
 *   by a rename, never written through), and writes go through an O_EXCL|O_NOFOLLOW temporary file of random name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { homeDirectory } from './home-dir';
import { ANY_GROUP_OR_OTHER, readPrivateFile, writePrivateFile } from './private-file';
import { sha256Hex } from './sha256-hex';

export const TOKEN_CACHE_DIR_ENV = 'EKS_ACCESS_TOKEN_CACHE_DIR';
export const DEFAULT_TOKEN_CACHE_MARGIN_MS = 60_000;
/** A token is under 2 KB (the webhook refuses over 16 KiB); a larger file is not ours. */
const MAX_ENTRY_BYTES = 64 * 1024;

/** What the token was asked for; every field changes the token, so every field is part of the key. */
export interface TokenCacheKey {
  readonly clusterId: string;
  /** As asked for (flag or environment); '' when left to the profile. */
  readonly region: string;
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly sessionName?: string;
  readonly forwardSessionName?: boolean;
  readonly useGlobalEndpoint?: boolean;
  readonly useFipsEndpoint?: boolean;
  readonly useDualstackEndpoint?: boolean;
}

export interface CachedToken {
  readonly token: string;
  /** The token's own expiration (the ExecCredential's expirationTimestamp). */
  readonly expiration: Date;
}

interface CacheEntry {
  readonly token: string;
  readonly expiration: string;
  /** min(token expiration, credentials expiration), ISO 8601. */
  readonly validUntil: string;
}

/** Environment variables that select or carry the signing credentials (the SDK default chain's inputs). */
const CREDENTIAL_ENV = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE',
  'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_EC2_METADATA_DISABLED',
  'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
] as const;

function fileStamp(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

/** The credentials' identity as far as the environment and the shared files tell it, without resolving them. */
export function credentialSourceIdentity(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = homeDirectory();
  return [
    ...CREDENTIAL_ENV.map((name) => `${name}=${env[name] ?? ''}`),
    `config=${fileStamp(env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'))}`,
    `credentials=${fileStamp(env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'))}`,
  ];
}

export function defaultTokenCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[TOKEN_CACHE_DIR_ENV] || path.join(homeDirectory(), '.kube', 'cache', 'eks-access', 'tokens');
}

/** The cache file of `key` for the credentials `identity` describes. */
export function tokenCacheFile(dir: string, key: TokenCacheKey, identity: readonly string[]): string {
  const material = JSON.stringify([
    key.clusterId, key.region, key.roleArn ?? '', key.externalId ?? '', key.sessionName ?? '', !!key.forwardSessionName,
    !!key.useGlobalEndpoint, !!key.useFipsEndpoint, !!key.useDualstackEndpoint, identity,
  ]);
  return path.join(dir, `${sha256Hex(material)}.json`);
}

/** The cached token, if the file is private, well-formed and valid for at least `marginMs` more. */
export function readCachedToken(file: string, now: Date = new Date(), marginMs = DEFAULT_TOKEN_CACHE_MARGIN_MS): CachedToken | undefined {
  let text: string;
  try {
    const bytes = readPrivateFile(file, { forbiddenMode: ANY_GROUP_OR_OTHER, maxBytes: MAX_ENTRY_BYTES });
    if (bytes === undefined) return undefined;
    text = bytes.toString('utf8');
  } catch {
    return undefined;
  }
  let entry: Partial<CacheEntry>;
  try {
    entry = JSON.parse(text) as Partial<CacheEntry>;
  } catch {
    return undefined;
  }
  if (typeof entry?.token !== 'string' || !entry.token.startsWith('k8s-aws-v1.')) return undefined;
  const expiration = new Date(String(entry.expiration));
  const validUntil = new Date(String(entry.validUntil));
  if (Number.isNaN(expiration.getTime()) || Number.isNaN(validUntil.getTime())) return undefined;
  if (Math.min(expiration.getTime(), validUntil.getTime()) - marginMs <= now.getTime()) return undefined;
  return { token: entry.token, expiration };
}

/**
 * Stores a freshly signed token; `credentialsExpiration` (when the signing credentials expire) bounds its validity.
 * Best effort: a cache that cannot be written costs the next call a signature, never this call its token.
 */
export function writeCachedToken(file: string, token: CachedToken, credentialsExpiration?: Date): void {
  const validUntil = new Date(Math.min(token.expiration.getTime(), credentialsExpiration?.getTime() ?? Number.POSITIVE_INFINITY));
  const entry: CacheEntry = { token: token.token, expiration: token.expiration.toISOString(), validUntil: validUntil.toISOString() };
  try {
    writePrivateFile(file, JSON.stringify(entry));
  } catch {
    // refused or unusable directory: nothing was written, nothing left behind
  }
}
