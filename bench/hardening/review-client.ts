/** TokenReview POSTs over HTTPS keep-alive connections (as kube-apiserver sends them), many in flight. */
import { Agent, request } from 'node:https';

export interface ReviewAnswer {
  /** HTTP status, or 0 when no answer came (connection error or client timeout). */
  readonly status: number;
  readonly authenticated?: boolean;
  readonly username?: string;
  /** `status.error` of a denial. */
  readonly reason?: string;
  readonly ms: number;
  /** Transport error or timeout, when there was no answer. */
  readonly failure?: string;
}

export class ReviewClient {
  private readonly agent: Agent;

  /** `keepAlive: false`: a new connection for every review (each one must get a connection slot). */
  constructor(private readonly url: string, caPem: string, maxSockets: number, private readonly timeoutMs: number, keepAlive = true) {
    this.agent = new Agent({ keepAlive, maxSockets, ca: caPem });
  }

  post(body: string | Buffer): Promise<ReviewAnswer> {
    const started = performance.now();
    return new Promise((resolve) => {
      let done = false;
      const finish = (a: Omit<ReviewAnswer, 'ms'>) => {
        if (done) return;
        done = true;
        resolve({ ...a, ms: performance.now() - started });
      };
      const req = request(`${this.url}/authenticate`, {
        method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: { status?: { authenticated?: boolean; error?: string; user?: { username?: string } } } | undefined;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = undefined;
          }
          finish({ status: res.statusCode ?? 0, authenticated: json?.status?.authenticated, username: json?.status?.user?.username, reason: json?.status?.error });
        });
        res.on('error', (e) => finish({ status: 0, failure: e.message }));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => finish({ status: 0, failure: e.message }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task(i)` for i in [0, count) with at most `parallel` in flight. */
export async function pool(count: number, parallel: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}
