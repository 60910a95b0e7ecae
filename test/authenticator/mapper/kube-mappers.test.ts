/**
 * ConfigMapMapper and CrdMapper over real HTTPS against a local server imitating the Kubernetes list/watch API
 * (fake-apiserver.ts). The real kube-apiserver is exercised by the E2E suite.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigMapMapper,
  CrdMapper,
  fromKubeconfig,
  IAM_IDENTITY_MAPPING_PATH,
  KubeConnection,
  loadKubeConnection,
  MapperChain,
} from '../../../authenticator/mapper';
import { FakeApiServer, startFakeApiServer } from '../../../harness/fake-apiserver';
import { identityFor } from './identity';
import { waitUntil } from '../../../harness/net';

const ACCT = '111122223333';
const CM_PATH = '/api/v1/namespaces/kube-system/configmaps';
const admin = identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/Admin/alice` });
const dev = identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/Dev/bob` });
const awsAuth = (mapRoles: string, extra: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'aws-auth', namespace: 'kube-system' },
  data: { mapRoles, ...extra },
});
const role = (name: string, username: string) => `- rolearn: arn:aws:iam::${ACCT}:role/${name}\n  username: ${username}\n  groups:\n  - g-${username}\n`;
const fastRetry = { initialBackoffMs: 50, maxBackoffMs: 200 };

describe('Kubernetes-backed mappers against a list/watch API imitation', () => {
  let api: FakeApiServer;
  let conn: KubeConnection;
  const stoppers: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    api = await startFakeApiServer();
    conn = { server: api.server, caPem: api.caPem, token: () => api.token };
  });
  afterEach(async () => {
    await Promise.all(stoppers.splice(0).map((s) => s()));
    await api.stop();
  });
  const startCm = async (c: KubeConnection = conn) => {
    const m = new ConfigMapMapper(c, { watch: fastRetry });
    stoppers.push(() => m.stop());
    await m.start();
    return m;
  };

  it('ConfigMapMapper: loads aws-auth, applies updates, empties on delete and reloads on re-create', async () => {
    api.put(CM_PATH, awsAuth(role('Admin', 'admin')));
    api.put(CM_PATH, { ...awsAuth(role('Dev', 'other-cm')), metadata: { name: 'not-aws-auth', namespace: 'kube-system' } });
    const m = await startCm();
    expect(m.health()).toMatchObject({ name: 'configmap', ready: true, rows: 1 });
    expect(await m.map(admin)).toEqual({ username: 'admin', groups: ['g-admin'] });
    expect(await m.map(dev)).toBeUndefined();

    api.put(CM_PATH, awsAuth(role('Admin', 'admin') + role('Dev', 'dev'), { mapAccounts: `- "${ACCT}"\n` }));
    await waitUntil('MODIFIED event', async () => (await m.map(dev))?.username === 'dev', { timeoutMs: 10000 });
    expect(await m.map(identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/Other/x` }))).toEqual({
      username: `arn:aws:iam::${ACCT}:role/Other`,
      groups: [],
    });

    api.remove(CM_PATH, 'aws-auth');
    await waitUntil('DELETED event', async () => (await m.map(admin)) === undefined, { timeoutMs: 10000 });
    expect(m.health().rows).toBe(0);

    api.put(CM_PATH, awsAuth(role('Admin', 'admin-again')));
    await waitUntil('ADDED event', async () => (await m.map(admin))?.username === 'admin-again', { timeoutMs: 10000 });
    expect(api.counters.lists).toBe(1);
  });

  it('ConfigMapMapper: reconnects after the server drops the watch and sees later updates', async () => {
    api.put(CM_PATH, awsAuth(role('Admin', 'admin')));
    const m = await startCm();
    await waitUntil('watch to open', () => api.openWatches() === 1, { timeoutMs: 10000 });
    api.dropWatches();
    await waitUntil('watch to reopen', () => m.listWatch.counters.watches === 2 && api.openWatches() === 1, { timeoutMs: 10000 });
    api.put(CM_PATH, awsAuth(role('Admin', 'admin-after-drop')));
    await waitUntil('update after reconnect', async () => (await m.map(admin))?.username === 'admin-after-drop', { timeoutMs: 10000 });
    expect(m.health().lastError).toBeUndefined();
  });

  it('ConfigMapMapper: relists when its resourceVersion expired (410 Gone)', async () => {
    api.put(CM_PATH, awsAuth(role('Admin', 'admin')));
    const m = await startCm();
    await waitUntil('watch to open', () => api.openWatches() === 1, { timeoutMs: 10000 });
    api.compact();
    api.dropWatches();
    api.put(CM_PATH, awsAuth(role('Admin', 'admin-after-410')));
    await waitUntil('relist after 410', async () => (await m.map(admin))?.username === 'admin-after-410', { timeoutMs: 10000 });
    expect(api.counters.lists).toBeGreaterThanOrEqual(2);
  });

  it('ConfigMapMapper: an unparsable update keeps the last good mapping and reports it; bad rows are skipped', async () => {
    api.put(CM_PATH, awsAuth(role('Admin', 'admin')));
    const m = await startCm();
    api.put(CM_PATH, awsAuth('- rolearn: [unclosed\n'));
    await waitUntil('error report', () => m.health().lastError !== undefined, { timeoutMs: 10000 });
    expect(m.health().lastError).toMatch(/ConfigMap kube-system\/aws-auth@\d+ is unusable: mapRoles: is not valid YAML\/JSON/);
    expect((await m.map(admin))?.username).toBe('admin');

    api.put(CM_PATH, awsAuth(role('Admin', 'admin2') + `- rolearn: arn:aws:iam::${ACCT}:user/oops\n  username: x\n`));
    await waitUntil('partial update', async () => (await m.map(admin))?.username === 'admin2', { timeoutMs: 10000 });
    expect(m.health().rowErrors.map((e) => e.location)).toEqual(['mapRoles[1].rolearn']);
    expect(m.health().lastError).toBeUndefined();
  });

  it('ConfigMapMapper: an unreachable or unauthorized API makes it not ready, and it keeps retrying', async () => {
    const m = await startCm({ ...conn, token: () => 'wrong' });
    expect(m.health().ready).toBe(false);
    expect(m.health().lastError).toMatch(/HTTP 401/);
    // The server counts a request when it arrives, the mapper a failure once it has read the 401: wait for both.
    await waitUntil('retries', () => api.counters.unauthorized >= 3 && m.health().failures >= 3, { timeoutMs: 10000 });
    expect(m.health().ready).toBe(false);
    expect(m.health().failures).toBeGreaterThanOrEqual(3);
  });

  it('reads server, CA and a token file or a client certificate from a kubeconfig file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    try {
      writeFileSync(join(dir, 'token'), api.token + '\n');
      writeFileSync(
        join(dir, 'config'),
        [
          'apiVersion: v1',
          'kind: Config',
          'current-context: test',
          'contexts:',
          '- name: test',
          '  context: { cluster: c, user: u }',
          'clusters:',
          '- name: c',
          `  cluster: { server: "${api.server}", certificate-authority-data: ${Buffer.from(api.caPem).toString('base64')} }`,
          'users:',
          '- name: u',
          '  user: { tokenFile: token }',
        ].join('\n'),
      );
      const viaFile = fromKubeconfig(join(dir, 'config'));
      expect(viaFile.server).toBe(api.server);
      const viaEnv = loadKubeConnection({}, { KUBECONFIG: join(dir, 'config') });
      api.put(CM_PATH, awsAuth(role('Admin', 'kubeconfig-admin')));
      const m = await startCm(viaEnv);
      expect((await m.map(admin))?.username).toBe('kubeconfig-admin');
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      writeFileSync(
        join(dir, 'config-cert'),
        [
          'current-context: cert',
          'contexts: [{name: cert, context: {cluster: c, user: w}}]',
          `clusters: [{name: c, cluster: {server: "${api.server}", certificate-authority-data: ${b64(api.caPem)}}}]`,
          `users: [{name: w, user: {client-certificate-data: ${b64(api.clientCert.certPem)}, client-key-data: ${b64(api.clientCert.keyPem)}}}]`,
        ].join('\n'),
      );
      const viaCert = await startCm(fromKubeconfig(join(dir, 'config-cert')));
      expect((await viaCert.map(admin))?.username).toBe('kubeconfig-admin');
      expect(api.counters.unauthorized).toBe(0);
      writeFileSync(join(dir, 'config-exec'), 'current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://x"}}]\nusers: [{name: u, user: {exec: {command: aws}}}]\n');
      expect(() => fromKubeconfig(join(dir, 'config-exec'))).toThrow(/exec\/auth-provider, which is not supported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CrdMapper: IAMIdentityMapping objects map roles (path stripped) and users; invalid specs are reported; deletes apply', async () => {
    const mapping = (name: string, spec: object) => ({ apiVersion: 'iamauthenticator.k8s.aws/v1alpha1', kind: 'IAMIdentityMapping', metadata: { name }, spec });
    api.put(IAM_IDENTITY_MAPPING_PATH, mapping('admin', { arn: `arn:aws:iam::${ACCT}:role/platform/Admin`, username: 'crd-admin', groups: ['system:masters'] }));
    api.put(IAM_IDENTITY_MAPPING_PATH, mapping('bad', { arn: 'arn:aws:s3:::bucket', username: 'x' }));
    const m = new CrdMapper(conn, { watch: fastRetry });
    stoppers.push(() => m.stop());
    await m.start();
    expect(await m.map(admin)).toEqual({ username: 'crd-admin', groups: ['system:masters'] });
    expect(m.health().rowErrors.map(String)).toEqual([expect.stringMatching(/^IAMIdentityMapping\/bad\.spec\.arn: .*not a valid service for identities/)]);

    api.put(IAM_IDENTITY_MAPPING_PATH, mapping('jane', { arn: `arn:aws:iam::${ACCT}:user/jane`, username: 'jane' }));
    const jane = identityFor({ arn: `arn:aws:iam::${ACCT}:user/jane` });
    await waitUntil('ADDED', async () => (await m.map(jane)) !== undefined, { timeoutMs: 10000 });
    api.remove(IAM_IDENTITY_MAPPING_PATH, 'admin');
    await waitUntil('DELETED', async () => (await m.map(admin)) === undefined, { timeoutMs: 10000 });

    // In a chain, the CRD's explicit row wins over the ConfigMap's mapAccounts even though the ConfigMap comes first.
    api.put(CM_PATH, awsAuth('', { mapAccounts: `- "${ACCT}"\n` }));
    const cm = await startCm();
    const chain = new MapperChain([cm, m]);
    expect(await chain.resolve(jane)).toMatchObject({ mapper: 'crd', kind: 'user', user: { username: 'jane' } });
  });
});
