/**
 * The benchmarks' fast STS stand-in (bench/go/sts-fast) offers HTTP/1.1 only by default and h2 only with `-h2`
 * (issue 27: real STS is taken to speak HTTP/1.1; h2 is the labelled variant), and counts the TLS connections it
 * accepts. Checked with a real TLS client offering both protocols by ALPN, as our STS client and Go's do.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { buildGoProgram } from '../../bench/lib/go-build';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { StsClient } from '../../authenticator/token/sts';
import { FastPresigner } from '../../bench/lib/fast-presign';
import { startStsFast } from '../../bench/lib/sts-fast';

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

const start = (args: string[]) => startStsFast(binary, ['-cert', path.join(dir, 'cert.pem'), '-key', path.join(dir, 'key.pem'), ...args]);

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

test.each([
  [[], 'http/1.1'],
  [['-h2'], 'h2'],
])('sts-fast %j negotiates %s with a client offering h2 and http/1.1, and counts each connection', async (args, protocol) => {
  const s = await start(args);
  try {
    expect(await negotiated(s.https)).toBe(protocol);
    expect(await negotiated(s.https)).toBe(protocol);
    expect((await s.readStats()).accepts).toBe(2);
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
