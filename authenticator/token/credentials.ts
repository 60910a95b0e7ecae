/**
 * Credentials for signing: the AWS SDK default chain, optionally exchanged for a role session. The SDK modules are
 * imported lazily: the common `eks-access token` path with env credentials should not load the whole STS client.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ConfigError } from '../errors';

export interface RoleOptions {
  readonly roleArn: string;
  readonly region: string;
  readonly externalId?: string;
  readonly sessionName?: string;
  /** Use the caller's own session name (second part of its STS UserId) for the role session. */
  readonly forwardSessionName?: boolean;
}

/**
 * The first link of the SDK default chain (credential-provider-node's `fromEnv`, skipped when AWS_PROFILE is set),
 * taken without loading the SDK: @aws-sdk/credential-providers costs ~100 ms of module loading, which kubectl would
 * pay on every `eks-access token` call with env credentials (bench/results/RESULTS.md, token CLI).
 */
function staticEnvCredentials(): AwsCredentialIdentity | undefined {
  const env = process.env;
  if (env.AWS_PROFILE || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
  };
}

/** Resolves given credentials, or the SDK default chain (env, shared files, SSO, process, web identity, IMDS). */
export async function resolveCredentials(
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): Promise<AwsCredentialIdentity> {
  if (typeof credentials === 'function') return credentials();
  if (credentials) return credentials;
  const fromEnv = staticEnvCredentials();
  if (fromEnv) return fromEnv;
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return fromNodeProviderChain()();
}

/** The STS client honours `AWS_ENDPOINT_URL_STS`, which is how tests point it at the local stand-in. */
async function stsClient(region: string, credentials: AwsCredentialIdentity) {
  const sts = await import('@aws-sdk/client-sts');
  return { sts, client: new sts.STSClient({ region, credentials }) };
}

async function forwardedSessionName(base: AwsCredentialIdentity, region: string): Promise<string | undefined> {
  const { sts, client } = await stsClient(region, base);
  try {
    const me = await client.send(new sts.GetCallerIdentityCommand({}));
    const parts = (me.UserId ?? '').split(':');
    return parts.length === 2 ? parts[1] : undefined;
  } finally {
    client.destroy();
  }
}

/** Exchanges `base` for a session of `role.roleArn` (reference: `stscreds.AssumeRoleProvider`). */
export async function assumeRole(base: AwsCredentialIdentity, role: RoleOptions): Promise<AwsCredentialIdentity> {
  if (role.forwardSessionName && role.sessionName) {
    throw ConfigError.argument('cannot specify both forwardSessionName and sessionName');
  }
  const sessionName =
    role.sessionName ??
    (role.forwardSessionName ? await forwardedSessionName(base, role.region) : undefined) ??
    `eks-access-${Date.now()}`;
  const { sts, client } = await stsClient(role.region, base);
  try {
    const out = await client.send(
      new sts.AssumeRoleCommand({ RoleArn: role.roleArn, RoleSessionName: sessionName, ExternalId: role.externalId }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${role.roleArn} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } finally {
    client.destroy();
  }
}
