/**
 * The HTTPS TokenReview webhook: POST /authenticate, GET /healthz, /readyz, /metrics.
 *
 * Deliberate differences from aws-iam-authenticator: a request body limit and deadline, header/request/keep-alive
 * timeouts, a TLS handshake timeout, silent connections closed and open connections capped in all and per peer, with
 * silent and idle ones evicted at the caps (connection-guard.ts), a cap on reviews in flight (counted once the body
 * is read, so slow senders cannot hold it) answered with a fast 429, TLS 1.2 limited to ECDHE + AEAD suites, a bound on concurrent STS calls,
 * `/readyz` that is false until the mappers have started and during shutdown, and a graceful shutdown that lets
 * in-flight reviews finish. With `server.http2` (default) the port also offers h2, as the reference's Go server does,
 * under the same bounds plus h2's own (h2-session-guard.ts).
 */
import { createServer } from 'node:https';
import { createSecureServer } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { ConnectionGuard } from './connection-guard';
import { guardH2Sessions, H2_MAX_HEADER_LIST_BYTES, H2_MAX_HEADER_PAIRS } from './h2-session-guard';
import { listen } from './listen';
import { handleTokenReview, ReviewDeps } from './handle-token-review';
import type { WebhookMetrics } from './metrics';
import { answerProbe, pathOf, send } from './probes';
import { BodyTimeout, BodyTooLarge, readBody } from './read-body';
import { denialReview } from './token-review';

/**
 * TLS 1.2 suites: ECDHE key exchange (forward secrecy) with AEAD ciphers only — no CBC, no static RSA key exchange
 * (Mozilla "intermediate" TLS 1.2 list, https://wiki.mozilla.org/Security/Server_Side_TLS). The TLS 1.3 suites are
 * all AEAD with ephemeral keys and are listed so that TLS 1.3 stays available (OpenSSL's defaults).
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export interface HttpServerOptions {
  readonly address: string;
  readonly port: number;
  readonly certPem: string | Buffer;
  readonly keyPem: string | Buffer;
  readonly bodyLimitBytes: number;
  readonly headersTimeoutMs: number;
  readonly tlsHandshakeTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerPeer: number;
  readonly maxInFlightReviews: number;
  readonly requestTimeoutMs: number;
  /** A review's body must arrive within this time of its headers, else 408 and the connection is closed. */
  readonly bodyTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Offer h2 by ALPN besides HTTP/1.1 (h2-session-guard.ts bounds its sessions). */
  readonly http2: boolean;
  /** SETTINGS_MAX_CONCURRENT_STREAMS of an h2 session. */
  readonly http2MaxConcurrentStreams: number;
  readonly review: ReviewDeps;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  /** `/readyz` answers 200 only while this returns true. */
  readonly isReady: () => boolean;
}

export interface RunningHttpServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting; resolves when in-flight requests finished or `graceMs` passed (then connections are cut). */
  close(graceMs: number): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=UTF-8';

function sendDenial(res: ServerResponse, status: number, reason: string, headers?: Record<string, string>): void {
  send(res, status, JSON_TYPE, JSON.stringify(denialReview('authentication.k8s.io/v1', reason)), headers);
}

/** Over capacity: a fast, cheap answer beats making every caller wait. */
function refuseOverCapacity(res: ServerResponse, opts: HttpServerOptions): void {
  opts.metrics.rejectedRequests.inc({ reason: 'too_many_reviews' });
  opts.metrics.responses.inc({ code: '429' });
  const reason = `too many reviews in flight (server.maxInFlightReviews=${opts.maxInFlightReviews}); retry later`;
  sendDenial(res, 429, reason, { 'Retry-After': '1', 'Connection': 'close' });
}

