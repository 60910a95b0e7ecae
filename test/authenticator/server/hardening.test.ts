/**
 * What a caller on the network could use to exhaust the webhook, against the real server on 127.0.0.1 and the STS
 * stand-in: silent TCP and TLS connections, the connection cap, the in-flight review cap, junk tokens while STS
 * hangs, TLS 1.2 suites, reserved username prefixes, and the plain metrics/health listener with per-backend health.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as tcpConnect, Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { parseConfig } from '../../../authenticator/config';
import { startWebhookServer, WebhookServer } from '../../../authenticator/server';
import { generateToken } from '../../../authenticator/token';
import { startStsStandIn, StsStandIn } from '../../../harness/sts-standin';
import { httpsCall, makeTlsFiles, metricValue, review, TlsFiles } from './helpers';
import { waitUntil } from '../../../harness/net';

const CLUSTER = 'hardening-it';
const HEADERS_TIMEOUT_MS = 1000;

/** Resolves when the server closes `socket` (`end` from the peer or a reset), with how the close came. */
function closedByServer(socket: Socket): Promise<'end' | 'reset'> {
  return new Promise((resolve) => {
    socket.on('end', () => resolve('end'));
    socket.on('error', () => resolve('reset'));
    socket.on('close', () => resolve('end'));
    socket.on('data', () => {});
  });
}

function silentTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

function silentTls(port: number, caPem: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost' }, () => resolve(s));
    s.once('error', reject);
  });
}

function plainGet(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject).end();
  });
}

/** Whether a TLS 1.2 client offering only `cipher` completes a handshake. */
function negotiates(port: number, caPem: string, cipher: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: caPem, servername: 'localhost', maxVersion: 'TLSv1.2', ciphers: cipher }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** The same with the openssl command-line client (another real TLS implementation's view). */
function opensslNegotiates(port: number, cipher: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = execFile('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-cipher', cipher, '-servername', 'localhost'],
      { timeout: 20_000 }, (_err, stdout) => resolve(new RegExp(`Cipher is ${cipher}`).test(stdout)));
    child.stdin?.end();
  });
}

