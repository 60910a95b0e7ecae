/**
 * Seeded generator of fuzz cases for the TokenReview webhook: valid reviews, valid tokens mutated at the byte and at
 * the URL level (hosts, schemes, paths, twin/missing/odd parameters, dates, signatures), generated tokens, and
 * mutated TokenReview bodies (types, versions, nesting, encodings). Each case says which accept would be legitimate:
 * only one whose presigned request is, parameter for parameter, a genuinely signed one of a mapped user.
 */
import { TOKEN_PREFIX } from '../../authenticator/token/constants';
import { presignedUrlOf } from '../lib/fast-presign';
import { prng } from '../lib/prng';

export type CaseKind = 'valid' | 'mutated-token' | 'url-mutation' | 'generated-token' | 'mutated-body';


export interface FuzzCase {
  readonly kind: CaseKind;
  readonly mutation: string;
  readonly body: string | Buffer;
}

/** A valid token and the username the mapping gives its signer. */
export interface SignedToken {
  readonly token: string;
  readonly username: string;
}


/** The presigned request a token stands for, in a form that ignores parameter order and encoding variants. */
export function canonicalRequest(token: string): string | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const url = presignedUrlOf(token);
    const params = [...url.searchParams.entries()].map(([k, v]) => `${k}=${v}`).sort();
    return `${url.protocol}//${url.host}${url.pathname}?${params.join('&')}`;
  } catch {
    return undefined;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HOSTS = [
  'evil.example.com', 'sts.amazonaws.com.evil.example.com', 'sts.us-east-1.amazonaws.com@evil.example.com',
  'evil.example.com#sts.us-east-1.amazonaws.com', '127.0.0.1', '169.254.169.254', '[::1]', '10.0.0.1',
  'sts.us-east-1.amazonaws.com:444', 'sts.us-east-1.amazonaws.com.', 'STS.US-EAST-1.AMAZONAWS.COM',
  'sts.moon-1.amazonaws.com', 'sts.cn-north-1.amazonaws.com.cn', 'sts.us-gov-west-1.amazonaws.com', 'sts.amazonaws.com',
  'ѕts.us-east-1.amazonaws.com', 'sts.us-east-1.amazonaws.com%2F@evil.example.com', 'localhost', 'sts-fips.us-east-1.amazonaws.com',
];
const JUNK = ['', ' ', '\u0000', '%', '%00', '%2F', '..', '\r\n', '"', '\\', '\u202e', '😀', '&', '=', '?', '#', '\uFFFF'];

export class FuzzCases {
  private readonly rand: () => number;
  private tokens: readonly SignedToken[] = [];

  constructor(seed: number, private readonly clusterId: string) {
    this.rand = prng(seed);
  }

  /** Fresh valid tokens to mutate (presigned requests expire: the caller refreshes them during a long run). */
  useTokens(tokens: readonly SignedToken[]): void {
    this.tokens = tokens;
  }

  next(): FuzzCase {
    const r = this.rand();
    if (r < 0.01) return { kind: 'valid', mutation: 'none', body: review(this.pick(this.tokens).token) };
    if (r < 0.35) return this.mutatedToken();
    if (r < 0.47) return this.urlMutation();
    if (r < 0.70) return this.generatedToken();
    return this.mutatedBody();
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  private randomString(max: number, alphabet?: string): string {
    const len = this.int(max + 1);
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet ? alphabet[this.int(alphabet.length)] : String.fromCharCode(this.int(this.rand() < 0.9 ? 128 : 0x10000));
    return s;
  }

  private mutatedToken(): FuzzCase {
    const t = this.pick(this.tokens).token;
    const at = this.int(t.length);
    const ops: Array<[string, () => string]> = [
      ['flip-char', () => t.slice(0, at) + B64[this.int(64)] + t.slice(at + 1)],
      ['delete-range', () => t.slice(0, at) + t.slice(at + 1 + this.int(20))],
      ['insert-junk', () => t.slice(0, at) + this.pick(JUNK) + this.randomString(8) + t.slice(at)],
      ['truncate', () => t.slice(0, at)],
      ['duplicate', () => t + t.slice(TOKEN_PREFIX.length)],
      ['prefix', () => this.pick(['k8s-aws-v2.', 'K8S-AWS-V1.', 'k8s-aws-v1', '', 'Bearer k8s-aws-v1.', ' k8s-aws-v1.']) + t.slice(TOKEN_PREFIX.length)],
      ['padding', () => t + this.pick(['=', '==', ' ', '\n', '\u0000', '.'])],
      ['oversize', () => t + 'A'.repeat(16384 + this.int(60000))],
      ['std-base64', () => TOKEN_PREFIX + Buffer.from(t.slice(TOKEN_PREFIX.length), 'base64url').toString('base64')],
      ['case', () => t.slice(0, at) + t.slice(at).toUpperCase()],
    ];
    const [mutation, op] = this.pick(ops);
    return { kind: 'mutated-token', mutation, body: review(op()) };
  }

  private urlMutation(): FuzzCase {
    const t = this.pick(this.tokens).token;
    const url = Buffer.from(t.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8');
    const [base, query = ''] = url.split('?', 2);
    const params = query.split('&');
    const i = this.int(params.length);
    const amzDate = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const ops: Array<[string, () => string]> = [
      ['host', () => url.replace(/^https:\/\/[^/]+/, `https://${this.pick(HOSTS)}`)],
      ['scheme', () => url.replace(/^https:/, this.pick(['http:', 'ftp:', '', 'https:/', 'HTTPS:', 'file:']))],
      ['path', () => `${base.replace(/\/$/, '')}${this.pick(['/evil', '//evil.example.com/', '/..%2f', '/%2e%2e/', '/?', '/x/..'])}?${query}`],
      ['twin-param', () => `${url}&${params[i]}`],
      ['twin-param-case', () => `${url}&${params[i].replace(/^[^=]+/, (k) => k.toLowerCase())}`],
      ['drop-param', () => `${base}?${params.filter((_, j) => j !== i).join('&')}`],
      ['action', () => url.replace(/Action=GetCallerIdentity/, `Action=${this.pick(['AssumeRole', 'GetSessionToken', 'getcalleridentity', ''])}`)],
      ['date-far', () => url.replace(/X-Amz-Date=[^&]+/, `X-Amz-Date=${this.pick([amzDate(3600_000), amzDate(-3600_000), '2020', 'garbage', ''])}`)],
      ['expires', () => url.replace(/X-Amz-Expires=[^&]+/, `X-Amz-Expires=${this.pick(['0', '-1', '999999999', 'x', '900', '61'])}`)],
      ['signed-headers', () => url.replace(/X-Amz-SignedHeaders=[^&]+/, `X-Amz-SignedHeaders=${this.pick(['host', '', 'host%3Bx-k8s-aws-id%3Bx-evil'])}`)],
      ['fragment', () => `${url}#${this.randomString(10)}`],
      ['junk-param', () => `${url}&${this.pick(JUNK)}${this.randomString(6)}=${this.pick(JUNK)}`],
      ['userinfo', () => url.replace(/^https:\/\//, 'https://user:pass@')],
    ];
    // Well-formed forgeries pass every local check and cost a real STS round trip (the stand-in manages a few dozen a
    // second on this machine), so they are a small share.
    const forgeries: Array<[string, () => string]> = [
      ['date-near', () => url.replace(/X-Amz-Date=[^&]+/, `X-Amz-Date=${amzDate(-this.int(60_000))}`)],
      ['signature', () => url.replace(/X-Amz-Signature=([0-9a-f]+)/, (_m, sig: string) => {
        const at = this.int(sig.length);
        return `X-Amz-Signature=${sig.slice(0, at)}${'0123456789abcdef'[this.int(16)]}${sig.slice(at + 1)}`;
      })],
      ['credential', () => url.replace(/X-Amz-Credential=[^&]+/, `X-Amz-Credential=${encodeURIComponent(`AKIA${this.randomString(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}/20260101/us-east-1/sts/aws4_request`)}`)],
    ];
    const [mutation, op] = this.pick(this.rand() < 0.015 ? forgeries : ops);
    return { kind: 'url-mutation', mutation, body: review(TOKEN_PREFIX + Buffer.from(op(), 'utf8').toString('base64url')) };
  }

  private generatedToken(): FuzzCase {
    const ops: Array<[string, () => string]> = [
      ['random', () => this.randomString(200)],
      ['random-b64', () => TOKEN_PREFIX + this.randomString(400, B64)],
      ['random-url', () => TOKEN_PREFIX + Buffer.from(`https://${this.pick(HOSTS)}/?Action=GetCallerIdentity&X-Amz-Date=${this.randomString(16, '0123456789TZ')}&${this.randomString(60)}`).toString('base64url')],
      ['jwt', () => `eyJhbGciOiJSUzI1NiJ9.${this.randomString(80, B64)}.${this.randomString(80, B64)}`],
      ['huge', () => TOKEN_PREFIX + 'A'.repeat(this.int(70000))],
      ['control', () => TOKEN_PREFIX + this.pick(JUNK).repeat(1 + this.int(50))],
    ];
    const [mutation, op] = this.pick(ops);
    return { kind: 'generated-token', mutation, body: review(op()) };
  }

  private mutatedBody(): FuzzCase {
    const token = this.pick(this.tokens).token;
    const junkValue = () => this.pick<unknown>([null, 0, -1, 1e308, true, [], {}, [token], { token }, '', this.randomString(20), 'x'.repeat(70000)]);
    const ops: Array<[string, () => string | Buffer]> = [
      ['api-version', () => JSON.stringify({ apiVersion: junkValue() ?? this.pick(['v1', 'authentication.k8s.io/v2', 'AUTHENTICATION.K8S.IO/V1']), kind: 'TokenReview', spec: { token } })],
      ['kind', () => JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: this.pick(['tokenreview', 'SubjectAccessReview', '', null, 1]), spec: { token } })],
      ['spec', () => JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: junkValue() })],
      ['token-type', () => JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: junkValue() } })],
      ['audiences', () => JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: junkValue() } })],
      ['foreign-audience', () => JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: ['someone-else', this.clusterId.toUpperCase()] } })],
      ['deep-nesting', () => `${'['.repeat(1 + this.int(100000))}${']'.repeat(this.int(3))}`],
      ['truncated', () => review(token).slice(0, this.int(review(token).length))],
      ['not-json', () => this.randomString(300)],
      ['invalid-utf8', () => Buffer.concat([Buffer.from('{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"'), Buffer.from([0xff, 0xfe, 0xc0, 0x80]), Buffer.from('"}}')])],
      ['bom', () => `\uFEFF${review(token)}`],
      ['top-level', () => JSON.stringify(this.pick<unknown>([[], null, 1, 'TokenReview', [review(token)]]))],
      ['big-number', () => `{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":${'9'.repeat(1 + this.int(5000))}}}`],
      ['proto', () => `{"__proto__":{"authenticated":true},"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"x","__proto__":{"token":"${token}"}}}`],
      ['status-injection', () => JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'x' }, status: { authenticated: true, user: { username: 'system:admin' } } })],
      ['oversize-body', () => review(token) + ' '.repeat(65536 + this.int(10000))],
    ];
    const [mutation, op] = this.pick(ops);
    return { kind: 'mutated-body', mutation, body: op() };
  }
}

export function review(token: string): string {
  return JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
}
