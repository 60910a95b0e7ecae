/**
 * An h2-only TLS front for the moto-backed STS stand-in (sts-standin.ts): moto's server speaks HTTP/1.1, so to test
 * the verifier's h2 path against real SigV4 checks, this node:http2 server (ALPN `h2` only, no HTTP/1.1 fallback)
 * takes each presigned GET and forwards it over HTTPS/1.1 to moto with the same path, Host (the :authority) and
 * signed headers, and answers with moto's status and body. It counts the TLS connections it accepts, so a test can
 * see that N concurrent verifications share one. A stand-in: real STS cannot run here (and may well not offer h2 at
 * all; issue 27).
 */
import * as http2 from 'node:http2';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface StsH2Front {
  /** `127.0.0.1:PORT`, for VerifyOptions.stsConnectTo. */
  readonly connectTo: string;
  /** TLS connections accepted so far. */
  connections(): number;
  /** Requests forwarded so far. */
  requests(): number;
  close(): Promise<void>;
}

/** Headers forwarded to moto: what the verifier sends and SigV4 may sign. */
const FORWARDED = ['x-k8s-aws-id', 'accept', 'user-agent'];

export async function startStsH2Front(target: { connectTo: string; caPem: string; certPem: string; keyPem: string }): Promise<StsH2Front> {
  const [host, port] = [target.connectTo.slice(0, target.connectTo.lastIndexOf(':')), Number(target.connectTo.slice(target.connectTo.lastIndexOf(':') + 1))];
  let connections = 0;
  let requests = 0;
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createSecureServer({ cert: target.certPem, key: target.keyPem, allowHTTP1: false });
  server.on('secureConnection', () => connections++);
  server.on('session', (s: http2.ServerHttp2Session) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => undefined);
  });
  server.on('stream', (stream, headers) => {
    requests++;
    stream.on('error', () => undefined);
    const authority = String(headers[':authority'] ?? '');
    const forwarded: Record<string, string> = { host: authority };
    for (const name of FORWARDED) if (typeof headers[name] === 'string') forwarded[name] = headers[name] as string;
    const req = request({ host, port, servername: authority.split(':')[0], path: String(headers[':path']), method: String(headers[':method']), ca: target.caPem, headers: forwarded }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (stream.closed) return;
        stream.respond({ ':status': res.statusCode ?? 502, 'content-type': res.headers['content-type'] ?? 'text/plain' });
        stream.end(Buffer.concat(chunks));
      });
    });
    req.on('error', (err) => {
      if (stream.closed) return;
      stream.respond({ ':status': 502 });
      stream.end(`front: ${err.message}`);
    });
    req.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    connectTo: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sessions) s.destroy();
    }),
  };
}