function refuseUnreadableBody(error: unknown, req: IncomingMessage, res: ServerResponse, opts: HttpServerOptions): void {
  if (error instanceof BodyTimeout) {
    opts.metrics.rejectedRequests.inc({ reason: 'body_timeout' });
    opts.metrics.responses.inc({ code: '408' });
    const reason = `request body not received within ${opts.bodyTimeoutMs} ms (server.bodyTimeoutMs)`;
    opts.logger.warn({ result: 'malformed_request', reason }, 'access denied');
    // The rest of the body is not waited for: the answer goes out at once and, as it carries `Connection: close`, Node
    // closes the connection behind it (node lib/_http_server.js `resOnFinish`: `socket.destroySoon()` after the last
    // response), whatever the sender is still trickling.
    return sendDenial(res, 408, reason, { Connection: 'close' });
  }
  if (!(error instanceof BodyTooLarge)) {
    opts.metrics.rejectedRequests.inc({ reason: 'aborted' });
    return;
  }
  opts.metrics.rejectedRequests.inc({ reason: 'body_too_large' });
  opts.metrics.responses.inc({ code: '413' });
  const reason = `request body exceeds ${opts.bodyLimitBytes} bytes`;
  opts.logger.warn({ result: 'malformed_request', reason }, 'access denied');
  // Discard the rest (bounded by server.requestTimeoutMs) so the client can finish sending and read the answer; then
  // close the connection.
  req.resume();
  sendDenial(res, 413, reason, { Connection: 'close' });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * POST /authenticate: reads the body (bounded in size and time), then reviews it with at most `maxInFlightReviews`
 * reviews at once. The slot is taken only once the body is in: a sender that trickles its body holds a connection
 * (bounded by the body deadline and the connection caps), never a review slot, so it cannot turn legitimate reviews
 * into 429s.
 */
function authenticateRoute(opts: HttpServerOptions): Handler {
  let reviews = 0;
  return async (req, res) => {
    let body: Buffer;
    try {
      body = await readBody(req, { maxBytes: opts.bodyLimitBytes, timeoutMs: opts.bodyTimeoutMs });
    } catch (e) {
      return refuseUnreadableBody(e, req, res, opts);
    }
    if (reviews >= opts.maxInFlightReviews) return refuseOverCapacity(res, opts);
    reviews++;
    try {
      const outcome = await handleTokenReview(body, opts.review);
      opts.metrics.responses.inc({ code: String(outcome.statusCode) });
      send(res, outcome.statusCode, JSON_TYPE, `${JSON.stringify(outcome.body)}\n`);
    } finally {
      reviews--;
    }
  };
}

function router(opts: HttpServerOptions, isReady: () => boolean): Handler {
  const authenticate = authenticateRoute(opts);
  return async (req, res) => {
    const path = pathOf(req);
    if (path !== '/authenticate') return answerProbe(req, res, path, { metrics: opts.metrics, isReady });
    if (req.method !== 'POST') {
      opts.metrics.rejectedRequests.inc({ reason: 'bad_method' });
      return send(res, 405, 'text/plain', 'expected POST\n', { Allow: 'POST' });
    }
    return authenticate(req, res);
  };
}

/** Requests being handled, so that shutdown can let them finish. */
class InFlightRequests {
  private count = 0;
  private drained?: () => void;

  /** Runs `handler`; a failure (only reachable through a bug) still gets an answer, never a crash. */
  handle(handler: Handler, req: IncomingMessage, res: ServerResponse, logger: Logger): void {
    this.count++;
    handler(req, res)
      .catch((e) => {
        logger.error({ err: { message: (e as Error).message } }, 'request handler failed');
        sendDenial(res, 500, 'internal error');
      })
      .finally(() => {
        this.count--;
        if (this.count === 0) this.drained?.();
      });
  }

  /** Resolves when no request is in flight, or after `graceMs`. */
  async settled(graceMs: number): Promise<void> {
    if (this.count === 0) return;
    await new Promise<void>((resolve) => {
      this.drained = resolve;
      setTimeout(resolve, graceMs).unref();
    });
  }
}

/** What both servers take: Node's https.Server and, with h2, http2.Http2SecureServer (allowHTTP1). */
type WebServer = TlsServer & {
  headersTimeout: number; requestTimeout: number; keepAliveTimeout: number; maxHeadersCount: number | null;
  connectionsCheckingInterval?: number; closeIdleConnections?: () => void;
};

function createTlsServer(opts: HttpServerOptions, listener: (req: IncomingMessage, res: ServerResponse) => void): WebServer {
  const tlsOptions = {
    cert: opts.certPem,
    key: opts.keyPem,
    minVersion: 'TLSv1.2' as const,
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
    handshakeTimeout: opts.tlsHandshakeTimeoutMs,
  };
  // Node checks header/request timeouts only every connectionsCheckingInterval (default 30 s).
  const connectionsCheckingInterval = Math.max(100, Math.min(1000, Math.floor(opts.headersTimeoutMs / 4)));
  let server: WebServer;
  if (opts.http2) {
    // allowHTTP1: HTTP/1.1 clients (and clients offering no ALPN) get Node's HTTP/1.1 server on the same port, with
    // the timeouts set below (node lib/internal/http2/core.js: Http2SecureServer sets up the HTTP/1.1 connection
    // tracking from these properties on 'listening').
    server = createSecureServer({
      ...tlsOptions,
      allowHTTP1: true,
      settings: {
        maxConcurrentStreams: opts.http2MaxConcurrentStreams,
        maxHeaderListSize: H2_MAX_HEADER_LIST_BYTES,
        enablePush: false,
      },
      maxHeaderListPairs: H2_MAX_HEADER_PAIRS,
      // Node's own per-session bounds, stated here so that they are ours: streams refused (over the concurrency
      // limit) and invalid frames before the session is destroyed (defaults 100 and 1000; a well-behaved client sends
      // none of either), unacknowledged PINGs we send (default 10). Node docs, http2.createSecureServer options.
      maxSessionRejectedStreams: 100,
      maxSessionInvalidFrames: 100,
      maxOutstandingPings: 10,
    }, listener as never) as unknown as WebServer;
    server.connectionsCheckingInterval = connectionsCheckingInterval;
    guardH2Sessions(server as never, {
      streamTimeoutMs: opts.requestTimeoutMs,
      idleTimeoutMs: opts.keepAliveTimeoutMs,
      onClosed: (reason) => opts.metrics.closedConnections.inc({ reason }),
    });
  } else {
    server = createServer({ ...tlsOptions, ALPNProtocols: ['http/1.1'], connectionsCheckingInterval }, listener) as unknown as WebServer;
  }
  server.headersTimeout = opts.headersTimeoutMs;
  server.requestTimeout = opts.requestTimeoutMs;
  server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  server.maxHeadersCount = 100;
  // What each connection negotiated (kube-apiserver's client-go offers h2 and http/1.1 over TLS); a client offering
  // no ALPN is served HTTP/1.1.
  server.on('secureConnection', (s: TLSSocket) => opts.metrics.connections.inc({ protocol: s.alpnProtocol || 'http/1.1' }));
  return server;
}

/**
 * Every open socket, so that shutdown can cut what is left after the grace period. Each is also set TCP_NODELAY:
 * Node's HTTP/1.1 servers do that by default (node lib/_http_server.js, `noDelay` defaults to true) but
 * http2.createSecureServer, `server.http2`'s server, does not (a plain tls.Server: Nagle on), and an answer written
 * in more than one segment — h2's HEADERS and DATA frames, which kube-apiserver's client reads — then waits for the
 * peer's ACK of the first. Go's net package sets TCP_NODELAY on every TCP connection (net/tcpsock.go, "The default is
 * true (no delay)"), so the reference's server and kube-apiserver's client never wait so.
 */
function trackSockets(server: WebServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

function answerClientErrors(server: WebServer, logger: Logger): void {
  server.on('tlsClientError', (err) => logger.debug({ err: { message: err.message } }, 'TLS handshake failed'));
  server.on('sessionError', (err: Error) => logger.debug({ err: { message: err.message } }, 'bad HTTP/2 session'));
  server.on('clientError', (err: Error, socket: Socket) => {
    logger.debug({ err: { message: err.message } }, 'bad HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
}

/** Resolves when every session in `sessions` has closed, or after `ms`. */
function allClosed(sessions: ReadonlySet<{ on(e: 'close', f: () => void): unknown }>, ms: number): Promise<void> {
  if (sessions.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    let left = sessions.size;
    for (const s of sessions) {
      s.on('close', () => {
        if (--left === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  let closing = false;
  const inFlight = new InFlightRequests();
  const handler = router(opts, () => opts.isReady() && !closing);
  const server = createTlsServer(opts, (req, res) => inFlight.handle(handler, req, res, opts.logger));
  const guard = new ConnectionGuard(server, {
    maxConnections: opts.maxConnections,
    maxConnectionsPerPeer: opts.maxConnectionsPerPeer,
    firstRequestTimeoutMs: opts.headersTimeoutMs,
    onClosed: (reason) => opts.metrics.closedConnections.inc({ reason }),
  });
  const sockets = trackSockets(server);
  // h2 sessions, so that shutdown sends each a GOAWAY (Http2SecureServer.close() only stops accepting).
  const sessions = new Set<{ close(): void; on(e: 'close', f: () => void): unknown }>();
  server.on('session', (s: { close(): void; on(e: 'close', f: () => void): unknown }) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  answerClientErrors(server, opts.logger);
  const { port, urlHost } = await listen(server, opts.address, opts.port);

  return {
    url: `https://${urlHost}:${port}`,
    port,
    async close(graceMs: number): Promise<void> {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections?.();
      for (const s of sessions) s.close(); // GOAWAY: streams in flight finish, no new ones
      const started = Date.now();
      await inFlight.settled(graceMs);
      // An h2 answer is handed to nghttp2 and written later: a session closes (after its GOAWAY) once its streams'
      // frames are out, so wait for that, within the same grace, before cutting what is left.
      await allClosed(sessions, Math.max(0, graceMs - (Date.now() - started)));
      for (const s of sockets) s.destroy();
      guard.close();
      await closed;
    },
  };
}
