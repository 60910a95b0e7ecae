/**
 * A small read-only Kubernetes client for the live commands (`snapshot`, `diff --cluster`): GET one object and LIST a
 * collection across all pages (`limit` + `continue`, as client-go's pager does), over node:https. Connection settings
 * come from the webhook's kubeconfig parser (authenticator/mapper/kube/connection.ts: server, CA data or file, client
 * certificate, token, tokenFile, tls-server-name, proxy-url); on top of it this client runs `exec` credential plugins,
 * which the webhook refuses.
 *
 * Everything the server sends is untrusted (a kubeconfig can point anywhere, and a compromised or impostor API server
 * answers what it likes), so the client bounds what it accepts: pages per LIST (an endless `continue` chain), bytes
 * per response and per client (the whole snapshot), and time per request twice — an idle timeout (no byte for N ms)
 * and a deadline for the whole request (a server trickling one byte at a time never trips an idle timeout). Each
 * limit, when hit, fails with its own rule id and names the option (and the `snapshot` flag) that raises it.
 */
import { request } from 'node:https';
import type { Socket } from 'node:net';
import { KubeConnection, kubeconfigFiles, readKubeconfig } from '../../../authenticator/mapper/kube/connection';
import { RuleError } from '../../model/rule-error';
import { ExecCredentialSource } from './exec-credential';
import { connector, parseProxyUrl, proxyLabel } from './transport';

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

/** A LIST needed more pages than `maxListPages`. */
export const KUBE_LIST_PAGES_RULE = 'eks-access:kube-list-pages';
/** One response was larger than `maxResponseBytes`. */
export const KUBE_RESPONSE_BYTES_RULE = 'eks-access:kube-response-bytes';
/** All responses of one client (one snapshot) together were larger than `maxSnapshotBytes`. */
export const KUBE_SNAPSHOT_BYTES_RULE = 'eks-access:kube-snapshot-bytes';
/** One request took longer than `requestDeadlineMs`, or sent nothing for `requestTimeoutMs`. */
export const KUBE_DEADLINE_RULE = 'eks-access:kube-request-deadline';

/**
 * The defaults of the client's limits. Chosen far above what real clusters need (the largest RBAC LISTs seen are a few
 * MB in total) and far below what hurts the process: V8 cannot hold a string over ~512 MiB (`Invalid string length`).
 */
export const KUBE_CLIENT_DEFAULTS = {
  /** kubectl's chunk size (kubectl get --chunk-size default). */
  pageSize: 500,
  /** 1,000 pages of 500 = 500,000 objects in one collection. */
  maxListPages: 1000,
  /** 64 MiB for one page. */
  maxResponseBytes: 64 * 1024 * 1024,
  /** 256 MiB for everything one client reads (one snapshot). */
  maxSnapshotBytes: 256 * 1024 * 1024,
  /** No byte for 30 s. */
  requestTimeoutMs: 30_000,
  /** 120 s for one whole request (connect, headers and body). */
  requestDeadlineMs: 120_000,
} as const;

/** How a caller raises each limit: the option, and the `eks-access snapshot` flag. */
const RAISE: Record<string, string> = {
  maxListPages: 'maxListPages (eks-access snapshot --max-list-pages N)',
  maxResponseBytes: 'maxResponseBytes (eks-access snapshot --max-response-bytes N)',
  maxSnapshotBytes: 'maxSnapshotBytes (eks-access snapshot --max-snapshot-bytes N)',
  requestTimeoutMs: 'requestTimeoutMs (eks-access snapshot --request-timeout-ms N)',
  requestDeadlineMs: 'requestDeadlineMs (eks-access snapshot --request-deadline-ms N)',
};

export interface KubeClientLimits {
  /** Page size of LIST calls. @default 500 (kubectl's chunk size) */
  readonly pageSize?: number;
  /** Pages one LIST may take before it fails. @default 1000 */
  readonly maxListPages?: number;
  /** Bytes one response body may have. @default 64 MiB */
  readonly maxResponseBytes?: number;
  /** Bytes all response bodies of this client may have together (one snapshot). @default 256 MiB */
  readonly maxSnapshotBytes?: number;
  /** Idle timeout: the request fails when no byte arrives for this long. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Deadline of one whole request, however steadily bytes arrive. @default 120000 */
  readonly requestDeadlineMs?: number;
}

