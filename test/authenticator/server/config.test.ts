import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, parseConfig } from '../../../authenticator/config';

const minimal = {
  clusterId: 'my-cluster',
  server: { tlsCertFile: 'cert.pem', tlsKeyFile: 'key.pem' },
  mapping: { backends: [{ type: 'file', path: 'mapping.yaml' }] },
};

function errorOf(doc: unknown): ConfigError {
  try {
    parseConfig(doc, '/etc/eks-access');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('fills defaults like the reference (127.0.0.1:21362, partition aws) and resolves paths against the file', () => {
    const c = parseConfig(minimal, '/etc/eks-access');
    expect(c.server.address).toBe('127.0.0.1');
    expect(c.server.port).toBe(21362);
    expect(c.partition).toBe('aws');
    expect(c.server.tlsCertFile).toBe('/etc/eks-access/cert.pem');
    expect(c.mapping.backends).toEqual([{ type: 'file', path: '/etc/eks-access/mapping.yaml' }]);
    // The identity TTL is kube-apiserver's webhook cache TTL (2 min) by default: no longer revocation window than its own.
    expect(c.cache).toEqual({ maxEntries: 10000, ttlSeconds: 120, denialTtlSeconds: 0, denialMaxEntries: 1000 });
    expect(c.server).toMatchObject({ tlsHandshakeTimeoutMs: 5000, maxConnections: 512, maxInFlightReviews: 256, metricsAddress: '127.0.0.1' });
    expect(c.server).toMatchObject({ maxConnectionsPerPeer: 128, bodyTimeoutMs: 5000 });
    expect(c.server.metricsPort).toBeUndefined();
    expect(c.review.deadlineMs).toBeLessThan(10000);
  });

  it('sts.http2: HTTP/1.1 only by default (STS_HTTP2_DEFAULT), true offers h2, anything else refused', () => {
    expect(parseConfig(minimal).sts.http2).toBe(false);
    expect(parseConfig({ ...minimal, sts: { http2: true } }).sts.http2).toBe(true);
    expect(parseConfig({ ...minimal, sts: { http2: false } }).sts.http2).toBe(false);
    expect(() => parseConfig({ ...minimal, sts: { http2: 'yes' } })).toThrow(/sts\.http2/);
  });

  it('server.http2: h2 offered by default with 100 concurrent streams per session; false, bad values and out-of-range streams refused', () => {
    expect(parseConfig(minimal).server).toMatchObject({ http2: true, http2MaxConcurrentStreams: 100 });
    expect(parseConfig({ ...minimal, server: { ...minimal.server, http2: false } }).server.http2).toBe(false);
    expect(() => parseConfig({ ...minimal, server: { ...minimal.server, http2: 'yes' } })).toThrow(/server\.http2/);
    expect(() => parseConfig({ ...minimal, server: { ...minimal.server, http2MaxConcurrentStreams: 0 } })).toThrow(/server\.http2MaxConcurrentStreams/);
  });

  it('lowers the per-peer and body defaults to the caps they sit under', () => {
    const c = parseConfig({ ...minimal, server: { ...minimal.server, maxConnections: 40, headersTimeoutMs: 1000, requestTimeoutMs: 2000 } });
    expect(c.server).toMatchObject({ maxConnectionsPerPeer: 40, bodyTimeoutMs: 2000 });
  });

  it.each([
    [{ ...minimal, clusterId: undefined }, 'clusterId', /is required/],
    [{ ...minimal, partition: 'aws-moon' }, 'partition', /one of aws, aws-cn/],
    [{ ...minimal, server: { ...minimal.server, port: 'x' } }, 'server.port', /integer between 0 and 65535/],
    [{ ...minimal, server: { tlsKeyFile: 'k' } }, 'server.tlsCertFile', /is required/],
    [{ ...minimal, sever: {} }, 'sever', /not a known setting/],
    [{ ...minimal, cache: { ttlSeconds: 3600 } }, 'cache.ttlSeconds', /between 0 and 900/],
    [{ ...minimal, mapping: { backends: [] } }, 'mapping.backends', /at least one backend/],
    [{ ...minimal, mapping: { backends: [{ type: 'ldap' }] } }, 'mapping.backends[0].type', /one of file, configMap/],
    [{ ...minimal, mapping: { backends: [{ type: 'file' }] } }, 'mapping.backends[0].path', /is required/],
    [{ ...minimal, mapping: { backends: [{ type: 'static', mapAccounts: ['111122223333'], pth: 1 }] } }, 'mapping.backends[0].pth', /not a known/],
    [{ ...minimal, sts: { connectTo: 'no port' } }, 'sts.connectTo', /host:port/],
    [{ ...minimal, review: { audiences: ['a', 3] } }, 'review.audiences[1]', /non-empty string/],
    [{ ...minimal, server: { ...minimal.server, headersTimeoutMs: 20000, requestTimeoutMs: 10000 } }, 'server.headersTimeoutMs', /must not exceed/],
    [{ ...minimal, server: { ...minimal.server, tlsHandshakeTimeoutMs: 20000 } }, 'server.tlsHandshakeTimeoutMs', /must not exceed server.headersTimeoutMs/],
    [{ ...minimal, server: { ...minimal.server, maxConnections: 0 } }, 'server.maxConnections', /between 1 and/],
    [{ ...minimal, server: { ...minimal.server, maxConnections: 64, maxConnectionsPerPeer: 65 } }, 'server.maxConnectionsPerPeer', /must not exceed server.maxConnections \(64\)/],
    [{ ...minimal, server: { ...minimal.server, maxConnectionsPerPeer: 0 } }, 'server.maxConnectionsPerPeer', /between 1 and/],
    [{ ...minimal, server: { ...minimal.server, bodyTimeoutMs: 20000 } }, 'server.bodyTimeoutMs', /must not exceed server.requestTimeoutMs \(15000\)/],
    [{ ...minimal, server: { ...minimal.server, bodyTimeoutMs: 50 } }, 'server.bodyTimeoutMs', /between 100 and/],
    [{ ...minimal, server: { ...minimal.server, maxInFlightReviews: 'many' } }, 'server.maxInFlightReviews', /integer/],
    [{ ...minimal, server: { ...minimal.server, metricsPort: 70000 } }, 'server.metricsPort', /between 0 and 65535/],
    [{ ...minimal, mapping: { backends: [{ type: 'configMap', reservedPrefixes: ['system:', ''] }] } }, 'mapping.backends[0].reservedPrefixes[1]', /non-empty string/],
    ['just a string', '(root)', /must be an object/],
  ])('rejects %j naming the field', (doc, field, problem) => {
    const e = errorOf(doc);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(problem);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
  });

  it('reads YAML files and reports syntax errors and duplicate keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'clusterId: c1\nserver: {tlsCertFile: a, tlsKeyFile: b}\nmapping:\n  backends:\n    - {type: configMap}\n');
    const c = loadConfigFile(good);
    expect(c.server.tlsCertFile).toBe(join(dir, 'a'));
    expect(c.mapping.backends[0]).toEqual({ type: 'configMap', kubeconfig: undefined, namespace: 'kube-system', name: 'aws-auth' });
    expect(parseConfig({ clusterId: 'c1', server: { tlsCertFile: 'a', tlsKeyFile: 'b' }, mapping: { backends: [
      { type: 'crd', reservedPrefixes: ['system:', 'eks:'] },
    ] } }).mapping.backends[0]).toEqual({ type: 'crd', kubeconfig: undefined, reservedPrefixes: ['system:', 'eks:'] });
    const dup = join(dir, 'dup.yaml');
    writeFileSync(dup, 'clusterId: a\nclusterId: b\n');
    expect(() => loadConfigFile(dup)).toThrow(/not valid YAML\/JSON/);
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot read/);
  });
});

