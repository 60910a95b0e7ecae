/**
 * How to reach the Kubernetes API: from a kubeconfig file (current or named context) or in-cluster (service account).
 *
 * Why not @kubernetes/client-node: 0.22.x (the last CommonJS line) depends on the deprecated `request` package, and
 * 1.x/2.x are ESM-only (2.x also needs undici 8, i.e. Node 22+), which ts-jest's CommonJS mode cannot load and which
 * would force the Lambda bundle to carry it. The mappers need only list + watch of one resource with a token or client
 * certificate, so a ~200-line client over node:https keeps the security-critical webhook's dependency tree small.
 * Supported kubeconfig auth: token, tokenFile, client certificate/key (file or data). The webhook refuses exec and
 * auth-provider plugins (an error says so): it must not run programs named in a file. `readKubeconfig` hands the
 * `exec` section to callers that do run it (the `snapshot` CLI, lib/live/kube).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../../errors';

export interface KubeConnection {
  /** API server base URL, e.g. `https://10.0.0.1:443`. */
  readonly server: string;
  readonly caPem?: string;
  readonly certPem?: string;
  readonly keyPem?: string;
  /** Returns the bearer token for a request (re-read each time: in-cluster tokens rotate). */
  readonly token?: () => string;
  readonly insecureSkipTlsVerify?: boolean;
}

export interface KubeConnectionOptions {
  /** Path of a kubeconfig file. @default $KUBECONFIG, else in-cluster if running in a pod, else ~/.kube/config */
  readonly kubeconfig?: string;
  /** @default the kubeconfig's current-context */
  readonly context?: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function loadKubeConnection(options: KubeConnectionOptions = {}, env: NodeJS.ProcessEnv = process.env): KubeConnection {
  const path = options.kubeconfig ?? env.KUBECONFIG?.split(':')[0];
  if (path) return fromKubeconfig(path, options.context);
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
    const host = env.KUBERNETES_SERVICE_HOST.includes(':') ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST;
    return {
      server: `https://${host}:${env.KUBERNETES_SERVICE_PORT}`,
      caPem: readFileSync(join(SA_DIR, 'ca.crt'), 'utf8'),
      token: () => readFileSync(join(SA_DIR, 'token'), 'utf8').trim(),
    };
  }
  return fromKubeconfig(join(homedir(), '.kube', 'config'), options.context);
}

interface Named<T> {
  name: string;
  [k: string]: unknown;
  value?: T;
}

function named(list: unknown, name: string, what: string, file: string): Record<string, unknown> {
  const found = (Array.isArray(list) ? (list as Named<unknown>[]) : []).find((e) => e?.name === name);
  const body = found?.[what];
  if (!body || typeof body !== 'object') throw ConfigError.argument(`kubeconfig ${file}: no ${what} named '${name}'`);
  return body as Record<string, unknown>;
}

/** A kubeconfig `users[].user.exec` section (client.authentication.k8s.io ExecConfig). */
export interface KubeExecConfig {
  readonly apiVersion?: string;
  readonly command: string;
  readonly args?: string[];
  readonly env?: Array<{ name: string; value: string }>;
  readonly interactiveMode?: string;
  readonly provideClusterInfo?: boolean;
}

/** The connection of a kubeconfig context plus its `exec` plugin, if the user has one. */
export interface KubeconfigContext {
  readonly connection: KubeConnection;
  readonly exec?: KubeExecConfig;
  readonly file: string;
}

/** Parses a kubeconfig file and refuses exec/auth-provider users (the webhook's entry point). */
export function fromKubeconfig(file: string, contextName?: string): KubeConnection {
  const ctx = readKubeconfig(file, contextName);
  if (ctx.exec) throw ConfigError.argument(`kubeconfig ${file}: user uses exec/auth-provider, which is not supported; use a token or client certificate`);
  return ctx.connection;
}

/** Parses a kubeconfig file; relative file paths in it are relative to the file, as kubectl does. */
export function readKubeconfig(file: string, contextName?: string): KubeconfigContext {
  let doc: Record<string, unknown>;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw ConfigError.argument(`kubeconfig ${file}: cannot read: ${(e as Error).message}`);
  }
  const ctxName = contextName ?? (doc['current-context'] as string | undefined);
  if (!ctxName) throw ConfigError.argument(`kubeconfig ${file}: no current-context and no context given`);
  const ctx = named(doc.contexts, ctxName, 'context', file);
  const cluster = named(doc.clusters, String(ctx.cluster), 'cluster', file);
  const user = ctx.user ? named(doc.users, String(ctx.user), 'user', file) : {};
  const rel = (p: unknown) => (typeof p === 'string' ? (isAbsolute(p) ? p : join(dirname(file), p)) : undefined);
  const pem = (data: unknown, path: unknown) =>
    typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : rel(path) ? readFileSync(rel(path)!, 'utf8') : undefined;
  if (user['auth-provider']) {
    throw ConfigError.argument(`kubeconfig ${file}: user '${String(ctx.user)}' uses auth-provider, which is not supported; use exec, a token or client certificate`);
  }
  const exec = user.exec as KubeExecConfig | undefined;
  if (exec !== undefined && (typeof exec !== 'object' || typeof exec.command !== 'string')) {
    throw ConfigError.argument(`kubeconfig ${file}: user '${String(ctx.user)}' has an exec section without a command`);
  }
  if (typeof cluster.server !== 'string') throw ConfigError.argument(`kubeconfig ${file}: cluster '${String(ctx.cluster)}' has no server`);
  const tokenFile = rel(user.tokenFile);
  const token = typeof user.token === 'string' ? user.token : undefined;
  const connection: KubeConnection = {
    server: cluster.server,
    caPem: pem(cluster['certificate-authority-data'], cluster['certificate-authority']),
    certPem: pem(user['client-certificate-data'], user['client-certificate']),
    keyPem: pem(user['client-key-data'], user['client-key']),
    token: token !== undefined ? () => token : tokenFile ? () => readFileSync(tokenFile, 'utf8').trim() : undefined,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  return { connection, file, ...(exec ? { exec } : {}) };
}
