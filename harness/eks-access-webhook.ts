import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ManagedProcess, pinned, startProcess } from './processes';
import { MemoryCgroup } from './memory-cgroup';
import { freePort } from './free-port';
import { HttpAnswer, httpsCall, waitUntil } from './net';
import { CLI } from './eks-access-process';
import { runOk } from './run-process';
import { SERVE_NODE_FLAGS } from '../authenticator/server/node-flags';

export interface InitResult {
  readonly url: string;
  readonly files: { caCert: string; cert: string; key: string; kubeconfig: string; config: string; mapping: string };
}

/** `eks-access init` into `dir` for a webhook on 127.0.0.1:`port`. */
export async function eksAccessInit(dir: string, clusterId: string, port: number): Promise<InitResult> {
  const out = await runOk(process.execPath, [
    CLI, 'init', `--cluster-id=${clusterId}`, `--dir=${dir}`, '--hostname=127.0.0.1', '--address=127.0.0.1', `--port=${port}`, '--output=json',
  ]);
  return JSON.parse(out) as InitResult;
}

export interface RunningWebhook {
  /** https://127.0.0.1:PORT/authenticate */
  readonly url: string;
  readonly caPem: string;
  /** kube-apiserver's --authentication-token-webhook-config-file, as written by `eks-access init`. */
  readonly webhookKubeconfig: string;
  /** The aws-auth style mapping file the file backend watches. */
  readonly mappingFile: string;
  readonly process: ManagedProcess;
  review(token: string, apiVersion?: string): Promise<HttpAnswer>;
  stop(): Promise<void>;
}

export interface WebhookOptions {
  readonly dir: string;
  readonly clusterId: string;
  /**
   * STS stand-in address (the server's test-only sts.connectTo); omitted when the STS host itself resolves to the
   * stand-in (the webhook benchmark's network namespace), so the server dials it as it would dial AWS.
   */
  readonly stsConnectTo?: string;
  /** CA of the stand-in's certificate (sts.caFile). */
  readonly stsCaFile: string;
  /** CPU list to pin the server to (`taskset -c`), for the benchmarks. */
  readonly cpus?: string;
  /** The script `serve` runs from (e.g. the container bundle); default: the compiled CLI. */
  readonly serveScript?: string;
  /** Extra `node` options for the server (e.g. `--cpu-prof`). */
  readonly nodeArgs?: string[];
  /** The server's own node flags; default SERVE_NODE_FLAGS, as production runs it (a benchmark may measure without). */
  readonly serveNodeFlags?: readonly string[];
  /** Initial mapping document: `{mapRoles, mapUsers, mapAccounts}` lists, or a whole aws-auth ConfigMap manifest. */
  readonly mapping: object;
  /** Mapping backends in precedence order; default: only the file written from `mapping`. */
  readonly backends?: object[];
  /** Runs the server in this memory cgroup (harness/memory-cgroup.ts), as a pod's limit would. */
  readonly memoryCgroup?: MemoryCgroup;
  /** `serve --workers` (default: serve's own default, auto). */
  readonly workers?: number | 'auto';
  /** Merged into the config's `server` section (e.g. `{ http2: true }`). */
  readonly server?: Record<string, unknown>;
  /** Top-level config sections merged over the rest (e.g. `{ cache: { maxEntries: 0 } }`), applied last. */
  readonly config?: Record<string, unknown>;
}

/** Replaces the watched mapping file: written to a temporary name, then renamed, so a reload never sees half a file. */
export function writeMapping(file: string, mapping: object): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, stringify(mapping));
  renameSync(tmp, file);
}

/**
 * `eks-access init` + `eks-access serve` (compiled CLI, a real process) on 127.0.0.1, STS redirected to the stand-in
 * through the server's test-only connect-to setting.
 */
export async function startEksAccessWebhook(opts: WebhookOptions): Promise<RunningWebhook> {
  const port = await freePort();
  const init = await eksAccessInit(opts.dir, opts.clusterId, port);
  writeMapping(init.files.mapping, opts.mapping);
  const config = parse(readFileSync(init.files.config, 'utf8'));
  config.sts = { ...config.sts, ...(opts.stsConnectTo ? { connectTo: opts.stsConnectTo } : {}), caFile: opts.stsCaFile };
  if (opts.backends) config.mapping = { ...config.mapping, backends: opts.backends };
  if (opts.server) config.server = { ...config.server, ...opts.server };
  for (const [section, value] of Object.entries(opts.config ?? {})) {
    config[section] = typeof value === 'object' && value !== null ? { ...config[section], ...value } : value;
  }
  writeFileSync(init.files.config, stringify(config));

  const nodeArgs = [...(opts.serveNodeFlags ?? SERVE_NODE_FLAGS), ...(opts.nodeArgs ?? []), opts.serveScript ?? CLI, 'serve', `--config=${init.files.config}`,
    ...(opts.workers === undefined ? [] : ['--workers', String(opts.workers)])];
  const [command, args] = pinned(opts.cpus, ...(opts.memoryCgroup ? opts.memoryCgroup.wrap(process.execPath, nodeArgs) : [process.execPath, nodeArgs] as const));
  const proc = startProcess('eks-access serve', command, args, join(opts.dir, 'eks-access-serve.log'), {
    env: { PATH: process.env.PATH, HOME: opts.dir },
    // In a memory cgroup (a pod's limit), the log is written from outside it, as a container runtime's shim does.
    logWriter: opts.memoryCgroup ? 'parent' : 'child',
  });
  const caPem = readFileSync(init.files.caCert, 'utf8');
  const base = `https://127.0.0.1:${port}`;
  try {
    await waitUntil('eks-access serve', async () => (await httpsCall(`${base}/readyz`, caPem)).status === 200, {
      timeoutMs: 30000,
      describe: () => proc.tail(),
      abort: () => proc.exited(),
    });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  const url = `${base}/authenticate`;
  return {
    url,
    caPem,
    webhookKubeconfig: init.files.kubeconfig,
    mappingFile: init.files.mapping,
    process: proc,
    stop: () => proc.stop(),
    review: (token, apiVersion = 'authentication.k8s.io/v1') =>
      httpsCall(url, caPem, { method: 'POST', body: JSON.stringify({ apiVersion, kind: 'TokenReview', spec: { token } }) }),
  };
}
