/**
 * `eks-access token`: print an EKS bearer token as an ExecCredential, for a kubeconfig `users[].user.exec` block
 * (flags as aws-iam-authenticator's `token`, research §1.5). Modules are loaded lazily: kubectl runs this on every
 * call without a cached credential.
 */
import { parseFlags, UsageError } from './cli-flags';

const USAGE = `usage: eks-access token -i CLUSTER_ID [options]

  -i, --cluster-id ID         cluster the token is for (required; env KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID)
      --region REGION         region whose STS endpoint signs (default: AWS_REGION, the profile's region, us-east-1)
      --global-endpoint       sign for sts.amazonaws.com instead of the regional endpoint
  -r, --role ARN              assume this role first
  -e, --external-id ID        external id for the role assumption
  -s, --session-name NAME     role session name
      --forward-session-name  use the caller's own session name as the role session name
      --token-only            print the bare token instead of the ExecCredential JSON
      --cache                 cache the base AWS credentials in a private file (as aws-iam-authenticator does)
  -h, --help

FIPS and dual-stack endpoints follow AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT=true.
Exit codes: 0 ok, 1 could not get credentials or sign, 2 usage error.
`;

function parse(argv: string[]) {
  const values = parseFlags(argv, {
    'cluster-id': { type: 'string', short: 'i' },
    region: { type: 'string' },
    'global-endpoint': { type: 'boolean' },
    role: { type: 'string', short: 'r' },
    'external-id': { type: 'string', short: 'e' },
    'session-name': { type: 'string', short: 's' },
    'forward-session-name': { type: 'boolean' },
    'token-only': { type: 'boolean' },
    cache: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const clusterId = values['cluster-id'] ?? process.env.KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID;
  if (!values.help && !clusterId) throw new UsageError('cluster ID not specified (-i/--cluster-id)');
  if (values['session-name'] && values['forward-session-name']) {
    throw new UsageError('cannot specify both --forward-session-name and --session-name');
  }
  if ((values['session-name'] || values['forward-session-name'] || values['external-id']) && !values.role) {
    throw new UsageError('--session-name, --forward-session-name and --external-id need -r/--role');
  }
  return { ...values, clusterId: clusterId ?? '' };
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

export async function run(argv: string[]): Promise<number> {
  let opts: ReturnType<typeof parse>;
  try {
    opts = parse(argv);
  } catch (e) {
    process.stderr.write(`eks-access token: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // kubectl shows an exec plugin's stderr on every call: keep the SDK's Node-version notice out of it (the package's
  // own `engines` field states which Node versions we support).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    const { generateToken } = await import('../../authenticator/token/generate');
    const { formatExecCredential } = await import('../../authenticator/token/exec-credential');
    const region = await resolveRegion(opts.region);
    let credentials;
    if (opts.cache) {
      const { cachedCredentialProvider } = await import('../../authenticator/token/credential-cache');
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      credentials = await cachedCredentialProvider(fromNodeProviderChain(), { clusterId: opts.clusterId, roleArn: opts.role });
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
    const out = opts['token-only']
      ? generated.token
      : formatExecCredential(generated.token, generated.expiration, process.env.KUBERNETES_EXEC_INFO);
    process.stdout.write(`${out}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`eks-access token: ${(e as Error).message}\n`);
    return 1;
  }
}
