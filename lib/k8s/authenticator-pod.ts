/**
 * The authenticator's pod template: one container running `eks-access serve` with its config and TLS mounted
 * read-only, a locked-down security context, resources, probes on the metrics listener, the control-plane placement of
 * the DaemonSet preset, and the annotations that roll the pods on a config change and let Prometheus scrape them.
 */
import { createHash } from 'node:crypto';
import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';

/**
 * What the pod template reads of `AuthenticatorChartProps` (a structural subset: the chart passes its props as they
 * are). Declared here so that this module does not import the chart that imports it (no import cycle).
 */
export interface AuthenticatorPodProps {
  readonly image: string;
  readonly imagePullPolicy?: string;
  readonly cpuRequestMillis?: number;
  readonly cpuLimitMillis?: number;
  readonly memory?: Size;
  readonly priorityClassName?: string;
}

const CONFIG_DIR = '/etc/eks-access';
/**
 * The container's memory request and limit unless the chart is told (`memory`), in MiB. The server's node flags keep
 * V8's young generation at its full size under this limit (authenticator/server/node-flags.ts); its peak under load is
 * in bench/results (webhook-pod).
 */
export const DEFAULT_AUTHENTICATOR_MEMORY_MIB = 192;
/** Where the serving certificate and key are mounted (the server config names the files). */
export const TLS_DIR = '/etc/eks-access/tls';

/** What the chart has settled (and checked) that the pod needs. */
export interface AuthenticatorPodSettings {
  /** Name of the ServiceAccount, ConfigMap and pods. */
  readonly name: string;
  readonly selector: Record<string, string>;
  /** The DaemonSet preset: hostNetwork on the control-plane nodes. */
  readonly daemonSet: boolean;
  readonly port: number;
  readonly metricsPort: number;
  /** A backend reads the Kubernetes API, so the pod needs its ServiceAccount token. */
  readonly needsApi: boolean;
  readonly tlsSecretName: string;
}

/** The pod template; `configYaml`'s hash is an annotation, so a config change rolls the pods (the server reads it once). */
export function authenticatorPodTemplate(props: AuthenticatorPodProps, s: AuthenticatorPodSettings, configYaml: string): k8s.PodTemplateSpec {
  return {
    metadata: {
      labels: s.selector,
      annotations: {
        'cdk-eks-access.io/config-sha256': createHash('sha256').update(configYaml).digest('hex'),
        'prometheus.io/scrape': 'true', 'prometheus.io/port': String(s.metricsPort), 'prometheus.io/path': '/metrics',
      },
    },
    spec: podSpec(props, s),
  };
}

function podSpec(props: AuthenticatorPodProps, s: AuthenticatorPodSettings): k8s.PodSpec {
  return {
    serviceAccountName: s.name,
    automountServiceAccountToken: s.needsApi,
    priorityClassName: props.priorityClassName ?? 'system-cluster-critical',
    hostNetwork: s.daemonSet ? true : undefined,
    dnsPolicy: s.daemonSet ? 'ClusterFirstWithHostNet' : undefined,
    nodeSelector: s.daemonSet ? { 'node-role.kubernetes.io/control-plane': '' } : undefined,
    tolerations: s.daemonSet
      ? [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }]
      : undefined,
    securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: 30,
    containers: [container(props, s)],
    volumes: [
      { name: 'config', configMap: { name: s.name } },
      { name: 'tls', secret: { secretName: s.tlsSecretName, defaultMode: 0o440 } },
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') } },
    ],
  };
}

function container(props: AuthenticatorPodProps, s: AuthenticatorPodSettings): k8s.Container {
  // Probes use the metrics listener: it stays reachable under a flood of the webhook port and is admitted by the
  // NetworkPolicy.
  const probe = (path: string, period: number): k8s.Probe => ({
    httpGet: { path, port: k8s.IntOrString.fromNumber(s.metricsPort), scheme: 'HTTP' },
    periodSeconds: period, timeoutSeconds: 3, failureThreshold: 3,
  });
  const memory = `${(props.memory ?? Size.mebibytes(DEFAULT_AUTHENTICATOR_MEMORY_MIB)).toMebibytes()}Mi`;
  return {
    name: 'authenticator',
    image: props.image,
    imagePullPolicy: props.imagePullPolicy ?? 'IfNotPresent',
    args: ['serve', '--config', `${CONFIG_DIR}/config.yaml`],
    ports: [
      ...(s.daemonSet ? [] : [{ name: 'https', containerPort: s.port, protocol: 'TCP' }]),
      { name: 'metrics', containerPort: s.metricsPort, protocol: 'TCP' },
    ],
    readinessProbe: probe('/readyz', 10),
    livenessProbe: { ...probe('/healthz', 20), initialDelaySeconds: 5 },
    resources: {
      requests: { cpu: k8s.Quantity.fromString(`${props.cpuRequestMillis ?? 50}m`), memory: k8s.Quantity.fromString(memory) },
      limits: { cpu: k8s.Quantity.fromString(`${props.cpuLimitMillis ?? 500}m`), memory: k8s.Quantity.fromString(memory) },
    },
    securityContext: {
      runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'tls', mountPath: TLS_DIR, readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}
