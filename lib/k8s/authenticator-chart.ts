/**
 * The containerised authenticator (`eks-access serve`) for self-managed clusters on AWS: ServiceAccount, least-privilege
 * RBAC for the backends it watches, a ConfigMap with the server config, a TLS Secret, and either a DaemonSet on the
 * control-plane nodes with hostNetwork on port 21362 (like the reference's deploy/example.yaml, so kube-apiserver
 * reaches it on 127.0.0.1) or a Deployment behind a Service with a NetworkPolicy that admits only kube-apiserver to
 * the webhook port; a plain-HTTP metrics listener (/metrics, /healthz, /readyz only, never a token) that Prometheus
 * scrapes (pod annotations) and the kubelet probes, also in the DaemonSet preset where the webhook port is
 * loopback-only; a locked-down securityContext, resources and a PodDisruptionBudget. Built on the L1 `k8s` classes:
 * cdk8s-plus workloads add defaults (automount, probes, security context) we want to state explicitly.
 */
import { ApiObject, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import YAML from 'yaml';
import { webhookKubeconfig, webhookServerUrl } from '../../authenticator/server/kubeconfig';
import { AuthenticatorBackend } from './authenticator-backend';
import { AuthenticatorPodSettings, authenticatorPodTemplate, TLS_DIR } from './authenticator-pod';
import { MANAGED_BY_LABELS } from './access-chart';
import { checkNamespace, RbacChart, RoleKind } from './rbac-chart';
import { RbacSubject } from './rbac-subject';
import { checkCertificateCoversServer } from './webhook-certificate';
import { RuleError } from '../model/rule-error';
import { warnAt } from './chart-warnings';

const AUTHENTICATOR_TLS_RULE = 'eks-access:authenticator-tls';
const SECRET_IN_MANIFEST_RULE = 'eks-access:secret-in-manifest';
const AUTHENTICATOR_IMAGE_RULE = 'eks-access:authenticator-image';
const AUTHENTICATOR_BACKENDS_RULE = 'eks-access:authenticator-backends';
const AUTHENTICATOR_PORT_RULE = 'eks-access:authenticator-port';
const AUTHENTICATOR_CIDR_RULE = 'eks-access:authenticator-api-server-cidr';
const AUTHENTICATOR_REPLICAS_RULE = 'eks-access:authenticator-replicas';

/** Warning id of a private key written into a manifest (`fromPemUnsafe`). */
export const SECRET_IN_MANIFEST_WARNING = 'cdk-eks-access:secret-in-manifest';

export const AUTHENTICATOR_PORT = 21362;
/** The plain-HTTP metrics and health port (next to the webhook's). */
export const AUTHENTICATOR_METRICS_PORT = 21363;
const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+\/\d{1,3}$/;

/** How the authenticator runs. */
export enum AuthenticatorWorkload {
  /** One pod per control-plane node, hostNetwork, listening on 127.0.0.1:21362 (the reference's layout). */
  DAEMONSET_ON_CONTROL_PLANE = 'DAEMONSET_ON_CONTROL_PLANE',
  /** A Deployment behind a ClusterIP Service (kube-apiserver must reach the Service address). */
  DEPLOYMENT = 'DEPLOYMENT',
}

/**
 * The serving certificate's private key in a Secrets Manager secret, synced into the cluster by the External Secrets
 * Operator (https://external-secrets.io/latest/api/externalsecret/): the chart renders an `ExternalSecret` that names
 * the secret, never the key.
 */
export interface ExternalSecretTlsProps {
  /** The External Secrets store that reads AWS Secrets Manager. */
  readonly secretStoreName: string;
  /**
   * `ClusterSecretStore` or `SecretStore` (in the authenticator's namespace).
   * @default 'ClusterSecretStore'
   */
  readonly secretStoreKind?: string;
  /** The Secrets Manager secret (name or ARN) holding the PEMs as JSON properties. */
  readonly remoteKey: string;
  /**
   * JSON property of the certificate chain PEM.
   * @default 'tls.crt'
   */
  readonly certificateProperty?: string;
  /**
   * JSON property of the private key PEM.
   * @default 'tls.key'
   */
  readonly privateKeyProperty?: string;
  /**
   * How often the operator re-reads the secret (a Go duration).
   * @default '1h'
   */
  readonly refreshInterval?: string;
  /**
   * The CA certificate to put in kube-apiserver's webhook kubeconfig (public).
   * @default - no `webhookKubeconfig`
   */
  readonly caPem?: string;
}

const SECRET_STORE_KINDS = ['SecretStore', 'ClusterSecretStore'];

/**
 * Where the serving certificate comes from. The private key stays out of the synthesized manifest unless
 * `fromPemUnsafe` says otherwise: manifests are committed and synced by GitOps, and a key in one is a key in the
 * repository's history.
 */
export class AuthenticatorTls {
  /**
   * An existing `kubernetes.io/tls` Secret in the authenticator's namespace (made by `kubectl create secret tls`,
   * cert-manager, Sealed Secrets...): the recommended default.
   * @param secretName the Secret's name
   * @param caPem the CA certificate (public) for kube-apiserver's webhook kubeconfig; without it `webhookKubeconfig` is not rendered
   */
  public static fromSecretName(secretName: string, caPem?: string): AuthenticatorTls {
    return new AuthenticatorTls(secretName, undefined, undefined, caPem, undefined);
  }

  /** The key in AWS Secrets Manager, synced by the External Secrets Operator (an `ExternalSecret` is rendered). */
  public static fromExternalSecret(props: ExternalSecretTlsProps): AuthenticatorTls {
    const where = 'AuthenticatorTls.fromExternalSecret';
    const kind = props.secretStoreKind ?? 'ClusterSecretStore';
    if (!SECRET_STORE_KINDS.includes(kind)) {
      throw new RuleError(AUTHENTICATOR_TLS_RULE, where, `secretStoreKind '${kind}' is not an External Secrets store kind; use SecretStore or ClusterSecretStore`);
    }
    if (!props.secretStoreName || !props.remoteKey) throw new RuleError(AUTHENTICATOR_TLS_RULE, where, 'secretStoreName and remoteKey are required');
    return new AuthenticatorTls(undefined, undefined, undefined, props.caPem, { ...props, secretStoreKind: kind });
  }

  /**
   * Refused: it wrote the TLS private key in plain text into the synthesized manifest. Use `fromSecretName`,
   * `fromExternalSecret`, or — knowingly — `fromPemUnsafe`.
   * @deprecated use `fromSecretName`, `fromExternalSecret` or `fromPemUnsafe`
   */
  public static fromPem(certPem: string, keyPem: string, caPem?: string): AuthenticatorTls {
    void certPem; void keyPem; void caPem;
    throw new RuleError(SECRET_IN_MANIFEST_RULE, 'AuthenticatorTls.fromPem', 'would write the TLS private key in plain text into the '
      + 'synthesized manifest, a file people commit. Keep it in a Secret: `kubectl -n kube-system create secret tls '
      + 'eks-access-authenticator-tls --cert tls.crt --key tls.key` and AuthenticatorTls.fromSecretName(\'eks-access-authenticator-tls\', caPem), '
      + 'or AuthenticatorTls.fromExternalSecret({...}) for AWS Secrets Manager; AuthenticatorTls.fromPemUnsafe(...) writes it anyway, with a warning');
  }

  /**
   * Renders a `kubernetes.io/tls` Secret holding the PEMs (e.g. from `eks-access init`): the private key is written in
   * plain text into the manifest, and the chart warns (`cdk-eks-access:secret-in-manifest`). For throw-away clusters
   * and tests; keep such a manifest out of version control.
   */
  public static fromPemUnsafe(certPem: string, keyPem: string, caPem?: string): AuthenticatorTls {
    if (!certPem.includes('BEGIN CERTIFICATE') || !/BEGIN [A-Z ]*PRIVATE KEY/.test(keyPem)) {
      throw new RuleError(AUTHENTICATOR_TLS_RULE, 'AuthenticatorTls.fromPemUnsafe', 'expected a PEM certificate and a PEM private key');
    }
    return new AuthenticatorTls(undefined, certPem, keyPem, caPem ?? certPem, undefined);
  }

  private constructor(
    /** The existing Secret, when given by name. */
    public readonly existingSecretName?: string,
    /** The certificate PEM, when given (`fromPemUnsafe`). */
    public readonly certPem?: string,
    /** The private key PEM, only with `fromPemUnsafe`. */
    public readonly keyPem?: string,
    /** CA to put in the webhook kubeconfig. */
    public readonly caPem?: string,
    /** The Secrets Manager secret synced by External Secrets, when given. */
    public readonly externalSecret?: ExternalSecretTlsProps,
  ) {}
}

export interface AuthenticatorChartProps {
  /** Cluster ID the tokens are signed for (`x-k8s-aws-id`). */
  readonly clusterId: string;
  /** Container image that runs `eks-access` (see the Dockerfile). */
  readonly image: string;
  readonly tls: AuthenticatorTls;
  /** Mapping backends in precedence order (first match wins). */
  readonly backends: AuthenticatorBackend[];
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** @default AuthenticatorWorkload.DAEMONSET_ON_CONTROL_PLANE */
  readonly workload?: AuthenticatorWorkload;
  /** Deployment replicas. @default 2 */
  readonly replicas?: number;
  /** @default 21362 */
  readonly port?: number;
  /** STS region for regional endpoints in errors and EC2 lookups. @default - none */
  readonly region?: string;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: string;
  /** CPU request in millicores. @default 50 */
  readonly cpuRequestMillis?: number;
  /** CPU limit in millicores. @default 500 */
  readonly cpuLimitMillis?: number;
  /** Memory request and limit. @default Size.mebibytes(192) */
  readonly memory?: Size;
  /** @default 'system-cluster-critical' */
  readonly priorityClassName?: string;
  /** Fixed ClusterIP of the Service (DEPLOYMENT), so kube-apiserver's webhook kubeconfig can name it. @default - assigned */
  readonly serviceClusterIp?: string;
  /**
   * Port of the plain-HTTP listener serving only /metrics, /healthz and /readyz (bound on all interfaces; with the
   * DaemonSet's hostNetwork that is the node's address). Prometheus finds it through the pod annotations
   * `prometheus.io/scrape|port|path`; the kubelet probes it. @default 21363
   */
  readonly metricsPort?: number;
  /**
   * DEPLOYMENT: source CIDRs the NetworkPolicy admits to the webhook port, e.g. the control-plane nodes' subnet —
   * kube-apiserver usually runs on the host network, where pod selectors do not match. @default - none
   */
  readonly apiServerCidrs?: string[];
  /** DEPLOYMENT: labels of kube-apiserver pods the NetworkPolicy admits. @default { component: 'kube-apiserver' } (kubeadm static pods) */
  readonly apiServerPodLabels?: Record<string, string>;
  /** DEPLOYMENT: namespace of those kube-apiserver pods. @default 'kube-system' */
  readonly apiServerNamespace?: string;
}

export class AuthenticatorChart extends RbacChart {
  public readonly namespaceName: string;
  /** The server config the ConfigMap holds (`eks-access serve --config`). */
  public readonly serverConfig: Record<string, unknown>;
  /** The kubeconfig kube-apiserver needs (`--authentication-token-webhook-config-file`), when the CA is known. */
  public readonly webhookKubeconfig?: string;

  constructor(scope: Construct, id: string, props: AuthenticatorChartProps) {
    super(scope, id, { labels: MANAGED_BY_LABELS });
    const s = this.settingsOf(props);
    this.namespaceName = s.ns;
    this.addServiceAccountAndRbac(props.backends, s);
    this.serverConfig = serverConfigOf(props, s);
    const configYaml = YAML.stringify(this.serverConfig, { lineWidth: 0 });
    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: s.name, namespace: s.ns }, data: { 'config.yaml': configYaml } });
    this.addTlsSecret(props.tls, s);
    const template = authenticatorPodTemplate(props, s, configYaml);
    if (s.daemonSet) this.addDaemonSet(s, template);
    else this.addDeploymentBehindService(props, s, template);
    new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: { name: s.name, namespace: s.ns },
      spec: { selector: { matchLabels: s.selector }, maxUnavailable: k8s.IntOrString.fromNumber(1) },
    });
    this.webhookKubeconfig = this.kubeconfigOf(props, s);
  }

  /** The props with their defaults, each checked (errors name this chart's path). */
  private settingsOf(props: AuthenticatorChartProps): ChartSettings {
    const ns = props.namespace ?? 'kube-system';
    checkNamespace(this.node.path, ns);
    if (!props.image || /\s/.test(props.image)) throw new RuleError(AUTHENTICATOR_IMAGE_RULE, this.node.path, `image must be an image reference such as registry.example.com/eks-access:1.0`);
    if (!props.backends?.length) throw new RuleError(AUTHENTICATOR_BACKENDS_RULE, this.node.path, `give at least one backend (AuthenticatorBackend.staticRows/awsAuthConfigMap/iamIdentityMappings); without one nobody is authenticated`);
    const daemonSet = (props.workload ?? AuthenticatorWorkload.DAEMONSET_ON_CONTROL_PLANE) === AuthenticatorWorkload.DAEMONSET_ON_CONTROL_PLANE;
    const port = props.port ?? AUTHENTICATOR_PORT;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RuleError(AUTHENTICATOR_PORT_RULE, this.node.path, `port must be 1-65535, got ${port}`);
    const metricsPort = props.metricsPort ?? AUTHENTICATOR_METRICS_PORT;
    if (!Number.isInteger(metricsPort) || metricsPort < 1 || metricsPort > 65535 || metricsPort === port) {
      throw new RuleError(AUTHENTICATOR_PORT_RULE, this.node.path, `metricsPort must be 1-65535 and differ from port ${port}, got ${metricsPort}`);
    }
    if (props.apiServerNamespace !== undefined) checkNamespace(this.node.path, props.apiServerNamespace);
    for (const cidr of props.apiServerCidrs ?? []) {
      const v4 = IPV4_CIDR.exec(cidr);
      if (!(v4 ? v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32 : IPV6_CIDR.test(cidr))) {
        throw new RuleError(AUTHENTICATOR_CIDR_RULE, this.node.path, `apiServerCidrs: "${cidr}" is not a CIDR such as 10.0.0.0/24`);
      }
    }
    const replicas = props.replicas ?? 2;
    if (!daemonSet && (!Number.isInteger(replicas) || replicas < 1)) throw new RuleError(AUTHENTICATOR_REPLICAS_RULE, this.node.path, `replicas must be a positive integer, got ${replicas}`);
    const name = 'eks-access-authenticator';
    return {
      ns, name, selector: { 'app.kubernetes.io/name': name }, daemonSet, port, metricsPort, replicas,
      needsApi: props.backends.some((b) => b.needsApiAccess), tlsSecretName: props.tls.existingSecretName ?? `${name}-tls`,
    };
  }

  /** The ServiceAccount, and the RBAC the backends need (cluster-wide and per namespace). */
  private addServiceAccountAndRbac(backends: AuthenticatorBackend[], s: ChartSettings): void {
    const { name, ns } = s;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name, namespace: ns }, automountServiceAccountToken: s.needsApi });
    const subject = RbacSubject.serviceAccount(name, ns);
    const clusterRules = backends.flatMap((b) => b.clusterRules);
    if (clusterRules.length > 0) {
      this.addClusterRole('ClusterRole', { name, rules: clusterRules });
      this.addClusterRoleBinding('ClusterRoleBinding', { name, clusterRoleName: name, subjects: [subject] });
    }
    backends.map((b) => b.namespacedRules).forEach((r, i) => {
      if (!r) return;
      this.addRole(`Role${i}`, { name, namespace: r.namespace, rules: r.rules });
      this.addRoleBinding(`RoleBinding${i}`, { name, namespace: r.namespace, roleKind: RoleKind.ROLE, roleName: name, subjects: [subject] });
    });
  }

  /**
   * The `kubernetes.io/tls` Secret: none for an existing one, an `ExternalSecret` for one in Secrets Manager, and the
   * PEMs themselves only for `fromPemUnsafe`, with a warning.
   */
  private addTlsSecret(tls: AuthenticatorTls, s: ChartSettings): void {
    if (tls.existingSecretName) return;
    const es = tls.externalSecret;
    if (es) {
      const ref = (property: string) => ({ key: es.remoteKey, property });
      new ApiObject(this, 'Tls', {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: s.tlsSecretName, namespace: s.ns },
        spec: {
          refreshInterval: es.refreshInterval ?? '1h',
          secretStoreRef: { name: es.secretStoreName, kind: es.secretStoreKind },
          target: { name: s.tlsSecretName, creationPolicy: 'Owner', template: { type: 'kubernetes.io/tls' } },
          data: [
            { secretKey: 'tls.crt', remoteRef: ref(es.certificateProperty ?? 'tls.crt') },
            { secretKey: 'tls.key', remoteRef: ref(es.privateKeyProperty ?? 'tls.key') },
          ],
        },
      });
      return;
    }
    warnAt(this, SECRET_IN_MANIFEST_WARNING, `the TLS private key is written in plain text into the manifest (Secret `
      + `${s.ns}/${s.tlsSecretName}, AuthenticatorTls.fromPemUnsafe); keep that file out of version control, or use `
      + `AuthenticatorTls.fromSecretName / fromExternalSecret`);
    new k8s.KubeSecret(this, 'Tls', {
      metadata: { name: s.tlsSecretName, namespace: s.ns },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': tls.certPem!, 'tls.key': tls.keyPem! },
    });
  }

  private addDaemonSet(s: ChartSettings, template: k8s.PodTemplateSpec): void {
    new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: { name: s.name, namespace: s.ns },
      spec: { selector: { matchLabels: s.selector }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } }, template },
    });
  }

  /** The Deployment spread over nodes, its ClusterIP Service, and the NetworkPolicy admitting only kube-apiserver. */
  private addDeploymentBehindService(props: AuthenticatorChartProps, s: ChartSettings, template: k8s.PodTemplateSpec): void {
    const { name, ns, selector, port } = s;
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name, namespace: ns },
      spec: {
        replicas: s.replicas, selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          ...template,
          spec: { ...template.spec!, topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }] },
        },
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name, namespace: ns },
      spec: { type: 'ClusterIP', clusterIp: props.serviceClusterIp, selector, ports: [{ name: 'https', port: 443, targetPort: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }] },
    });
    // Any pod could otherwise open (silent) connections to the webhook: only kube-apiserver may; metrics and
    // probes go to the metrics port, which carries no token.
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name, namespace: ns },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.apiServerNamespace ?? 'kube-system' } },
                podSelector: { matchLabels: props.apiServerPodLabels ?? { component: 'kube-apiserver' } },
              },
              ...(props.apiServerCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
            ],
            ports: [{ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' }],
          },
          { ports: [{ port: k8s.IntOrString.fromNumber(s.metricsPort), protocol: 'TCP' }] },
        ],
      },
    });
  }

  /** kube-apiserver's webhook kubeconfig, when the CA is known; the serving certificate must cover its server. */
  private kubeconfigOf(props: AuthenticatorChartProps, s: ChartSettings): string | undefined {
    const caPem = props.tls.caPem;
    if (!caPem) return undefined;
    const server = s.daemonSet ? webhookServerUrl('127.0.0.1', s.port) : webhookServerUrl(props.serviceClusterIp ?? `${s.name}.${s.ns}.svc`, 443);
    if (props.tls.certPem) checkCertificateCoversServer(props.tls.certPem, server, this.node.path);
    return webhookKubeconfig({ server, caPem });
  }
}

/** The chart's settled props. */
interface ChartSettings extends AuthenticatorPodSettings {
  readonly ns: string;
  readonly replicas: number;
}

/** The server config (`eks-access serve --config`): hostNetwork pods listen on loopback only (kube-apiserver runs on the same node). */
function serverConfigOf(props: AuthenticatorChartProps, s: ChartSettings): Record<string, unknown> {
  return {
    clusterId: props.clusterId,
    ...(props.region ? { region: props.region } : {}),
    server: {
      address: s.daemonSet ? '127.0.0.1' : '0.0.0.0', port: s.port, tlsCertFile: `${TLS_DIR}/tls.crt`, tlsKeyFile: `${TLS_DIR}/tls.key`,
      metricsAddress: '0.0.0.0', metricsPort: s.metricsPort,
    },
    mapping: { backends: props.backends.map((b) => b.config) },
  };
}
