import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { ManagedProcess, pinned, startProcess } from './processes';
import { freePort } from './free-port';
import { HttpAnswer, httpsCall, waitUntil } from './net';

export interface GoAuthenticatorOptions {
  readonly binary: string;
  readonly dir: string;
  readonly clusterId: string;
  /** kubeconfig the EKSConfigMap backend uses to watch kube-system/aws-auth. */
  readonly kubeconfig?: string;
  /**
   * Without `kubeconfig`: mapping rows served by upstream's MountedFile backend from its config file (`server.mapUsers`
   * / `server.mapRoles`, upstream field names `userarn`/`rolearn`, `username`, `groups`); used by the benchmarks.
   */
  readonly mapping?: { readonly mapUsers?: object[]; readonly mapRoles?: object[] };
  /**
   * HTTPS_PROXY that tunnels STS hosts to the stand-in (see connect-proxy.ts); omitted when the STS host itself
   * resolves to the stand-in (the webhook benchmark's network namespace).
   */
  readonly stsProxyUrl?: string;
  /** CPU list to pin the server to (`taskset -c`), for the benchmarks. */
  readonly cpus?: string;
  /** CA that signed the stand-in's certificate; Go trusts only it (SSL_CERT_FILE). */
  readonly stsCaFile: string;
  /** Upstream feature gates, e.g. `SSORoleMatch=true`. */
  readonly featureGates?: string;
}

export interface RunningGoAuthenticator {
  /** https://127.0.0.1:PORT/authenticate */
  readonly url: string;
  /** Its self-signed certificate (upstream makes it a CA too), written into the state dir. */
  readonly caPem: string;
  /** The webhook kubeconfig upstream wrote for kube-apiserver. */
  readonly webhookKubeconfig: string;
  readonly process: ManagedProcess;
  /** POSTs a TokenReview for `token` and returns the raw answer. */
  review(token: string, apiVersion?: string): Promise<HttpAnswer>;
  /** The `error` of every "access denied" line it has logged so far (upstream puts no reason in its answer). */
  denialReasons(): string[];
  stop(): Promise<void>;
}

/** Upstream's health listener: hard-coded `:21363` on all interfaces (pkg/server/server.go Run), no flag to change it. */
const UPSTREAM_HEALTH_PORT = 21363;

/**
 * Holds 127.0.0.1:21363 so that upstream's all-interfaces health listener fails to bind (it only logs the error and
 * keeps serving the TLS port). This keeps the peer loopback-only; if the port is already taken by someone else, the
 * upstream bind fails just the same.
 */
async function blockUpstreamHealthPort(): Promise<Server | undefined> {
  const guard = createServer();
  return new Promise((resolve) => {
    guard.once('error', () => resolve(undefined));
    guard.listen(UPSTREAM_HEALTH_PORT, '127.0.0.1', () => resolve(guard));
  });
}

/** The Go kubernetes-sigs/aws-iam-authenticator `server` with the EKSConfigMap backend, as a differential peer. */
export async function startGoAuthenticator(opts: GoAuthenticatorOptions): Promise<RunningGoAuthenticator> {
  mkdirSync(opts.dir, { recursive: true });
  const port = await freePort();
  const webhookKubeconfig = join(opts.dir, 'webhook.kubeconfig');
  const configFile = join(opts.dir, 'config.yaml');
  writeFileSync(configFile, JSON.stringify({ clusterID: opts.clusterId, ...(opts.mapping ? { server: opts.mapping } : {}) }));
  const guard = await blockUpstreamHealthPort();
  const args = [
    'server',
    `--config=${configFile}`,
    `--cluster-id=${opts.clusterId}`,
    '--address=127.0.0.1',
    `--port=${port}`,
    `--state-dir=${opts.dir}`,
    `--generate-kubeconfig=${webhookKubeconfig}`,
    ...(opts.kubeconfig ? ['--backend-mode=EKSConfigMap', `--kubeconfig=${opts.kubeconfig}`] : ['--backend-mode=MountedFile']),
    '--log-format=json',
  ];
  if (opts.featureGates) args.push(`--feature-gates=${opts.featureGates}`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: opts.dir,
    ...(opts.stsProxyUrl ? { HTTPS_PROXY: opts.stsProxyUrl, NO_PROXY: '127.0.0.1,localhost' } : {}),
    SSL_CERT_FILE: opts.stsCaFile,
    // Upstream asks IMDS (169.254.169.254) for its region at start; keep it off the network.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'us-east-1',
  };
  const [command, pinnedArgs] = pinned(opts.cpus, opts.binary, args);
  const proc = startProcess('aws-iam-authenticator', command, pinnedArgs, join(opts.dir, 'aws-iam-authenticator.log'), { env });
  const url = `https://127.0.0.1:${port}/authenticate`;
  const stop = async (): Promise<void> => {
    await proc.stop();
    await new Promise<void>((resolve) => (guard ? guard.close(() => resolve()) : resolve()));
  };
  try {
    await waitUntil('aws-iam-authenticator', async () => (await httpsCall(`https://127.0.0.1:${port}/healthz`, undefined)).status === 200, {
      timeoutMs: 60000,
      describe: () => proc.tail(),
      abort: () => proc.exited(),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const caPem = readFileSync(join(opts.dir, 'cert.pem'), 'utf8');
  return {
    url,
    caPem,
    webhookKubeconfig,
    process: proc,
    stop,
    denialReasons: () =>
      readFileSync(proc.logFile, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{') && l.includes('"access denied"'))
        .map((l) => String(JSON.parse(l).error ?? '')),
    review: (token, apiVersion = 'authentication.k8s.io/v1beta1') =>
      httpsCall(url, caPem, { method: 'POST', body: JSON.stringify({ apiVersion, kind: 'TokenReview', spec: { token } }) }),
  };
}
