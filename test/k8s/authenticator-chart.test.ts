/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
import { Size, Testing } from 'cdk8s';
import YAML from 'yaml';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { RuleError } from '../../lib/model';
import { parseConfig } from '../../authenticator/config';
import {
  AuthenticatorBackend, AuthenticatorChart, AuthenticatorTls, AuthenticatorWorkload, IamIdentityMappingCrd,
} from '../../lib/k8s';
import { CHART_WARNING_METADATA } from '../../lib/k8s/chart-warnings';
import { registerCrd, validateAll } from './validate-manifest';

const ca = createCertificateAuthority('eks-access test CA');
const server = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
const tls = AuthenticatorTls.fromPemUnsafe(server.certPem, server.keyPem, ca.certPem);
const rows = { roles: [{ roleArn: 'arn:aws:iam::111122223333:role/team/Admin', username: 'admin', groups: ['system:masters'] }], users: [], accounts: [] };

function synth(props: Partial<ConstructorParameters<typeof AuthenticatorChart>[2]> = {}) {
  const chart = new AuthenticatorChart(Testing.app(), 'authenticator', {
    clusterId: 'my-cluster', image: 'registry.example.com/eks-access:0.1.0', tls,
    backends: [AuthenticatorBackend.staticRows(rows)], ...props,
  });
  const objs = Testing.synth(chart);
  validateAll(objs);
  return { chart, objs };
}
const kind = (objs: any[], k: string) => objs.filter((o) => o.kind === k);

