/**
 * List + watch of one Kubernetes collection over node:https (see connection.ts for why not @kubernetes/client-node).
 * The protocol is the apiserver's (what client-go's reflector does): LIST to get the objects and a resourceVersion,
 * then WATCH from it (`watch=1`, `allowWatchBookmarks`) and apply ADDED/MODIFIED/DELETED events. A watch that ends
 * normally (server timeout) is re-opened from the last resourceVersion; `410 Gone` (expired resourceVersion) and any
 * error lead to a fresh LIST after a capped exponential backoff. Every change calls `onChange` with the full
 * current set of objects, keyed by name.
 */
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeConnection } from './connection';

export interface KubeObject {
  readonly metadata: { readonly name: string; readonly resourceVersion?: string; readonly namespace?: string };
  readonly [key: string]: unknown;
}

export interface ListWatchOptions {
  /** Collection path, e.g. `/api/v1/namespaces/kube-system/configmaps`. */
  readonly path: string;
  /** e.g. `metadata.name=aws-auth`. */
  readonly fieldSelector?: string;
  /** Called after the initial list and after every change. */
  readonly onChange: (objects: ReadonlyMap<string, KubeObject>) => void;
  /** Called on every list/watch failure (the loop retries). */
  readonly onError: (message: string) => void;
  /** Server-side watch timeout. @default 300 */
  readonly watchTimeoutSeconds?: number;
  /** First retry delay, doubled up to `maxBackoffMs`. @default 500 */
  readonly initialBackoffMs?: number;
  /** @default 30000 */
  readonly maxBackoffMs?: number;
  /** Per-request timeout for LIST and for an idle WATCH (no bytes, not even a bookmark). @default 30000 / watch timeout + 30 s */
  readonly requestTimeoutMs?: number;
}

class GoneError extends Error {}

export class ListWatch {
  private readonly agent: Agent;
  private readonly objects = new Map<string, KubeObject>();
  private resourceVersion: string | undefined;
  private stopped = false;
  private current: { destroy(): void } | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Completed LISTs and opened WATCHes (for tests and metrics). */
  readonly counters = { lists: 0, watches: 0, errors: 0 };

  constructor(private readonly conn: KubeConnection, private readonly options: ListWatchOptions) {
    this.agent = new Agent({
      keepAlive: true,
      ca: conn.caPem,
      cert: conn.certPem,
      key: conn.keyPem,
      rejectUnauthorized: !conn.insecureSkipTlsVerify,
      // kubeconfig tls-server-name: SNI and the certificate check use it instead of the URL's host (Node checks the
      // certificate against `servername` when set).
      ...(conn.tlsServerName ? { servername: conn.tlsServerName } : {}),
    });
  }

  /** Starts the loop; resolves after the first LIST attempt (successful or not). */
  start(): Promise<void> {
    let firstAttempt!: () => void;
    const first = new Promise<void>((r) => (firstAttempt = r));
    this.loop = this.run(firstAttempt);
    return first;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.destroy();
    this.wake?.();
    await this.loop;
    this.agent.destroy();
  }

  private async run(firstAttempt: () => void): Promise<void> {
    let backoff = this.options.initialBackoffMs ?? 500;
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.list();
          needList = false;
          firstAttempt();
        }
        const started = Date.now();
        await this.watch();
        // A watch closed at once (a misbehaving proxy) must not turn into a hot loop.
        if (Date.now() - started >= 1000) {
          backoff = this.options.initialBackoffMs ?? 500;
          continue;
        }
      } catch (e) {
        if (this.stopped) break;
        firstAttempt();
        this.counters.errors++;
        needList = true;
        this.options.onError(e instanceof GoneError ? `watch expired (${e.message}); relisting` : (e as Error).message);
      }
      await this.sleep(backoff);
      backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 30000);
    }
    firstAttempt();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private query(extra: Record<string, string>): string {
    const q = new URLSearchParams(extra);
    if (this.options.fieldSelector) q.set('fieldSelector', this.options.fieldSelector);
    return `${this.options.path}?${q.toString()}`;
  }

  private open(pathAndQuery: string, timeoutMs: number): Promise<IncomingMessage> {
    const url = new URL(this.conn.server.replace(/\/$/, '') + pathAndQuery);
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.conn.token?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', agent: this.agent, headers, timeout: timeoutMs }, (res) => {
        if (res.statusCode === 200) return resolve(res);
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body.length < 2048 ? (body += c) : undefined));
        res.on('end', () => {
          const msg = `GET ${url.pathname}: HTTP ${res.statusCode}: ${body.slice(0, 300)}`;
          reject(res.statusCode === 410 ? new GoneError(msg) : new Error(msg));
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${url.pathname}: no answer within ${timeoutMs} ms`)));
      req.on('error', (e) => reject(new Error(`GET ${url.pathname}: ${e.message}`)));
      this.current = req;
      req.end();
    });
  }

  private async list(): Promise<void> {
    const res = await this.open(this.query({}), this.options.requestTimeoutMs ?? 30000);
    let body = '';
    res.setEncoding('utf8');
    for await (const chunk of res) body += chunk;
    const doc = JSON.parse(body) as { metadata?: { resourceVersion?: string }; items?: KubeObject[] };
    this.objects.clear();
    for (const o of doc.items ?? []) this.objects.set(o.metadata.name, o);
    this.resourceVersion = doc.metadata?.resourceVersion;
    this.counters.lists++;
    this.options.onChange(this.objects);
  }

  private async watch(): Promise<void> {
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 300;
    const res = await this.open(
      this.query({
        watch: '1',
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(timeoutSeconds),
        ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
      }),
      (timeoutSeconds + 30) * 1000,
    );
    this.counters.watches++;
    res.setEncoding('utf8');
    let buffered = '';
    for await (const chunk of res as AsyncIterable<string>) {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) this.event(JSON.parse(line) as { type: string; object: KubeObject & { code?: number; message?: string } });
      }
    }
  }

  private event(ev: { type: string; object: KubeObject & { code?: number; message?: string } }): void {
    if (ev.type === 'ERROR') {
      const msg = `watch error ${ev.object.code ?? ''}: ${ev.object.message ?? ''}`;
      throw ev.object.code === 410 ? new GoneError(msg) : new Error(msg);
    }
    const rv = ev.object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (ev.type === 'BOOKMARK') return;
    if (ev.type === 'DELETED') this.objects.delete(ev.object.metadata.name);
    else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.objects.set(ev.object.metadata.name, ev.object);
    else return;
    this.options.onChange(this.objects);
  }
}
