/**
 * Distinct, valid tokens on demand for load runs. A presigned token is fixed by (credentials, X-Amz-Date second), so
 * distinct tokens come from many users × distinct seconds. Every pool takes seconds no earlier pool of the same
 * source took, so a "unique tokens" run never hits a verified-identity cache warmed by an earlier run. Seconds may
 * run ahead of the clock: STS (and the stand-in) accept up to 15 min of skew, our verifier 5 min, Go no check; the
 * signed X-Amz-Expires of 60 s bounds how far back they may go.
 */
import { generateToken } from '../../authenticator/token';

export interface BenchUser {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const OLDEST_SECONDS = 40;
const NEWEST_SECONDS = 280;

export class TokenSource {
  private cursor = 0;

  constructor(private readonly clusterId: string, private readonly users: readonly BenchUser[]) {}

  /** At least `count` tokens never handed out by this source before. */
  async pool(count: number): Promise<string[]> {
    const nowSec = Math.floor(Date.now() / 1000);
    this.cursor = Math.max(this.cursor, nowSec - OLDEST_SECONDS);
    const seconds = Math.ceil(count / this.users.length);
    if (this.cursor + seconds > nowSec + NEWEST_SECONDS) {
      throw new Error(`bench: token source exhausted (${count} tokens per run need more users than ${this.users.length})`);
    }
    const tokens: string[] = [];
    for (let s = 0; s < seconds; s++, this.cursor++) {
      for (const credentials of this.users) {
        const now = new Date(this.cursor * 1000);
        tokens.push((await generateToken({ clusterId: this.clusterId, region: 'us-east-1', credentials, now })).token);
      }
    }
    return tokens;
  }
}
