/**
 * The questions of docs/walkthrough.md (kubectl auth can-i / who-can / access-matrix against a live cluster), answered
 * offline from hand-written fixture manifests of the aws-auth era (test/analysis/fixtures/walkthrough): aws-auth rows +
 * RBAC + the pinned bootstrap policy.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runEksAccess } from './run-cli';

const F = path.join(__dirname, 'fixtures', 'walkthrough');
const TESTUSER = 'arn:aws:iam::111122223333:user/testuser';
const ALICE = 'arn:aws:iam::111122223333:user/alice'; // group pod-viewer
const BOB = 'arn:aws:iam::111122223333:user/bob'; // group pod-admin
const READ_ONLY = 'arn:aws:iam::111122223333:role/read-only'; // aws-auth row written with its path teams/

describe('can-i', () => {
  it('testuser in system:masters can list nodes; with only system:authenticated it cannot', async () => {
    expect(await runEksAccess('can-i', 'list', 'nodes', '--as', 'testuser', '--as-group', 'system:masters', '--from', F)).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await runEksAccess('can-i', 'list', 'nodes', '--as', 'testuser', '--from', F)).toMatchObject({ code: 1, stdout: 'no\n' });
    expect(await runEksAccess('can-i', 'list', 'nodes', '--as-arn', TESTUSER, '--from', F)).toMatchObject({ code: 0, stdout: 'yes\n' });
  });

  it('pod-viewer can get but not delete pods in all namespaces; pod-admin can delete', async () => {
    expect((await runEksAccess('can-i', 'get', 'pods', '-A', '--as-arn', ALICE, '--from', F)).code).toBe(0);
    expect((await runEksAccess('can-i', 'get', 'pods', '-n', 'team-a', '--as-arn', ALICE, '--from', F)).code).toBe(0);
    expect((await runEksAccess('can-i', 'delete', 'pods', '-A', '--as-arn', ALICE, '--from', F)).code).toBe(1);
    expect((await runEksAccess('can-i', 'delete', 'pods', '-A', '--as-arn', BOB, '--from', F)).code).toBe(0);
    expect((await runEksAccess('can-i', 'get', 'pods/log', '-n', 'x', '--as', 'carol', '--as-group', 'pod-admin', '--from', F)).code).toBe(0);
    // pod-viewer's rule names pods only, so subresources stay closed.
    expect((await runEksAccess('can-i', 'create', 'pods/exec', '-n', 'x', '--as-arn', ALICE, '--from', F)).code).toBe(1);
  });

  it('the read-only role (view) cannot create, and cannot read secrets', async () => {
    const asRole = ['--as-arn', READ_ONLY, '--session-name', 'jane', '--from', F];
    expect((await runEksAccess('can-i', 'get', 'deployments', '-n', 'prod', ...asRole)).code).toBe(0);
    expect((await runEksAccess('can-i', 'create', 'deployments', '-n', 'prod', ...asRole)).code).toBe(1);
    expect((await runEksAccess('can-i', 'get', 'secrets', '-n', 'prod', ...asRole)).code).toBe(1);
  });

  it('--explain names the mapping, binding, role and rule', async () => {
    const r = await runEksAccess('can-i', 'delete', 'pods', '-n', 'dev', '--as-arn', BOB, '--from', F, '--explain');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('aws-auth ConfigMap');
    expect(r.stdout).toContain('mapUsers[2]');
    expect(r.stdout).toContain('allowed by ClusterRoleBinding "pod-admin" of ClusterRole "pod-admin" to Group "pod-admin", rule 0');
    const denied = await runEksAccess('can-i', 'delete', 'nodes', '--as-arn', BOB, '--from', F, '--explain');
    expect(denied.stdout).toMatch(/^no\n[^]*no RBAC rule or access policy allows this\n$/);
  });

  it('renders {{SessionName}} in the mapped username', async () => {
    const r = await runEksAccess('can-i', 'get', 'pods', '--as-arn', READ_ONLY, '--session-name', 'jane@example.com', '--from', F, '--output', 'json');
    expect(JSON.parse(r.stdout).principal).toMatchObject({ username: 'read-only:jane-example.com', groups: ['read-only', 'system:authenticated'] });
  });

  it('an unmapped IAM principal cannot authenticate: no, with the reason', async () => {
    const r = await runEksAccess('can-i', 'get', 'pods', '--as-arn', 'arn:aws:iam::111122223333:user/mallory', '--from', F, '--explain');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('is not mapped by any access entry, aws-auth row or IAMIdentityMapping');
  });

  it('answers JSON with the grant', async () => {
    const r = await runEksAccess('can-i', 'list', 'nodes', '--as-arn', TESTUSER, '--from', F, '-o', 'json');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ allowed: true, request: { verb: 'list', resource: 'nodes', namespace: '' }, grant: { kind: 'rbac', binding: { name: 'cluster-admin' }, role: { name: 'cluster-admin' } } });
    expect(j.grant.role.origin).toContain('k8s.io/kubernetes@v1.33.13');
  });

  it('bad input: one clear line, exit 2; JSON error with --output json', async () => {
    const r = await runEksAccess('can-i', 'get', 'pods', '--from', F);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^eks-access can-i: say who is asking: --as USER/);
    const j = await runEksAccess('can-i', 'get', 'pods', '--as', 'x', '--from', '/nonexistent/path', '--output', 'json');
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toEqual({ error: { type: 'SourceError', message: expect.stringContaining('/nonexistent/path: no such file or directory') } });
    expect((await runEksAccess('can-i', 'get', 'pods', '--as', 'x', '--as-arn', TESTUSER, '--from', F)).stderr).toContain('not both');
    expect((await runEksAccess('can-i', 'get', 'pods', '--as-arn', 'arn:aws:s3:::bucket', '--from', F)).stderr).toContain('not a valid service for identities');
    expect(await runEksAccess('can-i', 'get', 'pods', '--as', 'x', '--bogus', '--from', F)).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
    expect((await runEksAccess('who-can', 'get', '--from', F)).stderr).toContain('expected VERB RESOURCE [NAME]');
    expect((await runEksAccess('risks', '--from', F, '--fail-on', 'severe')).stderr).toContain('--fail-on must be one of critical, high, medium, low');
    expect((await runEksAccess('matrix', '--as', 'x', '--from', F, '--output', 'xml')).stderr).toContain("--output must be text, json or yaml, not 'xml'");
  });
});

it('names the file, object and field of a broken input', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'analysis-bad-'));
  try {
    writeFileSync(path.join(dir, 'role.yaml'), 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: n}\nrules:\n  - verbs: get\n');
    const r = await runEksAccess('can-i', 'get', 'pods', '--as', 'x', '--from', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`eks-access can-i: Role n/r (${path.join(dir, 'role.yaml')}): rules[0].verbs: expected a list of strings, got "get"\n`);
    writeFileSync(path.join(dir, 'role.yaml'), 'kind: [unclosed\n');
    expect((await runEksAccess('can-i', 'get', 'pods', '--as', 'x', '--from', dir)).stderr).toMatch(/role\.yaml: not valid YAML/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('who-can', () => {
  it('lists the IAM principals and subjects that may delete pods, with the binding', async () => {
    const r = await runEksAccess('who-can', 'delete', 'pods', '-n', 'dev', '--from', F, '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const arns = j.iamPrincipals.map((p: { principal: { display: string } }) => p.principal.display).sort();
    expect(arns).toEqual([BOB, TESTUSER]);
    expect(j.subjects).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'Group', name: 'pod-admin', builtIn: false }),
      expect.objectContaining({ kind: 'Group', name: 'system:masters', builtIn: true }),
    ]));
    expect(j.subjects.find((s: { name: string }) => s.name === 'pod-viewer')).toBeUndefined();
  });

  it('finds a ServiceAccount subject through its RoleBinding namespace', async () => {
    const r = await runEksAccess('who-can', 'list', 'secrets', '-n', 'dev', '--from', F);
    expect(r.stdout).toMatch(/ServiceAccount\s+dev\/ci\s+RoleBinding "ci-secret-reader\/dev" of Role "secret-reader"/);
    const other = await runEksAccess('who-can', 'list', 'secrets', '-n', 'prod', '--from', F);
    expect(other.stdout).not.toContain('dev/ci');
  });
});

describe('matrix', () => {
  it('shows what pod-viewer may do in a namespace', async () => {
    const r = await runEksAccess('matrix', '--as-arn', ALICE, '-n', 'dev', '--from', F, '-o', 'json');
    const rows: { resource: string; apiGroup: string; verbs: Record<string, boolean> }[] = JSON.parse(r.stdout).rows;
    const pods = rows.find((x) => x.resource === 'pods' && x.apiGroup === '')!;
    expect(pods.verbs).toEqual({ get: true, list: true, watch: true, create: false, update: false, patch: false, delete: false, deletecollection: false });
    expect(rows.find((x) => x.resource === 'secrets')!.verbs.get).toBe(false);
    const text = await runEksAccess('matrix', '--as-arn', ALICE, '-n', 'dev', '--from', F);
    expect(text.stdout).toMatch(/^pods\s+✔\s+✔\s+✔\s+✖/m);
  });
});

describe('risks', () => {
  it('flags system:masters, exec, workload creation and secret reading with their holders', async () => {
    const r = await runEksAccess('risks', '--from', F, '-o', 'json');
    expect(r.code).toBe(0);
    const findings: { risk: string; holder: string; scope: string; severity: string }[] = JSON.parse(r.stdout).findings;
    const has = (risk: string, holder: string, scope = 'cluster-wide') => findings.some((f) => f.risk === risk && f.holder === holder && f.scope === scope);
    expect(has('system-masters', TESTUSER)).toBe(true);
    expect(has('full-access', TESTUSER)).toBe(true);
    expect(has('pod-exec', BOB)).toBe(true);
    expect(has('workload-create', 'pod-admin')).toBe(true);
    expect(has('secrets-read', 'dev/ci', 'namespace dev')).toBe(true);
    expect(findings.some((f) => f.holder === ALICE)).toBe(false);
    expect(findings.some((f) => f.holder === READ_ONLY)).toBe(false);
    expect((await runEksAccess('risks', '--from', F, '--fail-on', 'critical')).code).toBe(1);
  });
});
