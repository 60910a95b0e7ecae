/**
 * The `kube-system/aws-auth` ConfigMap, listed and watched (reference:
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/mapper/configmap/configmap.go).
 * A deleted (or absent) ConfigMap empties the mapping, like the reference. An update with a key that is not valid
 * YAML keeps the last good mapping and reports it (the reference saved whatever parsed, i.e. dropped the whole key);
 * bad rows are skipped and reported while the good rows apply. Differences from the reference: an initial LIST (so
 * "not found" is known, not just "no event yet"), and `rolearn` is canonicalized like the file backend does (an
 * `assumed-role/…` ARN in aws-auth matched nothing in the reference's ConfigMap backend).
 */
import { AWS_AUTH_NAME, AWS_AUTH_NAMESPACE, parseAwsAuth } from './aws-auth';
import { KubeConnection } from './kube/connection';
import { KubeObject, ListWatch } from './kube/list-watch';
import { TableMapper, TableMapperOptions } from './table-mapper';

export interface ConfigMapMapperOptions extends TableMapperOptions {
  /** @default 'configmap' */
  readonly name?: string;
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** @default 'aws-auth' */
  readonly configMapName?: string;
  /** Tuning of the list/watch loop (timeouts, backoff). */
  readonly watch?: { readonly watchTimeoutSeconds?: number; readonly initialBackoffMs?: number; readonly maxBackoffMs?: number };
}

export class ConfigMapMapper extends TableMapper {
  readonly name: string;
  readonly listWatch: ListWatch;
  private readonly configMapName: string;

  constructor(connection: KubeConnection, options: ConfigMapMapperOptions = {}) {
    super(options);
    this.name = options.name ?? 'configmap';
    this.configMapName = options.configMapName ?? AWS_AUTH_NAME;
    const namespace = options.namespace ?? AWS_AUTH_NAMESPACE;
    this.listWatch = new ListWatch(connection, {
      ...options.watch,
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`,
      fieldSelector: `metadata.name=${this.configMapName}`,
      onChange: (objects) => this.onChange(objects.get(this.configMapName)),
      onError: (msg) => this.reportError(msg),
    });
  }

  /** Resolves after the first LIST attempt; on failure the mapper is not ready and keeps retrying. */
  start(): Promise<void> {
    return this.listWatch.start();
  }

  stop(): Promise<void> {
    return this.listWatch.stop();
  }

  private onChange(cm: KubeObject | undefined): void {
    const data = cm?.data as Record<string, string> | undefined;
    const parsed = parseAwsAuth(data);
    if (parsed.broken) {
      const where = `${cm?.metadata.namespace ?? ''}/${this.configMapName}@${cm?.metadata.resourceVersion ?? '?'}`;
      this.reportError(`ConfigMap ${where} is unusable: ${parsed.errors.filter((e) => e.index === undefined).map(String).join('; ')}`);
      return;
    }
    this.apply(parsed, parsed.errors);
  }
}