describe('webhook hardening', () => {
  let standIn: StsStandIn;
  let tls: TlsFiles;
  let alice: { accessKeyId: string; secretAccessKey: string; arn: string };
  let root: { accessKeyId: string; secretAccessKey: string; arn: string };
  let offset = 0;
  const servers: WebhookServer[] = [];

  beforeAll(async () => {
    standIn = await startStsStandIn();
    tls = makeTlsFiles();
    alice = await standIn.createUser('alice');
    root = await standIn.createUser('wants-root');
  }, 120000);

  afterEach(() => standIn.setFault(undefined));

  afterAll(async () => {
    for (const s of servers) await s.close();
    await standIn?.stop();
  });

  async function start(server: object = {}, sts: object = {}, backendExtra: object = {}, mappingDoc?: object): Promise<WebhookServer> {
    const mapping = join(tls.dir, `mapping-${servers.length}.json`);
    writeFileSync(mapping, JSON.stringify(mappingDoc ?? {
      mapUsers: [{ userarn: alice.arn, username: 'alice' }, { userarn: root.arn, username: 'system:admin', groups: ['system:masters'] }],
    }));
    const s = await startWebhookServer(parseConfig({
      clusterId: CLUSTER,
      server: { port: 0, tlsCertFile: tls.certFile, tlsKeyFile: tls.keyFile, headersTimeoutMs: HEADERS_TIMEOUT_MS, tlsHandshakeTimeoutMs: 500, requestTimeoutMs: 5000, ...server },
      review: { deadlineMs: 4000 },
      sts: { connectTo: standIn.connectTo, caFile: standIn.caFile, attemptTimeoutMs: 3000, maxRetries: 0, ...sts },
      cache: { maxEntries: 0 },
      mapping: { backends: [{ type: 'file', path: mapping, ...backendExtra }] },
      logLevel: 'silent',
    }));
    servers.push(s);
    return s;
  }

  async function token(creds = alice): Promise<string> {
    return (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: creds, now: new Date(Date.now() - ++offset * 1000) })).token;
  }

  it('closes a TCP connection that never sends a byte, and a TLS connection that is silent after the handshake', async () => {
    const server = await start();
    const tcp = await silentTcp(server.port);
    const secure = await silentTls(server.port, tls.caPem);
    // Before the fix both stayed open indefinitely (the test then timed out).
    expect(await closedByServer(tcp)).toBeDefined();
    expect(await closedByServer(secure)).toBeDefined();
    const metrics = (await httpsCall(`${server.url}/metrics`, tls.caPem)).text;
    expect(metricValue(metrics, 'eks_access_webhook_closed_connections_total', { reason: 'silent_timeout' })).toBe(2);
    expect((await httpsCall(`${server.url}/healthz`, tls.caPem)).status).toBe(200);
  }, 30000);

  it('caps open connections: at the cap a new connection evicts the oldest silent one, so health still answers', async () => {
    const server = await start({ maxConnections: 8, headersTimeoutMs: 60000, requestTimeoutMs: 60000, tlsHandshakeTimeoutMs: 30000 });
    const silent = await Promise.all(Array.from({ length: 8 }, () => silentTcp(server.port)));
    const closed = silent.map(closedByServer);
    const health = await httpsCall(`${server.url}/healthz`, tls.caPem);
    expect(health.status).toBe(200);
    await closed[0]; // the oldest was evicted for it
    const metrics = (await httpsCall(`${server.url}/metrics`, tls.caPem)).text;
    expect(metricValue(metrics, 'eks_access_webhook_closed_connections_total', { reason: 'evicted' })).toBeGreaterThanOrEqual(1);
    silent.forEach((s) => s.destroy());
  }, 30000);

  it('answers reviews beyond server.maxInFlightReviews at once with 429 and a reason, not after the STS wait', async () => {
    const server = await start({ maxInFlightReviews: 2 });
    await standIn.setFault('hang');
    const hanging = [review(server.url, tls.caPem, await token()), review(server.url, tls.caPem, await token())];
    await waitUntil('both reviews to be in flight', async () =>
      metricValue((await httpsCall(`${server.url}/metrics`, tls.caPem)).text, 'eks_access_webhook_reviews_in_flight') >= 2);
    let hangingSettled = false;
    void Promise.all(hanging).then(() => (hangingSettled = true));
    const excess = await review(server.url, tls.caPem, await token());
    expect(hangingSettled).toBe(false); // answered while the two reviews still wait for STS
    expect(excess.status).toBe(429);
    expect(excess.json.status).toEqual({ authenticated: false, error: expect.stringMatching(/too many reviews in flight \(server.maxInFlightReviews=2\)/) });
    await standIn.setFault(undefined);
    await Promise.all(hanging);
  }, 30000);

  it('answers junk tokens at once while STS hangs and every STS slot is taken (format checks come first)', async () => {
    const server = await start({}, { maxConcurrent: 1 });
    await standIn.setFault('hang');
    const holder = review(server.url, tls.caPem, await token());
    let holderSettled = false;
    void holder.then(() => (holderSettled = true));
    await waitUntil('the holder to take the STS slot', async () =>
      metricValue((await httpsCall(`${server.url}/metrics`, tls.caPem)).text, 'eks_access_webhook_sts_in_flight') >= 1);
    const junk = [
      'k8s-aws-v1.!!!',
      `k8s-aws-v1.${Buffer.from('https://evil.example.com/?Action=GetCallerIdentity').toString('base64url')}`,
      `k8s-aws-v1.${Buffer.from('https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Date=20200101T000000Z').toString('base64url')}`,
    ];
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => review(server.url, tls.caPem, junk[i % junk.length])));
    expect(holderSettled).toBe(false);
    for (const a of answers) {
      expect(a.status).toBe(403);
      expect(a.json.status).toEqual({ authenticated: false, error: expect.stringMatching(/not properly formatted/) });
    }
    await standIn.setFault(undefined);
    await holder;
  }, 30000);

  it('negotiates TLS 1.2 only with ECDHE + AEAD suites (a CBC or static-RSA suite fails with real TLS clients)', async () => {
    const server = await start();
    expect(await negotiates(server.port, tls.caPem, 'ECDHE-RSA-AES128-GCM-SHA256')).toBe(true);
    expect(await negotiates(server.port, tls.caPem, 'ECDHE-RSA-AES128-SHA')).toBe(false);
    expect(await negotiates(server.port, tls.caPem, 'ECDHE-RSA-AES256-SHA384')).toBe(false);
    expect(await negotiates(server.port, tls.caPem, 'AES128-GCM-SHA256')).toBe(false);
    expect(await opensslNegotiates(server.port, 'ECDHE-RSA-AES256-GCM-SHA384')).toBe(true);
    expect(await opensslNegotiates(server.port, 'ECDHE-RSA-AES128-SHA256')).toBe(false);
  }, 60000);

  it('refuses a username with a reserved prefix of the backend (server.reservedPrefixConfig of the reference)', async () => {
    const server = await start({}, {}, { reservedPrefixes: ['system:', 'eks:'] });
    const denied = await review(server.url, tls.caPem, await token(root));
    expect(denied.status).toBe(403);
    expect(denied.json.status).toEqual({ authenticated: false, error: expect.stringMatching(/invalid username 'system:admin'.*reserved prefix 'system:'/) });
    expect((await review(server.url, tls.caPem, await token(alice))).status).toBe(200);
  }, 30000);

  it('serves /metrics, /healthz and /readyz on a plain listener, with build info and per-backend health', async () => {
    const server = await start({ metricsPort: 0 }, {}, {}, { mapUsers: 'not a list' });
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await plainGet(`${server.metricsUrl}/healthz`)).toEqual({ status: 200, text: 'ok\n' });
    expect((await plainGet(`${server.metricsUrl}/authenticate`)).status).toBe(404); // never sees a token
    expect((await plainGet(`${server.metricsUrl}/nope`)).status).toBe(404);
    const text = (await plainGet(`${server.metricsUrl}/metrics`)).text;
    expect(text).toMatch(/eks_access_webhook_build_info\{version="\d+\.\d+\.\d+[^"]*",nodejs_version="v\d+/);
    expect(metricValue(text, 'eks_access_webhook_mapper_ready', { mapper: 'file' })).toBe(0);
    expect(metricValue(text, 'eks_access_webhook_mapper_healthy', { mapper: 'file' })).toBe(0);
    expect(metricValue(text, 'eks_access_webhook_mapper_load_failures_total', { mapper: 'file' })).toBeGreaterThanOrEqual(1);
    expect((await plainGet(`${server.metricsUrl}/readyz`)).status).toBe(503);
  }, 30000);
});
