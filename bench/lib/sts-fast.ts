/**
 * The one way benchmarks and tests start the fast STS stand-in (bench/go/sts-fast): listening on free ports of
 * 127.0.0.1 for HTTPS and for its counters, ready once it prints both addresses on stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { stsRequestHead } from '../../authenticator/token/sts';
import { presignedUrlOf } from './fast-presign';
import { buildGoProgram } from './go-build';

export interface StsFast {
  /** host:port of the HTTPS listener. */
  readonly https: string;
  /** host:port of the counters (GET /stats). */
  readonly stats: string;
  readonly child: ChildProcess;
  /** The stand-in's counters now (`requests`, `accepts`: TLS connections accepted). */
  readStats(): Promise<{ readonly requests: number; readonly accepts: number }>;
}

/** The GET a review of `token` sends to STS, as the verifier writes it (sts.ts): for the STS-call floor (https-floor.ts). */
export function stsRequestHeadOf(token: string, clusterId: string): string {
  const url = presignedUrlOf(token);
  return stsRequestHead(url.pathname + url.search, url.host, clusterId);
}

/** `args`: sts-fast's other flags (`-cert`, `-key`, `-h2`, `-account`…). */
export async function startStsFast(binary: string, args: readonly string[]): Promise<StsFast> {
  const child = spawn(binary, ['-addr', '127.0.0.1:0', '-stats', '127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('listening')) resolve(log);
    });
    child.on('exit', (code) => reject(new Error(`sts-fast exited ${code}: ${log}`)));
  });
  const [, https, stats] = /https=(\S+) stats=(\S+)/.exec(line)!;
  const readStats = () => new Promise<{ requests: number; accepts: number }>((resolve, reject) => {
    http.get(`http://${stats}/stats`, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
  return { https, stats, child, readStats };
}

/**
 * The stand-in (built from bench/go/sts-fast) serving a certificate for the STS host, made in `dir` with its own CA,
 * and the CA file the webhooks trust it by. `args`: sts-fast's other flags (`-account`, `-h2`…).
 */
export async function startStsFastForStsHost(dir: string, args: readonly string[]): Promise<StsFast & { readonly caFile: string }> {
  const ca = createCertificateAuthority('bench STS stand-in CA');
  const leaf = issueServerCertificate(ca, { dnsNames: ['sts.us-east-1.amazonaws.com'] });
  const [caFile, cert, key] = ['sts-ca.pem', 'sts-cert.pem', 'sts-key.pem'].map((f) => path.join(dir, f));
  writeFileSync(caFile, ca.certPem);
  writeFileSync(cert, leaf.certPem);
  writeFileSync(key, leaf.keyPem, { mode: 0o600 });
  return { ...(await startStsFast(buildGoProgram('sts-fast'), ['-cert', cert, '-key', key, ...args])), caFile };
}
