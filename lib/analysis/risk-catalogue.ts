/**
 * The dangerous permissions analysers flag (after Kubernetes' "RBAC good practices", GP below:
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/), as
 * probe requests: a principal holds the risk where every `allOf` group has at least one allowed probe. Probing the
 * evaluator itself keeps the risk check exactly as faithful as can-i (wildcards, `*\/sub`, resourceNames).
 * A probe with verb or resource `*` only matches a rule that literally says `*`, which is how wildcard grants are found.
 */
import { RBAC_API_GROUP } from '../model/rbac-rule-forms';
import { AWS_AUTH_NAME, AWS_AUTH_NAMESPACE } from '../../authenticator/mapper/aws-auth';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface Probe {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
  /** Only meaningful in this namespace (e.g. aws-auth in kube-system). */
  readonly namespace?: string;
  readonly clusterScoped?: boolean;
}

export interface RiskDefinition {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** Why it matters, one sentence. */
  readonly why: string;
  readonly reference: string;
  readonly allOf: readonly (readonly Probe[])[];
}

const verbs = (vs: string[], group: string, resources: string[], extra: Partial<Probe> = {}): Probe[] =>
  vs.flatMap((verb) => resources.map((resource) => {
    const [base, sub] = resource.split('/');
    return { verb, apiGroup: group, resource: base, ...(sub ? { subresource: sub } : {}), ...extra };
  }));
const WRITE = ['create', 'update', 'patch'];

