/**
 * STS faults injected by the stand-in (hang, 500, throttling, connection reset, slow answers) against the real
 * server: every review is answered within its deadline with the right code, retries happen, metrics count them.
 */
import { writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { parseConfig } from '../../../authenticator/config';
import { startWebhookServer, WebhookServer } from '../../../authenticator/server';
import { generateToken } from '../../../authenticator/token';
import { startStsStandIn, StsStandIn } from '../../../harness/sts-standin';
import { httpsCall, makeTlsFiles, metricValue, review, TlsFiles } from './helpers';

const CLUSTER = 'faults-it';
const DEADLINE_MS = 3000;
const ATTEMPT_MS = 1000;
const SLACK_MS = 1500;

describe('webhook under STS faults', () => {
  let standIn: StsStandIn;
  let tls: TlsFiles;
  let server: WebhookServer;
  let alice: { accessKeyId: string; secretAccessKey: string; arn: string };
  let offset = 0;

  beforeAll(async () => {
    standIn = await startStsStandIn();
    tls = makeTlsFiles();
    alice = await standIn.createUser('alice');
    const mapping = join(tls.dir, 'mapping.json');
    writeFileSync(mapping, JSON.stringify({ mapUsers: [{ userarn: alice.arn, username: 'alice' }] }));
    server = await startWebhookServer(parseConfig({
      clusterId: CLUSTER,
      server: { port: 0, tlsCertFile: tls.certFile, tlsKeyFile: tls.keyFile, headersTimeoutMs: 1000, requestTimeoutMs: 2000 },
      review: { deadlineMs: DEADLINE_MS },
      sts: { connectTo: standIn.connectTo, caFile: standIn.caFile, attemptTimeoutMs: ATTEMPT_MS, maxRetries: 2, retryBaseMs: 50, retryMaxMs: 200 },
      cache: { maxEntries: 0 },
      mapping: { backends: [{ type: 'file', path: mapping }] },
      logLevel: 'silent',
    }));
  }, 120000);

  afterEach(() => standIn.setFault(undefined));

  afterAll(async () => {
    await server?.close();
    await standIn?.stop();
  });

  /** A fresh token each time (the signing time differs), so no cache or single-flight hides a call. */
  async function freshReview() {
    const token = (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: alice, now: new Date(Date.now() - ++offset * 1000) })).token;
    return review(server.url, tls.caPem, token);
  }

  async function metrics(): Promise<string> {
    return (await httpsCall(`${server.url}/metrics`, tls.caPem)).text;
  }

  it('STS hangs: denied (403) within the deadline after attempt timeouts and retries', async () => {
    await standIn.setFault('hang');
    const before = await metrics();
    const res = await freshReview();
    expect(res.status).toBe(403);
    expect(res.json.status).toEqual({ authenticated: false, error: expect.stringMatching(/did not answer|deadline/) });
    expect(res.ms).toBeGreaterThanOrEqual(ATTEMPT_MS);
    expect(res.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    const after = await metrics();
    const failures = (t: string) => metricValue(t, 'aws_iam_authenticator_sts_connection_failures_total', { StsRegion: 'us-east-1' });
    expect(failures(after) - failures(before)).toBeGreaterThanOrEqual(2);
  });

  it('STS returns 500: retried, then denied (403) within the deadline', async () => {
    await standIn.setFault('500');
    const before = await metrics();
    const requests = standIn.requests();
    const res = await freshReview();
    expect(res.status).toBe(403);
    expect(res.json.status.authenticated).toBe(false);
    expect(res.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(standIn.requests() - requests).toBe(3); // first attempt + sts.maxRetries
    const after = await metrics();
    const count = (t: string) => metricValue(t, 'aws_iam_authenticator_sts_responses_total', { ResponseCode: '500' });
    expect(count(after) - count(before)).toBe(3);
    const retries = (t: string) => metricValue(t, 'eks_access_webhook_sts_retries_total', { reason: 'server_error' });
    expect(retries(after) - retries(before)).toBe(2);
  });

  it('STS throttles: retried, then answered 429 within the deadline', async () => {
    await standIn.setFault('throttle');
    const before = await metrics();
    const res = await freshReview();
    expect(res.status).toBe(429);
    expect(res.json.status).toEqual({ authenticated: false, error: expect.stringMatching(/throttl/i) });
    expect(res.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    const after = await metrics();
    const count = (t: string) => metricValue(t, 'aws_iam_authenticator_sts_throttling_total', { StsRegion: 'us-east-1' });
    expect(count(after) - count(before)).toBe(3);
    const latency = (t: string) => metricValue(t, 'aws_iam_authenticator_authenticate_latency_seconds_count', { result: 'sts_throttling' });
    expect(latency(after) - latency(before)).toBe(1);
  });

  it('STS resets the connection: retried, then denied (403) within the deadline', async () => {
    await standIn.setFault('reset');
    const before = await metrics();
    const res = await freshReview();
    expect(res.status).toBe(403);
    expect(res.json.status).toEqual({ authenticated: false, error: expect.stringMatching(/socket hang up|ECONNRESET|reset/i) });
    // A reset is seen at once: three quick attempts, no attempt timeout.
    expect(res.ms).toBeLessThan(ATTEMPT_MS + SLACK_MS);
    const after = await metrics();
    const count = (t: string) => metricValue(t, 'aws_iam_authenticator_sts_connection_failures_total');
    expect(count(after) - count(before)).toBe(3);
  });

  it('STS answers slowly but within the attempt timeout: authenticated', async () => {
    await standIn.setFault({ delayMs: 300 });
    const res = await freshReview();
    expect(res.status).toBe(200);
    expect(res.json.status.user.username).toBe('alice');
    expect(res.ms).toBeGreaterThanOrEqual(300);
    expect(res.ms).toBeLessThan(DEADLINE_MS);
  });

  it('STS answers slower than the deadline allows: denied within the deadline', async () => {
    await standIn.setFault({ delayMs: 5000 });
    const res = await freshReview();
    expect(res.status).toBe(403);
    expect(res.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });

  it('recovers once the fault is cleared', async () => {
    await standIn.setFault(undefined);
    expect((await freshReview()).status).toBe(200);
  });

  it('closes a connection whose headers never arrive (header timeout)', async () => {
    const started = Date.now();
    const closed = await new Promise<number>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: server.port, ca: tls.caPem, servername: 'localhost' }, () => {
        s.write('POST /authenticate HTTP/1.1\r\nHost: localhost\r\n'); // and then nothing
      });
      s.on('data', () => {});
      s.on('error', () => {});
      s.on('close', () => resolve(Date.now() - started));
    });
    expect(closed).toBeLessThan(5000);
  });
});
