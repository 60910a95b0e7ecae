/**
 * The floors of the webhook benchmark, run pinned like the servers under test (bench/workers/webhook-netns.ts).
 *
 * - Without STS arguments: a bare Node HTTPS server with the webhook's TLS settings that reads each POST body and
 *   answers a fixed, pre-serialized TokenReview — what any Node server pays per request (TLS, HTTP parsing, the socket
 *   write) before doing any work of its own.
 * - With them (the unique-token floor): the same, but before answering it makes one GET to the STS stand-in through
 *   the verifier's own HTTP/1.1 keep-alive pool (authenticator/token/sts-connection.ts, 64 sockets, as `serve` has)
 *   with a request head as long as a real one (a real presigned GetCallerIdentity path, written as sts.ts writes it).
 *   No token is read, checked or mapped and nothing is logged or counted: the transport a review with an STS call
 *   cannot do without in Node, against which ours' review logic (everything else) is measured.
 *
 * Usage: node https-floor.js CERT.pem KEY.pem PORT [STS_CA.pem STS_REQUEST_HEAD_FILE [DIAL_HOST:PORT]]
 * (the STS host is dialled on 443 unless DIAL_HOST:PORT is given: the benchmark resolves it to the stand-in by /etc/hosts).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import * as tls from 'node:tls';
import { TLS_CIPHERS } from '../../authenticator/server/http-server';
import { TlsKeepAlivePool } from '../../authenticator/token/sts-connection';

const [certFile, keyFile, port, stsCaFile, requestHeadFile, dial] = process.argv.slice(2);
const BODY = `${JSON.stringify({
  apiVersion: 'authentication.k8s.io/v1beta1', kind: 'TokenReview', metadata: { creationTimestamp: null }, spec: {},
  status: { authenticated: true, user: { username: 'bench-0', uid: 'aws-iam-authenticator:123456789012:AIDAB', groups: ['bench'] } },
})}\n`;
const HEADERS = ['Content-Type', 'application/json; charset=UTF-8', 'Content-Length', String(Buffer.byteLength(BODY)), 'Cache-Control', 'no-store'];
const STS_HOST = 'sts.us-east-1.amazonaws.com';

/** One STS GET per review through the verifier's pool, or nothing (the bare floor). */
const stsCall: (() => Promise<unknown>) | undefined = stsCaFile && requestHeadFile ? (() => {
  const colon = dial?.lastIndexOf(':') ?? -1;
  const [host, dialPort] = dial && colon > 0 ? [dial.slice(0, colon), Number(dial.slice(colon + 1))] : [STS_HOST, 443];
  const pool = new TlsKeepAlivePool({ host, port: dialPort, servername: STS_HOST, secureContext: tls.createSecureContext({ ca: readFileSync(stsCaFile) }) }, 64);
  const request = readFileSync(requestHeadFile, 'utf8');
  return () => pool.exchange({ request, maxBodyBytes: 64 * 1024, timeoutMs: 5000 });
})() : undefined;

createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2', ciphers: TLS_CIPHERS, ALPNProtocols: ['http/1.1'] }, (req, res) => {
  const answer = () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  };
  req.on('data', () => undefined);
  req.on('end', () => {
    if (!stsCall) return answer();
    stsCall().then(answer, (e: Error) => {
      res.writeHead(502);
      res.end(e.message);
    });
  });
}).listen(Number(port), '127.0.0.1', () => process.stderr.write('listening\n'));
