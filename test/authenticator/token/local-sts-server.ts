/**
 * A local HTTPS server on 127.0.0.1 STANDING IN FOR STS in unit tests of the STS call (status codes, bodies, timeouts,
 * redirects, resets). It checks no signatures; the moto-backed stand-in in harness/ does that for integration
 * tests. Its certificate (from authenticator/certs.ts, CA made at test time) names the real STS hosts, so the
 * verifier's TLS checks run against the validated host name exactly as in production.
 */
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { allowedStsHosts, PARTITIONS } from '../../../authenticator/token';
import { createCertificateAuthority, issueServerCertificate } from '../../../authenticator/certs';

export interface LocalReply {
  readonly status?: number;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** Destroy the socket instead of answering. */
  readonly reset?: boolean;
  /** Never answer. */
  readonly hang?: boolean;
  /** Send headers and part of the body, then never finish. */
  readonly hangMidBody?: boolean;
  /** h2 only: after answering, send GOAWAY (NO_ERROR) naming this request's stream as the last one processed. */
  readonly goawayAfter?: boolean;
}

export interface RecordedRequest {
  readonly servername: string | false;
  readonly host: string | undefined;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly method: string;
  readonly body: string;
  /** '1.1' or '2.0' */
  readonly httpVersion: string;
}

export interface LocalSts {
  /** `127.0.0.1:PORT`, for `stsConnectTo`. */
  readonly connectTo: string;
  readonly caPem: string;
  readonly requests: RecordedRequest[];
  /** TLS connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections(): number;
  setReply(reply: LocalReply | ((req: RecordedRequest) => LocalReply)): void;
  close(): Promise<void>;
}

/** Every allow-listed STS host of every partition, so any token the verifier accepts finds a valid certificate. */
const STS_NAMES = PARTITIONS.flatMap((p) => [...allowedStsHosts(p.id)]);

export interface LocalStsOptions {
  /** Offer h2 by ALPN (node:http2 secure server, HTTP/1.1 still allowed); the default offers HTTP/1.1 only. */
  readonly h2?: boolean;
}

export async function startLocalSts(extraDnsNames: readonly string[] = [], options: LocalStsOptions = {}): Promise<LocalSts> {
  const ca = createCertificateAuthority('local STS test CA');
  const leaf = issueServerCertificate(ca, { dnsNames: [...new Set([...STS_NAMES, ...extraDnsNames])], ipAddresses: ['127.0.0.1'] });
  const requests: RecordedRequest[] = [];
  let reply: LocalReply | ((req: RecordedRequest) => LocalReply) = { status: 500, body: 'no reply configured' };
  const handler = (req: IncomingMessage | http2.Http2ServerRequest, res: ServerResponse | http2.Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        servername: (req.socket as TLSSocket).servername ?? false,
        host: req.headers.host ?? (req.headers[':authority'] as string | undefined),
        path: req.url ?? '',
        headers: req.headers,
        method: req.method ?? '',
        body: Buffer.concat(chunks).toString(),
        httpVersion: req.httpVersion,
      };
      requests.push(recorded);
      const r = typeof reply === 'function' ? reply(recorded) : reply;
      if (r.reset) {
        if ('stream' in req) req.stream.session?.destroy();
        else req.socket.destroy();
        return;
      }
      if (r.hang) return;
      const body = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
      (res as ServerResponse).writeHead(r.status ?? 200, { 'content-type': r.contentType ?? 'application/json', ...r.headers });
      if (r.hangMidBody) {
        (res as ServerResponse).write(body.slice(0, 1) || '{');
        return;
      }
      res.end(body);
      if (r.goawayAfter && 'stream' in req) req.stream.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, req.stream.id);
    });
  };
  const tlsOptions = { cert: leaf.certPem, key: leaf.keyPem };
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = options.h2
    ? http2.createSecureServer({ ...tlsOptions, allowHTTP1: true }, handler).on('session', (s: http2.ServerHttp2Session) => {
      sessions.add(s);
      s.on('close', () => sessions.delete(s));
    })
    : https.createServer(tlsOptions, handler);
  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    connectTo: `127.0.0.1:${port}`,
    caPem: ca.certPem,
    requests,
    connections: () => connections,
    setReply: (r) => {
      reply = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (server instanceof https.Server) server.closeAllConnections();
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `k8s-aws-v1.` + base64url(url), the reference's `toToken`. */
export function toToken(url: string): string {
  return `k8s-aws-v1.${Buffer.from(url, 'latin1').toString('base64url')}`;
}

/** Current UTC time as `yyyymmddThhmmssZ` (the vectors' `{{NOW}}`). */
export function amzDate(d: Date = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
