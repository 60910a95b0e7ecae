/**
 * `eks-access token`: print an EKS bearer token as an ExecCredential, for a kubeconfig `users[].user.exec` block (flags
 * as aws-iam-authenticator's `token`,
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/cmd/aws-iam-authenticator/token.go). Modules
 * are loaded lazily: kubectl runs this on every call without a cached credential.
 */
import { CliError, UsageError } from './cli-flags';
import { EXIT } from './exit-codes';
import { ParsedFlags, errorType, strictCommand } from './command-frame';
import { CommandHelp, HELP_FLAG, errorLine } from './help';
import { terminalSafe } from './terminal-text';
import { writeStdoutSync } from '../closed-pipe';

export const OPTIONS = {
  'cluster-id': { type: 'string', short: 'i' },
  region: { type: 'string' },
  'global-endpoint': { type: 'boolean' },
  role: { type: 'string', short: 'r' },
  'external-id': { type: 'string', short: 'e' },
  'session-name': { type: 'string', short: 's' },
  'forward-session-name': { type: 'boolean' },
  'token-only': { type: 'boolean' },
  cache: { type: 'boolean' },
  'cache-token': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const HELP: CommandHelp = {
  name: 'token',
  synopsis: '-i CLUSTER_ID [options]',
  summary: 'Print an EKS bearer token as an ExecCredential (kubeconfig exec plugin), byte-compatible with aws eks get-token.',
  flags: [
    { name: 'cluster-id', short: 'i', value: 'ID', required: true, meaning: 'cluster the token is for (or env KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID)' },
    { name: 'region', value: 'REGION', default: "AWS_REGION / AWS_DEFAULT_REGION, the profile's region, us-east-1", meaning: 'region whose STS endpoint signs' },
    { name: 'global-endpoint', meaning: 'sign for sts.amazonaws.com instead of the regional endpoint' },
    { name: 'role', short: 'r', value: 'ARN', default: 'none: the caller itself', meaning: 'assume this role first' },
    { name: 'external-id', short: 'e', value: 'ID', default: 'none', meaning: 'external id for the role assumption' },
    { name: 'session-name', short: 's', value: 'NAME', default: "the AWS SDK's generated session name", meaning: 'role session name' },
    { name: 'forward-session-name', meaning: "use the caller's own session name as the role session name" },
    { name: 'token-only', meaning: 'print the bare token instead of the ExecCredential JSON' },
    { name: 'cache', meaning: 'cache the base AWS credentials in a private file (as aws-iam-authenticator does)' },
    { name: 'cache-token', meaning: "reuse this command's own earlier token while it stays valid (private file per cluster, role, region and credentials under EKS_ACCESS_TOKEN_CACHE_DIR, default ~/.kube/cache/eks-access/tokens)" },
    HELP_FLAG,
  ],
  notes: `FIPS and dual-stack endpoints follow AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT=true.
No -o/--output: the output is the ExecCredential JSON kubectl reads (client.authentication.k8s.io), or the bare token.
Exit codes: 0 ok, 1 could not get credentials or sign, 2 usage error.`,
};

function checked(values: ParsedFlags<typeof OPTIONS, false>['values']) {
  const clusterId = values['cluster-id'] ?? process.env.KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID;
  if (!clusterId) throw new UsageError('cluster ID not specified (-i/--cluster-id)');
  if (values['session-name'] && values['forward-session-name']) {
    throw new UsageError('cannot specify both --forward-session-name and --session-name');
  }
  if ((values['session-name'] || values['forward-session-name'] || values['external-id']) && !values.role) {
    throw new UsageError('--session-name, --forward-session-name and --external-id need -r/--role');
  }
  return { ...values, clusterId };
}

/** Region as the AWS SDK resolves it (env, then the shared config profile), else us-east-1 as the reference. */
async function resolveRegion(flag: string | undefined): Promise<string> {
  const fromEnv = flag || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  const { STSClient } = await import('@aws-sdk/client-sts');
  const client = new STSClient({});
  try {
    return await client.config.region();
  } catch {
    return 'us-east-1';
  } finally {
    client.destroy();
  }
}

const envFlag = (name: string) => (process.env[name] ?? '').toLowerCase() === 'true';

/** A cache that cannot be used safely costs one line on stderr and the cache, never the token. */
const warnCacheUnusable = (message: string) => process.stderr.write(errorLine(HELP.name, `warning: unable to use cache: ${terminalSafe(message)}`));

/**
 * The `--cache-token` file of this invocation (authenticator/token/exec-credential-cache.ts says what keys it), or
 * undefined, after one warning, when its directory is refused (authenticator/token/private-file.ts).
 */
async function tokenCacheFor(opts: ReturnType<typeof checked>) {
  const cache = await import('../../authenticator/token/exec-credential-cache');
  const { cacheDirectoryProblem } = await import('../../authenticator/token/private-file');
  const dir = cache.defaultTokenCacheDir();
  const problem = cacheDirectoryProblem(dir);
  if (problem) {
    warnCacheUnusable(problem.message);
    return undefined;
  }
  const file = cache.tokenCacheFile(dir, {
    clusterId: opts.clusterId,
    region: opts.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || '',
    roleArn: opts.role,
    externalId: opts['external-id'],
    sessionName: opts['session-name'],
    forwardSessionName: opts['forward-session-name'],
    useGlobalEndpoint: opts['global-endpoint'],
    useFipsEndpoint: envFlag('AWS_USE_FIPS_ENDPOINT'),
    useDualstackEndpoint: envFlag('AWS_USE_DUALSTACK_ENDPOINT'),
  }, cache.credentialSourceIdentity());
  return {
    read: () => cache.readCachedToken(file),
    write: (token: { token: string; expiration: Date }, credentialsExpiration?: Date) => cache.writeCachedToken(file, token, credentialsExpiration),
  };
}

export const run = strictCommand(HELP, OPTIONS, { allowPositionals: false }, async ({ values }) => {
  const opts = checked(values);
  // kubectl shows an exec plugin's stderr on every call: keep the SDK's Node-version notice out of it (the package's
  // own `engines` field states which Node versions we support).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    const { formatExecCredential } = await import('../../authenticator/token/exec-credential');
    const print = (token: string, expiration: Date) =>
      writeStdoutSync(`${opts['token-only'] ? token : formatExecCredential(token, expiration, process.env.KUBERNETES_EXEC_INFO)}\n`);
    const tokenCache = opts['cache-token'] ? await tokenCacheFor(opts) : undefined;
    const hit = tokenCache?.read();
    if (hit) {
      print(hit.token, hit.expiration);
      return 0;
    }
    const { generateToken } = await import('../../authenticator/token/generate');
    const region = await resolveRegion(opts.region);
    let credentials;
    if (opts.cache) {
      const { cachedCredentialProvider } = await import('../../authenticator/token/credential-cache');
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      const chain = fromNodeProviderChain();
      try {
        credentials = await cachedCredentialProvider(chain, { clusterId: opts.clusterId, roleArn: opts.role, onWarning: warnCacheUnusable });
      } catch (e) {
        // As the reference: "unable to use cache: …" on stderr, then sign uncached (aws-iam-authenticator pkg/token/token.go).
        warnCacheUnusable((e as Error).message);
        credentials = chain;
      }
    }
    const generated = await generateToken({
      clusterId: opts.clusterId,
      region,
      useGlobalEndpoint: opts['global-endpoint'],
      useFipsEndpoint: envFlag('AWS_USE_FIPS_ENDPOINT'),
      useDualstackEndpoint: envFlag('AWS_USE_DUALSTACK_ENDPOINT'),
      credentials,
      roleArn: opts.role,
      externalId: opts['external-id'],
      sessionName: opts['session-name'],
      forwardSessionName: opts['forward-session-name'],
    });
    tokenCache?.write(generated, generated.credentialsExpiration);
    print(generated.token, generated.expiration);
    return 0;
  } catch (e) {
    // No token: exit 1 (the policy's negative answer; kubectl only needs non-zero), typed for the error line's reader.
    const type = errorType(e);
    throw new CliError(type === 'CommandError' ? 'TokenError' : type, (e as Error).message, EXIT.negative);
  }
});
