/**
 * `eks-access usage` on a real kube-apiserver audit log (issue 28, "Correctness on real data"): the walkthrough's
 * identities (docs/walkthrough.md; the example synthesized for a cluster that authenticates from aws-auth, as in
 * scenario.test.ts) make a known set of requests with real kubectl — exec-plugin tokens from the AWS CLI, verified by
 * `eks-access serve` against the STS stand-in — including denied ones; kube-apiserver logs them at `Metadata` level to
 * a file (harness/apiserver.ts `auditLog`). `usage --from <the synthesized manifests> --audit-log <file>` must report
 * exactly those requests, attributed to the right IAM ARNs through `user.extra`. Then the `--propose` module is
 * synthesized and its RBAC applied in place of the original grants, and SubjectAccessReviews on the same apiserver
 * prove every observed allowed request still allowed and the unused grants gone. Finally `diff --current` of the
 * synthesized proposal against the synthesized original lists what it takes away.
 *
 * Each kubectl call runs with -v=6, which logs every HTTP request it sends with the response code
 * (k8s.io/client-go transport/round_trippers.go): the client's own record, checked against what usage counted.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exampleAccessModel } from '../../examples/app/example-access';
import { parseAwsAuth } from '../../authenticator/mapper';
import { stripPath } from '../../authenticator/arn';
import { mergeAwsAuth } from '../../lib/k8s/aws-auth-merge';
import { AuthenticationMode } from '../../lib/model';
import { AccessAnalysis, AnalysedPrincipal } from '../../lib/analysis/access-analysis';
import { IamPrincipalResolver } from '../../lib/analysis/iam-principals';
import type { PrincipalUsage, UsageReport, UseRow } from '../../lib/usage/usage';
import { startStsStandIn, StsStandIn } from '../../harness/sts-standin';
import { ControlPlane, startControlPlane } from '../../harness/control-plane';
import { eksAccess } from '../../harness/eks-access-process';
import { RunningWebhook, startEksAccessWebhook } from '../../harness/eks-access-webhook';
import { waitUntil } from '../../harness/net';
import { stopAll } from '../../harness/processes';
import { ExampleObject, examplePrincipal, iamNameAndPath, namespacesOf, synthesizeExample } from './harness/example';
import { Creds, tokenClientEnv } from './harness/tokens';
import { subjectAccessReviews } from './harness/sar';
import type { AccessCase } from './harness/random-rbac';
import { synthImported } from '../live/synth-imported';

const CLUSTER_ID = 'demo';
const NS = 'dev';
const LIB = resolve(__dirname, '..', '..', 'lib', 'index');

let standIn: StsStandIn;
let cp: ControlPlane;
let webhook: RunningWebhook;
let workDir: string;
let synthDir: string;
let synthesized: { file: string; objects: ExampleObject[] };
const creds: Record<string, Creds> = {};
const ids: Record<string, string> = {};
const staticToken = randomBytes(24).toString('hex');

/** Who makes the requests: kubeconfig and the IAM principal the report must name. */
interface Actor { readonly kubeconfig: string; readonly principal: string }
let actors: Record<'viewer' | 'readOnly' | 'developer' | 'podAdmin', Actor>;

/**
 * One HTTP request kubectl logged at -v=6 (client-go transport/round_trippers.go, v1.33 structured form):
 * `"Response" verb="GET" url="https://127.0.0.1:PORT/api/v1/..." status="200 OK" milliseconds=3`.
 */
const SENT_LINE = /"Response" verb="(GET|POST|PUT|PATCH|DELETE)" url="https:\/\/127\.0\.0\.1:\d+([^"]+)" status="(\d{3})/g;
interface Sent { readonly method: string; readonly path: string; readonly code: number }
const sent: Record<string, Sent[]> = {};
const results: Record<string, { code: number; stderr: string }> = {};

let report: UsageReport;

