/**
 * The webhook benchmark's floors (bench/workers/https-floor.ts), run for real: the bare HTTPS floor answers without
 * calling STS; the STS-call floor (the unique-token rows' baseline, issue 27) makes exactly one GET per review to the
 * fast STS stand-in, through the verifier's keep-alive pool — one TLS connection for many reviews — with the request
 * head the verifier itself writes (sts.ts `stsRequestHead`), which the stand-in accepts as a GetCallerIdentity call.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { buildGoProgram } from '../../bench/lib/go-build';
import { FastPresigner } from '../../bench/lib/fast-presign';
import { startStsFast, stsRequestHeadOf, type StsFast } from '../../bench/lib/sts-fast';
import { freePort } from '../../harness/free-port';

jest.setTimeout(120_000);

const CLUSTER = 'floor-test';
const ca = createCertificateAuthority('floor test CA');
const stsLeaf = issueServerCertificate(ca, { dnsNames: ['sts.us-east-1.amazonaws.com'] });
const floorLeaf = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
let dir: string;
let sts: StsFast;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'floor-test-'));
  for (const [name, text] of [['ca.pem', ca.certPem], ['sts-cert.pem', stsLeaf.certPem], ['sts-key.pem', stsLeaf.keyPem],
    ['cert.pem', floorLeaf.certPem], ['key.pem', floorLeaf.keyPem]]) writeFileSync(path.join(dir, name), text, { mode: 0o600 });
  sts = await startStsFast(buildGoProgram('sts-fast'), ['-cert', path.join(dir, 'sts-cert.pem'), '-key', path.join(dir, 'sts-key.pem')]);
  children.push(sts.child);
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function startFloor(extra: string[]): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', '..', 'bench', 'workers', 'https-floor.ts'),
    path.join(dir, 'cert.pem'), path.join(dir, 'key.pem'), String(port), ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()).includes('listening') && resolve());
    child.on('exit', (code) => reject(new Error(`https-floor exited ${code}: ${log}`)));
  });
  return port;
}

/** POSTs a TokenReview on one keep-alive connection; the status and body of each answer. */
async function review(port: number, times: number): Promise<Array<{ status: number; body: string }>> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: ca.certPem });
  const out: Array<{ status: number; body: string }> = [];
  try {
    for (let i = 0; i < times; i++) {
      out.push(await new Promise((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port, path: '/authenticate', method: 'POST', agent }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'k8s-aws-v1.unread' } }));
      }));
    }
  } finally {
    agent.destroy();
  }
  return out;
}

test('the bare floor answers every review without calling STS', async () => {
  const port = await startFloor([]);
  const before = await sts.readStats();
  const answers = await review(port, 3);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  expect(JSON.parse(answers[0].body).status.authenticated).toBe(true);
  expect((await sts.readStats()).requests).toBe(before.requests);
});

test('the STS-call floor makes one accepted GetCallerIdentity call per review, all on one kept-alive connection', async () => {
  const presigner = new FastPresigner(CLUSTER);
  const token = presigner.token({ accessKeyId: 'AKIAFLOORTEST', secretAccessKey: 'floor-secret' }, new Date());
  const head = stsRequestHeadOf(token, CLUSTER);
  expect(head).toMatch(/^GET \/\?Action=GetCallerIdentity&[^ ]+ HTTP\/1\.1\r\nHost: sts\.us-east-1\.amazonaws\.com\r\nx-k8s-aws-id: floor-test\r\n/);
  writeFileSync(path.join(dir, 'head.txt'), head);
  const port = await startFloor([path.join(dir, 'ca.pem'), path.join(dir, 'head.txt'), sts.https]);
  const before = await sts.readStats() as { requests: number; accepts: number; rejected: number };
  const answers = await review(port, 5);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
  const after = await sts.readStats() as { requests: number; accepts: number; rejected: number };
  expect(after.requests - before.requests).toBe(5);
  expect(after.accepts - before.accepts).toBe(1);
  expect(after.rejected - before.rejected).toBe(0);
});