describe('AuthenticatorChart', () => {
  test('DaemonSet on control-plane nodes, hostNetwork on 127.0.0.1:21362, locked down, probes, PDB, TLS Secret', () => {
    const { chart, objs } = synth();
    expect(objs.map((o: any) => o.kind).sort()).toEqual(['ConfigMap', 'DaemonSet', 'PodDisruptionBudget', 'Secret', 'ServiceAccount']);
    const [ds] = kind(objs, 'DaemonSet');
    const pod = ds.spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
    expect(pod.tolerations.map((t: any) => t.key)).toEqual(['node-role.kubernetes.io/control-plane', 'CriticalAddonsOnly']);
    expect(pod.automountServiceAccountToken).toBe(false); // static rows only: no API access needed
    const [c] = pod.containers;
    expect(c.image).toBe('registry.example.com/eks-access:0.1.0');
    expect(c.args).toEqual(['serve', '--config', '/etc/eks-access/config.yaml']);
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    // Probes and Prometheus use the plain metrics listener: the webhook port is loopback-only here.
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 21363, scheme: 'HTTP' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 21363, scheme: 'HTTP' });
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 21363, protocol: 'TCP' }]);
    expect(ds.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '21363', 'prometheus.io/path': '/metrics' });
    expect(c.resources).toEqual({ limits: { cpu: '500m', memory: '192Mi' }, requests: { cpu: '50m', memory: '192Mi' } });
    const [secret] = kind(objs, 'Secret');
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(kind(objs, 'PodDisruptionBudget')[0].spec.maxUnavailable).toBe(1);
    // The config the ConfigMap carries is accepted by the real server config parser.
    const config = parseConfig(YAML.parse(kind(objs, 'ConfigMap')[0].data['config.yaml']), '/');
    expect(config.server).toMatchObject({ address: '127.0.0.1', port: 21362, tlsCertFile: '/etc/eks-access/tls/tls.crt', metricsAddress: '0.0.0.0', metricsPort: 21363 });
    expect(config.mapping.backends[0]).toMatchObject({ type: 'static', mapRoles: [{ rolearn: 'arn:aws:iam::111122223333:role/Admin', username: 'admin' }] });
    const kubeconfig = YAML.parse(chart.webhookKubeconfig!);
    expect(kubeconfig.clusters[0].cluster.server).toBe('https://127.0.0.1:21362/authenticate');
    expect(Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(ca.certPem);
    expect(objs.filter((o: any) => o.kind !== 'Secret')).toMatchSnapshot();
  });

  test('Deployment + Service; watched backends get exactly the RBAC they need', () => {
    const crdChart = Testing.chart();
    new IamIdentityMappingCrd(crdChart, 'Crd');
    registerCrd(Testing.synth(crdChart)[0]);
    const { chart, objs } = synth({
      workload: AuthenticatorWorkload.DEPLOYMENT, replicas: 3, serviceClusterIp: '10.100.0.50', namespace: 'eks-access',
      backends: [AuthenticatorBackend.iamIdentityMappings(), AuthenticatorBackend.awsAuthConfigMap()],
      tls: AuthenticatorTls.fromSecretName('authn-tls'), memory: Size.mebibytes(256),
    });
    expect(kind(objs, 'Secret')).toEqual([]);
    const [dep] = kind(objs, 'Deployment');
    expect(dep.metadata.namespace).toBe('eks-access');
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.template.spec.hostNetwork).toBeUndefined();
    expect(dep.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(dep.spec.template.spec.volumes.find((v: any) => v.name === 'tls').secret.secretName).toBe('authn-tls');
    const [svc] = kind(objs, 'Service');
    expect(svc.spec).toMatchObject({ clusterIP: '10.100.0.50', ports: [{ port: 443, targetPort: 21362 }] });
    const [cr] = kind(objs, 'ClusterRole');
    expect(cr.rules).toEqual([{ apiGroups: ['iamauthenticator.k8s.aws'], resources: ['iamidentitymappings'], verbs: ['get', 'list', 'watch'] }]);
    expect(kind(objs, 'ClusterRoleBinding')[0].subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'eks-access-authenticator', namespace: 'eks-access' }]);
    const [role] = kind(objs, 'Role');
    expect(role.metadata.namespace).toBe('kube-system');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['aws-auth'], verbs: ['get', 'list', 'watch'] }]);
    expect(kind(objs, 'RoleBinding')[0].subjects[0].namespace).toBe('eks-access');
    const config = parseConfig(YAML.parse(kind(objs, 'ConfigMap')[0].data['config.yaml']), '/');
    expect(config.mapping.backends.map((b) => b.type)).toEqual(['crd', 'configMap']);
    expect(config.server.address).toBe('0.0.0.0');
    expect(chart.webhookKubeconfig).toBeUndefined(); // CA unknown for an existing Secret
  });

  test('DEPLOYMENT: a NetworkPolicy admits only kube-apiserver to the webhook port; metrics/probes on their own port', () => {
    // A serving certificate for the Service name the webhook kubeconfig points at (the chart refuses one that does not cover it).
    const forService = issueServerCertificate(ca, { dnsNames: ['eks-access-authenticator.kube-system.svc'] });
    const serviceTls = AuthenticatorTls.fromPemUnsafe(forService.certPem, forService.keyPem, ca.certPem);
    const { objs } = synth({ workload: AuthenticatorWorkload.DEPLOYMENT, apiServerCidrs: ['10.0.0.0/24', 'fd00::/64'], tls: serviceTls });
    const [np] = kind(objs, 'NetworkPolicy');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'eks-access-authenticator' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { component: 'kube-apiserver' } } },
            { ipBlock: { cidr: '10.0.0.0/24' } },
            { ipBlock: { cidr: 'fd00::/64' } },
          ],
          ports: [{ port: 21362, protocol: 'TCP' }],
        },
        { ports: [{ port: 21363, protocol: 'TCP' }] },
      ],
    });
    const [dep] = kind(objs, 'Deployment');
    expect(dep.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([21362, 21363]);
    const custom = synth({ workload: AuthenticatorWorkload.DEPLOYMENT, apiServerPodLabels: { app: 'apiserver' }, apiServerNamespace: 'control', metricsPort: 9100, tls: serviceTls });
    const [np2] = kind(custom.objs, 'NetworkPolicy');
    expect(np2.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'control' } }, podSelector: { matchLabels: { app: 'apiserver' } } }]);
    expect(np2.spec.ingress[1].ports).toEqual([{ port: 9100, protocol: 'TCP' }]);
    // The DaemonSet preset has no NetworkPolicy: it listens on the host's loopback only.
    expect(kind(synth().objs, 'NetworkPolicy')).toEqual([]);
  });

  test('bad props are errors naming the chart', () => {
    expect(() => synth({ backends: [] })).toThrow(/authenticator: give at least one backend/);
    expect(() => synth({ image: '' })).toThrow(/authenticator: image must be/);
    expect(() => synth({ namespace: 'Bad_NS' })).toThrow(/namespace "Bad_NS"/);
    expect(() => synth({ workload: AuthenticatorWorkload.DEPLOYMENT, replicas: 0 })).toThrow(/replicas must be a positive integer/);
    expect(() => AuthenticatorTls.fromPemUnsafe('nope', 'nope')).toThrow(/PEM/);
    expect(() => synth({ metricsPort: 21362 })).toThrow(/authenticator: metricsPort must be 1-65535 and differ from port 21362/);
    expect(() => synth({ workload: AuthenticatorWorkload.DEPLOYMENT, apiServerCidrs: ['10.0.0.300/24'] })).toThrow(/apiServerCidrs: "10.0.0.300\/24" is not a CIDR/);
  });

  test('a serving certificate whose SANs do not cover the kubeconfig address is refused, naming both', () => {
    // What `eks-access init` writes by default (DNS:localhost, IP:127.0.0.1), for a Deployment behind 10.100.0.50.
    let error: RuleError | undefined;
    try {
      synth({ workload: AuthenticatorWorkload.DEPLOYMENT, serviceClusterIp: '10.100.0.50' });
    } catch (e) {
      error = e as RuleError;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect(error!.ruleId).toBe('eks-access:webhook-certificate-san');
    expect(error!.message).toMatch(/^authenticator: the serving certificate's subjectAltNames \(DNS:localhost, IP Address:127\.0\.0\.1\) do not cover 10\.100\.0\.50, the address of the webhook kubeconfig \(https:\/\/10\.100\.0\.50:443\/authenticate\); kube-apiserver would fail every TLS handshake\. Issue a certificate for it \(eks-access init --address 10\.100\.0\.50\)/);
    // The Service DNS name without a ClusterIP needs a DNS SAN.
    expect(() => synth({ workload: AuthenticatorWorkload.DEPLOYMENT })).toThrow(/do not cover eks-access-authenticator\.kube-system\.svc.*eks-access init --hostname eks-access-authenticator\.kube-system\.svc/);
    // A certificate for the address passes.
    const forIp = issueServerCertificate(ca, { ipAddresses: ['10.100.0.50'] });
    const ok = synth({ workload: AuthenticatorWorkload.DEPLOYMENT, serviceClusterIp: '10.100.0.50', tls: AuthenticatorTls.fromPemUnsafe(forIp.certPem, forIp.keyPem, ca.certPem) });
    expect(ok.chart.webhookKubeconfig).toContain('https://10.100.0.50:443/authenticate');
  });
});