function awscliKubeconfig(name: string, c: Creds): string {
  const env = Object.entries(tokenClientEnv(c)).map(([n, value]) => ({ name: n, value: String(value) }));
  return cp.api.writeKubeconfig(name, {
    exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: cp.bins.aws, args: ['eks', 'get-token', '--cluster-name', CLUSTER_ID, '--output', 'json'], env, interactiveMode: 'Never' },
  });
}

/** Runs kubectl as `who` with -v=6 and records the HTTP requests it sent. */
async function as(who: keyof typeof actors, step: string, args: string[]): Promise<void> {
  const r = await cp.kubectl(['-v=6', ...args], { kubeconfig: actors[who].kubeconfig });
  const requests = [...r.stderr.matchAll(SENT_LINE)].map((m) => ({ method: m[1], path: m[2], code: Number(m[3]) }));
  if (!requests.length) throw new Error(`kubectl ${args.join(' ')} logged no request at -v=6:\n${r.stderr}`);
  (sent[who] ??= []).push(...requests);
  results[step] = { code: r.code, stderr: r.stderr };
}

/** The fields of an audit.k8s.io/v1 Event these tests read (k8s.io/apiserver pkg/apis/audit/v1/types.go). */
interface LoggedEvent { readonly stage: string; readonly user: { readonly username: string; readonly extra?: Record<string, string[]> } }

/** ResponseComplete events in the audit log of users other than the admin and the control plane's own. */
function loggedUserRequests(): LoggedEvent[] {
  return readFileSync(cp.api.auditLogFile!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LoggedEvent)
    .filter((e) => e.stage === 'ResponseComplete' && e.user?.username !== 'e2e-admin' && !String(e.user?.username).startsWith('system:'));
}

const row = (r: UseRow) => `${r.verb} ${r.nonResource ? r.resource : `${r.apiGroup ? `${r.apiGroup}/` : ''}${r.resource}${r.subresource ? `/${r.subresource}` : ''}`} ${r.namespace || '-'} ×${r.count}`;
const principalOf = (arn: string): PrincipalUsage => {
  const p = report.principals.find((x) => x.principal === arn);
  if (!p) throw new Error(`no principal ${arn} in the report: ${report.principals.map((x) => x.principal).join(', ')}`);
  return p;
};