export interface KubeClientOptions extends KubeClientLimits {
  /** One kubeconfig file. @default every file of $KUBECONFIG, merged as kubectl merges them, else ~/.kube/config */
  readonly kubeconfig?: string;
  /** @default the kubeconfig's current-context */
  readonly context?: string;
}

interface Credentials { token?: string; certPem?: string; keyPem?: string }

export class KubeClient {
  /** Reads the kubeconfig (throws naming the file when it cannot be used). */
  static fromKubeconfig(options: KubeClientOptions = {}, env: NodeJS.ProcessEnv = process.env): KubeClient {
    const ctx = readKubeconfig(kubeconfigFiles(options.kubeconfig, env), options.context);
    return new KubeClient(ctx.connection, ctx.exec ? new ExecCredentialSource(ctx.exec) : undefined, options, ctx.file);
  }

  /** LIST calls made (pages included), for tests. */
  requests = 0;
  /** Response bytes read so far, counted against `maxSnapshotBytes`. */
  bytesRead = 0;
  /**
   * What the caller must tell the user (the library prints nothing): TLS verification switched off by the kubeconfig.
   * Input-derived text (the server URL): escape it for a terminal.
   */
  readonly warnings: string[] = [];
  private readonly limits: Required<KubeClientLimits>;
  private readonly proxy: URL | undefined;
  private readonly url: URL;