describe('config → running server', () => {
  it('reports a backend that cannot be built with the backend field, and unreadable TLS files by field', async () => {
    const { startWebhookServer } = await import('../../../authenticator/server');
    const { makeTlsFiles } = await import('./helpers');
    const tls = makeTlsFiles();
    const base = { clusterId: 'c1', server: { port: 0, tlsCertFile: tls.certFile, tlsKeyFile: tls.keyFile }, logLevel: 'silent' };
    await expect(startWebhookServer(parseConfig({ ...base, mapping: { backends: [{ type: 'configMap', kubeconfig: join(tls.dir, 'missing-kubeconfig') }] } })))
      .rejects.toMatchObject({ name: 'ConfigError', field: 'mapping.backends[0]' });
    await expect(startWebhookServer(parseConfig({ ...base, mapping: { backends: [{ type: 'static', mapUsers: [{ username: 'no-arn' }] }] } })))
      .rejects.toMatchObject({ name: 'ConfigError', field: 'mapping.backends[0]', message: expect.stringMatching(/mapUsers\[0\]/) });
    await expect(startWebhookServer(parseConfig({ ...base, server: { ...base.server, tlsKeyFile: join(tls.dir, 'nope.pem') }, mapping: { backends: [{ type: 'static', mapAccounts: ['111122223333'] }] } })))
      .rejects.toMatchObject({ name: 'ConfigError', field: 'server.tlsKeyFile' });
  });
});
