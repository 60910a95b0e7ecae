/**
 * `{{EC2PrivateDNSName}}` resolution: instance id → private DNS name through EC2 DescribeInstances (reference:
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/ec2provider/ec2provider.go). Improvements
 * over the reference, each deliberate:
 * - concurrent lookups of one id share one request (the reference polls its cache every 50 ms for up to 5 s, and an
 *   id that was not found stays "in flight" forever, failing every later lookup after 5 s);
 * - ids waiting for the rate limiter are batched into one call (up to 100 ids) instead of a fixed 200 ms batch loop;
 * - the token bucket limits the EC2 calls themselves (the reference limits only its STS AssumeRole client);
 * - the cache is bounded (LRU); an instance's private DNS name never changes and instance ids are never reused, so
 *   entries need no expiry. Failures are not cached.
 * The lookup uses the `instance-id` filter rather than `InstanceIds`, so one unknown id does not fail a whole batch
 * with InvalidInstanceID.NotFound.
 */
import type { DescribeInstancesCommandOutput, EC2Client } from '@aws-sdk/client-ec2';
import type { Ec2PrivateDnsLookup } from './templates';
import { TokenBucket } from './token-bucket';

/** The part of EC2Client used here; inject a configured client (credentials, region, endpoint, role) or a double. */
export type Ec2ClientLike = Pick<EC2Client, 'send'>;

export interface Ec2PrivateDnsResolverOptions {
  /** @default a new EC2Client for `region` with the default credential chain */
  readonly client?: Ec2ClientLike;
  /** Region of the default client. @default the SDK's region resolution (AWS_REGION, profile, IMDS) */
  readonly region?: string;
  /** DescribeInstances calls per second. @default 15 (the reference's --ec2-describeInstances-qps) */
  readonly ratePerSecond?: number;
  /** @default 5 (the reference's --ec2-describeInstances-burst) */
  readonly burst?: number;
  /** Most ids per DescribeInstances call. @default 100 */
  readonly maxBatch?: number;
  /** Cached names. @default 10000 */
  readonly cacheSize?: number;
  /** A lookup not answered by then fails (the review is denied); the request itself still completes and fills the cache. @default 5000 */
  readonly timeoutMs?: number;
}

interface Waiter {
  readonly promise: Promise<string>;
  resolve(name: string): void;
  reject(e: Error): void;
}

export class Ec2PrivateDnsResolver implements Ec2PrivateDnsLookup {
  private readonly cache = new Map<string, string>();
  private readonly inFlight = new Map<string, Waiter>();
  private queue: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly bucket: TokenBucket;
  private client: Ec2ClientLike | undefined;
  private counters = { calls: 0, cacheHits: 0, failures: 0 };

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 5000;
  }

  constructor(private readonly options: Ec2PrivateDnsResolverOptions = {}) {
    this.bucket = new TokenBucket(options.ratePerSecond ?? 15, options.burst ?? 5);
    this.client = options.client;
  }

  /** DescribeInstances calls made, cache hits, failed calls (for metrics). */
  stats(): { readonly calls: number; readonly cacheHits: number; readonly failures: number; readonly cached: number } {
    return { ...this.counters, cached: this.cache.size };
  }

  async privateDnsName(instanceId: string): Promise<string> {
    const cached = this.cache.get(instanceId);
    if (cached !== undefined) {
      this.cache.delete(instanceId);
      this.cache.set(instanceId, cached);
      this.counters.cacheHits++;
      return cached;
    }
    let waiter = this.inFlight.get(instanceId);
    if (!waiter) {
      waiter = newWaiter();
      this.inFlight.set(instanceId, waiter);
      this.queue.push(instanceId);
      this.schedule();
    }
    const timeoutMs = this.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`EC2 DescribeInstances did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([waiter.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cancels the pending batch timer; waiting lookups fail. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const id of this.queue) this.settle(id, new Error('resolver closed'));
    this.queue = [];
  }

  private schedule(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    // setImmediate-like 0 ms delay when a token is free: lookups arriving in the same tick share one call.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.bucket.tryTake()) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.schedule();
        }, this.bucket.waitMs());
        return;
      }
      const batch = this.queue.splice(0, this.options.maxBatch ?? 100);
      void this.describe(batch);
      this.schedule();
    }, 0);
  }

  private async describe(ids: string[]): Promise<void> {
    this.counters.calls++;
    try {
      const { DescribeInstancesCommand, EC2Client } = await import('@aws-sdk/client-ec2');
      this.client ??= new EC2Client({ region: this.options.region, requestHandler: { requestTimeout: this.timeoutMs, connectionTimeout: this.timeoutMs } });
      const found = new Map<string, string>();
      let nextToken: string | undefined;
      do {
        const out: DescribeInstancesCommandOutput = await this.client.send(
          new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: ids }], NextToken: nextToken }),
          // Bound the call itself too, so a hung connection cannot keep these ids "in flight" forever.
          { abortSignal: AbortSignal.timeout(2 * this.timeoutMs) },
        );
        for (const r of out.Reservations ?? []) {
          for (const i of r.Instances ?? []) {
            if (i.InstanceId && i.PrivateDnsName) found.set(i.InstanceId, i.PrivateDnsName);
          }
        }
        nextToken = out.NextToken;
      } while (nextToken);
      for (const id of ids) {
        const name = found.get(id);
        if (name !== undefined) this.remember(id, name);
        this.settle(id, name ?? new Error(`failed to find node ${id} (no such instance, or it has no private DNS name)`));
      }
    } catch (e) {
      this.counters.failures++;
      const err = new Error(`EC2 DescribeInstances failed: ${(e as Error).name}: ${(e as Error).message}`);
      for (const id of ids) this.settle(id, err);
    }
  }

  private remember(id: string, name: string): void {
    this.cache.set(id, name);
    const max = this.options.cacheSize ?? 10000;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value as string);
  }

  private settle(id: string, result: string | Error): void {
    const w = this.inFlight.get(id);
    this.inFlight.delete(id);
    if (!w) return;
    if (typeof result === 'string') w.resolve(result);
    else w.reject(result);
  }
}

function newWaiter(): Waiter {
  let resolve!: (s: string) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A waiter whose caller timed out must not become an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
