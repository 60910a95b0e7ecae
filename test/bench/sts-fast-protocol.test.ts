/**
 * The benchmarks' fast STS stand-in (bench/go/sts-fast) offers HTTP/1.1 only by default and h2 only with `-h2`
 * (issue 27: real STS is taken to speak HTTP/1.1; h2 is the labelled variant), and counts the TLS connections it
 * accepts. Checked with a real TLS client offering both protocols by ALPN, as our STS client and Go's do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { buildGoProgram } from '../../bench/lib/go-build';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { StsClient } from '../../authenticator/token/sts';
import { FastPresigner } from '../../bench/lib/fast-presign';

jest.setTimeout(120_000);

let binary: string;
let dir: string;
const ca = createCertificateAuthority('sts-fast protocol test CA');
const leaf = issueServerCertificate(ca, { dnsNames: ['sts.us-east-1.amazonaws.com'] });

beforeAll(() => {
  binary = buildGoProgram('sts-fast');
  dir = mkdtempSync(path.join(os.tmpdir(), 'sts-fast-test-'));
  writeFileSync(path.join(dir, 'cert.pem'), leaf.certPem);
  writeFileSync(path.join(dir, 'key.pem'), leaf.keyPem, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(args: string[]): Promise<{ https: string; stats: string; child: ChildProcess }> {
  const child = spawn(binary, ['-addr', '127.0.0.1:0', '-stats', '127.0.0.1:0', '-cert', path.join(dir, 'cert.pem'), '-key', path.join(dir, 'key.pem'), ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('listening')) resolve(log);
    });
    child.on('exit', (code) => reject(new Error(`sts-fast exited ${code}: ${log}`)));
  });
  const m = /https=(\S+) stats=(\S+)/.exec(line)!;
  return { https: m[1], stats: m[2], child };
}

function negotiated(address: string): Promise<string | false | null> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host, port: Number(port), servername: 'sts.us-east-1.amazonaws.com', ca: ca.certPem, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      resolve(s.alpnProtocol);
      s.end();
    });
    s.on('error', reject);
  });
}

function accepts(stats: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(`http://${stats}/stats`, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(JSON.parse(body).accepts));
    }).on('error', reject);
  });
}

test.each([
  [[], 'http/1.1'],
  [['-h2'], 'h2'],
])('sts-fast %j negotiates %s with a client offering h2 and http/1.1, and counts each connection', async (args, protocol) => {
  const s = await start(args);
  try {
    expect(await negotiated(s.https)).toBe(protocol);
    expect(await negotiated(s.https)).toBe(protocol);
    expect(await accepts(s.stats)).toBe(2);
  } finally {
    s.child.kill('SIGKILL');
  }
});

test.each([
  [['-h2'], 'h2'],
  [[], 'http/1.1'],
])('our STS client against sts-fast %j negotiates %s and reads the canned identity', async (args, protocol) => {
  const s = await start(args);
  const host = 'sts.us-east-1.amazonaws.com';
  // Offering h2 (off by default, STS_HTTP2_DEFAULT): the negotiation is what this checks.
  const client = new StsClient({ allowedHosts: new Set([host]), connectTo: s.https, caPem: ca.certPem, http2: true });
  try {
    const url = Buffer.from(new FastPresigner('c').token({ accessKeyId: 'AKIABENCH', secretAccessKey: 's' }, new Date()).slice(11), 'base64url').toString();
    const identity = await client.getCallerIdentity({ host, path: url.slice(`https://${host}`.length), clusterId: 'c' });
    expect(identity.arn).toBe('arn:aws:iam::123456789012:user/AKIABENCH');
    expect(client.negotiatedProtocol(host)).toBe(protocol);
  } finally {
    client.close();
    s.child.kill('SIGKILL');
  }
});
