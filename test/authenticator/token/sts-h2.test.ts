/**
 * The STS client over h2 (sts-origin.ts), against real HTTPS servers on 127.0.0.1 (node:http2 and node:https
 * standing in for STS; the moto-backed SigV4 check over h2 is in test/integration/sts-h2-sigv4.test.ts):
 * ALPN negotiation, multiplexing (N concurrent calls, 1 connection), the fallback to the HTTP/1.1 pool (and that it
 * is remembered), the stream bound, deadlines, aborts and reply-size bounds on h2, GOAWAY, and error hygiene.
 */
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { STSError, TokenVerifier } from '../../../authenticator';
import { createCertificateAuthority, issueServerCertificate } from '../../../authenticator/certs';
import { StsClient } from '../../../authenticator/token/sts';
import { MAX_STREAMS } from '../../../authenticator/token/sts-origin';
import { waitUntil } from '../../../harness/net';
import { amzDate, LocalSts, startLocalSts, toToken } from './local-sts-server';

const HOST = 'sts.us-east-1.amazonaws.com';
const USER_REPLY = {
  status: 200,
  body: { GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: 'arn:aws:iam::123456789012:user/Alice', Account: '123456789012', UserId: 'AIDAALICE' } } },
};
const SECRET_SIGNATURE = 'f00dfeedcafe0123456789abcdef0123456789abcdef0123456789abcdef0123';
const urlFor = () =>
  `https://${HOST}/?Action=GetCallerIdentity&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Date=${amzDate()}&X-Amz-Expires=60&X-Amz-Signature=${SECRET_SIGNATURE}`;
const tokenFor = () => toToken(urlFor());
const pathOf = (url: string) => url.slice(`https://${HOST}`.length);

let h2: LocalSts;
let h1: LocalSts;
beforeAll(async () => {
  [h2, h1] = await Promise.all([startLocalSts([], { h2: true }), startLocalSts()]);
});
afterAll(async () => Promise.all([h2.close(), h1.close()]));

// h2 is offered only when asked for (STS_HTTP2_DEFAULT is false): these tests are about the h2 path, so they ask.
const verifierOf = (sts: LocalSts, extra: Partial<ConstructorParameters<typeof TokenVerifier>[0]> = {}) =>
  new TokenVerifier({ clusterId: 'c', stsConnectTo: sts.connectTo, stsCaPem: sts.caPem, stsHttp2: true, ...extra });
const clientOf = (sts: LocalSts, extra: Partial<ConstructorParameters<typeof StsClient>[0]> = {}) =>
  new StsClient({ allowedHosts: new Set([HOST]), connectTo: sts.connectTo, caPem: sts.caPem, http2: true, ...extra });

