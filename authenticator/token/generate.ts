/**
 * `generateToken`: credentials → presigned GetCallerIdentity → `k8s-aws-v1.` token (as
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token.go).
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { partitionOfRegion, REGION_SYNTAX } from '../partitions';
import { GLOBAL_STS_HOST, stsHostForRegion } from './hosts';
import { presignGetCallerIdentity } from './presign';
import { assumeRole, resolveCredentials } from './credentials';
import { encodeBase64Url } from './base64url';
import { TOKEN_LIFETIME_MS, TOKEN_PREFIX } from './constants';
import { ConfigError } from '../errors';

export interface GenerateTokenOptions {
  /** The cluster id the token is for (signed as `x-k8s-aws-id`). */
  readonly clusterId: string;
  /** Region whose STS endpoint signs. @default AWS_REGION, AWS_DEFAULT_REGION, then 'us-east-1' */
  readonly region?: string;
  /** Sign for `sts.amazonaws.com` (signing region us-east-1) instead of the regional endpoint. @default false */
  readonly useGlobalEndpoint?: boolean;
  /** Sign for the FIPS endpoint `sts-fips.<region>.…`. @default false */
  readonly useFipsEndpoint?: boolean;
  /** Sign for the dual-stack endpoint `sts.<region>.api.aws` (or the partition's). @default false */
  readonly useDualstackEndpoint?: boolean;
  /** @default the AWS SDK default credential chain */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Role to assume with the base credentials before signing. */
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly sessionName?: string;
  /** Name the role session after the caller's own session (mutually exclusive with `sessionName`). */
  readonly forwardSessionName?: boolean;
  /** Signing time, for tests. @default new Date() */
  readonly now?: Date;
}

export interface GeneratedToken {
  readonly token: string;
  /** Signing time + 14 minutes (STS honours 15; one is cushion). */
  readonly expiration: Date;
  readonly signedAt: Date;
  readonly stsHost: string;
  /** When the signing credentials expire, if they do (STS refuses the token after that even before `expiration`). */
  readonly credentialsExpiration?: Date;
}

function defaultRegion(): string {
  return process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
}

function checkOptions(opts: GenerateTokenOptions, region: string): void {
  if (typeof opts.clusterId !== 'string' || opts.clusterId === '') throw ConfigError.argument('ClusterID is required');
  if (!REGION_SYNTAX.test(region)) throw ConfigError.argument(`region ${JSON.stringify(region)} is not a valid region identifier`);
  if (opts.sessionName && opts.forwardSessionName) {
    throw ConfigError.argument('cannot specify both forwardSessionName and sessionName');
  }
  if ((opts.externalId || opts.sessionName || opts.forwardSessionName) && !opts.roleArn) {
    throw ConfigError.argument('externalId, sessionName and forwardSessionName need roleArn');
  }
  if (opts.useGlobalEndpoint && (opts.useFipsEndpoint || opts.useDualstackEndpoint)) {
    throw ConfigError.argument('useGlobalEndpoint cannot be combined with useFipsEndpoint or useDualstackEndpoint');
  }
  if (opts.useGlobalEndpoint && partitionOfRegion(region).id !== 'aws') {
    throw ConfigError.argument(`useGlobalEndpoint: the global STS endpoint exists only in partition aws, not for region ${region}`);
  }
}

export async function generateToken(opts: GenerateTokenOptions): Promise<GeneratedToken> {
  const region = opts.region || defaultRegion();
  checkOptions(opts, region);
  const stsHost = opts.useGlobalEndpoint
    ? GLOBAL_STS_HOST
    : stsHostForRegion(region, { fips: opts.useFipsEndpoint, dualStack: opts.useDualstackEndpoint });
  const base = await resolveCredentials(opts.credentials);
  const credentials = opts.roleArn
    ? await assumeRole(base, {
        roleArn: opts.roleArn,
        region,
        externalId: opts.externalId,
        sessionName: opts.sessionName,
        forwardSessionName: opts.forwardSessionName,
      })
    : base;
  // Whole seconds: X-Amz-Date has second precision, and expiration must derive from the same instant.
  const signedAt = new Date(Math.floor((opts.now ?? new Date()).getTime() / 1000) * 1000);
  const url = await presignGetCallerIdentity({
    host: stsHost,
    region: opts.useGlobalEndpoint ? 'us-east-1' : region,
    clusterId: opts.clusterId,
    credentials,
    signedAt,
  });
  return {
    token: TOKEN_PREFIX + encodeBase64Url(url),
    expiration: new Date(signedAt.getTime() + TOKEN_LIFETIME_MS),
    signedAt,
    stsHost,
    credentialsExpiration: credentials.expiration,
  };
}
