/**
 * Shared by the webhook tests: TLS material, TokenReview calls, metric reading. The HTTPS client itself is the one of
 * harness/net.ts (re-exported here, so the webhook tests keep one import).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from '../../../authenticator/certs';
import { HttpAnswer, httpsCall } from '../../../harness/net';

export { httpsCall };
export type { HttpAnswer };

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