export const RISKS: readonly RiskDefinition[] = [
  {
    id: 'full-access', title: 'Wildcard full access (cluster-admin equivalent where cluster-wide)', severity: 'critical',
    why: 'Every verb on every resource of every API group, including CRDs added later; implies every other permission risk in its scope, which are therefore not listed again.',
    reference: 'GP "Least privilege"; krane subjects-with-open-cluster-wide-access',
    allOf: [[{ verb: '*', apiGroup: '*', resource: '*' }]],
  },
  {
    id: 'impersonate', title: 'Impersonation of users, groups or service accounts', severity: 'critical',
    why: 'Acting as another identity (e.g. group system:masters) grants that identity\'s rights entirely.',
    reference: 'GP "Impersonate verb"',
    allOf: [[...verbs(['impersonate'], '', ['users', 'groups', 'serviceaccounts']), ...verbs(['impersonate'], 'authentication.k8s.io', ['userextras', 'uids'])]],
  },
  {
    id: 'escalate', title: 'escalate on roles', severity: 'critical',
    why: 'Lets a principal write roles with permissions it does not hold.',
    reference: 'GP "Escalate verb"',
    allOf: [verbs(['escalate'], RBAC_API_GROUP, ['roles', 'clusterroles'])],
  },
  {
    id: 'bind', title: 'bind on roles plus writing role bindings', severity: 'critical',
    why: 'Lets a principal bind itself (or anyone) to roles with permissions it does not hold.',
    reference: 'GP "Bind verb"; rbac.md "Privilege Escalation Prevention"',
    allOf: [verbs(['bind'], RBAC_API_GROUP, ['roles', 'clusterroles']), verbs(WRITE, RBAC_API_GROUP, ['rolebindings', 'clusterrolebindings'])],
  },
  {
    id: 'nodes-proxy', title: 'Access to nodes/proxy (kubelet API)', severity: 'critical',
    why: 'The kubelet API allows exec into every pod of the node, bypassing audit and admission; a websocket GET is enough.',
    reference: 'GP "Access to proxy subresource of Nodes"; kubernetes/kubernetes#136550',
    allOf: [verbs(['get', 'create'], '', ['nodes/proxy'], { clusterScoped: true })],
  },
  {
    id: 'eks-aws-auth', title: 'Can modify the EKS aws-auth ConfigMap', severity: 'critical',
    why: 'aws-auth maps IAM principals to Kubernetes groups: whoever edits it can map themselves to system:masters.',
    reference: 'rbac-police eks_modify_aws_auth.rego',
    allOf: [verbs(['update', 'patch'], '', ['configmaps'], { name: AWS_AUTH_NAME, namespace: AWS_AUTH_NAMESPACE })],
  },
  {
    id: 'secrets-read', title: 'Reads Secrets', severity: 'high',
    why: 'get, list or watch on secrets returns their contents (service-account tokens included).',
    reference: 'GP "Listing secrets"',
    allOf: [verbs(['get', 'list', 'watch'], '', ['secrets'])],
  },
  {
    id: 'pod-exec', title: 'Exec, attach, port-forward or proxy into pods', severity: 'high',
    why: 'Runs commands in or connects to running containers, with their credentials and network position.',
    reference: 'GP; kubernetes/kubernetes#78741',
    allOf: [[...verbs(['create'], '', ['pods/exec', 'pods/attach', 'pods/portforward']), ...verbs(['get', 'create'], '', ['pods/proxy', 'services/proxy']), ...verbs(['update', 'patch'], '', ['pods/ephemeralcontainers'])]],
  },
  {
    id: 'workload-create', title: 'Creates or changes workloads', severity: 'high',
    why: 'A pod can mount any secret or service account of its namespace, and reach the node if privileged.',
    reference: 'GP "Workload creation"',
    allOf: [[...verbs(WRITE, '', ['pods', 'replicationcontrollers']), ...verbs(WRITE, 'apps', ['deployments', 'replicasets', 'statefulsets', 'daemonsets']), ...verbs(WRITE, 'batch', ['jobs', 'cronjobs'])]],
  },
  {
    id: 'token-request', title: 'Mints service-account tokens', severity: 'high',
    why: 'create serviceaccounts/token yields a token for any service account in scope.',
    reference: 'GP "Token request"',
    allOf: [verbs(['create'], '', ['serviceaccounts/token'])],
  },
  {
    id: 'csr-approval', title: 'Approves certificate signing requests', severity: 'high',
    why: 'Approving a client certificate CSR can issue credentials for any user or group.',
    reference: 'GP "CSRs and certificate issuing"',
    allOf: [verbs(['update', 'patch'], 'certificates.k8s.io', ['certificatesigningrequests/approval'], { clusterScoped: true }), verbs(['approve'], 'certificates.k8s.io', ['signers'], { clusterScoped: true })],
  },
  {
    id: 'admission-webhooks', title: 'Controls admission webhooks or policies', severity: 'high',
    why: 'Admission control sees and can rewrite every object written to the cluster.',
    reference: 'GP "Control admission webhooks"',
    allOf: [verbs(WRITE, 'admissionregistration.k8s.io', ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings'], { clusterScoped: true })],
  },
  {
    id: 'persistent-volumes', title: 'Creates PersistentVolumes', severity: 'high',
    why: 'A hostPath PersistentVolume exposes the node filesystem.',
    reference: 'GP "Persistent volume creation"',
    allOf: [verbs(['create'], '', ['persistentvolumes'], { clusterScoped: true })],
  },
  {
    id: 'namespace-modify', title: 'Modifies namespaces', severity: 'medium',
    why: 'Namespace labels switch Pod Security admission and network policy selection.',
    reference: 'GP "Namespace modification"',
    allOf: [verbs(['update', 'patch'], '', ['namespaces'], { clusterScoped: true })],
  },
  {
    id: 'status-modify', title: 'Modifies node, pod or service status', severity: 'medium',
    why: 'Status writes can steer scheduling or hijack service traffic (CVE-2020-8554).',
    reference: 'rbac-police modify_*_status.rego',
    allOf: [[...verbs(['update', 'patch'], '', ['nodes/status'], { clusterScoped: true }), ...verbs(['update', 'patch'], '', ['pods/status', 'services/status'])]],
  },
];

/** Risks that are facts about identities and bindings rather than permissions. */
export const SUBJECT_RISKS = {
  masters: { id: 'system-masters', title: 'Member of system:masters', severity: 'critical' as Severity, why: 'An irrevocable superuser: it bypasses RBAC and cannot be revoked by editing bindings.', reference: 'GP "Least privilege"' },
  broadSubject: { id: 'broad-subject', title: 'Binding to a group every user or service account is in', severity: 'high' as Severity, why: 'Everyone authenticated (or every service account, or anonymous users) gets this role.', reference: 'GP "Hardening"' },
  missingRole: { id: 'missing-role', title: 'Binding to a role that does not exist', severity: 'low' as Severity, why: 'Grants nothing now, and grants whatever a role of that name gets later.', reference: 'krane subjects-with-non-existing-roles' },
} as const;