beforeAll(async () => {
  standIn = await startStsStandIn({ accountId: exampleAccessModel().accountId });
  workDir = mkdtempSync(join(tmpdir(), 'eks-access-e2e-usage-'));
  synthDir = join(workDir, 'synth');
  mkdirSync(synthDir);
  synthesized = synthesizeExample(synthDir, AuthenticationMode.CONFIG_MAP);
  const awsAuth = synthesized.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'aws-auth')!;

  for (const id of ['testuser', 'pod-viewer-user', 'read-only-user']) {
    const { name, path } = iamNameAndPath(examplePrincipal(id).arn);
    const u = await standIn.createUser(name, { path });
    creds[id] = { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey };
    ids[id] = u.userId;
  }
  for (const [id, from, session] of [['read-only', 'read-only-user', 'auditor'], ['developer', 'testuser', 'alice']]) {
    const { name, path } = iamNameAndPath(examplePrincipal(id).arn);
    const role = await standIn.createRole(name, { path });
    const s = await standIn.assumeRole(creds[from], role.arn, session);
    creds[id] = { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken };
    ids[id] = role.roleId;
  }

  webhook = await startEksAccessWebhook({ dir: workDir, clusterId: CLUSTER_ID, stsConnectTo: standIn.connectTo, stsCaFile: standIn.caFile, mapping: awsAuth });
  cp = await startControlPlane({
    webhookKubeconfig: webhook.webhookKubeconfig,
    webhookVersion: 'v1',
    auditLog: true,
    // A token-file user named as the aws-auth row of pod-admin-user names it: requests without user.extra.
    staticTokens: [{ token: staticToken, username: 'pod-admin-user', groups: ['pod-admin'] }],
  });

  await cp.apply({ objects: namespacesOf(synthesized.objects) });
  await cp.apply({ file: synthesized.file });
  await cp.apply({ objects: [mergeAwsAuth(undefined, parseAwsAuth(awsAuth.data as Record<string, string>)).configMap] });
  // A pod to read (never scheduled: no scheduler or kubelet runs); the ServiceAccount admission plugin wants `default`.
  await cp.apply({ objects: [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: NS } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: NS }, spec: { containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }] } },
  ] });
  // Discovery once, as the admin, into the kubectl cache every call below shares ($HOME/.kube/cache, per server):
  // the users' requests are then only what their commands ask for.
  expect((await cp.kubectl(['api-resources', '-o', 'name'])).code).toBe(0);

  const arnOf = (id: string) => stripPath(examplePrincipal(id).arn);
  actors = {
    viewer: { kubeconfig: awscliKubeconfig('viewer', creds['pod-viewer-user']), principal: arnOf('pod-viewer-user') },
    readOnly: { kubeconfig: awscliKubeconfig('read-only', creds['read-only']), principal: arnOf('read-only') },
    developer: { kubeconfig: awscliKubeconfig('developer', creds.developer), principal: arnOf('developer') },
    podAdmin: { kubeconfig: cp.api.writeKubeconfig('pod-admin-static', { token: staticToken }), principal: arnOf('pod-admin-user') },
  };

  // The known set of requests. Sequential: the log's order and the client's record match step by step.
  await as('viewer', 'viewer lists pods', ['get', 'pods', '-n', NS]);
  await as('viewer', 'viewer gets the pod', ['get', 'pod', 'web-0', '-n', NS]);
  await as('viewer', 'viewer gets the pod again', ['get', 'pod', 'web-0', '-n', NS, '-o', 'name']);
  await as('viewer', 'viewer deletes the pod', ['delete', 'pod', 'web-0', '-n', NS, '--wait=false']);
  await as('viewer', 'viewer lists secrets', ['get', 'secrets', '-n', NS]);
  await as('readOnly', 'read-only lists deployments everywhere', ['get', 'deployments.apps', '-A']);
  await as('readOnly', 'read-only reads the pod status', ['get', 'pod', 'web-0', '-n', NS, '--subresource=status']);
  await as('readOnly', 'read-only creates a configmap', ['create', 'configmap', 'x', '-n', NS, '--from-literal=a=b', '--validate=false']);
  await as('readOnly', 'read-only reads /version', ['get', '--raw', '/version']);
  // Watches: logged at ResponseStarted and again at ResponseComplete, the refused one too (k8s.io/apiserver
  // pkg/endpoints/filters/audit.go: a long-running request's writer emits ResponseStarted at its first WriteHeader, and
  // authorization runs inside the audit filter, so a 403 is written through it); usage must count each once.
  await as('readOnly', 'read-only watches deployments', ['get', '--raw', `/apis/apps/v1/namespaces/${NS}/deployments?watch=true&timeoutSeconds=1`]);
  await as('readOnly', 'read-only watches secrets', ['get', '--raw', `/api/v1/namespaces/${NS}/secrets?watch=true&timeoutSeconds=1`]);
  await as('developer', 'developer creates a deployment', ['create', 'deployment', 'web', '--image=registry.k8s.io/pause:3.10', '-n', NS, '--validate=false']);
  await as('developer', 'developer scales it', ['scale', 'deployment', 'web', '--replicas=2', '-n', NS]);
  await as('developer', 'developer lists pods in default', ['get', 'pods', '-n', 'default']);
  await as('podAdmin', 'pod-admin lists pods', ['get', 'pods', '-n', NS]);
  await as('podAdmin', 'pod-admin deletes the pod', ['delete', 'pod', 'web-0', '-n', NS, '--wait=false']);

  // Blocking audit mode writes each event before its request's handler returns, which can be just after kubectl has
  // its answer: wait until the log holds as many user requests as kubectl sent.
  const total = Object.values(sent).reduce((n, s) => n + s.length, 0);
  await waitUntil(`${total} user requests in the audit log`, () => loggedUserRequests().length >= total, { timeoutMs: 30000, intervalMs: 200 });

  const r = await eksAccess(['usage', '--from', synthDir, '--audit-log', cp.api.auditLogFile!, '-o', 'json']);
  if (r.code !== 0) throw new Error(`usage exited ${r.code}: ${r.stderr}`);
  report = JSON.parse(r.stdout);
}, 600000);

