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
import { delimiter, dirname, isAbsolute, join } from 'node:path';
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
  /**
   * kubeconfig `tls-server-name`: the name sent as TLS SNI and checked against the server certificate instead of the
   * URL's host (client-go rest.TLSClientConfig.ServerName).
   */
  readonly tlsServerName?: string;
  /** kubeconfig `proxy-url` (client-go clientcmd/api Cluster.ProxyURL): callers honour it or refuse it, never ignore it. */
  readonly proxyUrl?: string;
  /** The cluster entry's name, for messages. */
  readonly clusterName?: string;
}

export interface KubeConnectionOptions {
  /** Path of a kubeconfig file. @default $KUBECONFIG, else in-cluster if running in a pod, else ~/.kube/config */
  readonly kubeconfig?: string;
  /** @default the kubeconfig's current-context */
  readonly context?: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The kubeconfig files to read, in precedence order, as kubectl chooses them (k8s.io/client-go
 * tools/clientcmd/loader.go, ClientConfigLoadingRules): an explicit file alone; else every file of `$KUBECONFIG`
 * (split on the OS path-list separator, empty items and repeats dropped); else ~/.kube/config.
 */
export function kubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit) return [explicit];
  const list = [...new Set((env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== ''))];
  return list.length ? list : [join(homedir(), '.kube', 'config')];
}

export function loadKubeConnection(options: KubeConnectionOptions = {}, env: NodeJS.ProcessEnv = process.env): KubeConnection {
  if (options.kubeconfig || env.KUBECONFIG) return fromKubeconfig(kubeconfigFiles(options.kubeconfig, env), options.context);
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

/** Parses a kubeconfig (one file or a merged list) and refuses exec/auth-provider users (the webhook's entry point). */
export function fromKubeconfig(files: string | readonly string[], contextName?: string): KubeConnection {
  const ctx = readKubeconfig(files, contextName);
  if (ctx.exec) throw ConfigError.argument(`kubeconfig ${ctx.file}: user uses exec/auth-provider, which is not supported; use a token or client certificate`);
  // The webhook's list/watch connects directly: a proxy it would not use must be refused, not skipped without a word.
  if (ctx.connection.proxyUrl) {
    throw ConfigError.argument(`kubeconfig ${ctx.file}: cluster '${ctx.connection.clusterName}' sets proxy-url, which the webhook does not support; remove it and reach the API server directly`);
  }
  return ctx.connection;
}

interface Loaded { readonly file: string; readonly doc: Record<string, unknown> }

/**
 * Reads a kubeconfig, or several merged by kubectl's rules (k8s.io/client-go tools/clientcmd/loader.go,
 * ClientConfigLoadingRules.Load): the first file to set `current-context` wins, and each named cluster, user and
 * context is taken whole from the first file that defines it (later files never change an entry's fields). Files of a
 * list that do not exist are skipped, as kubectl skips them; a single file must exist. Relative paths inside an entry
 * are relative to the file that defined it (loader.go ResolveLocalPaths runs per file, before the merge).
 */
export function readKubeconfig(files: string | readonly string[], contextName?: string): KubeconfigContext {
  const list = typeof files === 'string' ? [files] : [...files];
  const label = list.join(delimiter);
  const loaded: Loaded[] = [];
  for (const file of list) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (list.length > 1 && (e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw ConfigError.argument(`kubeconfig ${file}: cannot read: ${(e as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = YAML.parse(text);
    } catch (e) {
      throw ConfigError.argument(`kubeconfig ${file}: cannot read: ${(e as Error).message}`);
    }
    if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) throw ConfigError.argument(`kubeconfig ${file}: not a kubeconfig (expected an object)`);
    loaded.push({ file, doc: (doc ?? {}) as Record<string, unknown> });
  }
  if (!loaded.length) throw ConfigError.argument(`kubeconfig ${label}: none of these files exists`);
  const ctxName = contextName ?? loaded.map((l) => l.doc['current-context']).find((c): c is string => typeof c === 'string' && c !== '');
  if (!ctxName) throw ConfigError.argument(`kubeconfig ${label}: no current-context and no context given`);
  const named = (section: string, name: string, what: string): { body: Record<string, unknown>; file: string } => {
    for (const { file, doc } of loaded) {
      const entries = Array.isArray(doc[section]) ? (doc[section] as unknown[]) : [];
      const found = entries.find((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name);
      if (!found) continue;
      const body = found[what];
      if (!body || typeof body !== 'object') throw ConfigError.argument(`kubeconfig ${file}: ${what} '${name}' has no ${what} section`);
      return { body: body as Record<string, unknown>, file };
    }
    throw ConfigError.argument(`kubeconfig ${label}: no ${what} named '${name}'`);
  };
  const ctx = named('contexts', ctxName, 'context').body;
  const { body: cluster, file: clusterFile } = named('clusters', String(ctx.cluster), 'cluster');
  const { body: user, file: userFile } = ctx.user ? named('users', String(ctx.user), 'user') : { body: {}, file: clusterFile };
  const file = loaded.length === 1 ? loaded[0].file : label;
  const rel = (p: unknown, from: string) => (typeof p === 'string' ? (isAbsolute(p) ? p : join(dirname(from), p)) : undefined);
  const pem = (data: unknown, path: unknown, from: string) =>
    typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : rel(path, from) ? readFileSync(rel(path, from)!, 'utf8') : undefined;
  if (user['auth-provider']) {
    throw ConfigError.argument(`kubeconfig ${userFile}: user '${String(ctx.user)}' uses auth-provider, which is not supported; use exec, a token or client certificate`);
  }
  const exec = user.exec as KubeExecConfig | undefined;
  if (exec !== undefined && (typeof exec !== 'object' || typeof exec.command !== 'string')) {
    throw ConfigError.argument(`kubeconfig ${userFile}: user '${String(ctx.user)}' has an exec section without a command`);
  }
  if (typeof cluster.server !== 'string') throw ConfigError.argument(`kubeconfig ${clusterFile}: cluster '${String(ctx.cluster)}' has no server`);
  const optionalString = (key: string): string | undefined => {
    const v = cluster[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw ConfigError.argument(`kubeconfig ${clusterFile}: cluster '${String(ctx.cluster)}' ${key} must be a string`);
    return v;
  };
  const tokenFile = rel(user.tokenFile, userFile);
  const token = typeof user.token === 'string' ? user.token : undefined;
  const tlsServerName = optionalString('tls-server-name');
  const proxyUrl = optionalString('proxy-url');
  const connection: KubeConnection = {
    server: cluster.server,
    caPem: pem(cluster['certificate-authority-data'], cluster['certificate-authority'], clusterFile),
    certPem: pem(user['client-certificate-data'], user['client-certificate'], userFile),
    keyPem: pem(user['client-key-data'], user['client-key'], userFile),
    token: token !== undefined ? () => token : tokenFile ? () => readFileSync(tokenFile, 'utf8').trim() : undefined,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    clusterName: String(ctx.cluster),
    ...(tlsServerName ? { tlsServerName } : {}),
    ...(proxyUrl ? { proxyUrl } : {}),
  };
  return { connection, file, ...(exec ? { exec } : {}) };
}
