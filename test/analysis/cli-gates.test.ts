/**
 * The analysis CLI as a CI gate, through the built binary (`node dist/bin/eks-access.js`, built by `npm run build`,
 * which `npm test` runs first): inputs with no access objects exit 2 instead of passing, a closed pipe ends quietly
 * with the command's own exit code, and an unknown verb in a question warns.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, eksAccess } from '../../harness/eks-access-process';

const WALKTHROUGH = join(__dirname, 'fixtures/walkthrough');
let dir: string;

const cli = (...args: string[]) => eksAccess(args);

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  dir = mkdtempSync(join(tmpdir(), 'cli-gates-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inputs without access objects are an error (exit 2), never a pass', () => {
  const NO_ACCESS = /no access objects \(Roles, ClusterRoles, RoleBindings, ClusterRoleBindings, the aws-auth ConfigMap, IAMIdentityMappings or EKS access entries\)/;

  test('risks --from <empty dir> --fail-on low', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const r = await cli('risks', '--from', empty, '--fail-on', 'low');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(NO_ACCESS);
    expect(r.stderr).toContain(`--from ${empty}:`);
  });

  test('risks --from /etc/passwd (or any text file) --fail-on low', async () => {
    const text = join(dir, 'passwd');
    writeFileSync(text, 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
    for (const from of [text, ...(existsSync('/etc/passwd') ? ['/etc/passwd'] : [])]) {
      const r = await cli('risks', '--from', from, '--fail-on', 'low');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(NO_ACCESS);
    }
  });

  test('a manifest with objects, none of them access objects; JSON errors on stdout', async () => {
    const cm = join(dir, 'configmap.yaml');
    writeFileSync(cm, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: default}\ndata: {a: b}\n');
    const r = await cli('risks', '--from', cm, '--output', 'json');
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stdout).error;
    expect(err.type).toBe('NoAccessObjectsError');
    expect(err.message).toMatch(/read 1 file\(s\) with Kubernetes objects or templates, none of them access objects/);
  });

  test.each([
    ['can-i', 'get', 'pods', '--as', 'x'],
    ['who-can', 'get', 'pods'],
    ['matrix', '--as', 'x'],
    ['report', '--out', '/dev/null'],
  ])('%s too', async (...args) => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const r = await cli(...args, '--from', empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(NO_ACCESS);
  });

  test('real inputs still pass the gate check', async () => {
    const r = await cli('risks', '--from', WALKTHROUGH);
    expect(r.code).toBe(0);
  });
});

test('report --output json | head -1 ends quietly (no EPIPE trace) with the command\'s exit code', () => {
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" report --from "${WALKTHROUGH}" --output json | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 120000 });
  expect(r.stdout).toBe('{\n');
  expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
  expect(r.stderr.trim()).toBe('exit=0');
  // A gate keeps its verdict through a closed pipe: risks --fail-on low still fails (1) on the walkthrough's findings.
  const gate = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" risks --from "${WALKTHROUGH}" --fail-on low --output json | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', timeout: 120000 });
  expect(gate.stderr).not.toMatch(/EPIPE/);
  expect(gate.stderr.trim()).toBe('exit=1');
});

test('an unknown verb in a can-i question warns', async () => {
  const r = await cli('can-i', 'lsit', 'pods', '--as', 'x', '--from', WALKTHROUGH);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('no\n');
  expect(r.stderr).toMatch(/^eks-access can-i: warning: unknown verb 'lsit': Kubernetes verbs are get, list, watch, create, update, patch, delete, deletecollection, use, bind, escalate, impersonate, approve, sign, attest, \*; only a rule naming this verb \(or '\*'\) allows it/);
  const url = await cli('can-i', 'list', '/healthz', '--as', 'x', '--from', WALKTHROUGH);
  expect(url.stderr).toMatch(/unknown verb 'list': non-resource URLs take HTTP verbs get, post/);
});