afterAll(async () => {
  await cp?.stop();
  await webhook?.stop();
  await standIn?.stop();
  await stopAll();
  if (workDir && process.env.E2E_KEEP_LOGS !== '1') rmSync(workDir, { recursive: true, force: true });
});

test('the commands had the outcomes the walkthrough grants give them (denied ones answered 403)', () => {
  const outcome = Object.fromEntries(Object.entries(results).map(([step, r]) => [step, r.code === 0 ? 'ok' : /\(Forbidden\)|is forbidden: User/.test(r.stderr) ? 'forbidden' : r.stderr.trim().split('\n').pop()]));
  expect(outcome).toEqual({
    'viewer lists pods': 'ok',
    'viewer gets the pod': 'ok',
    'viewer gets the pod again': 'ok',
    'viewer deletes the pod': 'forbidden',
    'viewer lists secrets': 'forbidden',
    'read-only lists deployments everywhere': 'ok',
    'read-only reads the pod status': 'ok',
    'read-only creates a configmap': 'forbidden',
    'read-only reads /version': 'ok',
    'read-only watches deployments': 'ok',
    'read-only watches secrets': 'forbidden',
    'developer creates a deployment': 'ok',
    'developer scales it': 'ok',
    'developer lists pods in default': 'forbidden',
    'pod-admin lists pods': 'ok',
    'pod-admin deletes the pod': 'ok',
  });
});

test('the audit log carries the IAM authenticator\'s user.extra keys with the identities the tokens were made from', () => {
  const events = loggedUserRequests();
  const extraOf = (username: string) => events.find((e) => e.user.username === username)?.user.extra;
  const account = standIn.accountId;
  // aws-iam-authenticator v0.7.x pkg/server/server.go `/authenticate`: arn, canonicalArn, sessionName, accessKeyId,
  // principalId (+ its qualified twin); the user id without the session part (pkg/token/token.go splits UserId at ':').
  expect(extraOf('pod-viewer-user')).toEqual({
    arn: [`arn:aws:iam::${account}:user/demo-pod-viewer-user`],
    canonicalArn: [`arn:aws:iam::${account}:user/demo-pod-viewer-user`],
    sessionName: [''],
    accessKeyId: [creds['pod-viewer-user'].accessKeyId],
    principalId: [ids['pod-viewer-user']],
    'sigs.k8s.io/aws-iam-authenticator/principalId': [ids['pod-viewer-user']],
  });
  expect(extraOf(`arn:aws:sts::${account}:assumed-role/demo-read-only/auditor`)).toEqual({
    arn: [`arn:aws:sts::${account}:assumed-role/demo-read-only/auditor`],
    canonicalArn: [`arn:aws:iam::${account}:role/demo-read-only`],
    sessionName: ['auditor'],
    accessKeyId: [creds['read-only'].accessKeyId],
    principalId: [ids['read-only']],
    'sigs.k8s.io/aws-iam-authenticator/principalId': [ids['read-only']],
  });
  expect(extraOf('developer:alice')?.canonicalArn).toEqual([actors.developer.principal]);
  // The token-file user has no extra at all.
  expect(extraOf('pod-admin-user')).toBeUndefined();
});