describe('no secret in synthesized files by default', () => {
  const yamlOf = (objs: any[]) => objs.map((o) => YAML.stringify(o)).join('---\n');
  /** The chart warnings recorded on the chart's constructs (also printed by Node as process warnings). */
  const warningsOf = (chart: AuthenticatorChart) => chart.node.findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === CHART_WARNING_METADATA).map((m) => m.data as { id: string; message: string }));
  // The structural part of the ExternalSecret CRD (external-secrets/external-secrets,
  // config/crds/bases/external-secrets.io_externalsecrets.yaml): what the operator requires of the fields rendered.
  const remoteRef = { type: 'object', required: ['key'], properties: { key: { type: 'string' }, property: { type: 'string' } } };
  registerCrd({ spec: { group: 'external-secrets.io', names: { kind: 'ExternalSecret' }, versions: [{ name: 'v1', schema: { openAPIV3Schema: {
    type: 'object',
    properties: {
      spec: {
        type: 'object', required: ['secretStoreRef', 'target'],
        properties: {
          refreshInterval: { type: 'string' },
          secretStoreRef: { type: 'object', properties: { kind: { type: 'string' }, name: { type: 'string' } } },
          target: { type: 'object', properties: { name: { type: 'string' }, creationPolicy: { type: 'string' }, template: { type: 'object', properties: { type: { type: 'string' } } } } },
          data: { type: 'array', items: { type: 'object', required: ['remoteRef', 'secretKey'], properties: { secretKey: { type: 'string' }, remoteRef } } },
        },
      },
    },
  } } }] } });

  test('an existing Secret (the default way): no Secret object, no key; the CA still gives the webhook kubeconfig', () => {
    const { chart, objs } = synth({ tls: AuthenticatorTls.fromSecretName('authn-tls', ca.certPem) });
    expect(yamlOf(objs)).not.toContain('PRIVATE KEY');
    expect(kind(objs, 'Secret')).toEqual([]);
    const volumes = kind(objs, 'DaemonSet')[0].spec.template.spec.volumes;
    expect(volumes).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'tls', secret: expect.objectContaining({ secretName: 'authn-tls' }) })]));
    expect(chart.webhookKubeconfig).toContain('certificate-authority-data');
    expect(warningsOf(chart)).toEqual([]);
  });

  test('a Secrets Manager secret through External Secrets: an ExternalSecret that names it, no key', () => {
    const { objs } = synth({ tls: AuthenticatorTls.fromExternalSecret({ secretStoreName: 'aws-secrets-manager', remoteKey: 'prod/eks-access/tls', caPem: ca.certPem }) });
    expect(yamlOf(objs)).not.toContain('PRIVATE KEY');
    expect(kind(objs, 'Secret')).toEqual([]);
    const [es] = kind(objs, 'ExternalSecret');
    expect(es).toMatchObject({
      apiVersion: 'external-secrets.io/v1',
      metadata: { name: 'eks-access-authenticator-tls', namespace: 'kube-system' },
      spec: {
        secretStoreRef: { name: 'aws-secrets-manager', kind: 'ClusterSecretStore' },
        target: { name: 'eks-access-authenticator-tls', creationPolicy: 'Owner', template: { type: 'kubernetes.io/tls' } },
        data: [
          { secretKey: 'tls.crt', remoteRef: { key: 'prod/eks-access/tls', property: 'tls.crt' } },
          { secretKey: 'tls.key', remoteRef: { key: 'prod/eks-access/tls', property: 'tls.key' } },
        ],
      },
    });
    expect(() => AuthenticatorTls.fromExternalSecret({ secretStoreName: 's', remoteKey: 'k', secretStoreKind: 'Vault' }))
      .toThrow(/^AuthenticatorTls.fromExternalSecret: secretStoreKind 'Vault' .*SecretStore or ClusterSecretStore \[eks-access:authenticator-tls\]$/);
  });

  test('PEMs into the manifest only through the explicit fromPemUnsafe, which warns naming the chart; fromPem refuses', () => {
    const { chart, objs } = synth({ tls: AuthenticatorTls.fromPemUnsafe(server.certPem, server.keyPem, ca.certPem) });
    expect(yamlOf(objs)).toContain('PRIVATE KEY');
    expect(warningsOf(chart).map((w) => [w.id, w.message])).toEqual([
      ['cdk-eks-access:secret-in-manifest', expect.stringMatching(/^authenticator: the TLS private key is written in plain text into the manifest .*fromSecretName/)],
    ]);
    expect(() => AuthenticatorTls.fromPem(server.certPem, server.keyPem, ca.certPem))
      .toThrow(/^AuthenticatorTls.fromPem: .*private key in plain text.*fromSecretName.*fromExternalSecret.*fromPemUnsafe.* \[eks-access:secret-in-manifest\]$/);
  });
});