test('h2 is negotiated by ALPN: 64 concurrent verifications share one connection, every request is HTTP/2 with the signed headers', async () => {
  h2.setReply(USER_REPLY);
  const client = clientOf(h2);
  const [connections, requests] = [h2.connections(), h2.requests.length];
  try {
    const all = await Promise.all(Array.from({ length: 64 }, () => client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' })));
    expect(all.every((r) => r.userId === 'AIDAALICE')).toBe(true);
    expect(h2.connections() - connections).toBe(1);
    const seen = h2.requests.slice(requests);
    expect(seen).toHaveLength(64);
    expect(new Set(seen.map((r) => r.httpVersion))).toEqual(new Set(['2.0']));
    expect(seen[0]).toMatchObject({ method: 'GET', host: HOST, servername: HOST });
    expect(seen[0].headers).toMatchObject({ 'x-k8s-aws-id': 'c', 'accept': 'application/json' });
    expect(client.negotiatedProtocol(HOST)).toBe('h2');
  } finally {
    client.close();
  }
});

test.each([
  ['http2: false', { http2: false }],
  ['no http2 option (the default, STS_HTTP2_DEFAULT)', { http2: undefined }],
])('%s offers http/1.1 only, and the same calls use the keep-alive pool', async (_, option) => {
  h2.setReply(USER_REPLY);
  const client = clientOf(h2, { ...option, maxSockets: 4 });
  const [connections, requests] = [h2.connections(), h2.requests.length];
  try {
    await Promise.all(Array.from({ length: 16 }, () => client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' })));
    expect(h2.connections() - connections).toBe(4);
    expect(new Set(h2.requests.slice(requests).map((r) => r.httpVersion))).toEqual(new Set(['1.1']));
  } finally {
    client.close();
  }
});

test('a server that picks http/1.1 gets the keep-alive pool: the probing connection is reused, and the answer is remembered', async () => {
  h1.setReply(USER_REPLY);
  const client = clientOf(h1, { maxSockets: 2 });
  const [connections, requests] = [h1.connections(), h1.requests.length];
  try {
    // One call first: its connection (dialled offering h2) is handed to the pool, not wasted.
    await client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' });
    expect(h1.connections() - connections).toBe(1);
    expect(client.negotiatedProtocol(HOST)).toBe('http/1.1');
    // Then 8 at once: the pool's bound (2) applies, the first connection among them.
    await Promise.all(Array.from({ length: 8 }, () => client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' })));
    expect(h1.connections() - connections).toBe(2);
    expect(new Set(h1.requests.slice(requests).map((r) => r.httpVersion))).toEqual(new Set(['1.1']));
  } finally {
    client.close();
  }
});

test('calls waiting for the first connection all move to the pool when the server picks http/1.1', async () => {
  h1.setReply(USER_REPLY);
  const client = clientOf(h1, { maxSockets: 3 });
  const connections = h1.connections();
  try {
    const all = await Promise.all(Array.from({ length: 10 }, () => client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' })));
    expect(all).toHaveLength(10);
    expect(h1.connections() - connections).toBeLessThanOrEqual(3);
  } finally {
    client.close();
  }
});

test('a hanging h2 STS fails with STSError within the configured deadline, and the session stays usable', async () => {
  const client = clientOf(h2, { timeoutMs: 300 });
  const connections = h2.connections();
  try {
    h2.setReply({ hang: true });
    const started = Date.now();
    await expect(client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' }))
      .rejects.toThrow(/error during GET: timed out after 300 ms on us-east-1 endpoint/);
    expect(Date.now() - started).toBeLessThan(3000);
    h2.setReply(USER_REPLY);
    await expect(client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' })).resolves.toMatchObject({ userId: 'AIDAALICE' });
    expect(h2.connections() - connections).toBe(1); // the timed-out stream was cancelled, not the session
  } finally {
    client.close();
  }
});

test('an h2 STS that stops mid-body fails within the deadline', async () => {
  h2.setReply({ ...USER_REPLY, hangMidBody: true });
  const v = verifierOf(h2, { timeoutMs: 300 });
  try {
    await expect(v.verify(tokenFor())).rejects.toThrow(/timed out after 300 ms/);
  } finally {
    v.close();
  }
});

test('an oversized h2 reply is refused as it arrives', async () => {
  h2.setReply({ status: 200, body: 'x'.repeat(200 * 1024) });
  const v = verifierOf(h2);
  try {
    await expect(v.verify(tokenFor())).rejects.toThrow(/reply larger than 65536 bytes/);
  } finally {
    v.close();
  }
});

test('an abort signal cancels an h2 call', async () => {
  h2.setReply({ hang: true });
  const v = verifierOf(h2, { timeoutMs: 10_000 });
  const controller = new AbortController();
  const before = h2.requests.length;
  try {
    const inFlight = expect(v.verify(tokenFor(), { signal: controller.signal })).rejects.toThrow(/aborted/);
    await waitUntil('the request to reach STS', () => h2.requests.length > before);
    controller.abort();
    await inFlight;
  } finally {
    v.close();
  }
});

test('a session reset by the server fails the call with an STSError that names neither token nor URL', async () => {
  h2.setReply({ reset: true });
  const v = verifierOf(h2, { timeoutMs: 2000 });
  const token = tokenFor();
  try {
    const err = await v.verify(token).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(STSError);
    const text = `${err!.message}\n${err!.stack}`;
    expect(text).not.toContain(SECRET_SIGNATURE);
    expect(text).not.toContain(token.slice(11, 60));
    expect(text).not.toContain('X-Amz-Credential');
  } finally {
    v.close();
  }
});

test('GOAWAY: the client finishes what the server accepted and dials a new session for what follows', async () => {
  h2.setReply({ ...USER_REPLY, goawayAfter: true });
  const client = clientOf(h2);
  const connections = h2.connections();
  try {
    for (let i = 0; i < 3; i++) {
      await expect(client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' })).resolves.toMatchObject({ userId: 'AIDAALICE' });
    }
    expect(h2.connections() - connections).toBe(3);
  } finally {
    client.close();
  }
});

/** A raw node:http2 server for what the compat API cannot do: refusing streams, small stream limits. */
async function rawH2(settings: http2.Settings, onStream: (stream: http2.ServerHttp2Stream, session: http2.ServerHttp2Session) => void) {
  const ca = createCertificateAuthority('raw h2 STS CA');
  const leaf = issueServerCertificate(ca, { dnsNames: [HOST] });
  let sessions = 0;
  let peak = 0;
  let open = 0;
  const server = http2.createSecureServer({ cert: leaf.certPem, key: leaf.keyPem, settings });
  server.on('session', () => sessions++);
  server.on('stream', (stream, _headers) => {
    open++;
    peak = Math.max(peak, open);
    stream.on('close', () => open--);
    stream.on('error', () => undefined); // the refusals of the GOAWAY test
    onStream(stream, stream.session as http2.ServerHttp2Session);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    connectTo: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPem: ca.certPem,
    sessions: () => sessions,
    peak: () => peak,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of liveSessions) s.destroy();
    }),
  };
}
const liveSessions = new Set<http2.ServerHttp2Session>();
const answer = (stream: http2.ServerHttp2Stream) => {
  if (stream.closed) return;
  stream.respond({ ':status': 200, 'content-type': 'application/json' });
  stream.end(JSON.stringify(USER_REPLY.body));
};

test('GOAWAY naming an earlier stream as the last: the refused calls are sent again on a new session and succeed', async () => {
  // The first session holds 5 streams, then says GOAWAY with the first as the last it processed: RFC 9113 §6.8, the
  // other 4 were not processed and may be retried. The second session answers at once.
  let first = true;
  const held: http2.ServerHttp2Stream[] = [];
  const server = await rawH2({}, (stream, session) => {
    liveSessions.add(session);
    if (!first) return answer(stream);
    held.push(stream);
    if (held.length === 5) {
      first = false;
      session.goaway(http2.constants.NGHTTP2_NO_ERROR, held[0].id!);
      answer(held[0]);
      for (const s of held.slice(1)) s.close(http2.constants.NGHTTP2_REFUSED_STREAM);
    }
  });
  const client = new StsClient({ allowedHosts: new Set([HOST]), connectTo: server.connectTo, caPem: server.caPem, http2: true });
  try {
    const all = await Promise.all(Array.from({ length: 5 }, () => client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' })));
    expect(all.map((r) => r.userId)).toEqual(Array(5).fill('AIDAALICE'));
    expect(server.sessions()).toBe(2);
  } finally {
    client.close();
    await server.close();
  }
});

test('streams in flight are bounded by the server\'s SETTINGS_MAX_CONCURRENT_STREAMS (and MAX_STREAMS): the rest wait', async () => {
  expect(MAX_STREAMS).toBe(100);
  const server = await rawH2({ maxConcurrentStreams: 3 }, (stream, session) => {
    liveSessions.add(session);
    setImmediate(() => answer(stream));
  });
  const client = new StsClient({ allowedHosts: new Set([HOST]), connectTo: server.connectTo, caPem: server.caPem, http2: true });
  try {
    const all = await Promise.all(Array.from({ length: 20 }, () => client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' })));
    expect(all).toHaveLength(20);
    expect(server.sessions()).toBe(1);
    expect(server.peak()).toBeLessThanOrEqual(3);
    expect(server.peak()).toBeGreaterThan(1);
  } finally {
    client.close();
    await server.close();
  }
});

test('a connect that fails (nothing listening) fails every waiting call with the dialled address, not the request', async () => {
  const dead = await rawH2({}, () => undefined);
  const { connectTo, caPem } = dead;
  await dead.close();
  const client = new StsClient({ allowedHosts: new Set([HOST]), connectTo, caPem, timeoutMs: 2000, http2: true });
  try {
    const results = await Promise.allSettled(Array.from({ length: 3 }, () => client.getCallerIdentity({ host: HOST, path: pathOf(urlFor()), clusterId: 'c' })));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const message = ((r as PromiseRejectedResult).reason as Error).message;
      expect(message).toMatch(/ECONNREFUSED/);
      expect(message).not.toContain(SECRET_SIGNATURE);
    }
  } finally {
    client.close();
  }
});

test.each([['h2', () => h2], ['http/1.1', () => h1]] as const)('preconnect (%s): the connection is open before the first call, which uses it', async (_name, server) => {
  const sts = server();
  sts.setReply(USER_REPLY);
  const v = verifierOf(sts, { region: 'us-east-1' });
  const connections = sts.connections();
  try {
    v.preconnect();
    await waitUntil('the preconnected TLS connection', () => sts.connections() === connections + 1);
    for (let i = 0; i < 3; i++) await expect(v.verify(tokenFor())).resolves.toMatchObject({ userId: 'AIDAALICE' });
    expect(sts.connections() - connections).toBe(1);
  } finally {
    v.close();
  }
});

test('preconnect dials nothing without a region, or for a region of no known partition', async () => {
  const connections = h2.connections();
  const v = verifierOf(h2);
  try {
    v.preconnect();
    v.preconnect('xx-nowhere-1');
    // A connection, had one been dialled, would be accepted well within a round trip of a real call.
    h2.setReply(USER_REPLY);
    await v.verify(tokenFor());
    expect(h2.connections() - connections).toBe(1); // the call's own
  } finally {
    v.close();
  }
});
