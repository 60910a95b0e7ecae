/**
 * The SigV4 presign of `GET https://<sts-host>/?Action=GetCallerIdentity&Version=2011-06-15` with the cluster id as
 * signed header, byte-compatible with aws-iam-authenticator
 * (https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token.go; golden vector in
 * test/conformance/token-golden-presign.json). Signing is @smithy/signature-v4's; only the final query string layout
 * (sorted keys, Go `QueryEscape`, signature last) is ours, because that is what the reference emits. The SHA-256 is the
 * SDK's node:crypto-backed `@smithy/hash-node` (what the SDK itself uses on Node). The `eks-access token` bundle puts
 * the pure-JS `@aws-crypto/sha256-js` in its place (scripts/bundle-token.ts): there, on kubectl's hot path, loading
 * node:crypto costs more than hashing a few hundred bytes in JavaScript (bench/results/RESULTS.md, token CLI).
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';
import type { AwsCredentialIdentity } from '@smithy/types';
import { CLUSTER_ID_HEADER, PRESIGN_EXPIRES_SECONDS, STS_API_VERSION } from './constants';

export interface PresignInput {
  readonly host: string;
  /** Signing region (`us-east-1` for the global endpoint). */
  readonly region: string;
  readonly clusterId: string;
  readonly credentials: AwsCredentialIdentity;
  readonly signedAt: Date;
}

/** Go `url.QueryEscape`: everything but `A-Za-z0-9-_.~` is `%XX` (upper case), space is `+`. */
export function goQueryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Go `url.Values.Encode` order (keys sorted), with `X-Amz-Signature` moved last as the reference's SDK does. */
function encodeQuery(query: Record<string, string | string[] | null>): string {
  const keys = Object.keys(query).filter((k) => k !== 'X-Amz-Signature').sort();
  return [...keys, 'X-Amz-Signature']
    .map((k) => `${goQueryEscape(k)}=${goQueryEscape(String(query[k]))}`)
    .join('&');
}

/** SHA-256 (and HMAC-SHA-256 when given a key) on node:crypto, in the shape SignatureV4 expects. */
const Sha256Node = Hash.bind(null, 'sha256');

/** Returns the presigned URL. */
export async function presignGetCallerIdentity(input: PresignInput): Promise<string> {
  const signer = new SignatureV4({ service: 'sts', region: input.region, credentials: input.credentials, sha256: Sha256Node });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname: input.host,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: STS_API_VERSION },
    headers: { host: input.host, [CLUSTER_ID_HEADER]: input.clusterId },
  });
  const signed = await signer.presign(request, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: input.signedAt });
  return `https://${input.host}/?${encodeQuery(signed.query ?? {})}`;
}
