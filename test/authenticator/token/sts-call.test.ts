/**
 * The STS call against a local HTTPS server standing in for STS: deadlines, aborts, keep-alive reuse (and its
 * races), the connection bound, TLS name checking, oversize replies, and that the token never leaks into errors.
 */
import { STSError, TokenVerifier } from '../../../authenticator';
import { STS_REQUEST_CHANNEL, StsClient } from '../../../authenticator/token/sts';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import * as tls from 'node:tls';
import * as https from 'node:https';
import { getEventListeners } from 'node:events';
import * as messages from '../../../authenticator/token/messages';
import type { AddressInfo } from 'node:net';
import { createCertificateAuthority, issueServerCertificate } from '../../../authenticator/certs';
import { amzDate, LocalSts, startLocalSts, toToken } from './local-sts-server';
import { waitUntil } from '../../../harness/net';

const USER_REPLY = {
  status: 200,
  body: { GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: 'arn:aws:iam::123456789012:user/Alice', Account: '123456789012', UserId: 'AIDAALICE' } } },
};
const tokenFor = (host = 'sts.us-east-1.amazonaws.com') =>
  toToken(`https://${host}/?Action=GetCallerIdentity&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Date=${amzDate()}&X-Amz-Expires=60&X-Amz-Signature=abc`);

let sts: LocalSts;
beforeAll(async () => {
  sts = await startLocalSts();
});
afterAll(() => sts.close());

function verifier(extra: Partial<ConstructorParameters<typeof TokenVerifier>[0]> = {}) {
  return new TokenVerifier({ clusterId: 'c', stsConnectTo: sts.connectTo, stsCaPem: sts.caPem, ...extra });
}

test('a hanging STS fails with STSError within the configured deadline', async () => {
  sts.setReply({ hang: true });
  const v = verifier({ timeoutMs: 300 });
  const started = Date.now();
  try {
    await expect(v.verify(tokenFor())).rejects.toThrow(/error during GET: timed out after 300 ms on us-east-1 endpoint/);
    expect(Date.now() - started).toBeLessThan(3000);
  } finally {
    v.close();
  }
});

test('an STS that stops mid-body fails with STSError within the deadline', async () => {
  sts.setReply({ ...USER_REPLY, hangMidBody: true });
  const v = verifier({ timeoutMs: 300 });
  try {
    await expect(v.verify(tokenFor())).rejects.toBeInstanceOf(STSError);
  } finally {
    v.close();
  }
});

test('an abort signal cancels the call', async () => {
  sts.setReply({ hang: true });
  const v = verifier({ timeoutMs: 10_000 });
  const controller = new AbortController();
  const before = sts.requests.length;
  try {
    const inFlight = expect(v.verify(tokenFor(), { signal: controller.signal })).rejects.toThrow(/aborted/);
    // Aborted once STS holds the request (not after a guessed delay, which may fire before it was even sent).
    await waitUntil('the request to reach STS', () => sts.requests.length > before);
    controller.abort();
    await inFlight;
    await expect(v.verify(tokenFor(), { signal: controller.signal })).rejects.toThrow(/aborted before the request was sent/);
  } finally {
    v.close();
  }
});

test('a successful call builds no error and leaves no abort listener behind', async () => {
  // Request-path waste seen in a CPU profile: the catch-all 'close' handler built a full STSError (with its stack trace)
  // after every successful reply, only for the settled promise to drop it.
  sts.setReply(USER_REPLY);
  const built = jest.spyOn(messages, 'stsError');
  const v = verifier();
  const controller = new AbortController();
  try {
    for (let i = 0; i < 3; i++) await expect(v.verify(tokenFor(), { signal: controller.signal })).resolves.toMatchObject({ accountId: '123456789012' });
    await new Promise((r) => setImmediate(r)); // let 'close' fire
    expect(built).not.toHaveBeenCalled();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  } finally {
    built.mockRestore();
    v.close();
  }
});

test('connections are kept alive and reused across verifications', async () => {
  sts.setReply(USER_REPLY);
  const v = verifier();
  const before = sts.connections();
  try {
    for (let i = 0; i < 5; i++) await expect(v.verify(tokenFor())).resolves.toMatchObject({ userId: 'AIDAALICE' });
    expect(sts.connections() - before).toBe(1);
  } finally {
    v.close();
  }
});

test('TLS is checked against the validated STS host name: a CA that did not sign it is refused', async () => {
  sts.setReply(USER_REPLY);
  const otherCa = createCertificateAuthority('unrelated CA').certPem;
  const v = verifier({ stsCaPem: otherCa });
  try {
    await expect(v.verify(tokenFor())).rejects.toThrow(/error during GET: .*(self-signed|unable to verify|certificate)/i);
  } finally {
    v.close();
  }
});

