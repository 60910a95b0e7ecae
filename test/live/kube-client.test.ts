/**
 * The live commands' Kubernetes client over real HTTPS against the list/watch imitation of the mapper tests: the
 * kubeconfig forms users have (bearer token, client certificate, CA data, an `exec` credential plugin printing an
 * ExecCredential), and errors that name what failed. Paginated LIST against the real kube-apiserver is in
 * test/e2e/live.test.ts.
 *
 * Then a HOSTILE API server (real HTTPS on 127.0.0.1, its own CA) attacks the client the ways a security review did:
 * endless `continue` tokens, a body without end, one byte at a time, a certificate nobody checks; each limit is
 * injected small so the attack is seen at small scale. And kubeconfigs as people have them: `KUBECONFIG=a:b`,
 * `tls-server-name`, `proxy-url` (through the e2e harness's real CONNECT proxy).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { stringify } from 'yaml';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { fromKubeconfig } from '../../authenticator/mapper/kube/connection';
import { KubeApiError, KubeClient } from '../../lib/live/kube/client';
import { RuleError } from '../../lib/model/rule-error';
import { FakeApiServer, startFakeApiServer } from '../../harness/fake-apiserver';
import { startConnectProxy } from '../../harness/connect-proxy';

const CM_PATH = '/api/v1/namespaces/kube-system/configmaps';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('KubeClient', () => {
  let api: FakeApiServer;
  let dir: string;
  beforeAll(async () => {
    api = await startFakeApiServer();
    api.put(CM_PATH, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: { mapRoles: '[]' } });
    dir = mkdtempSync(join(tmpdir(), 'kube-client-'));
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubeconfig = (name: string, user: object, cluster: object = { server: api.server, 'certificate-authority-data': b64(api.caPem) }) => {
    const file = join(dir, name);
    writeFileSync(file, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
      clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    }));
    return file;
  };

  it('lists with a bearer token and CA data', async () => {
    const client = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('token', { token: api.token }) });
    const items = await client.list(CM_PATH);
    expect(items.map((o) => o.metadata.name)).toEqual(['aws-auth']);
  });

  it('lists with a client certificate from a file next to the kubeconfig', async () => {
    writeFileSync(join(dir, 'client.crt'), api.clientCert.certPem);
    writeFileSync(join(dir, 'client.key'), api.clientCert.keyPem);
    const client = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('cert', { 'client-certificate': 'client.crt', 'client-key': 'client.key' }) });
    expect((await client.list(CM_PATH)).length).toBe(1);
  });

  it('runs an exec credential plugin once and uses its token (KUBERNETES_EXEC_INFO set, kubeconfig env passed)', async () => {
    const plugin = join(dir, 'plugin.js');
    const calls = join(dir, 'plugin-calls');
    writeFileSync(plugin, [
      `const fs = require('node:fs');`,
      `fs.appendFileSync(${JSON.stringify(calls)}, process.env.KUBERNETES_EXEC_INFO + '\\n');`,
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential',`,
      `  status: { token: process.env.PLUGIN_TOKEN, expirationTimestamp: new Date(Date.now() + 600000).toISOString() } }));`,
    ].join('\n'));
    chmodSync(plugin, 0o755);
    const client = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('exec', {
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [plugin], env: [{ name: 'PLUGIN_TOKEN', value: api.token }] },
    }) });
    await client.list(CM_PATH);
    await client.list(CM_PATH);
    const seen = readFileSync(calls, 'utf8').trim().split('\n');
    expect(seen).toHaveLength(1); // cached until expirationTimestamp
    expect(JSON.parse(seen[0])).toMatchObject({ kind: 'ExecCredential', spec: { interactive: false } });
  });

  it('names the plugin when it fails, and the status when the server refuses', async () => {
    const failing = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('exec-missing', { exec: { command: join(dir, 'no-such-plugin') } }) });
    await expect(failing.list(CM_PATH)).rejects.toThrow(/exec credential plugin '.*no-such-plugin' failed: command not found/);
    const wrong = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('bad-token', { token: 'wrong' }) });
    const err = await wrong.list(CM_PATH).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ status: 401, message: expect.stringContaining('HTTP 401: Unauthorized') });
  });

  it('refuses auth-provider users with the file named', () => {
    expect(() => KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('ap', { 'auth-provider': { name: 'gcp' } }) })).toThrow(/kubeconfig .*ap: user 'u' uses auth-provider/);
  });
});

/** An HTTPS server on 127.0.0.1 whose certificate names only `kube.internal` (not 127.0.0.1), answering with `handler`. */
interface Hostile {
  readonly server: string;
  readonly caPem: string;
  /** Requests received, and the SNI name of each. */
  readonly requests: Array<{ url: string; sni: string | false | null; authorization?: string }>;
  stop(): Promise<void>;
}
const hostileCa = createCertificateAuthority('hostile-ca');
const hostileCert = issueServerCertificate(hostileCa, { dnsNames: ['kube.internal', 'sts.us-east-1.amazonaws.com'] });