test('usage reports exactly the requests made: verbs, resources with subresources and groups, namespaces, counts, denials', () => {
  const used = (p: PrincipalUsage) => p.used.map(row).sort();
  const denied = (p: PrincipalUsage) => p.deniedRequests.map(row).sort();
  const viewer = principalOf(actors.viewer.principal);
  expect([used(viewer), denied(viewer)]).toEqual([
    ['get pods dev ×2', 'list pods dev ×1'],
    ['delete pods dev ×1', 'list secrets dev ×1'],
  ]);
  const readOnly = principalOf(actors.readOnly.principal);
  expect([used(readOnly), denied(readOnly)]).toEqual([
    ['get /version - ×1', 'get pods/status dev ×1', 'list apps/deployments - ×1', 'watch apps/deployments dev ×1'],
    ['create configmaps dev ×1', 'watch secrets dev ×1'],
  ]);
  const developer = principalOf(actors.developer.principal);
  expect([used(developer), denied(developer)]).toEqual([
    ['create apps/deployments dev ×1', 'get apps/deployments dev ×1', 'patch apps/deployments/scale dev ×1'],
    ['list pods default ×1'],
  ]);
  const podAdmin = principalOf(actors.podAdmin.principal);
  expect([used(podAdmin), denied(podAdmin)]).toEqual([['delete pods dev ×1', 'list pods dev ×1'], []]);
});

test('usage lists the grants left unused: the rest of each grant, nothing every authenticated user holds', () => {
  const unused = (p: PrincipalUsage) => p.unused.map((g) => `${g.verbs.join(',')} ${g.resource} ${g.namespace || '(all)'}`);
  const all = 'get,list,watch,create,update,patch,delete,deletecollection';
  expect(unused(principalOf(actors.viewer.principal))).toEqual(['watch pods (all)', 'get,list,watch pods/log (all)']);
  expect(unused(principalOf(actors.podAdmin.principal))).toEqual([
    'get,watch,create,update,patch,deletecollection pods (all)',
    `${all} pods/exec (all)`,
    `${all} pods/log (all)`,
  ]);
  // view everywhere, edit in dev: each lists many rows, none of the bootstrap's self reviews.
  for (const who of ['readOnly', 'developer'] as const) {
    const rows = principalOf(actors[who].principal).unused;
    expect([who, rows.length > 20, rows.filter((g) => /^self/.test(g.resource))]).toEqual([who, true, []]);
  }
});

test('the counts match what kubectl itself sent (its -v=6 record), request for request and 403 for 403', () => {
  for (const [who, actor] of Object.entries(actors)) {
    const p = principalOf(actor.principal);
    const s = sent[who];
    expect([who, p.requests, p.denied]).toEqual([who, s.length, s.filter((x) => x.code === 403).length]);
  }
});

test('attribution: IAM ARN from user.extra for the webhook\'s users, username for the token-file user, the admin as itself', () => {
  for (const who of ['viewer', 'readOnly', 'developer'] as const) {
    const p = principalOf(actors[who].principal);
    expect([who, p.attribution, p.byArn, p.byUsername]).toEqual([who, 'iam-arn', p.requests, 0]);
  }
  const podAdmin = principalOf(actors.podAdmin.principal);
  expect([podAdmin.attribution, podAdmin.byArn, podAdmin.byUsername, podAdmin.kubernetesUser]).toEqual(['username', 0, podAdmin.requests, 'pod-admin-user']);
  // The session's Kubernetes username, from the row's template.
  expect(principalOf(actors.developer.principal).kubernetesUser).toBe('developer:alice');
  const admin = principalOf('e2e-admin');
  expect(admin.attribution).toBe('kubernetes-user');
  expect(admin.requests).toBeGreaterThan(0);
  // Nobody else is taken for an IAM principal: the rest are the admin and the control plane's own users.
  const iam = new Set(Object.values(actors).map((a) => a.principal));
  expect(report.principals.filter((p) => !iam.has(p.principal)).map((p) => [p.attribution, p.principal === 'e2e-admin' || p.principal.startsWith('system:')]))
    .toEqual(report.principals.filter((p) => !iam.has(p.principal)).map(() => ['kubernetes-user', true]));
  // testuser (system:masters in the walkthrough) made no request.
  expect(report.neverSeen).toEqual([`arn:aws:iam::${standIn.accountId}:user/testuser`]);
  expect(Object.values(report.read.malformed)).toEqual([]);
});

