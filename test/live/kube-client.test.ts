/**
 * The live commands' Kubernetes client over real HTTPS against the list/watch imitation of the mapper tests: the
 * kubeconfig forms users have (bearer token, client certificate, CA data, an `exec` credential plugin printing an
 * ExecCredential), and errors that name what failed. Paginated LIST against the real kube-apiserver is in
 * test/e2e/live.test.ts.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { KubeApiError, KubeClient } from '../../lib/live/kube/client';
import { FakeApiServer, startFakeApiServer } from '../authenticator/mapper/fake-apiserver';

const CM_PATH = '/api/v1/namespaces/kube-system/configmaps';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('KubeClient', () => {
  let api: FakeApiServer;
  let dir: string;
  beforeAll(async () => {
    api = await startFakeApiServer();
    api.put(CM_PATH, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data: { mapRoles: '[]' } });
    dir = mkdtempSync(join(tmpdir(), 'kube-client-'));
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubeconfig = (name: string, user: object, cluster: object = { server: api.server, 'certificate-authority-data': b64(api.caPem) }) => {
    const file = join(dir, name);
    writeFileSync(file, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx',
      clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    }));
    return file;
  };

  it('lists with a bearer token and CA data', async () => {
    const client = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('token', { token: api.token }) });
    const items = await client.list(CM_PATH);
    expect(items.map((o) => o.metadata.name)).toEqual(['aws-auth']);
  });

  it('lists with a client certificate from a file next to the kubeconfig', async () => {
    writeFileSync(join(dir, 'client.crt'), api.clientCert.certPem);
    writeFileSync(join(dir, 'client.key'), api.clientCert.keyPem);
    const client = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('cert', { 'client-certificate': 'client.crt', 'client-key': 'client.key' }) });
    expect((await client.list(CM_PATH)).length).toBe(1);
  });

  it('runs an exec credential plugin once and uses its token (KUBERNETES_EXEC_INFO set, kubeconfig env passed)', async () => {
    const plugin = join(dir, 'plugin.js');
    const calls = join(dir, 'plugin-calls');
    writeFileSync(plugin, [
      `const fs = require('node:fs');`,
      `fs.appendFileSync(${JSON.stringify(calls)}, process.env.KUBERNETES_EXEC_INFO + '\\n');`,
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential',`,
      `  status: { token: process.env.PLUGIN_TOKEN, expirationTimestamp: new Date(Date.now() + 600000).toISOString() } }));`,
    ].join('\n'));
    chmodSync(plugin, 0o755);
    const client = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('exec', {
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [plugin], env: [{ name: 'PLUGIN_TOKEN', value: api.token }] },
    }) });
    await client.list(CM_PATH);
    await client.list(CM_PATH);
    const seen = readFileSync(calls, 'utf8').trim().split('\n');
    expect(seen).toHaveLength(1); // cached until expirationTimestamp
    expect(JSON.parse(seen[0])).toMatchObject({ kind: 'ExecCredential', spec: { interactive: false } });
  });

  it('names the plugin when it fails, and the status when the server refuses', async () => {
    const failing = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('exec-missing', { exec: { command: join(dir, 'no-such-plugin') } }) });
    await expect(failing.list(CM_PATH)).rejects.toThrow(/exec credential plugin '.*no-such-plugin' failed: command not found/);
    const wrong = KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('bad-token', { token: 'wrong' }) });
    const err = await wrong.list(CM_PATH).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ status: 401, message: expect.stringContaining('HTTP 401: Unauthorized') });
  });

  it('refuses auth-provider users with the file named', () => {
    expect(() => KubeClient.fromKubeconfig({ kubeconfig: kubeconfig('ap', { 'auth-provider': { name: 'gcp' } }) })).toThrow(/kubeconfig .*ap: user 'u' uses auth-provider/);
  });
});
