/**
 * Distinct, valid tokens on demand for load runs. A presigned token is fixed by (credentials, X-Amz-Date second), so
 * distinct tokens come from many users × distinct seconds. Every pool takes seconds no earlier pool of the same
 * source took, so a "unique tokens" run never hits a verified-identity cache warmed by an earlier run. Seconds may
 * run ahead of the clock: STS (and the moto stand-in) accept up to 15 min of skew, our verifier 5 min, Go no check.
 * How far back they may go depends on who checks: the moto stand-in honours the signed X-Amz-Expires (60 s); our
 * verifier and the fast stand-in (no signature or date check) accept 15 minutes, as STS does.
 */
import { generateToken } from '../../authenticator/token';

export interface BenchUser {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface TokenSourceOptions {
  /** Signs one token; default: the product's generateToken. */
  readonly sign?: (credentials: BenchUser, signedAt: Date) => string | Promise<string>;
  /** Oldest X-Amz-Date handed out, in seconds before now. @default 40 (the moto stand-in's 60 s, less a run) */
  readonly oldestSeconds?: number;
}

const NEWEST_SECONDS = 280;

export class TokenSource {
  private cursor = 0;
  private readonly sign: (credentials: BenchUser, signedAt: Date) => string | Promise<string>;
  private readonly oldestSeconds: number;

  constructor(private readonly clusterId: string, private readonly users: readonly BenchUser[], options: TokenSourceOptions = {}) {
    this.sign = options.sign ?? (async (credentials, now) => (await generateToken({ clusterId: this.clusterId, region: 'us-east-1', credentials, now })).token);
    this.oldestSeconds = options.oldestSeconds ?? 40;
  }

  /** At least `count` tokens never handed out by this source before. */
  async pool(count: number): Promise<string[]> {
    const nowSec = Math.floor(Date.now() / 1000);
    this.cursor = Math.max(this.cursor, nowSec - this.oldestSeconds);
    const seconds = Math.ceil(count / this.users.length);
    if (this.cursor + seconds > nowSec + NEWEST_SECONDS) {
      throw new Error(`bench: token source exhausted (${count} tokens per run need more users than ${this.users.length})`);
    }
    const tokens: string[] = [];
    for (let s = 0; s < seconds; s++, this.cursor++) {
      for (const credentials of this.users) tokens.push(await this.sign(credentials, new Date(this.cursor * 1000)));
    }
    return tokens;
  }
}

/**
 * `count` IAM users of `account` for a benchmark, and the aws-auth `mapUsers` rows mapping each to `<tag>-<i>` in group
 * `<tag>`. `letter` makes the access key ids of one benchmark its own (`AKIA<letter>` + 15 digits, 20 characters).
 */
export function benchIdentities(letter: string, tag: string, count: number, account: string): {
  users: BenchUser[];
  mapUsers: Array<{ userarn: string; username: string; groups: string[] }>;
} {
  const users = Array.from({ length: count }, (_, i) => ({ accessKeyId: `AKIA${letter}${String(i).padStart(15, '0')}`, secretAccessKey: `${tag}-secret-${i}` }));
  const mapUsers = users.map((u, i) => ({ userarn: `arn:aws:iam::${account}:user/${u.accessKeyId}`, username: `${tag}-${i}`, groups: [tag] }));
  return { users, mapUsers };
}
