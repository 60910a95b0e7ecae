/**
 * The floor of the webhook benchmark: a bare Node HTTPS server with the webhook's TLS settings that reads each POST
 * body and answers a fixed, pre-serialized TokenReview — what any Node server pays per request (TLS, HTTP parsing,
 * the socket write) before doing any work of its own. Run pinned like the servers under test
 * (bench/workers/webhook-netns.ts).
 *
 * Usage: node https-floor.js CERT.pem KEY.pem PORT
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { TLS_CIPHERS } from '../../authenticator/server/http-server';

const [certFile, keyFile, port] = process.argv.slice(2);
const BODY = `${JSON.stringify({
  apiVersion: 'authentication.k8s.io/v1beta1', kind: 'TokenReview', metadata: { creationTimestamp: null }, spec: {},
  status: { authenticated: true, user: { username: 'bench-0', uid: 'aws-iam-authenticator:123456789012:AIDAB', groups: ['bench'] } },
})}\n`;
const HEADERS = ['Content-Type', 'application/json; charset=UTF-8', 'Content-Length', String(Buffer.byteLength(BODY)), 'Cache-Control', 'no-store'];

createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2', ciphers: TLS_CIPHERS, ALPNProtocols: ['http/1.1'] }, (req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
}).listen(Number(port), '127.0.0.1', () => process.stderr.write('listening\n'));