test('TLS is checked against the validated STS host name: a certificate for another name is refused', async () => {
  const ca = createCertificateAuthority('localhost-only CA');
  const leaf = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const v = new TokenVerifier({ clusterId: 'c', stsConnectTo: `127.0.0.1:${(server.address() as AddressInfo).port}`, stsCaPem: ca.certPem });
  try {
    await expect(v.verify(tokenFor())).rejects.toThrow(/error during GET: Hostname\/IP does not match certificate's altnames: Host: sts.us-east-1.amazonaws.com/);
  } finally {
    v.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('without the extra CA, the system roots do not trust the stand-in', async () => {
  sts.setReply(USER_REPLY);
  const v = new TokenVerifier({ clusterId: 'c', stsConnectTo: sts.connectTo });
  try {
    await expect(v.verify(tokenFor())).rejects.toBeInstanceOf(STSError);
  } finally {
    v.close();
  }
});

test('an oversized reply is refused', async () => {
  sts.setReply({ status: 200, body: 'x'.repeat(200 * 1024) });
  const v = verifier();
  try {
    await expect(v.verify(tokenFor())).rejects.toBeInstanceOf(STSError);
  } finally {
    v.close();
  }
});

test('errors and their stacks never contain the token or the presigned URL', async () => {
  const token = tokenFor();
  const url = Buffer.from(token.slice(11), 'base64url').toString();
  const replies = [{ reset: true }, { status: 403, body: url }, { status: 400, body: `Throttling ${url}` }, { status: 200, body: url }];
  const v = verifier({ timeoutMs: 2000 });
  try {
    for (const reply of replies) {
      sts.setReply(reply);
      const err = (await v.verify(token).catch((e: Error) => e)) as Error;
      expect(err).toBeInstanceOf(Error);
      for (const text of [err.message, err.stack ?? '', JSON.stringify(err)]) {
        expect(text).not.toContain(token.slice(11, 80));
        expect(text).not.toContain('X-Amz-Signature=abc');
        expect(text).not.toContain('AKIAEXAMPLE%2F');
      }
    }
  } finally {
    v.close();
  }
});

describe('StsClient guards', () => {
  test('refuses a host outside its allow-list before dialling', async () => {
    const client = new StsClient({ allowedHosts: new Set(['sts.amazonaws.com']), connectTo: sts.connectTo, caPem: sts.caPem });
    const before = sts.requests.length;
    try {
      await expect(client.getCallerIdentity({ host: 'evil.example', path: '/?', clusterId: 'c' })).rejects.toThrow(/allow-list/);
      expect(sts.requests.length).toBe(before);
    } finally {
      client.close();
    }
  });

  test.each(['127.0.0.1', '127.0.0.1:0', 'host:99999', 'a b:1', 'x@y:1'])('connectTo %s is refused', (connectTo) => {
    expect(() => new StsClient({ allowedHosts: new Set(), connectTo })).toThrow(/stsConnectTo must be HOST:PORT/);
  });

  test('timeoutMs must be positive', () => {
    expect(() => new StsClient({ allowedHosts: new Set(), timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe('keep-alive connections (sts-connection.ts)', () => {
  test('a reply with Connection: close is read and its connection is not reused', async () => {
    sts.setReply({ ...USER_REPLY, headers: { connection: 'close' } });
    const v = verifier();
    const before = sts.connections();
    try {
      for (let i = 0; i < 3; i++) await expect(v.verify(tokenFor())).resolves.toMatchObject({ userId: 'AIDAALICE' });
      expect(sts.connections() - before).toBe(3);
    } finally {
      v.close();
    }
  });

  test('a request on a kept connection that the server closed meanwhile is sent again on a new one', async () => {
    // A raw TLS server that answers the first request of each connection and closes it on the second without a byte:
    // the race of a keep-alive connection closed by the server as the client reuses it.
    const ca = createCertificateAuthority('stale keep-alive CA');
    const leaf = issueServerCertificate(ca, { dnsNames: ['sts.us-east-1.amazonaws.com'] });
    const reply = JSON.stringify(USER_REPLY.body);
    let accepted = 0;
    const server = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (socket) => {
      accepted++;
      let requests = 0;
      socket.on('data', (d: Buffer) => {
        if (!d.toString('latin1').includes('\r\n\r\n')) return;
        if (++requests > 1) return void socket.destroy();
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${reply.length}\r\n\r\n${reply}`);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const v = new TokenVerifier({ clusterId: 'c', stsConnectTo: `127.0.0.1:${(server.address() as AddressInfo).port}`, stsCaPem: ca.certPem });
    try {
      for (let i = 0; i < 3; i++) await expect(v.verify(tokenFor())).resolves.toMatchObject({ userId: 'AIDAALICE' });
      expect(accepted).toBe(3);
    } finally {
      v.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('at most maxSockets connections: further calls wait for a free one', async () => {
    sts.setReply(USER_REPLY);
    const host = 'sts.us-east-1.amazonaws.com';
    const client = new StsClient({ allowedHosts: new Set([host]), connectTo: sts.connectTo, caPem: sts.caPem, maxSockets: 2 });
    const path = Buffer.from(tokenFor().slice(11), 'base64url').toString().replace(`https://${host}`, '');
    const before = sts.connections();
    try {
      const all = await Promise.all(Array.from({ length: 8 }, () => client.getCallerIdentity({ host, path, clusterId: 'c' })));
      expect(all.every((r) => r.userId === 'AIDAALICE')).toBe(true);
      expect(sts.connections() - before).toBe(2);
    } finally {
      client.close();
    }
  });

  test('every request is announced with its Host on the STS request channel', async () => {
    sts.setReply(USER_REPLY);
    const hosts: string[] = [];
    const onRequest = (m: unknown) => hosts.push((m as { host: string }).host);
    subscribe(STS_REQUEST_CHANNEL, onRequest);
    const v = verifier();
    try {
      await v.verify(tokenFor());
      expect(hosts).toEqual(['sts.us-east-1.amazonaws.com']);
      expect(sts.requests.at(-1)?.headers).toMatchObject({ 'host': 'sts.us-east-1.amazonaws.com', 'x-k8s-aws-id': 'c', 'accept': 'application/json' });
    } finally {
      unsubscribe(STS_REQUEST_CHANNEL, onRequest);
      v.close();
    }
  });
});
