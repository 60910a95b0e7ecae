/**
 * A local HTTPS server imitating the Kubernetes list/watch API for the collections the mappers read: LIST returns
 * `{metadata.resourceVersion, items}`, `watch=1` streams newline-delimited JSON events from a resourceVersion, an
 * expired resourceVersion gets an `ERROR` event with code 410, bearer-token auth is enforced, and `fieldSelector`
 * `metadata.name=X` filters. The real kube-apiserver cannot run in unit tests; the E2E suite runs ConfigMapMapper
 * against a real one.
 */
import { createServer, Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { CertificateAndKey, createCertificateAuthority, issueClientCertificate, issueServerCertificate } from '../authenticator/certs';

interface Obj {
  metadata: { name: string; resourceVersion?: string; namespace?: string };
  [k: string]: unknown;
}
interface Event {
  rv: number;
  path: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}
interface Watcher {
  path: string;
  name?: string;
  res: ServerResponse;
}

export interface FakeApiServer {
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
  /** A client certificate the server accepts instead of the token (like kube-apiserver's --client-ca-file). */
  readonly clientCert: CertificateAndKey;
  readonly counters: { lists: number; watches: number; unauthorized: number };
  put(path: string, obj: Obj): void;
  remove(path: string, name: string): void;
  /** Closes all open watch connections abruptly (like an apiserver restart or a load balancer idle cut). */
  dropWatches(): void;
  /** Forgets the event history, so watches from older resourceVersions get 410 Gone. */
  compact(): void;
  openWatches(): number;
  stop(): Promise<void>;
}

const ca = createCertificateAuthority('fake-apiserver-ca');
const cert = issueServerCertificate(ca, { ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'] });
const clientCert = issueClientCertificate(ca, { commonName: 'eks-access-webhook' });

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const token = 'test-token-' + Math.random().toString(36).slice(2);
  const store = new Map<string, Map<string, Obj>>();
  let history: Event[] = [];
  let oldestRv = 0;
  let rv = 100;
  const watchers = new Set<Watcher>();
  const counters = { lists: 0, watches: 0, unauthorized: 0 };
  const line = (w: Watcher, e: { type: string; object: unknown }) => w.res.write(JSON.stringify(e) + '\n');
  const emit = (e: Event) => {
    history.push(e);
    for (const w of watchers) if (w.path === e.path && (!w.name || w.name === e.object.metadata.name)) line(w, e);
  };

  const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const certOk = (req.socket as TLSSocket).authorized && (req.socket as TLSSocket).getPeerCertificate().subject?.CN === 'eks-access-webhook';
    if (req.headers.authorization !== `Bearer ${token}` && !certOk) {
      counters.unauthorized++;
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401,"message":"Unauthorized"}');
      return;
    }
    const url = new URL(req.url ?? '/', 'https://x');
    const path = url.pathname;
    const name = url.searchParams.get('fieldSelector')?.match(/^metadata\.name=(.+)$/)?.[1];
    const items = [...(store.get(path)?.values() ?? [])].filter((o) => !name || o.metadata.name === name);
    if (url.searchParams.get('watch') !== '1') {
      counters.lists++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: String(rv) }, items }));
      return;
    }
    counters.watches++;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders(); // like the apiserver: the watch is established before the first event
    const w: Watcher = { path, name, res };
    const from = Number(url.searchParams.get('resourceVersion') ?? rv);
    if (from < oldestRv) {
      line(w, { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: `too old resource version: ${from} (${oldestRv})` } });
      res.end();
      return;
    }
    for (const e of history) if (e.rv > from && e.path === path && (!name || e.object.metadata.name === name)) line(w, e);
    watchers.add(w);
    res.on('close', () => watchers.delete(w));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;

  return {
    server: `https://127.0.0.1:${port}`,
    caPem: ca.certPem,
    token,
    clientCert,
    counters,
    put(path, obj) {
      const coll = store.get(path) ?? new Map<string, Obj>();
      store.set(path, coll);
      const type = coll.has(obj.metadata.name) ? 'MODIFIED' : 'ADDED';
      const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      coll.set(obj.metadata.name, stored);
      emit({ rv, path, type, object: stored });
    },
    remove(path, name) {
      const obj = store.get(path)?.get(name);
      if (!obj) return;
      store.get(path)!.delete(name);
      emit({ rv: ++rv, path, type: 'DELETED', object: { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } } });
    },
    dropWatches() {
      for (const w of watchers) w.res.socket?.destroy();
      watchers.clear();
    },
    compact() {
      history = [];
      oldestRv = rv + 1;
    },
    openWatches: () => watchers.size,
    async stop() {
      for (const w of watchers) w.res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