  constructor(
    private readonly conn: KubeConnection,
    private readonly exec: ExecCredentialSource | undefined,
    options: KubeClientLimits = {},
    source = 'kubeconfig',
  ) {
    this.limits = { ...KUBE_CLIENT_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<KubeClientLimits>;
    for (const [k, v] of Object.entries(this.limits)) {
      if (k in KUBE_CLIENT_DEFAULTS && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
        throw new RangeError(`KubeClient option ${k}: ${String(v)} is not a whole number ≥ 1`);
      }
    }
    const where = `${source}: cluster '${conn.clusterName ?? '?'}'`;
    try {
      this.url = new URL(conn.server);
    } catch {
      throw new Error(`${where}: server ${JSON.stringify(conn.server)} is not a URL`);
    }
    if (this.url.protocol !== 'https:') throw new Error(`${where}: server ${JSON.stringify(conn.server)} is not https://`);
    this.proxy = conn.proxyUrl ? parseProxyUrl(conn.proxyUrl, where) : undefined;
    if (conn.insecureSkipTlsVerify) {
      // kubectl honours insecure-skip-tls-verify silently; we honour it too (people run it against test clusters) but
      // say so: whoever answers at this address receives the credentials, exec-plugin tokens included.
      this.warnings.push(`${where} sets insecure-skip-tls-verify: the certificate of ${conn.server} is not checked, so any server `
        + 'answering there receives the credentials (token, exec-plugin token or client certificate) and can forge every answer');
    }
  }

  get server(): string {
    return this.conn.server;
  }

  /** Every object of a collection (e.g. `/apis/rbac.authorization.k8s.io/v1/roles`), all pages, at most `maxListPages`. */
  async list(path: string, query: { fieldSelector?: string } = {}): Promise<LiveObject[]> {
    const items: LiveObject[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      if (pages === this.limits.maxListPages) {
        throw new RuleError(KUBE_LIST_PAGES_RULE, `LIST ${path}`, `the server is still sending continue tokens after ${pages} pages `
          + `of ${this.limits.pageSize} (limit maxListPages ${this.limits.maxListPages}); raise ${RAISE.maxListPages} if the collection really is this large`);
      }
      const q = new URLSearchParams({ ...query, limit: String(this.limits.pageSize) });
      if (cont) q.set('continue', cont);
      const page = (await this.get(`${path}?${q.toString()}`)) as { items?: unknown; metadata?: { continue?: unknown } } | null;
      pages++;
      if (Array.isArray(page?.items)) items.push(...(page.items as LiveObject[]));
      cont = typeof page?.metadata?.continue === 'string' && page.metadata.continue !== '' ? page.metadata.continue : undefined;
    } while (cont);
    return items;
  }

  /** One object or collection page; a 404 is returned as `undefined` by `getOptional`. */
  async get(pathAndQuery: string): Promise<unknown> {
    this.requests++;
    const creds = await this.credentials();
    const url = new URL(this.url.origin + this.url.pathname.replace(/\/$/, '') + pathAndQuery);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (creds.token) headers.Authorization = `Bearer ${creds.token}`;
    const { requestTimeoutMs, requestDeadlineMs, maxResponseBytes, maxSnapshotBytes } = this.limits;
    const what = `GET ${url.pathname}`;
    const sockets: Socket[] = [];
    const createConnection = connector({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(url.port || 443),
      serverName: this.conn.tlsServerName,
      tls: { ca: this.conn.caPem, cert: creds.certPem, key: creds.keyPem, rejectUnauthorized: !this.conn.insecureSkipTlsVerify },
    }, this.proxy, requestTimeoutMs, (s) => sockets.push(s));
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (err) {
          req.destroy();
          for (const s of sockets) s.destroy();
          reject(err instanceof KubeApiError || err instanceof RuleError ? err : new KubeApiError(0, url.pathname, `${what}: ${(err as Error).message}`
            + (this.proxy ? ` (through proxy ${proxyLabel(this.proxy)})` : '')));
        } else resolve(value);
      };
      const tooLarge = (bytes: number) => new RuleError(KUBE_RESPONSE_BYTES_RULE, what, `the response is larger than maxResponseBytes `
        + `(${bytes} > ${maxResponseBytes} bytes); raise ${RAISE.maxResponseBytes} if one page of this collection really is this large`);
      const tooMuch = () => new RuleError(KUBE_SNAPSHOT_BYTES_RULE, what, `the responses of this snapshot together exceed maxSnapshotBytes `
        + `(${maxSnapshotBytes} bytes); raise ${RAISE.maxSnapshotBytes} if the cluster really holds this much`);
      const deadline = setTimeout(() => finish(new RuleError(KUBE_DEADLINE_RULE, what, `no complete answer within requestDeadlineMs `
        + `(${requestDeadlineMs} ms); raise ${RAISE.requestDeadlineMs} for a slow API server`)), requestDeadlineMs);
      const req = request(url, { method: 'GET', headers, timeout: requestTimeoutMs, agent: undefined, createConnection } as never, (res) => {
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxResponseBytes) return finish(tooLarge(declared));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          this.bytesRead += c.length;
          if (size > maxResponseBytes) return finish(tooLarge(size));
          if (this.bytesRead > maxSnapshotBytes) return finish(tooMuch());
          chunks.push(c);
        });
        res.on('error', (e) => finish(e));
        res.on('aborted', () => finish(new Error('the server closed the connection mid-answer')));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) {
            try {
              return finish(undefined, JSON.parse(body));
            } catch {
              return finish(new KubeApiError(200, url.pathname, `${what}: answer is not JSON`));
            }
          }
          let message = body.slice(0, 300);
          try {
            const m = (JSON.parse(body) as { message?: unknown }).message;
            if (typeof m === 'string') message = m.slice(0, 1000);
          } catch { /* not a Status object: keep the raw text */ }
          finish(new KubeApiError(res.statusCode ?? 0, url.pathname, `${what}: HTTP ${res.statusCode}: ${message}`));
        });
      });
      req.on('timeout', () => finish(new RuleError(KUBE_DEADLINE_RULE, what, `no byte received for requestTimeoutMs (${requestTimeoutMs} ms); `
        + `raise ${RAISE.requestTimeoutMs} for a slow API server`)));
      req.on('error', (e) => finish(e));
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
