/**
 * The webhook stays available to kube-apiserver while other peers try to hold its capacity (issue 22, items 7 and 8),
 * against the real server on 127.0.0.1 over TLS and the STS stand-in. Attackers bind other loopback source addresses
 * (127.0.0.2…) so that they are other peers than the legitimate client (127.0.0.1).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { parseConfig } from '../../../authenticator/config';
import { peerOf } from '../../../authenticator/server/connection-guard';
import { startWebhookServer, WebhookServer } from '../../../authenticator/server';
import { generateToken } from '../../../authenticator/token';
import {
  finalStatus, healthzOnce, openRaw, RawConnection, slowBodyHeaders, trickle,
} from '../../../bench/hardening/attackers';
import { ReviewClient } from '../../../bench/hardening/review-client';
import { startStsStandIn, StsStandIn } from '../../../harness/sts-standin';
import { httpsCall, makeTlsFiles, metricValue, review, TlsFiles, tokenReviewBody } from './helpers';

const CLUSTER = 'availability-it';

describe('webhook availability under connection and body floods', () => {
  let standIn: StsStandIn;
  let tls: TlsFiles;
  let alice: { accessKeyId: string; secretAccessKey: string; arn: string };
  let offset = 0;
  const servers: WebhookServer[] = [];
  const connections: RawConnection[] = [];

  beforeAll(async () => {
    standIn = await startStsStandIn();
    tls = makeTlsFiles('availability-');
    alice = await standIn.createUser('alice');
  }, 120000);

  afterEach(() => {
    for (const c of connections.splice(0)) c.socket.destroy();
  });

  afterAll(async () => {
    for (const s of servers) await s.close();
    await standIn?.stop();
  });

  async function start(server: object): Promise<WebhookServer> {
    const mapping = join(tls.dir, `mapping-${servers.length}.json`);
    writeFileSync(mapping, JSON.stringify({ mapUsers: [{ userarn: alice.arn, username: 'alice' }] }));
    const s = await startWebhookServer(parseConfig({
      clusterId: CLUSTER,
      server: { port: 0, tlsCertFile: tls.certFile, tlsKeyFile: tls.keyFile, headersTimeoutMs: 2000, tlsHandshakeTimeoutMs: 1000, requestTimeoutMs: 5000, ...server },
      review: { deadlineMs: 4000 },
      sts: { connectTo: standIn.connectTo, caFile: standIn.caFile, maxRetries: 0 },
      cache: { maxEntries: 0 },
      mapping: { backends: [{ type: 'file', path: mapping }] },
      logLevel: 'silent',
    }));
    servers.push(s);
    return s;
  }

  async function token(): Promise<string> {
    return (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: alice, now: new Date(Date.now() - ++offset * 1000) })).token;
  }

  /** A keep-alive connection from `address` that has answered one GET /healthz (so it is idle, not silent). */
  async function holder(server: WebhookServer, address: string): Promise<RawConnection> {
    const c = await openRaw({ port: server.port, caPem: tls.caPem }, address);
    connections.push(c);
    expect(await healthzOnce(c)).toBe(true);
    return c;
  }

  async function metrics(server: WebhookServer): Promise<string> {
    return (await httpsCall(`${server.url}/metrics`, tls.caPem)).text;
  }

  it('22.7: at server.maxConnections an idle keep-alive connection is evicted, the one idle longest first', async () => {
    const server = await start({ maxConnections: 12, maxConnectionsPerPeer: 12 });
    // 12 holders from three other peers fill the cap; each has sent a request and sits idle on keep-alive.
    const holders: RawConnection[] = [];
    for (let i = 0; i < 12; i++) holders.push(await holder(server, `127.0.0.${2 + (i % 3)}`));
    // holders[0] is used again: holders[1] is now the one idle longest.
    expect(await healthzOnce(holders[0])).toBe(true);

    // The legitimate client keeps its connection alive, as kube-apiserver does. Before the fix its connection was
    // dropped (ECONNRESET): no connection was silent, so none could be evicted.
    const apiserver = new ReviewClient(server.url, tls.caPem, 1, 10_000);
    try {
      const first = await apiserver.post(tokenReviewBody(await token()));
      expect([first.status, first.username, first.failure]).toEqual([200, 'alice', undefined]);
      await holders[1].closed;
      expect(holders.filter((h) => h.isClosed())).toEqual([holders[1]]);

      // Each further newcomer takes the next connection idle longest: never a busy one, never the legitimate
      // client's (its last request is more recent than theirs).
      for (let i = 0; i < 4; i++) connections.push(await openRaw({ port: server.port, caPem: tls.caPem }, '127.0.0.5'));
      await Promise.all(holders.slice(2, 6).map((h) => h.closed));
      expect(holders.map((h) => h.isClosed())).toEqual([false, true, true, true, true, true, ...Array(6).fill(false)]);
      const again = await apiserver.post(tokenReviewBody(await token()));
      expect([again.status, again.failure]).toEqual([200, undefined]);
    } finally {
      apiserver.close();
    }
    const m = await metrics(server);
    expect(metricValue(m, 'eks_access_webhook_closed_connections_total', { reason: 'evicted_idle' })).toBeGreaterThanOrEqual(5);
    expect(metricValue(m, 'eks_access_webhook_closed_connections_total', { reason: 'dropped' })).toBe(0);
  }, 60000);

  it('22.7: holders that keep re-sending GET /healthz under the keep-alive timeout no longer lock reviews out', async () => {
    const server = await start({ maxConnections: 16, maxConnectionsPerPeer: 16, keepAliveTimeoutMs: 30000 });
    const target = { port: server.port, caPem: tls.caPem };
    const holders: RawConnection[] = [];
    for (let i = 0; i < 16; i++) holders.push(await holder(server, `127.0.0.${2 + (i % 4)}`));
    // The attack: every holder re-sends GET /healthz, and a holder that is cut reconnects (bounded: 500 rounds, 60 s).
    let reconnects = 0;
    let attacking = true;
    const until = Date.now() + 60_000;
    const attack = (async () => {
      for (let round = 0; round < 500 && attacking && Date.now() < until; round++) {
        for (let i = 0; i < holders.length && attacking; i++) {
          if (!holders[i].isClosed() && await healthzOnce(holders[i], 2000)) continue;
          try {
            holders[i] = await openRaw(target, `127.0.0.${2 + (i % 4)}`);
            connections.push(holders[i]);
            reconnects++;
            await healthzOnce(holders[i], 2000);
          } catch {
            // refused while at the cap: try again next round
          }
        }
      }
    })();
    const answers = [];
    for (let i = 0; i < 8; i++) {
      answers.push(await review(server.url, tls.caPem, await token()).then((a) => a.status, (e: Error) => e.message));
    }
    attacking = false;
    await attack;
    expect(answers).toEqual(Array(8).fill(200));
    expect(reconnects).toBeGreaterThan(0); // the attack did run at the cap (its connections were taken)
  }, 90000);

  it('22.7: one peer holds at most server.maxConnectionsPerPeer connections; its own oldest idle one makes room', async () => {
    const server = await start({ maxConnections: 100, maxConnectionsPerPeer: 3 });
    const mine: RawConnection[] = [];
    for (let i = 0; i < 5; i++) mine.push(await holder(server, '127.0.0.2'));
    await Promise.all([mine[0].closed, mine[1].closed]);
    expect(mine.map((c) => c.isClosed())).toEqual([true, true, false, false, false]);
    // Another peer is not affected by that peer's cap.
    expect((await review(server.url, tls.caPem, await token())).status).toBe(200);

    // When every connection of the peer is busy (a request being read), its next one is refused outright.
    const busy: RawConnection[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await openRaw({ port: server.port, caPem: tls.caPem }, '127.0.0.3');
      connections.push(c);
      expect(await slowBodyHeaders(c, 1000)).toBe(true);
      busy.push(c);
    }
    const refused = await openRaw({ port: server.port, caPem: tls.caPem }, '127.0.0.3').then((c) => {
      connections.push(c);
      return c.closed.then(() => finalStatus(c));
    }, () => 0);
    expect(refused).toBe(0); // closed without an answer
    expect(busy.some((c) => c.isClosed())).toBe(false);
    const m = await metrics(server);
    expect(metricValue(m, 'eks_access_webhook_closed_connections_total', { reason: 'peer_evicted' })).toBe(2);
    expect(metricValue(m, 'eks_access_webhook_closed_connections_total', { reason: 'peer_dropped' })).toBe(1);
  }, 60000);

  it('22.8: slow bodies hold no review slot, and are answered 408 and closed at server.bodyTimeoutMs', async () => {
    const bodyTimeoutMs = 1500;
    const server = await start({ maxInFlightReviews: 4, bodyTimeoutMs });
    const target = { port: server.port, caPem: tls.caPem };
    // Twice as many slow bodies as review slots, from another peer; each has had its headers parsed by the server.
    const slow: RawConnection[] = [];
    const startedAt: number[] = [];
    for (let i = 0; i < 8; i++) {
      const c = await openRaw(target, '127.0.0.2');
      connections.push(c);
      expect(await slowBodyHeaders(c, 60000)).toBe(true);
      startedAt.push(Date.now());
      slow.push(c);
    }
    const trickles = slow.map((c) => trickle(c, 100, 10_000));

    // Before the fix: 429 "too many reviews in flight" for as long as the bodies trickled.
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await review(server.url, tls.caPem, await token()));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);

    await Promise.all(slow.map((c) => c.closed));
    const closedAfter = slow.map((_, i) => Date.now() - startedAt[i]);
    await Promise.all(trickles);
    expect(slow.map(finalStatus)).toEqual(Array(8).fill(408));
    // Closed by the deadline, not by server.requestTimeoutMs (5000) — with slack for a loaded machine.
    for (const ms of closedAfter) expect(ms).toBeLessThan(bodyTimeoutMs + 3000);
    const m = await metrics(server);
    expect(metricValue(m, 'eks_access_webhook_rejected_requests_total', { reason: 'body_timeout' })).toBe(8);
    expect(metricValue(m, 'eks_access_webhook_rejected_requests_total', { reason: 'too_many_reviews' })).toBe(0);
  }, 60000);

  it('22.8: a body that arrives in pieces within server.bodyTimeoutMs is reviewed as usual', async () => {
    const server = await start({ bodyTimeoutMs: 3000 });
    const c = await openRaw({ port: server.port, caPem: tls.caPem }, '127.0.0.1');
    connections.push(c);
    const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: await token() } });
    expect(await slowBodyHeaders(c, Buffer.byteLength(body))).toBe(true);
    const thirds = [body.slice(0, 100), body.slice(100, 200), body.slice(200)];
    for (const part of thirds) {
      c.socket.write(part);
      await new Promise((r) => setTimeout(r, 200)); // paces the client; the server's deadline is not under test here
    }
    await new Promise<void>((resolve) => {
      const check = () => (/\r\n\r\n\{.*\}\n$/s.test(c.received()) ? resolve() : undefined);
      c.socket.on('data', check);
      check();
    });
    expect(finalStatus(c)).toBe(200);
    expect(c.received()).toMatch(/"username":"alice"/);
  }, 30000);
});

describe('peer address of a connection (the per-peer cap\'s key)', () => {
  it.each([
    ['127.0.0.2', '127.0.0.2'],
    ['::ffff:10.0.0.1', '10.0.0.1'], // an IPv4 peer on a dual-stack listener is the same peer as over IPv4
    ['2001:db8::1', '2001:db8::1'],
    ['::ffff:abcd', '::ffff:abcd'], // not an IPv4-mapped address: kept whole
  ])('%s → %s', (remoteAddress, peer) => {
    expect(peerOf({ remoteAddress } as Socket)).toBe(peer);
  });
});