async function startHostile(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<Hostile> {
  const requests: Hostile['requests'] = [];
  const server: Server = createServer({ cert: hostileCert.certPem, key: hostileCert.keyPem }, (req, res) => {
    requests.push({ url: req.url ?? '', sni: (req.socket as TLSSocket).servername, authorization: req.headers.authorization });
    res.on('error', () => undefined);
    handler(req, res, requests.length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPem: hostileCa.certPem,
    requests,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('KubeClient against a hostile API server', () => {
  let dir: string;
  const servers: Hostile[] = [];
  const timers: NodeJS.Timeout[] = [];
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kube-hostile-'))));
  afterEach(async () => {
    for (const t of timers.splice(0)) clearInterval(t);
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const hostile = async (handler: Parameters<typeof startHostile>[0]) => {
    const h = await startHostile(handler);
    servers.push(h);
    return h;
  };
  const write = (name: string, doc: object) => {
    const file = join(dir, name);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, stringify(doc));
    return file;
  };
  const config = (cluster: object, user: object = { token: 'secret-token' }, extra: object = {}) => ({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
    clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }], ...extra,
  });
  const clientFor = (h: Hostile, limits: object = {}, cluster: object = {}) => KubeClient.fromKubeconfig({
    kubeconfig: write(`kc-${Math.random().toString(36).slice(2)}`, config({ server: h.server, 'certificate-authority-data': b64(h.caPem), 'tls-server-name': 'kube.internal', ...cluster })),
    ...limits,
  });
  const ruleOf = (e: unknown) => (e instanceof RuleError ? e.ruleId : `not a RuleError: ${String(e)}`);

  it('stops an endless continue chain at maxListPages, naming the limit and how to raise it', async () => {
    const h = await hostile((_req, res, n) => res.end(JSON.stringify({ items: [{ metadata: { name: `o${n}` } }], metadata: { continue: `c${n}` } })));
    const err = await clientFor(h, { maxListPages: 5 }).list('/apis/rbac.authorization.k8s.io/v1/roles').catch((e: unknown) => e);
    expect(ruleOf(err)).toBe('eks-access:kube-list-pages');
    expect((err as Error).message).toMatch(/LIST \/apis\/rbac.*after 5 pages.*maxListPages.*--max-list-pages/);
    expect(h.requests).toHaveLength(5);
  });

  it('stops reading a body without end at maxResponseBytes (no Content-Length), and refuses a declared one at once', async () => {
    const h = await hostile((req, res) => {
      if (req.url?.startsWith('/declared')) {
        res.writeHead(200, { 'content-length': String(2 * 1024 ** 3) }).write('{');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.write('{"items":["');
      pump();
    });
    const client = clientFor(h, { maxResponseBytes: 256 * 1024 });
    const err = await client.get('/api/v1/configmaps').catch((e: unknown) => e);
    expect(ruleOf(err)).toBe('eks-access:kube-response-bytes');
    expect((err as Error).message).toMatch(/GET \/api\/v1\/configmaps: the response is larger than maxResponseBytes \(\d+ > 262144 bytes\).*--max-response-bytes/);
    expect(client.bytesRead).toBeLessThan(256 * 1024 + 64 * 1024);
    const declared = await client.get('/declared').catch((e: unknown) => e);
    expect((declared as Error).message).toMatch(/2147483648 > 262144 bytes/);
  });

  it('stops at maxSnapshotBytes over many responses of one client', async () => {
    const h = await hostile((_req, res) => res.end(JSON.stringify({ items: [{ metadata: { name: 'x'.repeat(40_000) } }] })));
    const client = clientFor(h, { maxSnapshotBytes: 100_000 });
    await client.list('/a');
    await client.list('/b');
    const err = await client.list('/c').catch((e: unknown) => e);
    expect(ruleOf(err)).toBe('eks-access:kube-snapshot-bytes');
    expect((err as Error).message).toMatch(/exceed maxSnapshotBytes \(100000 bytes\).*--max-snapshot-bytes/);
  });

  it('gives up on a server trickling one byte at a time at requestDeadlineMs, though the idle timeout never fires', async () => {
    const h = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      timers.push(setInterval(() => res.write(' '), 20));
    });
    const started = Date.now();
    const err = await clientFor(h, { requestTimeoutMs: 60_000, requestDeadlineMs: 400 }).get('/slow').catch((e: unknown) => e);
    expect(ruleOf(err)).toBe('eks-access:kube-request-deadline');
    expect((err as Error).message).toMatch(/no complete answer within requestDeadlineMs \(400 ms\).*--request-deadline-ms/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('gives up on a server that goes silent at requestTimeoutMs (the idle timeout), before the deadline', async () => {
    const h = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
    });
    const err = await clientFor(h, { requestTimeoutMs: 300, requestDeadlineMs: 60_000 }).get('/silent').catch((e: unknown) => e);
    expect(ruleOf(err)).toBe('eks-access:kube-request-deadline');
    expect((err as Error).message).toMatch(/GET \/silent: no byte received for requestTimeoutMs \(300 ms\).*--request-timeout-ms/);
  });

  it('warns when the kubeconfig switches TLS verification off (and still connects, as kubectl does)', async () => {
    const h = await hostile((_req, res) => res.end('{"items":[]}'));
    const file = write('insecure', config({ server: h.server, 'insecure-skip-tls-verify': true }));
    const client = KubeClient.fromKubeconfig({ kubeconfig: file });
    expect(client.warnings).toEqual([expect.stringMatching(/cluster 'c' sets insecure-skip-tls-verify: the certificate of https:\/\/127\.0\.0\.1:\d+ is not checked.*credentials/)]);
    expect(await client.list('/x')).toEqual([]);
    expect(KubeClient.fromKubeconfig({ kubeconfig: write('secure', config({ server: h.server, 'certificate-authority-data': b64(h.caPem) })) }).warnings).toEqual([]);
  });

  it('honours tls-server-name: sent as SNI and checked against the certificate (which does not name 127.0.0.1)', async () => {
    const h = await hostile((_req, res) => res.end('{"items":[]}'));
    expect(await clientFor(h).list('/x')).toEqual([]);
    expect(h.requests[0].sni).toBe('kube.internal');
    const without = KubeClient.fromKubeconfig({ kubeconfig: write('no-sni', config({ server: h.server, 'certificate-authority-data': b64(h.caPem) })) });
    await expect(without.list('/x')).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list/);
    const wrongName = clientFor(h, {}, { 'tls-server-name': 'other.internal' });
    await expect(wrongName.list('/x')).rejects.toThrow(/Host: other\.internal\. is not in the cert's altnames/);
    // The webhook's own list/watch reads the same field (authenticator/mapper/kube/list-watch.ts).
    expect(fromKubeconfig(write('webhook-sni', config({ server: h.server, 'tls-server-name': 'kube.internal' }))).tlsServerName).toBe('kube.internal');
  });

  it('honours proxy-url through a real CONNECT proxy, and refuses a scheme it does not speak', async () => {
    const h = await hostile((_req, res) => res.end('{"items":[{"metadata":{"name":"via-proxy"}}]}'));
    const proxy = await startConnectProxy(h.server.replace('https://', ''));
    try {
      // sts.…amazonaws.com:443 is the one host the harness proxy tunnels (to our server); nothing resolves it here, so
      // an answer proves the request went through the proxy.
      const file = write('proxied', config({ server: 'https://sts.us-east-1.amazonaws.com', 'certificate-authority-data': b64(h.caPem), 'proxy-url': proxy.url }));
      const items = await KubeClient.fromKubeconfig({ kubeconfig: file }).list('/x');
      expect(items.map((o) => o.metadata.name)).toEqual(['via-proxy']);
      expect(proxy.tunnels.get('sts.us-east-1.amazonaws.com:443')).toBe(1);
      expect(h.requests[0]).toMatchObject({ sni: 'sts.us-east-1.amazonaws.com', authorization: 'Bearer secret-token' });
      const refusedFile = write('proxy-refused', config({ server: 'https://kube.internal', 'certificate-authority-data': b64(h.caPem), 'proxy-url': proxy.url }));
      await expect(KubeClient.fromKubeconfig({ kubeconfig: refusedFile }).list('/x')).rejects.toThrow(/proxy http:\/\/127\.0\.0\.1:\d+ refused CONNECT kube\.internal:443: HTTP 403/);
    } finally {
      await proxy.close();
    }
    // Credentials in proxy-url go to the proxy as Basic Proxy-Authorization, and never into messages.
    let head = '';
    const authProxy = createNetServer((socket) => socket.once('data', (d) => {
      head = d.toString('latin1');
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
    }));
    await new Promise<void>((r) => authProxy.listen(0, '127.0.0.1', r));
    try {
      const authFile = write('proxy-auth', config({ server: 'https://kube.internal', 'certificate-authority-data': b64(h.caPem), 'proxy-url': `http://us%40er:p%3Aw@127.0.0.1:${(authProxy.address() as AddressInfo).port}` }));
      const err = (await KubeClient.fromKubeconfig({ kubeconfig: authFile }).list('/x').catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/proxy http:\/\/127\.0\.0\.1:\d+ refused CONNECT kube\.internal:443: HTTP 407/);
      expect(err.message).not.toContain('p:w');
      expect(head).toMatch(/^CONNECT kube\.internal:443 HTTP\/1\.1\r\n/);
      expect(head.toLowerCase()).toContain(`proxy-authorization: basic ${Buffer.from('us@er:p:w').toString('base64').toLowerCase()}`);
    } finally {
      await new Promise<void>((r) => authProxy.close(() => r()));
    }
    const socks = write('socks', config({ server: h.server, 'proxy-url': 'socks5://user:pw@127.0.0.1:1080' }));
    expect(() => KubeClient.fromKubeconfig({ kubeconfig: socks })).toThrow(/cluster 'c' proxy-url: scheme socks5 is not supported \(only http:\/\/ proxies.*\[eks-access:kube-proxy-url\]/);
    expect(() => fromKubeconfig(socks)).toThrow(/sets proxy-url, which the webhook does not support/);
  });

  it('merges KUBECONFIG=a:b as kubectl does: first file to set a key wins, paths relative to their own file, missing files skipped', async () => {
    const h = await hostile((req, res) => res.end(JSON.stringify({ items: [{ metadata: { name: String(req.headers.authorization) } }] })));
    // a: current-context and the user; b (in another folder): the cluster with a relative CA path, the context, a
    // different user u (ignored: a set u first) and another current-context (ignored: a set it first).
    const a = write('merge/a.yaml', { apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx', users: [{ name: 'u', user: { token: 'from-a' } }] });
    writeFileSync(join(dir, 'merge-b-ca.crt'), h.caPem);
    mkdirSync(join(dir, 'other'), { recursive: true });
    writeFileSync(join(dir, 'other', 'ca.crt'), h.caPem);
    const b = write('other/b.yaml', config({ server: h.server, 'certificate-authority': 'ca.crt', 'tls-server-name': 'kube.internal' }, { token: 'from-b' }, { 'current-context': 'elsewhere' }));
    const client = KubeClient.fromKubeconfig({}, { KUBECONFIG: `${a}:${join(dir, 'missing.yaml')}:${b}` });
    expect((await client.list('/x')).map((o) => o.metadata.name)).toEqual(['Bearer from-a']);
    // --kubeconfig names one file: only that one is read.
    expect(() => KubeClient.fromKubeconfig({ kubeconfig: a }, { KUBECONFIG: `${a}:${b}` })).toThrow(/no context named 'ctx'/);
    expect(() => KubeClient.fromKubeconfig({}, { KUBECONFIG: `${join(dir, 'none1')}:${join(dir, 'none2')}` })).toThrow(/none of these files exists/);
  });
});
