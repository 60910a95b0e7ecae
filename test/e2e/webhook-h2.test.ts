/**
 * kube-apiserver (v1.33, client-go's webhook transport) negotiates h2 with `eks-access serve` (server.http2, the
 * default) and keeps its reviews on few connections: the webhook records the ALPN protocol of every TLS connection it
 * accepts (eks_access_webhook_connections_total), read from its plain metrics listener. With server.http2: false the
 * same kube-apiserver falls back to HTTP/1.1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken } from '../../authenticator/token';
import { startControlPlane } from '../../harness/control-plane';
import { startEksAccessWebhook } from '../../harness/eks-access-webhook';
import { freePort } from '../../harness/free-port';
import { startStsStandIn, StsStandIn } from '../../harness/sts-standin';
import { metricValue } from '../authenticator/server/helpers';

const CLUSTER_ID = 'e2e-h2';

let standIn: StsStandIn;
let dir: string;

beforeAll(async () => {
  standIn = await startStsStandIn();
  dir = mkdtempSync(join(tmpdir(), 'e2e-h2-'));
}, 120000);

afterAll(async () => {
  await standIn?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject).end();
  });
}

/** A user's request to kube-apiserver with a bearer token: its HTTP status (403 when authenticated: no RBAC grants). */
function asUser(apiUrl: string, caPem: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsRequest(`${apiUrl}/api/v1/namespaces/default/configmaps`, { ca: caPem, agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
}

async function run(http2: boolean): Promise<{ metrics: string; statuses: number[] }> {
  const alice = await standIn.createUser(`alice-${http2}`);
  const metricsPort = await freePort();
  const webhook = await startEksAccessWebhook({
    dir: join(dir, `webhook-${http2}`), clusterId: CLUSTER_ID, stsConnectTo: standIn.connectTo, stsCaFile: standIn.caFile,
    mapping: { mapUsers: [{ userarn: alice.arn, username: 'alice' }] }, workers: 1, server: { http2, metricsPort },
  });
  try {
    const cp = await startControlPlane({ webhookKubeconfig: webhook.webhookKubeconfig, webhookCacheTtl: '0s' });
    try {
      const caPem = readFileSync(cp.api.caFile, 'utf8');
      // Distinct tokens (X-Amz-Date seconds apart), several at once: kube-apiserver's own token cache answers none.
      const tokens = await Promise.all(Array.from({ length: 12 }, async (_, i) =>
        (await generateToken({ clusterId: CLUSTER_ID, region: 'us-east-1', credentials: alice, now: new Date(Date.now() - (i + 1) * 1000) })).token));
      const statuses = await Promise.all(tokens.map((t) => asUser(cp.api.url, caPem, t)));
      return { metrics: await get(`http://127.0.0.1:${metricsPort}/metrics`), statuses };
    } finally {
      await cp.stop();
    }
  } finally {
    await webhook.stop();
  }
}

test('kube-apiserver negotiates h2 with the webhook (server.http2 on) and authenticates through it', async () => {
  const { metrics, statuses } = await run(true);
  expect(statuses).toEqual(Array(12).fill(403)); // authenticated as alice, who has no RBAC grants (401 otherwise)
  expect(metricValue(metrics, 'eks_access_webhook_responses_total', { code: '200' })).toBe(12);
  // The harness's readiness probe is an HTTP/1.1 client; kube-apiserver's connections are h2.
  expect(metricValue(metrics, 'eks_access_webhook_connections_total', { protocol: 'h2' })).toBeGreaterThanOrEqual(1);
}, 300000);

test('with server.http2: false kube-apiserver talks HTTP/1.1 to the webhook, and still authenticates', async () => {
  const { metrics, statuses } = await run(false);
  expect(statuses).toEqual(Array(12).fill(403));
  expect(metricValue(metrics, 'eks_access_webhook_connections_total', { protocol: 'h2' })).toBe(0);
  expect(metricValue(metrics, 'eks_access_webhook_connections_total', { protocol: 'http/1.1' })).toBeGreaterThanOrEqual(2);
}, 300000);
