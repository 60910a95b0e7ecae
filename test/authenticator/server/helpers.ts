/** Shared by the webhook tests: TLS material, HTTPS TokenReview calls, metric reading. */
import { request } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from '../../../authenticator/certs';

export interface TlsFiles {
  readonly dir: string;
  readonly caPem: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** A CA and a serving certificate for 127.0.0.1 / localhost, written to a fresh temp dir. */
export function makeTlsFiles(prefix = 'webhook-'): TlsFiles {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const ca = createCertificateAuthority('webhook test CA');
  const leaf = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, leaf.certPem);
  writeFileSync(keyFile, leaf.keyPem, { mode: 0o600 });
  return { dir, caPem: ca.certPem, certFile, keyFile };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** Parsed JSON body, or undefined. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly ms: number;
}

/** One HTTPS request trusting only `caPem`; never rejects on HTTP status, rejects on transport errors. */
export function httpsCall(url: string, caPem: string, opts: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: opts.method ?? 'GET', ca: caPem, agent: false,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: Date.now() - started });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function tokenReviewBody(token: string, apiVersion = 'authentication.k8s.io/v1', audiences?: string[]): string {
  return JSON.stringify({ apiVersion, kind: 'TokenReview', spec: { token, ...(audiences ? { audiences } : {}) } });
}

export function review(baseUrl: string, caPem: string, token: string, apiVersion?: string, audiences?: string[]): Promise<HttpAnswer> {
  return httpsCall(`${baseUrl}/authenticate`, caPem, { method: 'POST', body: tokenReviewBody(token, apiVersion, audiences) });
}

/** Value of one Prometheus sample (0 when absent), e.g. metric('x_total', { code: '200' }). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}
