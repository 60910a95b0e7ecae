/**
 * The one HTTPS client, the one poller and the one in-flight counter of the tests and the benchmarks (harness/ is what
 * both share; it imports nothing from test/ or bench/).
 */
import { request as httpsRequest } from 'node:https';
import type { ServerResponse } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** Parsed JSON body, or undefined. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly ms: number;
}

export interface HttpsCallOptions {
  readonly method?: string;
  /** Sent as is; `content-type: application/json` unless `headers` says otherwise. */
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** Idle socket timeout. @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * One HTTPS request trusting only `ca` (undefined: any certificate, for readiness polls only), on a fresh connection.
 * Never rejects on an HTTP status; rejects on transport errors and on `timeoutMs` of silence.
 */
export function httpsCall(url: string, ca: string | undefined, opts: HttpsCallOptions = {}): Promise<HttpAnswer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method: opts.method ?? 'GET',
      ca,
      rejectUnauthorized: ca !== undefined,
      agent: false,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      timeout: opts.timeoutMs ?? 10000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: Date.now() - started });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout calling ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface WaitOptions {
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** Pause between probes. @default 50 */
  readonly intervalMs?: number;
  /** Appended to the timeout error (e.g. the tail of a process log). */
  readonly describe?: () => string;
  /** Checked before each probe: true fails at once (e.g. the process being waited for has exited). */
  readonly abort?: () => boolean;
}

/**
 * Polls `probe` until it returns true: the one way tests wait for something to happen (never a fixed sleep, which
 * races the timers it waits for). A probe that throws counts as "not yet"; its last error is in the timeout message,
 * which names `what`.
 */
export async function waitUntil(what: string, probe: () => boolean | Promise<boolean>, opts: WaitOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10000;
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (opts.abort?.()) throw new Error(`${what}: process exited before it was ready\n${opts.describe?.() ?? ''}`);
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${lastError})` : ''}\n${opts.describe?.() ?? ''}`.trimEnd());
}

/**
 * Calls a stand-in is answering at once, and the most there were: how tests check a client's bounded concurrency
 * (`snapshot --concurrency`, `usage --concurrency`). A call counts from {@link enter} until its answer is handed over
 * ('finish', before the client can see it and send the next call) or the connection closes, once either way.
 */
export class InFlightCounter {
  private now = 0;
  private most = 0;

  public enter(res: ServerResponse): void {
    this.now++;
    this.most = Math.max(this.most, this.now);
    let counted = true;
    const out = () => {
      if (counted) this.now--;
      counted = false;
    };
    res.on('finish', out);
    res.on('close', out);
  }

  /** The most calls in flight at once since the start or the last {@link reset}. */
  public get max(): number {
    return this.most;
  }

  /** Starts a new measurement from the calls in flight now. */
  public reset(): void {
    this.most = this.now;
  }
}
