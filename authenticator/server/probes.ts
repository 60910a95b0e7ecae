/**
 * What the TLS webhook port and the plain-HTTP metrics listener both serve: a response writer and the GET routes
 * /healthz, /readyz and /metrics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookMetrics } from './metrics';

export function send(res: ServerResponse, status: number, contentType: string, body: string, headers?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  // A flat [name, value, …] list: Node stores it as is, without the per-key work of a headers object.
  const list = ['Content-Type', contentType, 'Content-Length', String(Buffer.byteLength(body)), 'Cache-Control', 'no-store'];
  // HTTP/2 has no Connection header (RFC 9113 §8.2.2: a message carrying it is malformed); an h2 stream ends on its
  // own and the session's bounds are h2-session-guard.ts's. (Node 20's compatibility layer drops it as well, as
  // test/authenticator/server/h2.test.ts observes; not setting it does not rely on that.)
  const h2 = res.req?.httpVersionMajor === 2;
  if (headers) for (const name in headers) if (!(h2 && name.toLowerCase() === 'connection')) list.push(name, headers[name]);
  res.writeHead(status, list);
  res.end(body);
}

export interface ProbeContext {
  readonly metrics: WebhookMetrics;
  /** `/readyz` answers 200 only while this returns true. */
  readonly isReady: () => boolean;
  /** What `/metrics` answers, when not `metrics.registry` (a cluster primary: its workers' figures, aggregated). */
  readonly metricsText?: () => Promise<string>;
}

/** Answers GET/HEAD /healthz, /readyz, /metrics and 405/404 otherwise. */
export async function answerProbe(req: IncomingMessage, res: ServerResponse, path: string, ctx: ProbeContext): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    ctx.metrics.rejectedRequests.inc({ reason: 'bad_method' });
    return send(res, 405, 'text/plain', 'expected GET\n', { Allow: 'GET' });
  }
  switch (path) {
    case '/healthz':
      return send(res, 200, 'text/plain', 'ok\n');
    case '/readyz':
      return ctx.isReady() ? send(res, 200, 'text/plain', 'ok\n') : send(res, 503, 'text/plain', 'not ready\n');
    case '/metrics':
      return send(res, 200, ctx.metrics.registry.contentType, await (ctx.metricsText ?? (() => ctx.metrics.registry.metrics()))());
    default:
      ctx.metrics.rejectedRequests.inc({ reason: 'not_found' });
      return send(res, 404, 'text/plain', 'not found\n');
  }
}

/** The path of a request without its query. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0];
}
