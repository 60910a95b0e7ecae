/**
 * A small read-only Kubernetes client for the live commands (`snapshot`, `diff --cluster`): GET one object and LIST a
 * collection across all pages (`limit` + `continue`, as client-go's pager does), over node:https. Connection settings
 * come from the webhook's kubeconfig parser (authenticator/mapper/kube/connection.ts: server, CA data or file, client
 * certificate, token, tokenFile); on top of it this client runs `exec` credential plugins, which the webhook refuses.
 */
import { request } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConnection, readKubeconfig } from '../../../authenticator/mapper/kube/connection';
import { ExecCredentialSource } from './exec-credential';

/** A Kubernetes object as the API returns it (only `metadata` is relied upon). */
export interface LiveObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** A non-2xx answer; `status` 401/403 means missing permissions, 404 a missing object or API. */
export class KubeApiError extends Error {
  constructor(readonly status: number, readonly path: string, message: string) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface KubeClientOptions {
  /** @default $KUBECONFIG (first file), else ~/.kube/config */
  readonly kubeconfig?: string;
  /** @default the kubeconfig's current-context */
  readonly context?: string;
  /** Page size of LIST calls. @default 500 (kubectl's chunk size) */
  readonly pageSize?: number;
  /** @default 30000 */
  readonly requestTimeoutMs?: number;
}

interface Credentials { token?: string; certPem?: string; keyPem?: string }

export class KubeClient {
  /** Reads the kubeconfig (throws naming the file when it cannot be used). */
  static fromKubeconfig(options: KubeClientOptions = {}, env: NodeJS.ProcessEnv = process.env): KubeClient {
    const file = options.kubeconfig ?? env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
    const ctx = readKubeconfig(file, options.context);
    return new KubeClient(ctx.connection, ctx.exec ? new ExecCredentialSource(ctx.exec) : undefined, options);
  }

  /** LIST calls made (pages included), for tests. */
  requests = 0;

  constructor(
    private readonly conn: KubeConnection,
    private readonly exec: ExecCredentialSource | undefined,
    private readonly options: KubeClientOptions = {},
  ) {}

  get server(): string {
    return this.conn.server;
  }

  /** Every object of a collection (e.g. `/apis/rbac.authorization.k8s.io/v1/roles`), all pages. */
  async list(path: string, query: { fieldSelector?: string } = {}): Promise<LiveObject[]> {
    const items: LiveObject[] = [];
    let cont: string | undefined;
    do {
      const q = new URLSearchParams({ ...query, limit: String(this.options.pageSize ?? 500) });
      if (cont) q.set('continue', cont);
      const page = (await this.get(`${path}?${q.toString()}`)) as { items?: LiveObject[]; metadata?: { continue?: string } };
      items.push(...(page.items ?? []));
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return items;
  }

  /** One object or collection page; a 404 is returned as `undefined` by `getOptional`. */
  async get(pathAndQuery: string): Promise<unknown> {
    this.requests++;
    const creds = await this.credentials();
    const url = new URL(this.conn.server.replace(/\/$/, '') + pathAndQuery);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (creds.token) headers.Authorization = `Bearer ${creds.token}`;
    const timeout = this.options.requestTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'GET', headers, timeout, agent: false,
        ca: this.conn.caPem, cert: creds.certPem, key: creds.keyPem, rejectUnauthorized: !this.conn.insecureSkipTlsVerify,
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode === 200) {
            try {
              return resolve(JSON.parse(body));
            } catch {
              return reject(new KubeApiError(200, url.pathname, `GET ${url.pathname}: answer is not JSON`));
            }
          }
          let message = body.slice(0, 300);
          try {
            message = (JSON.parse(body) as { message?: string }).message ?? message;
          } catch { /* not a Status object: keep the raw text */ }
          reject(new KubeApiError(res.statusCode ?? 0, url.pathname, `GET ${url.pathname}: HTTP ${res.statusCode}: ${message}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${url.pathname}: no answer within ${timeout} ms`)));
      req.on('error', (e) => reject(e instanceof KubeApiError ? e : new KubeApiError(0, url.pathname, `GET ${url.pathname}: ${e.message}`)));
      req.end();
    });
  }

  /** Like `get`, but a 404 (no such object, or the API is not served) is `undefined`. */
  async getOptional(path: string): Promise<unknown> {
    try {
      return await this.get(path);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  private async credentials(): Promise<Credentials> {
    if (this.exec) {
      const s = await this.exec.status();
      return s.token
        ? { token: s.token }
        : { certPem: s.clientCertificateData, keyPem: s.clientKeyData };
    }
    return { token: this.conn.token?.(), certPem: this.conn.certPem, keyPem: this.conn.keyPem };
  }
}
