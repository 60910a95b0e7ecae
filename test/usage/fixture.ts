/** A small model (aws-auth rows + RBAC) and the audit log of a known set of requests against it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditEvent, jsonLines } from './audit-events';

export const ACCOUNT = '111122223333';
export const DEV = `arn:aws:iam::${ACCOUNT}:role/dev`;
export const OPS = `arn:aws:iam::${ACCOUNT}:role/ops`;
export const IDLE = `arn:aws:iam::${ACCOUNT}:role/idle`;

const MANIFESTS = `
apiVersion: v1
kind: ConfigMap
metadata: { name: aws-auth, namespace: kube-system }
data:
  mapRoles: |
    - rolearn: ${DEV}
      username: dev:{{SessionName}}
      groups: [dev-team]
    - rolearn: ${OPS}
      username: ops
      groups: [ops]
    - rolearn: ${IDLE}
      username: idle
      groups: [dev-team]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: team-a }
rules:
  - apiGroups: [""]
    resources: [pods, pods/log]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: dev-pods, namespace: team-a }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
subjects: [{ kind: Group, name: dev-team, apiGroup: rbac.authorization.k8s.io }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secret-reader }
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-secrets }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader }
subjects: [{ kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io }]
`;

const alice = { account: ACCOUNT, role: 'dev', session: 'alice' };

export function writeFixture(): { model: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'usage-fixture-'));
  const model = join(dir, 'model.yaml');
  writeFileSync(model, MANIFESTS);
  const log = join(dir, 'audit.log');
  writeFileSync(log, jsonLines([
    auditEvent({ auditID: '1', verb: 'get', username: 'dev:alice', groups: ['dev-team'], assumedRole: alice, resource: 'pods', namespace: 'team-a', name: 'p', time: '2026-12-01T10:00:00.000000Z' }),
    auditEvent({ auditID: '2', verb: 'get', username: 'dev:alice', groups: ['dev-team'], assumedRole: alice, resource: 'pods', namespace: 'team-a', name: 'q', time: '2026-12-01T11:00:00.000000Z' }),
    auditEvent({ auditID: '3', verb: 'list', username: 'dev:alice', groups: ['dev-team'], assumedRole: alice, resource: 'pods', namespace: 'team-a' }),
    auditEvent({ auditID: '4', verb: 'get', username: 'dev:alice', groups: ['dev-team'], assumedRole: alice, resource: 'pods', subresource: 'log', namespace: 'team-a', name: 'p' }),
    auditEvent({ auditID: '5', verb: 'delete', username: 'dev:alice', groups: ['dev-team'], assumedRole: alice, resource: 'pods', namespace: 'team-a', name: 'p', code: 403 }),
    auditEvent({ auditID: '6', verb: 'get', username: 'dev:alice', groups: ['dev-team'], assumedRole: alice, resource: 'secrets', namespace: 'team-a', name: 's', code: 403 }),
    auditEvent({ auditID: '7', verb: 'list', username: 'ops', groups: ['ops'], resource: 'secrets', namespace: 'kube-system' }),
    auditEvent({ auditID: '8', verb: 'get', username: 'admin-cert', groups: ['system:masters'], resource: 'nodes', requestURI: '/api/v1/nodes/n1', name: 'n1' }),
    auditEvent({ auditID: '9', verb: 'get', username: 'stranger', assumedRole: { account: ACCOUNT, role: 'stranger', session: 's' }, requestURI: '/healthz' }),
  ]));
  return { model, log };
}
