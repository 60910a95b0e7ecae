/**
 * The real control plane the other e2e tests rely on: kube-apiserver built from the Go module proxy at a pinned
 * EKS-supported version, Debian's etcd, RBAC, and the aggregation controller.
 */
import { KUBERNETES_VERSION } from '../../harness/binaries';
import { ControlPlane, startControlPlane } from '../../harness/control-plane';
import { runOk } from '../../harness/run-process';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane();
});
afterAll(async () => {
  await cp?.stop();
});

test('kube-apiserver reports the pinned version and serves only on 127.0.0.1', async () => {
  const version = JSON.parse((await cp.kubectl(['version', '-o', 'json'])).stdout);
  expect(version.serverVersion.gitVersion).toBe(KUBERNETES_VERSION);
  expect(cp.api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(await runOk(cp.bins.kubeApiserver, ['--version'])).toContain(KUBERNETES_VERSION);
});

test('RBAC is the authorizer: an unknown user is forbidden, the admin is not', async () => {
  const denied = await cp.kubectl(['auth', 'can-i', 'get', 'pods', '-A', '--as=nobody']);
  expect(denied.stdout.trim()).toBe('no');
  expect(denied.code).toBe(1);
  const allowed = await cp.kubectl(['auth', 'can-i', '*', '*']);
  expect(allowed.stdout.trim()).toBe('yes');
});

test('aggregated built-in roles are materialised (edit contains view, admin contains edit)', async () => {
  const rules = async (name: string): Promise<string> => (await cp.kubectl(['get', 'clusterrole', name, '-o', 'json'])).stdout;
  const view = JSON.parse(await rules('view')).rules;
  const admin = JSON.parse(await rules('admin')).rules;
  expect(view.length).toBeGreaterThan(0);
  expect(admin.some((r: { resources?: string[] }) => r.resources?.includes('rolebindings'))).toBe(true);
});

test('server-side apply with strict validation rejects an unknown field', async () => {
  const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'default' }, dataa: { x: '1' } };
  await expect(cp.apply({ objects: [bad] })).rejects.toThrow(/unknown field "dataa"/);
  const good = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'good', namespace: 'default' }, data: { x: '1' } };
  await expect(cp.apply({ objects: [good] })).resolves.toContain('configmap/good serverside-applied');
});
