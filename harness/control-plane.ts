import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eBinaries, E2eBinaries } from './binaries';
import { startEtcd, RunningEtcd } from './etcd';
import { KubeApiserverOptions, startKubeApiserver, RunningKubeApiserver } from './apiserver';
import { startAggregationController } from './controller-manager';
import { ManagedProcess } from './processes';
import { run, RunResult, runOk } from './run-process';
import { waitUntil } from './net';

export interface ControlPlaneOptions {
  /** Passed to kube-apiserver (see apiserver.ts). */
  readonly webhookKubeconfig?: string;
  readonly webhookVersion?: 'v1' | 'v1beta1';
  readonly auditLog?: boolean;
  readonly staticTokens?: KubeApiserverOptions['staticTokens'];
  readonly webhookCacheTtl?: string;
}

export interface ControlPlane {
  readonly bins: E2eBinaries;
  readonly dir: string;
  readonly etcd: RunningEtcd;
  readonly api: RunningKubeApiserver;
  readonly controllerManager: ManagedProcess;
  /** kubectl as the admin (or with `kubeconfig`), never throwing: look at `code`. */
  kubectl(args: string[], opts?: { kubeconfig?: string; input?: string; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** `kubectl apply --server-side --validate=strict` of objects (a YAML/JSON string or a file path); throws on error. */
  apply(source: { file: string } | { objects: object[] }, fieldManager?: string): Promise<string>;
  stop(): Promise<void>;
}

/** etcd + kube-apiserver (RBAC) + the aggregation controller, in a fresh temporary directory. */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const bins = e2eBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-e2e-'));
  const etcd = await startEtcd(bins.etcd, join(dir, 'etcd'));
  const stops: Array<() => Promise<void>> = [() => etcd.process.stop()];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s();
    // Logs of every process live in `dir`; E2E_KEEP_LOGS=1 keeps them for a post-mortem.
    if (process.env.E2E_KEEP_LOGS !== '1') rmSync(dir, { recursive: true, force: true });
  };
  try {
    const api = await startKubeApiserver({ binary: bins.kubeApiserver, etcdUrl: etcd.clientUrl, dir: join(dir, 'apiserver'), ...opts });
    stops.push(() => api.process.stop());
    const controllerManager = startAggregationController(bins.kubeControllerManager, api.adminKubeconfig, dir);
    stops.push(() => controllerManager.stop());

    const kubectl: ControlPlane['kubectl'] = (args, o = {}) =>
      run(bins.kubectl, [`--kubeconfig=${o.kubeconfig ?? api.adminKubeconfig}`, ...args], {
        input: o.input,
        env: { PATH: process.env.PATH, HOME: dir, ...o.env },
      });
    let applied = 0;
    const apply: ControlPlane['apply'] = async (source, fieldManager = 'eks-access-e2e') => {
      let file: string;
      if ('file' in source) {
        file = source.file;
      } else {
        file = join(dir, `apply-${applied++}.json`);
        writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: source.objects }));
      }
      return runOk(bins.kubectl, [
        `--kubeconfig=${api.adminKubeconfig}`,
        'apply',
        '--server-side',
        '--validate=strict',
        `--field-manager=${fieldManager}`,
        '-f',
        file,
      ], { env: { PATH: process.env.PATH, HOME: dir } });
    };

    // The built-in admin, edit and view roles are aggregated; wait until all three have their rules (edit gets
    // `create`), so no later check races the aggregation controller.
    await waitUntil(
      'clusterrole aggregation',
      async () => {
        const verbs = await Promise.all(['view', 'edit', 'admin'].map((role) =>
          kubectl(['get', 'clusterrole', role, '-o', 'jsonpath={.rules[*].verbs}'])));
        const [view, edit, admin] = verbs;
        return verbs.every((r) => r.code === 0) && view.stdout.includes('list')
          && edit.stdout.includes('create') && admin.stdout.includes('create');
      },
      { timeoutMs: 60000, describe: () => controllerManager.tail(), abort: () => controllerManager.exited() },
    );
    return { bins, dir, etcd, api, controllerManager, kubectl, apply, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
