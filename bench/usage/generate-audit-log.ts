/**
 * A seeded, generated audit log and the model it runs against, for `npm run bench:usage` (1,000,000 lines, 3,000
 * principals, 100 namespaces) and its small jest version. The model: an aws-auth ConfigMap mapping role `p<i>` to user
 * `p<i>` in group `team-<i mod namespaces>`; in each namespace `ns-<k>` a Role `worker` (pods, pods/log, configmaps,
 * deployments.apps: get, list, watch, create, delete) bound to `team-<k>`; every tenth principal also in group
 * `viewers`, bound cluster-wide to a ClusterRole reading configmaps. Each line is an `audit.k8s.io/v1` Event as
 * kube-apiserver's log backend writes it at `Metadata` level (k8s.io/apiserver pkg/apis/audit/v1/types.go), with the
 * `user.extra` keys of the IAM authenticator (kubernetes-sigs/aws-iam-authenticator pkg/server/server.go) on 90% of
 * requests (the rest carry only the username). Requests outside the principal's namespace are answered 403, as the
 * model would, except a viewer's configmap reads. About 4% of lines are a RequestReceived stage event of a request
 * (not counted) and 0.1% are garbage (malformed). The generator tallies what `usage` must report.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { prng } from '../lib/prng';

export interface GenerateOptions {
  readonly lines: number;
  readonly principals: number;
  readonly namespaces: number;
  readonly seed: number;
  /** Write the log gzipped (`audit.log.gz`). @default false */
  readonly gzip?: boolean;
}

export interface GroundTruth {
  readonly counted: number;
  readonly otherStages: number;
  readonly malformed: number;
  /** Per role ARN: requests and those answered 403. */
  readonly perPrincipal: Map<string, { requests: number; denied: number }>;
}

export const ACCOUNT = '123456789012';
export const roleArn = (i: number) => `arn:aws:iam::${ACCOUNT}:role/p${i}`;
const VERBS = ['get', 'list', 'watch', 'create', 'delete'];
const RESOURCES: Array<[string, string, string]> = [['', 'pods', ''], ['', 'pods', 'log'], ['', 'configmaps', ''], ['apps', 'deployments', ''], ['', 'secrets', '']];

export function modelYaml(o: Pick<GenerateOptions, 'principals' | 'namespaces'>): string {
  const rows: string[] = [];
  for (let i = 0; i < o.principals; i++) {
    rows.push(`    - rolearn: ${roleArn(i)}\n      username: p${i}\n      groups: [team-${i % o.namespaces}${i % 10 === 0 ? ', viewers' : ''}]`);
  }
  const docs = [`apiVersion: v1\nkind: ConfigMap\nmetadata: { name: aws-auth, namespace: kube-system }\ndata:\n  mapRoles: |\n${rows.join('\n')}\n`];
  docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: cm-viewer }\nrules:\n  - apiGroups: [""]\n    resources: [configmaps]\n    verbs: [get, list, watch]\n`);
  docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: { name: viewers }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cm-viewer }\nsubjects: [{ kind: Group, name: viewers, apiGroup: rbac.authorization.k8s.io }]\n`);
  for (let k = 0; k < o.namespaces; k++) {
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: worker, namespace: ns-${k} }\nrules:\n  - apiGroups: ["", apps]\n    resources: [pods, pods/log, configmaps, deployments]\n    verbs: [get, list, watch, create, delete]\n`);
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: team, namespace: ns-${k} }\nroleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: worker }\nsubjects: [{ kind: Group, name: team-${k}, apiGroup: rbac.authorization.k8s.io }]\n`);
  }
  return docs.join('---\n');
}

