/**
 * The webhook port offering h2 (server.http2): real node:http2 clients against the real server on 127.0.0.1 over TLS,
 * reviews verified by the STS stand-in (moto). Each bound of h2-session-guard.ts, and that HTTP/1.1 clients are
 * still served on the same port. (HTTP/1.1 hardening on the h2 server is hardening.test.ts and availability.test.ts,
 * which run against the default config, http2 on.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parseConfig } from '../../../authenticator/config';
import { startWebhookServer, WebhookServer } from '../../../authenticator/server';
import { guardH2Sessions, H2_RESET_BURST, H2_SETTINGS_BURST } from '../../../authenticator/server/h2-session-guard';
import { generateToken } from '../../../authenticator/token';
import { startStsStandIn, StsStandIn } from '../../../harness/sts-standin';
import { httpsCall, makeTlsFiles, metricValue, TlsFiles, tokenReviewBody } from './helpers';

const CLUSTER = 'h2-it';
const { NGHTTP2_CANCEL, NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_REFUSED_STREAM } = http2.constants;

interface H2Answer { status: number; text: string; headers: http2.IncomingHttpHeaders }

/** One request on `session`; resolves with the answer, rejects with the stream error (e.g. a reset). */
function h2Request(session: http2.ClientHttp2Session, path: string, body?: string, headers: http2.OutgoingHttpHeaders = {}): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path, ':method': body === undefined ? 'GET' : 'POST', ...headers });
    let status = 0;
    let text = '';
    let answerHeaders: http2.IncomingHttpHeaders = {};
    req.on('response', (h) => {
      status = Number(h[':status']);
      answerHeaders = h;
    });
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => resolve({ status, text, headers: answerHeaders }));
    req.on('error', reject);
    req.end(body);
  });
}

function closed(session: http2.ClientHttp2Session): Promise<{ goaway?: number }> {
  return new Promise((resolve) => {
    let goaway: number | undefined;
    session.on('goaway', (code: number) => (goaway = code));
    session.on('error', () => undefined);
    session.on('close', () => resolve({ goaway }));
  });
}

