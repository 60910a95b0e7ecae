/**
 * A token bucket: `ratePerSecond` tokens are added continuously up to `burst`; `take()` waits for a token. Used to
 * bound the EC2 DescribeInstances rate (reference flags `--ec2-describeInstances-qps` 15 / burst 5, which the reference
 * attaches only to its STS AssumeRole client in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/ec2provider/ec2provider.go; we apply it to
 * the EC2 calls themselves).
 */
import { ConfigError } from '../errors';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    // A monotonic ms clock that needs no module: the first `performance` access loads node:perf_hooks (~1 ms of a
    // Lambda cold start, which builds this bucket with its EC2 resolver; node --cpu-prof, bench/results/RESULTS.md).
    private readonly now: () => number = () => Number(process.hrtime.bigint()) / 1e6,
  ) {
    if (!(ratePerSecond > 0)) throw ConfigError.argument(`TokenBucket: ratePerSecond must be > 0, got ${ratePerSecond}`);
    if (!(burst >= 1)) throw ConfigError.argument(`TokenBucket: burst must be >= 1, got ${burst}`);
    this.tokens = burst;
    this.last = this.now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }

  /** Takes a token if one is available. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until a token is available (0 if one is). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }
}
