/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
import { Size, Testing } from 'cdk8s';
import YAML from 'yaml';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { parseConfig } from '../../authenticator/config';
import {
  AuthenticatorBackend, AuthenticatorChart, AuthenticatorTls, AuthenticatorWorkload, IamIdentityMappingCrd,
} from '../../lib/k8s';
import { registerCrd, validateAll } from './validate-manifest';

const ca = createCertificateAuthority('eks-access test CA');
const server = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
const tls = AuthenticatorTls.fromPem(server.certPem, server.keyPem, ca.certPem);
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
    expect(c.livenessProbe.httpGet).toEqual({ host: '127.0.0.1', path: '/healthz', port: 21362, scheme: 'HTTPS' });
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.resources).toEqual({ limits: { cpu: '500m', memory: '192Mi' }, requests: { cpu: '50m', memory: '192Mi' } });
    const [secret] = kind(objs, 'Secret');
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(kind(objs, 'PodDisruptionBudget')[0].spec.maxUnavailable).toBe(1);
    // The config the ConfigMap carries is accepted by the real server config parser.
    const config = parseConfig(YAML.parse(kind(objs, 'ConfigMap')[0].data['config.yaml']), '/');
    expect(config.server).toMatchObject({ address: '127.0.0.1', port: 21362, tlsCertFile: '/etc/eks-access/tls/tls.crt' });
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

  test('bad props are errors naming the chart', () => {
    expect(() => synth({ backends: [] })).toThrow(/authenticator: give at least one backend/);
    expect(() => synth({ image: '' })).toThrow(/authenticator: image must be/);
    expect(() => synth({ namespace: 'Bad_NS' })).toThrow(/namespace "Bad_NS"/);
    expect(() => synth({ workload: AuthenticatorWorkload.DEPLOYMENT, replicas: 0 })).toThrow(/replicas must be a positive integer/);
    expect(() => AuthenticatorTls.fromPem('nope', 'nope')).toThrow(/PEM/);
  });
});
