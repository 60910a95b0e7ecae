/**
 * The HTTPS TokenReview webhook: POST /authenticate, GET /healthz, /readyz, /metrics.
 *
 * Deliberate differences from aws-iam-authenticator: a request body limit, header/request/keep-alive timeouts, a TLS
 * handshake timeout, silent connections closed and open connections capped (connection-guard.ts), a cap on reviews
 * in flight answered with a fast 429, TLS 1.2 limited to ECDHE + AEAD suites, a bound on concurrent STS calls,
 * `/readyz` that is false until the mappers have started and during shutdown, and a graceful shutdown that lets
 * in-flight reviews finish.
 */
import { createServer, Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { ConnectionGuard } from './connection-guard';
import { listen } from './listen';
import { handleTokenReview, ReviewDeps } from './handle-token-review';
import type { WebhookMetrics } from './metrics';
import { answerProbe, pathOf, send } from './probes';
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
  readonly maxInFlightReviews: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
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

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('client aborted the request')));
  });
}

export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const { metrics, logger } = opts;
  let inFlight = 0;
  let reviews = 0;
  let drained: (() => void) | undefined;
  let closing = false;

  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (reviews >= opts.maxInFlightReviews) {
      // Over capacity: a fast, cheap answer (the body is not read) beats making every caller wait.
      metrics.rejectedRequests.inc({ reason: 'too_many_reviews' });
      metrics.responses.inc({ code: '429' });
      req.resume();
      const reason = `too many reviews in flight (server.maxInFlightReviews=${opts.maxInFlightReviews}); retry later`;
      return send(res, 429, JSON_TYPE, JSON.stringify(denialReview('authentication.k8s.io/v1', reason)), { 'Retry-After': '1', 'Connection': 'close' });
    }
    reviews++;
    try {
      await authenticateWithinCap(req, res);
    } finally {
      reviews--;
    }
  }

  async function authenticateWithinCap(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req, opts.bodyLimitBytes);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        metrics.rejectedRequests.inc({ reason: 'body_too_large' });
        metrics.responses.inc({ code: '413' });
        const reason = `request body exceeds ${opts.bodyLimitBytes} bytes`;
        logger.warn({ result: 'malformed_request', reason }, 'access denied');
        // Discard the rest (bounded by server.requestTimeoutMs) so the client can finish sending and read the
        // answer; then close the connection.
        req.resume();
        send(res, 413, JSON_TYPE, JSON.stringify(denialReview('authentication.k8s.io/v1', reason)), { Connection: 'close' });
      } else {
        metrics.rejectedRequests.inc({ reason: 'aborted' });
      }
      return;
    }
    const outcome = await handleTokenReview(body, opts.review);
    metrics.responses.inc({ code: String(outcome.statusCode) });
    send(res, outcome.statusCode, JSON_TYPE, `${JSON.stringify(outcome.body)}\n`);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req);
    if (path === '/authenticate') {
      if (req.method !== 'POST') {
        metrics.rejectedRequests.inc({ reason: 'bad_method' });
        return send(res, 405, 'text/plain', 'expected POST\n', { Allow: 'POST' });
      }
      return authenticate(req, res);
    }
    return answerProbe(req, res, path, { metrics, isReady: () => opts.isReady() && !closing });
  }

  const server: Server = createServer({
    cert: opts.certPem,
    key: opts.keyPem,
    minVersion: 'TLSv1.2',
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
    handshakeTimeout: opts.tlsHandshakeTimeoutMs,
    ALPNProtocols: ['http/1.1'],
    // Node checks header/request timeouts only every connectionsCheckingInterval (default 30 s).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(opts.headersTimeoutMs / 4))),
  }, (req, res) => {
    inFlight++;
    route(req, res)
      .catch((e) => {
        // Only reachable through a bug: still answer, never crash.
        logger.error({ err: { message: (e as Error).message } }, 'request handler failed');
        send(res, 500, JSON_TYPE, JSON.stringify(denialReview('authentication.k8s.io/v1', 'internal error')));
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
  });
  server.headersTimeout = opts.headersTimeoutMs;
  server.requestTimeout = opts.requestTimeoutMs;
  server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  server.maxHeadersCount = 100;
  const guard = new ConnectionGuard(server, {
    maxConnections: opts.maxConnections,
    firstRequestTimeoutMs: opts.headersTimeoutMs,
    onClosed: (reason) => metrics.closedConnections.inc({ reason }),
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', (err) => logger.debug({ err: { message: err.message } }, 'TLS handshake failed'));
  server.on('clientError', (err, socket) => {
    logger.debug({ err: { message: err.message } }, 'bad HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const { port, urlHost: host } = await listen(server, opts.address, opts.port);

  return {
    url: `https://${host}:${port}`,
    port,
    async close(graceMs: number): Promise<void> {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, graceMs).unref();
        });
      }
      for (const s of sockets) s.destroy();
      guard.close();
      await closed;
    },
  };
}