describe('webhook over h2', () => {
  let standIn: StsStandIn;
  let tls: TlsFiles;
  let alice: { accessKeyId: string; secretAccessKey: string; arn: string };
  let offset = 0;
  const servers: WebhookServer[] = [];
  const sessions: http2.ClientHttp2Session[] = [];

  beforeAll(async () => {
    standIn = await startStsStandIn();
    tls = makeTlsFiles('h2-');
    alice = await standIn.createUser('alice');
  }, 120000);

  afterEach(() => {
    for (const s of sessions.splice(0)) s.destroy();
  });

  afterAll(async () => {
    for (const s of servers) await s.close();
    await standIn?.stop();
  });

  async function start(server: object = {}): Promise<WebhookServer> {
    const mapping = join(tls.dir, `mapping-${servers.length}.json`);
    writeFileSync(mapping, JSON.stringify({ mapUsers: [{ userarn: alice.arn, username: 'alice' }] }));
    const s = await startWebhookServer(parseConfig({
      clusterId: CLUSTER,
      server: { port: 0, tlsCertFile: tls.certFile, tlsKeyFile: tls.keyFile, headersTimeoutMs: 2000, tlsHandshakeTimeoutMs: 1000, requestTimeoutMs: 5000, ...server },
      review: { deadlineMs: 4000 },
      sts: { connectTo: standIn.connectTo, caFile: standIn.caFile, maxRetries: 0 },
      cache: { maxEntries: 0 },
      mapping: { backends: [{ type: 'file', path: mapping }] },
      logLevel: 'silent',
    }));
    servers.push(s);
    return s;
  }

  function h2Connect(server: { url: string }, options: http2.SecureClientSessionOptions = {}): Promise<http2.ClientHttp2Session> {
    return new Promise((resolve, reject) => {
      const s = http2.connect(server.url, { ca: tls.caPem, ...options });
      sessions.push(s);
      // Ready once the server's SETTINGS are in (and so acknowledged before our first request): the server applies
      // its limits from its SETTINGS' acknowledgement on (RFC 9113 §6.5.3).
      let waiting = 2;
      const done = () => --waiting === 0 && resolve(s);
      s.once('connect', done);
      s.once('remoteSettings', done);
      s.once('error', reject);
    });
  }

  async function token(): Promise<string> {
    return (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: alice, now: new Date(Date.now() - ++offset * 1000) })).token;
  }

  const metrics = async (server: WebhookServer) => (await httpsCall(`${server.url}/metrics`, tls.caPem)).text;

  function alpnOf(port: number, protocols: string[]): Promise<string | false> {
    return new Promise((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port, ca: tls.caPem, ALPNProtocols: protocols }, () => {
        resolve(s.alpnProtocol ?? false);
        s.destroy();
      });
      s.on('error', reject);
    });
  }

  it('negotiates h2 with a client offering h2 (as client-go does), reviews over it, and still serves HTTP/1.1 on the same port', async () => {
    const server = await start();
    expect(await alpnOf(server.port, ['h2', 'http/1.1'])).toBe('h2');
    expect(await alpnOf(server.port, ['http/1.1'])).toBe('http/1.1');
    const session = await h2Connect(server);
    const answers = await Promise.all([token(), token(), token()].map(async (t) => h2Request(session, '/authenticate', tokenReviewBody(await t))));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(JSON.parse(a.text).status).toMatchObject({ authenticated: true, user: { username: 'alice' } });
    }
    // HTTP/1.1 (Node's https client offers no ALPN: served as HTTP/1.1) on the same port.
    const h1 = await httpsCall(`${server.url}/authenticate`, tls.caPem, { method: 'POST', body: tokenReviewBody(await token()) });
    expect(h1.status).toBe(200);
    const m = await metrics(server);
    expect(metricValue(m, 'eks_access_webhook_connections_total', { protocol: 'h2' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(m, 'eks_access_webhook_connections_total', { protocol: 'http/1.1' })).toBeGreaterThanOrEqual(1);
  }, 30000);

  it.each([true, false])('sets TCP_NODELAY on every accepted connection (server.http2: %s), as Go and Node\'s HTTP/1.1 server do', async (http2On) => {
    // http2.createSecureServer leaves Nagle on; an h2 answer (HEADERS, then DATA) would wait for the peer's ACK.
    const calls: Array<{ remotePort?: number; enable?: boolean }> = [];
    const original = Socket.prototype.setNoDelay;
    const watch = jest.spyOn(Socket.prototype, 'setNoDelay').mockImplementation(function (this: Socket, enable?: boolean) {
      calls.push({ remotePort: this.remotePort, enable });
      return original.call(this, enable);
    });
    try {
      const server = await start({ http2: http2On });
      const client = tlsConnect({ port: Number(new URL(server.url).port), host: '127.0.0.1', ca: tls.caPem, servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'] });
      await new Promise<void>((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
      expect(calls).toContainEqual({ remotePort: client.localPort, enable: true });
      client.destroy();
    } finally {
      watch.mockRestore();
    }
  });

  it('with server.http2: false, a client offering h2 gets HTTP/1.1', async () => {
    const server = await start({ http2: false });
    expect(await alpnOf(server.port, ['h2', 'http/1.1'])).toBe('http/1.1');
  }, 30000);

  it('answers an h2 body over server.bodyLimitBytes 413 without a Connection header, and the session stays usable', async () => {
    const server = await start({ bodyLimitBytes: 1024 });
    const session = await h2Connect(server);
    const big = await h2Request(session, '/authenticate', tokenReviewBody('x'.repeat(4096)));
    expect(big.status).toBe(413);
    // A connection-specific header makes an h2 response malformed (RFC 9113 §8.2.2); Go's client would reject it.
    expect(big.headers).not.toHaveProperty('connection');
    expect(JSON.parse(big.text).status.error).toMatch(/exceeds 1024 bytes/);
    expect((await h2Request(session, '/healthz')).status).toBe(200);
  }, 30000);

  it('idle h2 sessions are evicted at server.maxConnections like idle keep-alive connections, so a newcomer is served', async () => {
    const server = await start({ maxConnections: 4, maxConnectionsPerPeer: 4 });
    const idle = await Promise.all(Array.from({ length: 4 }, () => h2Connect(server)));
    for (const s of idle) expect((await h2Request(s, '/healthz')).status).toBe(200); // spoken, now idle
    const gone = closed(idle[0]);
    const newcomer = await h2Connect(server);
    expect((await h2Request(newcomer, '/healthz')).status).toBe(200);
    await gone; // the one idle longest made room
    expect(metricValue(await metrics(server), 'eks_access_webhook_closed_connections_total', { reason: 'evicted_idle' })).toBeGreaterThanOrEqual(1);
  }, 30000);

  it('on shutdown, a review in flight on an h2 session is answered and the session gets GOAWAY', async () => {
    const server = await start();
    const session = await h2Connect(server);
    const done = closed(session);
    const body = tokenReviewBody(await token());
    const req = session.request({ ':path': '/authenticate', ':method': 'POST' });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      let status = 0;
      let text = '';
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => resolve({ status, text }));
      req.on('error', reject);
    });
    req.write(body.slice(0, 20)); // in flight: its body is not in yet
    // Frames of one connection arrive in order: once a later stream is answered, the server has this one.
    expect((await h2Request(session, '/healthz')).status).toBe(200);
    const closing = server.close();
    req.end(body.slice(20));
    const a = await answer;
    expect(a.status).toBe(200);
    expect(JSON.parse(a.text).status.authenticated).toBe(true);
    expect((await done).goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    await closing;
  }, 30000);

  it('advertises server.http2MaxConcurrentStreams and refuses streams beyond it', async () => {
    const server = await start({ http2MaxConcurrentStreams: 2 });
    // peerMaxConcurrentStreams: the client assumes 50 until the server's SETTINGS arrive, so its first flight of
    // requests may exceed the server's limit — what a client ignoring SETTINGS does.
    const session = http2.connect(server.url, { ca: tls.caPem, peerMaxConcurrentStreams: 50 });
    sessions.push(session);
    session.on('error', () => undefined);
    // Bodies never finished: each stream stays open until the server's body deadline.
    const held = Array.from({ length: 6 }, () => {
      const req = session.request({ ':path': '/authenticate', ':method': 'POST' });
      return new Promise<number>((resolve) => {
        req.on('response', (h) => resolve(Number(h[':status'])));
        req.on('error', () => resolve(-(req.rstCode ?? 0)));
        req.on('close', () => resolve(-(req.rstCode ?? 0)));
      });
    });
    await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));
    expect(session.remoteSettings.maxConcurrentStreams).toBe(2);
    const outcomes = await Promise.all(held);
    // At most 2 streams are taken (answered 408 at the body deadline); the rest are refused, or were held back by the
    // client once it learned the limit and then refused or answered in turn — never more than 2 at once.
    const answered = outcomes.filter((o) => o === 408).length;
    const refused = outcomes.filter((o) => o === -NGHTTP2_REFUSED_STREAM).length;
    expect(answered + refused).toBe(6);
    expect(refused).toBeGreaterThanOrEqual(1);
  }, 30000);

  it('resets a stream open longer than server.requestTimeoutMs (after answering its late body 408)', async () => {
    const server = await start({ requestTimeoutMs: 1500, bodyTimeoutMs: 500, headersTimeoutMs: 1000 });
    const session = await h2Connect(server);
    const req = session.request({ ':path': '/authenticate', ':method': 'POST' });
    req.write('{"apiVersion":'); // and never the rest
    const status = await new Promise<number>((resolve) => req.on('response', (h) => resolve(Number(h[':status']))));
    expect(status).toBe(408);
    req.resume();
    const rst = await new Promise<number | undefined>((resolve) => req.on('close', () => resolve(req.rstCode)));
    expect(rst).toBe(NGHTTP2_CANCEL);
    expect(metricValue(await metrics(server), 'eks_access_webhook_closed_connections_total', { reason: 'h2_stream_timeout' })).toBe(1);
    // The session itself is still usable.
    expect((await h2Request(session, '/healthz')).status).toBe(200);
  }, 30000);

  it('closes an idle session after server.keepAliveTimeoutMs even while the client keeps sending PINGs', async () => {
    const server = await start({ keepAliveTimeoutMs: 800 });
    const session = await h2Connect(server);
    const done = closed(session);
    expect((await h2Request(session, '/healthz')).status).toBe(200);
    const pinging = setInterval(() => session.ping(() => undefined), 100);
    try {
      const { goaway } = await done;
      expect(goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    } finally {
      clearInterval(pinging);
    }
  }, 30000);

  it('closes a session that never opens a stream (silent after the h2 preface), as a silent HTTP/1.1 connection', async () => {
    const server = await start({ headersTimeoutMs: 600, tlsHandshakeTimeoutMs: 500 });
    const session = await h2Connect(server);
    await closed(session);
    expect(metricValue(await metrics(server), 'eks_access_webhook_closed_connections_total', { reason: 'silent_timeout' })).toBe(1);
  }, 30000);

  it('refuses a header list over 16 KiB on a stream', async () => {
    const server = await start();
    const session = await h2Connect(server);
    session.on('error', () => undefined);
    expect(session.remoteSettings.maxHeaderListSize).toBe(16 * 1024);
    expect((await h2Request(session, '/healthz', undefined, { 'x-fits': 'a'.repeat(12 * 1024) })).status).toBe(200);
    const big = h2Request(session, '/healthz', undefined, { 'x-big': 'a'.repeat(20 * 1024) });
    await expect(big).rejects.toThrow(/Stream closed with error code NGHTTP2_(ENHANCE_YOUR_CALM|REFUSED_STREAM)/);
    // A normal request on a new session still works (the server is fine).
    const again = await h2Connect(server);
    expect((await h2Request(again, '/healthz')).status).toBe(200);
  }, 30000);

  it('rapid reset (CVE-2023-44487): a session resetting streams faster than the bound gets GOAWAY(ENHANCE_YOUR_CALM)', async () => {
    const server = await start();
    // What the attack sends, as raw frames (an attacker ignores what a well-behaved client library would do): the
    // preface, SETTINGS, then HEADERS + RST_STREAM(CANCEL) pairs on new streams, as fast as it can.
    const frame = (type: number, flags: number, stream: number, payload: Buffer) => {
      const h = Buffer.alloc(9);
      h.writeUIntBE(payload.length, 0, 3);
      h[3] = type;
      h[4] = flags;
      h.writeUInt32BE(stream, 5);
      return Buffer.concat([h, payload]);
    };
    const socket = tlsConnect({ host: '127.0.0.1', port: server.port, ca: tls.caPem, ALPNProtocols: ['h2'] });
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    expect(socket.alpnProtocol).toBe('h2');
    let goaway: number | undefined;
    let inbox = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      inbox = Buffer.concat([inbox, d]);
      while (inbox.length >= 9 && inbox.length >= 9 + inbox.readUIntBE(0, 3)) {
        const len = inbox.readUIntBE(0, 3);
        if (inbox[3] === 7) goaway ??= inbox.readUInt32BE(9 + 4); // GOAWAY: last stream id, then the error code
        inbox = inbox.subarray(9 + len);
      }
    });
    socket.on('error', () => undefined);
    const closedSocket = new Promise((resolve) => socket.on('close', resolve));
    socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), frame(4, 0, 0, Buffer.alloc(0))]));
    // HPACK: :method POST (3), :scheme https (7), :path / (4) from the static table; :authority (1) as a literal
    // without indexing.
    const headers = Buffer.concat([Buffer.from([0x83, 0x87, 0x84, 0x01, 9]), Buffer.from('127.0.0.1')]);
    const cancel = Buffer.alloc(4);
    cancel.writeUInt32BE(NGHTTP2_CANCEL);
    const pairs: Buffer[] = [];
    for (let i = 0; i < H2_RESET_BURST * 3; i++) {
      const id = 1 + 2 * i;
      pairs.push(frame(1, 0x4 /* END_HEADERS */, id, headers), frame(3, 0, id, cancel));
    }
    socket.write(Buffer.concat(pairs));
    await closedSocket;
    expect(goaway).toBe(NGHTTP2_ENHANCE_YOUR_CALM);
    expect(metricValue(await metrics(server), 'eks_access_webhook_closed_connections_total', { reason: 'h2_rapid_reset' })).toBe(1);
    expect((await httpsCall(`${server.url}/healthz`, tls.caPem)).status).toBe(200);
  }, 30000);

  it('SETTINGS flood (CVE-2019-9515): a session sending SETTINGS faster than the bound gets GOAWAY(ENHANCE_YOUR_CALM)', async () => {
    const server = await start();
    // maxOutstandingSettings: a Node client option missing from @types/node.
    const session = await h2Connect(server, { maxOutstandingSettings: 10_000 } as http2.SecureClientSessionOptions);
    const done = closed(session);
    for (let i = 0; i < H2_SETTINGS_BURST * 5 && !session.closed && !session.destroyed; i++) {
      try {
        session.settings({ initialWindowSize: 65535 + i });
      } catch {
        break; // the session is going away
      }
    }
    const { goaway } = await done;
    expect(goaway).toBe(NGHTTP2_ENHANCE_YOUR_CALM);
    expect(metricValue(await metrics(server), 'eks_access_webhook_closed_connections_total', { reason: 'h2_settings_flood' })).toBe(1);
  }, 30000);

  it('sends GOAWAY after the streams a session may open in its lifetime; streams before it finish', async () => {
    // The guard alone on a real h2 server (a lifetime of 10,000 streams is too many for a unit test).
    const server = http2.createSecureServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (_req, res) => res.end('ok'));
    guardH2Sessions(server, { streamTimeoutMs: 5000, idleTimeoutMs: 5000, maxStreamsPerSession: 5 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const session = await h2Connect({ url: `https://127.0.0.1:${port}` });
      const done = closed(session);
      const answers: Array<number | 'failed'> = [];
      for (let i = 0; i < 7; i++) answers.push(await h2Request(session, '/').then((a) => a.status, () => 'failed'));
      expect(answers.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.slice(5)).not.toContain(200);
      expect((await done).goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 30000);
});
