/**
 * Bench-only: the webhook benchmark needs ~10⁵ distinct real tokens (one per request, unique-token runs of 10 s at
 * thousands of req/s), and the SDK signer (@smithy/signature-v4) makes ~1.5k per second here. This is the same SigV4
 * presign of `GET /?Action=GetCallerIdentity&Version=2011-06-15` on node:crypto (AWS SigV4 query-string signing,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), and `selfCheck()` proves it
 * byte-identical to `generateToken()` before a benchmark uses it. The product keeps the SDK signer.
 */
import { createHash, createHmac } from 'node:crypto';
import { generateToken } from '../../authenticator/token';
import { encodeBase64Url } from '../../authenticator/token/base64url';
import { CLUSTER_ID_HEADER, PRESIGN_EXPIRES_SECONDS, STS_API_VERSION, TOKEN_PREFIX } from '../../authenticator/token/constants';
import { goQueryEscape } from '../../authenticator/token/presign';

/** The presigned GetCallerIdentity URL a token carries (no validation: for tokens a benchmark made or mutates). */
export function presignedUrlOf(token: string): URL {
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}

export interface FastCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** SHA-256 of the empty body: the SDK presigns GET with the payload hash, not UNSIGNED-PAYLOAD. */
const EMPTY_PAYLOAD_SHA256 = createHash('sha256').update('').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

export class FastPresigner {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly clusterId: string, private readonly region = 'us-east-1') {}

  token(credentials: FastCredentials, signedAt: Date): string {
    const host = `sts.${this.region}.amazonaws.com`;
    const amzDate = signedAt.toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${this.region}/sts/aws4_request`;
    const signedHeaders = `host;${CLUSTER_ID_HEADER}`;
    const query: Array<[string, string]> = [
      ['Action', 'GetCallerIdentity'],
      ['Version', STS_API_VERSION],
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
      ['X-Amz-Date', amzDate],
      ['X-Amz-Expires', String(PRESIGN_EXPIRES_SECONDS)],
      ['X-Amz-SignedHeaders', signedHeaders],
    ];
    // The names and values here only hold characters on which SigV4's and Go's query escaping agree.
    const canonicalQuery = query.map(([k, v]) => `${goQueryEscape(k)}=${goQueryEscape(v)}`).join('&');
    const canonicalRequest = `GET\n/\n${canonicalQuery}\nhost:${host}\n${CLUSTER_ID_HEADER}:${this.clusterId}\n\n${signedHeaders}\n${EMPTY_PAYLOAD_SHA256}`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', this.signingKey(credentials, day)).update(stringToSign).digest('hex');
    return TOKEN_PREFIX + encodeBase64Url(`https://${host}/?${canonicalQuery}&X-Amz-Signature=${signature}`);
  }

  /** Throws unless this signer's token equals the product's for the same input. */
  async selfCheck(credentials: FastCredentials): Promise<void> {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const expected = (await generateToken({ clusterId: this.clusterId, region: this.region, credentials, now })).token;
    if (this.token(credentials, now) !== expected) throw new Error('bench: FastPresigner differs from generateToken(); fix bench/lib/fast-presign.ts');
  }

  private signingKey(credentials: FastCredentials, day: string): Buffer {
    const id = `${credentials.accessKeyId}/${day}`;
    let key = this.keys.get(id);
    if (!key) {
      key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), this.region), 'sts'), 'aws4_request');
      this.keys.set(id, key);
    }
    return key;
  }
}