describe('--propose applied to the same apiserver', () => {
  /** Every actor's session name (the role rows' username templates use it). */
  const session: Partial<Record<keyof typeof actors, string>> = { readOnly: 'auditor', developer: 'alice' };
  let proposal: string[];
  let before: AccessAnalysis;
  let after: AccessAnalysis;

  const identity = async (a: AccessAnalysis, who: keyof typeof actors): Promise<AnalysedPrincipal> => {
    const p = await new IamPrincipalResolver(a.accessEntries, a.sources.objects).resolve(actors[who].principal, session[who]);
    if (!p) throw new Error(`${actors[who].principal} is not mapped by ${a.sources.files?.join(', ') ?? 'the inputs'}`);
    return p;
  };
  /** SubjectAccessReview cases as `p` (groups as kube-apiserver adds them: system:authenticated). */
  const casesFor = (p: AnalysedPrincipal, rows: ReadonlyArray<{ verb: string; apiGroup: string; resource: string; subresource?: string; namespace: string; nonResource?: boolean }>): AccessCase[] => {
    const groups = [...new Set([...p.user.groups, 'system:authenticated'])];
    return rows.map((r) => {
      if (r.nonResource) return { user: p.user.name, groups, verb: r.verb, nonResourcePath: r.resource };
      const [resource, sub] = r.subresource ? [r.resource, r.subresource] : r.resource.split('/');
      return { user: p.user.name, groups, verb: r.verb, resource: { group: r.apiGroup, resource, ...(sub ? { subresource: sub } : {}), namespace: r.namespace } };
    });
  };
  const unusedRows = (p: PrincipalUsage) => p.unused.flatMap((g) => g.verbs.map((verb) => ({ verb, apiGroup: g.apiGroup, resource: g.resource, namespace: g.namespace })));
  const show = (c: AccessCase) => `${c.verb} ${c.resource ? `${c.resource.group}/${c.resource.resource}${c.resource.subresource ? `/${c.resource.subresource}` : ''} in ${c.resource.namespace || '(all)'}` : c.nonResourcePath}`;

  beforeAll(async () => {
    const file = join(workDir, 'proposed-access.ts');
    const r = await eksAccess(['usage', '--from', synthDir, '--audit-log', cp.api.auditLogFile!, '--propose', file, '--module', LIB, '-o', 'json']);
    if (r.code !== 0) throw new Error(`usage --propose exited ${r.code}: ${r.stderr}`);
    proposal = synthImported(file, join(workDir, 'proposal'));
    before = await AccessAnalysis.load([synthDir], { includeBootstrap: false });
    after = await AccessAnalysis.load(proposal, { includeBootstrap: false });
  }, 300000);

  test('every observed allowed request is still allowed, and every grant usage called unused is now denied (SubjectAccessReview)', async () => {
    const who = Object.keys(actors) as Array<keyof typeof actors>;
    const usedBefore: Record<string, AccessCase[]> = {};
    const unusedBefore: Record<string, AccessCase[]> = {};
    for (const w of who) {
      const p = principalOf(actors[w].principal);
      const old = await identity(before, w);
      usedBefore[w] = casesFor(old, p.used);
      unusedBefore[w] = casesFor(old, unusedRows(p));
      // With the original grants: the used requests (they were answered) and the unused grants are allowed.
      expect([w, (await subjectAccessReviews(cp.api, usedBefore[w])).every(Boolean)]).toEqual([w, true]);
      const allowed = await subjectAccessReviews(cp.api, unusedBefore[w]);
      expect([w, unusedBefore[w].filter((_, i) => !allowed[i]).map(show)]).toEqual([w, []]);
    }

    // Replace the original grants: delete the synthesized bindings, apply the proposal's RBAC (its manifests folder).
    for (const o of synthesized.objects.filter((x) => x.kind === 'RoleBinding' || x.kind === 'ClusterRoleBinding')) {
      const del = await cp.kubectl(['delete', o.kind.toLowerCase(), o.metadata.name, ...(o.metadata.namespace ? ['-n', o.metadata.namespace] : [])]);
      expect([o.metadata.name, del.code]).toEqual([o.metadata.name, 0]);
    }
    const manifests = readdirSync(proposal[1]).filter((f) => f.endsWith('.yaml'));
    expect(manifests.length).toBeGreaterThan(0);
    for (const f of manifests) await cp.apply({ file: join(proposal[1], f) }, 'eks-access-e2e-proposal');

    const deniedNow: Record<string, string[]> = {};
    for (const w of who) {
      const p = principalOf(actors[w].principal);
      const now = await identity(after, w);
      // Its own group, instead of the old ones.
      expect(now.user.groups).toEqual(expect.arrayContaining([expect.stringMatching(/^usage-proposed:/)]));
      const used = casesFor(now, p.used);
      const stillAllowed = await subjectAccessReviews(cp.api, used);
      expect([w, used.filter((_, i) => !stillAllowed[i]).map(show)]).toEqual([w, []]);
      const unused = casesFor(now, unusedRows(p));
      // usage lists no grant every authenticated user holds (bootstrap self reviews): each one it lists is gone.
      const allowedNow = await subjectAccessReviews(cp.api, unused);
      expect([w, unused.filter((_, i) => allowedNow[i]).map(show)]).toEqual([w, []]);
      deniedNow[w] = unused.filter((_, i) => !allowedNow[i]).map(show);
    }
    // Named examples of grants allowed before (checked above) and denied now.
    expect(deniedNow.viewer).toEqual(expect.arrayContaining(['watch /pods in (all)', 'get /pods/log in (all)']));
    expect(deniedNow.readOnly).toEqual(expect.arrayContaining(['list /configmaps in (all)']));
    expect(deniedNow.developer).toEqual(expect.arrayContaining([`delete /pods in ${NS}`]));
    expect(deniedNow.podAdmin).toEqual(expect.arrayContaining([`create /pods/exec in (all)`]));
  });

  test('`diff --desired <proposal> --current <today\'s code>` lists what the proposal takes away', async () => {
    const r = await eksAccess(['diff', ...proposal.flatMap((d) => ['--desired', d]), '--current', synthDir, '-o', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { cannotTell: string[]; items: Array<{ area: string; key: string; change: string }> };
    expect(out.cannotTell).toEqual([]);
    const account = standIn.accountId;
    const list = (change: string) => out.items.filter((i) => i.change === change).map((i) => `${i.area} ${i.key}`);
    // `added`: held by today's code, not by the proposal — every aws-auth row (the seen principals move to access
    // entries; testuser, never seen, with its system:masters, is dropped) and the walkthrough's grants.
    expect(list('added')).toEqual([
      `aws-auth role arn:aws:iam::${account}:role/demo-developer`,
      `aws-auth role arn:aws:iam::${account}:role/demo-read-only`,
      `aws-auth user arn:aws:iam::${account}:user/demo-pod-admin-user`,
      `aws-auth user arn:aws:iam::${account}:user/demo-pod-viewer-user`,
      `aws-auth user arn:aws:iam::${account}:user/testuser`,
      'rbac ClusterRole eks-access:pod-admin',
      'rbac ClusterRole eks-access:pod-viewer',
      'rbac ClusterRoleBinding eks-access:pod-admin',
      'rbac ClusterRoleBinding eks-access:pod-viewer',
      'rbac ClusterRoleBinding eks-access:read-only:view',
      `rbac RoleBinding ${NS}/eks-access:developer:edit`,
    ]);
    // `removed`: new in the proposal — an access entry per seen principal, and its own roles and bindings.
    expect(list('removed').filter((k) => k.startsWith('access-entry'))).toEqual(
      ['developer', 'readOnly', 'podAdmin', 'viewer'].map((w) => `access-entry ${actors[w as keyof typeof actors].principal}`),
    );
    expect(list('removed').filter((k) => k.startsWith('rbac')).every((k) => k.includes('usage-proposed:'))).toBe(true);
    expect(list('changed')).toEqual([]);
  });
});
