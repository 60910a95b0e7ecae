/**
 * {{EC2PrivateDNSName}} through the real @aws-sdk/client-ec2 client pointed (via `endpoint`) at a local server that
 * speaks the EC2 Query API (ec2-query-server.ts) — AWS EC2 cannot run here, everything on our side is real.
 */
import { Ec2PrivateDnsResolver, MapperChain, StaticMapper, TemplateRenderer, TokenBucket } from '../../../authenticator/mapper';
import { Ec2QueryServer, startEc2QueryServer } from './ec2-query-server';
import { identityFor } from './identity';
import { waitUntil } from '../../../harness/net';

const A = 'i-0123456789abcdef0';
const B = 'i-0123456789abcdef1';
const C = 'i-0123456789abcdef2';

describe('Ec2PrivateDnsResolver against the EC2 Query API', () => {
  let ec2: Ec2QueryServer;
  beforeEach(async () => {
    ec2 = await startEc2QueryServer();
    ec2.instances.set(A, 'ip-10-0-0-1.ec2.internal');
    ec2.instances.set(B, 'ip-10-0-0-2.ec2.internal');
    ec2.instances.set(C, 'ip-10-0-0-3.ec2.internal');
  });
  afterEach(() => ec2.stop());

  it('resolves an instance id and caches it', async () => {
    const r = new Ec2PrivateDnsResolver({ client: ec2.client() });
    expect(await r.privateDnsName(A)).toBe('ip-10-0-0-1.ec2.internal');
    expect(await r.privateDnsName(A)).toBe('ip-10-0-0-1.ec2.internal');
    expect(ec2.calls).toEqual([[A]]);
    expect(r.stats()).toMatchObject({ calls: 1, cacheHits: 1, cached: 1 });
  });

  it('shares one call between concurrent lookups and batches ids', async () => {
    const r = new Ec2PrivateDnsResolver({ client: ec2.client() });
    const names = await Promise.all([r.privateDnsName(A), r.privateDnsName(B), r.privateDnsName(A), r.privateDnsName(C)]);
    expect(names).toEqual(['ip-10-0-0-1.ec2.internal', 'ip-10-0-0-2.ec2.internal', 'ip-10-0-0-1.ec2.internal', 'ip-10-0-0-3.ec2.internal']);
    expect(ec2.calls).toEqual([[A, B, C]]);
  });

  it('lookups waiting for the rate limiter go out together in the next call', async () => {
    const r = new Ec2PrivateDnsResolver({ client: ec2.client(), ratePerSecond: 5, burst: 1 });
    const first = r.privateDnsName(A);
    await waitUntil('the call for A to take the only token', () => ec2.calls.length === 1);
    const rest = Promise.all([r.privateDnsName(B), r.privateDnsName(C)]);
    await first;
    await rest;
    expect(ec2.calls).toEqual([[A], [B, C]]);
  });

  it('an unknown instance fails, is not cached, and resolves once it exists', async () => {
    const r = new Ec2PrivateDnsResolver({ client: ec2.client() });
    const D = 'i-0123456789abcdef9';
    await expect(r.privateDnsName(D)).rejects.toThrow(`failed to find node ${D}`);
    ec2.instances.set(D, 'ip-10-0-0-9.ec2.internal');
    expect(await r.privateDnsName(D)).toBe('ip-10-0-0-9.ec2.internal');
    expect(ec2.calls).toEqual([[D], [D]]);
  });

  it('reports EC2 throttling with its error code', async () => {
    ec2.fault = 'throttle';
    const r = new Ec2PrivateDnsResolver({ client: ec2.client() });
    await expect(r.privateDnsName(A)).rejects.toThrow('EC2 DescribeInstances failed: RequestLimitExceeded: Request limit exceeded.');
    expect(r.stats().failures).toBe(1);
  });

  it('fails a lookup that EC2 does not answer within timeoutMs', async () => {
    ec2.fault = 'hang';
    const r = new Ec2PrivateDnsResolver({ client: ec2.client(), timeoutMs: 300 });
    const started = Date.now();
    await expect(r.privateDnsName(A)).rejects.toThrow('did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
    // The hung call itself is aborted (after 2 × timeoutMs, counted as the failure), so the id is not stuck "in
    // flight": EC2 is asked again.
    await waitUntil('the hung call to be aborted', () => r.stats().failures === 1);
    ec2.fault = undefined;
    expect(await r.privateDnsName(A)).toBe('ip-10-0-0-1.ec2.internal');
    expect(ec2.calls).toEqual([[A], [A]]);
    expect(r.stats().failures).toBe(1);
  });

  it('renders system:node:{{EC2PrivateDNSName}} in a chain, and refuses a session name that is not an instance id', async () => {
    const resolver = new Ec2PrivateDnsResolver({ client: ec2.client() });
    const nodes = StaticMapper.fromDocument(
      { mapRoles: [{ rolearn: 'arn:aws:iam::111122223333:role/NodeRole', username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:nodes'] }] },
      { renderer: new TemplateRenderer({ ec2: resolver }) },
    );
    const chain = new MapperChain([nodes]);
    expect(await chain.map(identityFor({ arn: `arn:aws:sts::111122223333:assumed-role/NodeRole/${B}` }))).toEqual({
      username: 'system:node:ip-10-0-0-2.ec2.internal',
      groups: ['system:nodes'],
    });
    await expect(chain.map(identityFor({ arn: 'arn:aws:sts::111122223333:assumed-role/NodeRole/bob' }))).rejects.toThrow(
      'SessionName did not contain an instance id',
    );
    expect(ec2.calls).toEqual([[B]]);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at the configured rate', () => {
    let now = 0;
    const b = new TokenBucket(2, 3, () => now);
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, false]);
    expect(b.waitMs()).toBe(500);
    now = 499;
    expect(b.tryTake()).toBe(false);
    now = 500;
    expect(b.tryTake()).toBe(true);
    now = 100_000;
    expect([b.tryTake(), b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([true, true, true, false]);
  });

  it('rejects a non-positive rate or burst', () => {
    expect(() => new TokenBucket(0, 1)).toThrow('ratePerSecond must be > 0');
    expect(() => new TokenBucket(1, 0)).toThrow('burst must be >= 1');
  });
});
