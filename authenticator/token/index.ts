/** Token generation and verification (reference: aws-iam-authenticator pkg/token). */
export { generateToken } from './generate';
export type { GenerateTokenOptions, GeneratedToken } from './generate';
export { verifyToken, TokenVerifier } from './verifier';
export type { VerifyOptions, VerifyCallOptions } from './verifier';
export type { ParsedToken } from './parse';
export { allowedStsHosts, stsHostForRegion, regionOfStsHost, GLOBAL_STS_HOST } from './hosts';
export type { StsEndpointVariant } from './hosts';
export {
  TOKEN_PREFIX,
  CLUSTER_ID_HEADER,
  TOKEN_LIFETIME_MS,
  DEFAULT_MAX_TOKEN_BYTES,
  DEFAULT_MAX_FUTURE_SKEW_SECONDS,
  DEFAULT_STS_TIMEOUT_MS,
} from './constants';
export { PARTITIONS, findPartition, partitionOfRegion } from '../partitions';
export type { PartitionInfo } from '../partitions';
export { StsClient } from './sts';
export type { StsClientOptions, CallerIdentity } from './sts';
export { formatExecCredential, execCredentialApiVersion, DEFAULT_EXEC_CREDENTIAL_API_VERSION } from './exec-credential';
export { cachedCredentialProvider, defaultCacheFile } from './credential-cache';
export type { CredentialCacheOptions } from './credential-cache';
