/**
 * The SigV4 presign of `GET https://<sts-host>/?Action=GetCallerIdentity&Version=2011-06-15` with the cluster id as
 * signed header, byte-compatible with aws-iam-authenticator (research §1.1, §1.2; golden vector in
 * test/conformance/token-golden-presign.json). The query string layout (sorted keys, Go `QueryEscape`, signature
 * last) is what the reference emits.
 *
 * Signed with node:crypto rather than @smithy/signature-v4: kubectl runs `eks-access token` on every call without a
 * cached credential, and loading @smithy/signature-v4 (which pulls in @smithy/core/serde) plus @aws-crypto/sha256-js
 * cost ~70 ms of module loading per process, half our wall time (bench/results/RESULTS.md, token CLI). This one
 * request shape is all we sign, so the general signer is not needed.
 */
import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentialIdentity } from '@smithy/types';
import { CLUSTER_ID_HEADER, PRESIGN_EXPIRES_SECONDS, STS_API_VERSION } from './constants';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SIGNED_HEADERS = `host;${CLUSTER_ID_HEADER}`;
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');

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

/** SigV4 URI encoding (RFC 3986 unreserved characters kept, everything else `%XX` upper case). */
function sigV4Escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** SigV4 canonical header value: trimmed, inner runs of whitespace collapsed to one space. */
function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Returns the presigned URL. */
export async function presignGetCallerIdentity(input: PresignInput): Promise<string> {
  const amzDate = input.signedAt.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/sts/aws4_request`;
  const query: Record<string, string> = {
    'Action': 'GetCallerIdentity',
    'Version': STS_API_VERSION,
    'X-Amz-Algorithm': ALGORITHM,
    'X-Amz-Credential': `${input.credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(PRESIGN_EXPIRES_SECONDS),
    'X-Amz-SignedHeaders': SIGNED_HEADERS,
  };
  if (input.credentials.sessionToken) query['X-Amz-Security-Token'] = input.credentials.sessionToken;
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${sigV4Escape(k)}=${sigV4Escape(query[k])}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    '/',
    canonicalQuery,
    `host:${canonicalHeaderValue(input.host.toLowerCase())}`,
    `${CLUSTER_ID_HEADER}:${canonicalHeaderValue(input.clusterId)}`,
    '',
    SIGNED_HEADERS,
    EMPTY_BODY_SHA256,
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${input.credentials.secretAccessKey}`, day), input.region), 'sts'), 'aws4_request');
  query['X-Amz-Signature'] = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `https://${input.host}/?${encodeQuery(query)}`;
}