/** Writes `model.yaml` and `audit.log[.gz]` into `dir`; returns their paths and what usage must find. */
export async function generateAuditLog(dir: string, o: GenerateOptions): Promise<{ model: string; log: string; truth: GroundTruth }> {
  const model = join(dir, 'model.yaml');
  writeFileSync(model, modelYaml(o));
  const log = join(dir, o.gzip ? 'audit.log.gz' : 'audit.log');
  const file = createWriteStream(log);
  const gz = o.gzip ? createGzip({ level: 1 }) : undefined;
  if (gz) gz.pipe(file);
  const out = gz ?? file;
  const rand = prng(o.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const perPrincipal = new Map<string, { requests: number; denied: number }>();
  let counted = 0;
  let otherStages = 0;
  let malformed = 0;
  const start = Date.UTC(2026, 8, 1);
  let buf = '';
  for (let n = 0; n < o.lines; n++) {
    const r = rand();
    if (r < 0.001) {
      buf += `{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":${n}\n`;
      malformed++;
    } else {
      const i = Math.floor(rand() * o.principals);
      const own = i % o.namespaces;
      const k = rand() < 0.8 ? own : Math.floor(rand() * o.namespaces);
      const verb = pick(VERBS);
      const [apiGroup, resource, subresource] = pick(RESOURCES);
      const viewerRead = i % 10 === 0 && resource === 'configmaps' && ['get', 'list', 'watch'].includes(verb);
      const allowed = (k === own && resource !== 'secrets') || viewerRead;
      const code = allowed ? (verb === 'create' ? 201 : 200) : 403;
      const session = `s${Math.floor(rand() * 4)}`;
      const t = new Date(start + n * 7000).toISOString().replace('Z', '000Z');
      const withArn = rand() < 0.9;
      const stage = rand() < 0.04 ? 'RequestReceived' : verb === 'watch' ? 'ResponseStarted' : 'ResponseComplete';
      const extra = withArn
        ? `,"extra":{"accessKeyId":["ASIA${String(i).padStart(16, '0')}"],"arn":["arn:aws:sts::${ACCOUNT}:assumed-role/p${i}/${session}"],"canonicalArn":["${roleArn(i)}"],"principalId":["AROA${String(i).padStart(17, '0')}"],"sessionName":["${session}"],"sigs.k8s.io/aws-iam-authenticator/principalId":["AROA${String(i).padStart(17, '0')}"]}`
        : '';
      const groups = `["team-${own}"${i % 10 === 0 ? ',"viewers"' : ''},"system:authenticated"]`;
      const name = verb === 'list' || verb === 'watch' || verb === 'create' ? '' : `,"name":"obj-${n % 97}"`;
      const uri = `/api${apiGroup ? `s/${apiGroup}/v1` : '/v1'}/namespaces/ns-${k}/${resource}${name ? `/obj-${n % 97}` : ''}${subresource ? `/${subresource}` : ''}${verb === 'watch' ? '?watch=true' : ''}`;
      buf += `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"${hexId(n)}","stage":"${stage}","requestURI":"${uri}","verb":"${verb}","user":{"username":"p${i}","uid":"aws-iam-authenticator:${ACCOUNT}:AROA${i}","groups":${groups}${extra}},"sourceIPs":["10.0.${k}.${i % 250}"],"userAgent":"kubectl/v1.33.0 (linux/amd64) kubernetes/abcdef0","objectRef":{"resource":"${resource}","namespace":"ns-${k}"${name},"apiGroup":"${apiGroup}","apiVersion":"v1"${subresource ? `,"subresource":"${subresource}"` : ''}},"responseStatus":{"metadata":{},"code":${code}},"requestReceivedTimestamp":"${t}","stageTimestamp":"${t}","annotations":{"authorization.k8s.io/decision":"${allowed ? 'allow' : 'forbid'}","authorization.k8s.io/reason":""}}\n`;
      if (stage === 'RequestReceived') {
        otherStages++;
      } else {
        counted++;
        const arn = roleArn(i);
        const p = perPrincipal.get(arn) ?? { requests: 0, denied: 0 };
        p.requests++;
        if (code === 403) p.denied++;
        perPrincipal.set(arn, p);
      }
    }
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(file, 'finish');
  return { model, log, truth: { counted, otherStages, malformed, perPrincipal } };
}

function hexId(n: number): string {
  const h = n.toString(16).padStart(12, '0');
  return `0000${h.slice(0, 4)}-0000-4000-8000-${h}`;
}
