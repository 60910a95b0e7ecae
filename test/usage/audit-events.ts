/** Audit events as kube-apiserver's log backend writes them (k8s.io/apiserver pkg/apis/audit/v1/types.go `Event`). */
export interface EventSpec {
  auditID: string;
  verb: string;
  username: string;
  groups?: string[];
  /** IAM ARN put into user.extra as the IAM authenticator does (arn, canonicalArn, sessionName, accessKeyId, principalId). */
  assumedRole?: { account: string; role: string; session: string };
  resource?: string;
  subresource?: string;
  apiGroup?: string;
  namespace?: string;
  name?: string;
  requestURI?: string;
  code?: number;
  stage?: string;
  time?: string;
}

export function auditEvent(s: EventSpec): Record<string, unknown> {
  const extra = s.assumedRole ? {
    arn: [`arn:aws:sts::${s.assumedRole.account}:assumed-role/${s.assumedRole.role}/${s.assumedRole.session}`],
    canonicalArn: [`arn:aws:iam::${s.assumedRole.account}:role/${s.assumedRole.role}`],
    sessionName: [s.assumedRole.session],
    accessKeyId: ['ASIAEXAMPLEEXAMPLE01'],
    principalId: ['AROAEXAMPLEEXAMPLE01'],
    'sigs.k8s.io/aws-iam-authenticator/principalId': ['AROAEXAMPLEEXAMPLE01'],
  } : undefined;
  const time = s.time ?? '2026-12-01T10:00:00.000000Z';
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: s.auditID,
    stage: s.stage ?? 'ResponseComplete',
    requestURI: s.requestURI ?? `/api/v1/namespaces/${s.namespace ?? 'default'}/${s.resource ?? 'pods'}`,
    verb: s.verb,
    user: { username: s.username, groups: s.groups ?? ['system:authenticated'], ...(extra ? { extra } : {}) },
    sourceIPs: ['127.0.0.1'],
    userAgent: 'kubectl/v1.33.0',
    ...(s.resource ? { objectRef: { resource: s.resource, namespace: s.namespace, name: s.name, apiGroup: s.apiGroup, apiVersion: 'v1', subresource: s.subresource } } : {}),
    responseStatus: { metadata: {}, code: s.code ?? 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: { 'authorization.k8s.io/decision': s.code === 403 ? 'forbid' : 'allow' },
  };
}

export const jsonLines = (events: Array<Record<string, unknown>>): string => events.map((e) => `${JSON.stringify(e)}\n`).join('');
