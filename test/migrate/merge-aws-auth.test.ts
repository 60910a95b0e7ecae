/* eslint-disable @typescript-eslint/no-explicit-any -- parsed ConfigMaps are untyped documents */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import YAML from 'yaml';
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { run } from '../../bin/commands/merge-aws-auth';
import { AwsAuthConfigMap, OWNED_ROWS_ANNOTATION } from '../../lib/k8s';
import { captureCli } from '../helpers/cli-output';

const WALKTHROUGH = join(__dirname, '../k8s/fixtures/aws-auth-walkthrough.yaml');
const ACCT = '111122223333';
let dir: string;
let ours: string;

/** Our manifest as the example app writes it: a real cdk8s synth of an AwsAuthConfigMap to a file. */
function writeOurs(name: string, props: ConstructorParameters<typeof AwsAuthConfigMap>[2]): string {
  const app = new App({ outdir: join(dir, name) });
  new AwsAuthConfigMap(new Chart(app, 'aws-auth'), 'AwsAuth', props);
  app.synth();
  return join(dir, name, 'aws-auth.k8s.yaml');
}

/** The walkthrough ConfigMap with `edit` applied to its parsed form, written to a file. */
function liveFile(name: string, edit: (cm: any) => void, from = readFileSync(WALKTHROUGH, 'utf8')): string {
  const live = YAML.parse(from);
  edit(live);
  const p = join(dir, `${name}.yaml`);
  writeFileSync(p, YAML.stringify(live));
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'merge-'));
  // Our manifest as the example app writes it: a real cdk8s synth to a file.
  const app = new App({ outdir: dir });
  const chart = new Chart(app, 'access');
  new AwsAuthConfigMap(chart, 'AwsAuth', {
    roles: [{ roleArn: `arn:aws:iam::${ACCT}:role/platform/Admin`, username: 'admin', groups: ['platform-admins'] }],
  });
  app.synth();
  ours = join(dir, 'access.k8s.yaml');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('eks-access merge-aws-auth', () => {
  test('merges into the live walkthrough ConfigMap keeping node and user rows and the resourceVersion', async () => {
    const r = await captureCli(run, ['--live', WALKTHROUGH, '--ours', ours]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`+ role:arn:aws:iam::${ACCT}:role/admin\n`);
    const cm = YAML.parse(r.stdout);
    expect(cm.metadata.resourceVersion).toBe('4711');
    const rows = parseAwsAuth(cm.data);
    expect(rows.roles.map((x) => x.username)).toEqual(['system:node:{{EC2PrivateDNSName}}', 'admin']);
    expect(rows.users.map((x) => x.username)).toEqual(['testuser', 'developer']);
  });

  test('no live ConfigMap (empty --live) creates one', async () => {
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    const r = await captureCli(run, ['--live', empty, '--ours', ours, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(parseAwsAuth(JSON.parse(r.stdout).data).roles).toHaveLength(1);
  });

  test('a conflicting row owned by someone else stops the merge (exit 3) unless --force', async () => {
    const live = YAML.parse(readFileSync(WALKTHROUGH, 'utf8'));
    live.data.mapRoles += `- rolearn: arn:aws:iam::${ACCT}:role/Admin\n  username: someone-else\n  groups: [other]\n`;
    const p = join(dir, 'conflict.yaml');
    writeFileSync(p, YAML.stringify(live));
    let r = await captureCli(run, ['--live', p, '--ours', ours]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/conflict: role:arn:aws:iam::111122223333:role\/admin/);
    r = await captureCli(run, ['--live', p, '--ours', ours, '--force']);
    expect(r.code).toBe(0);
    expect(parseAwsAuth(YAML.parse(r.stdout).data).roles.find((x) => x.roleArn?.endsWith('/Admin'))!.username).toBe('admin');
  });

  describe('ownership: rows of another writer are never adopted, changed or deleted', () => {
    const DEV = `arn:aws:iam::${ACCT}:user/developer`;
    const devRow = { userArn: DEV, username: 'developer', groups: ['eks-console-dashboard-restricted-access-group'] };

    test('an identical row of another writer stays theirs: not recorded as ours, not deleted when we stop declaring it', async () => {
      const withDev = writeOurs('with-dev', { users: [devRow] });
      const first = await captureCli(run, ['--live', WALKTHROUGH, '--ours', withDev]);
      expect(first.code).toBe(0);
      expect(first.stderr).toBe(`= user:${DEV} (identical row of another writer: kept as theirs, not owned)\n`);
      const merged = YAML.parse(first.stdout);
      expect(JSON.parse(merged.metadata.annotations[OWNED_ROWS_ANNOTATION])).toEqual({});
      // Next run: we no longer declare it. It was never ours, so it stays.
      const none = writeOurs('none', { accounts: ['444455556666'] });
      const second = await captureCli(run, ['--live', liveFile('after-first', () => undefined, first.stdout), '--ours', none]);
      expect(second.code).toBe(0);
      expect(second.stderr).toBe('+ account:444455556666\n');
      expect(parseAwsAuth(YAML.parse(second.stdout).data).users.map((u) => u.userArn)).toContain(DEV);
    });

    test('a different row of another writer for one of our ARNs stops the merge with exit 3 naming the row', async () => {
      const mine = writeOurs('dev-viewer', { users: [{ ...devRow, groups: ['viewers'] }] });
      const r = await captureCli(run, ['--live', WALKTHROUGH, '--ours', mine]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`conflict: user:${DEV}: another writer created this row with a different mapping (we never change a row we did not create; rerun with --force to take it over)`);
      const j = await captureCli(run, ['--live', WALKTHROUGH, '--ours', mine, '-o', 'json']);
      expect(j.code).toBe(3);
      expect(JSON.parse(j.stdout).conflictDetails).toEqual([{ key: `user:${DEV}`, reason: 'another writer created this row with a different mapping' }]);
    });

    test('a row we created that another writer changed since is theirs: a conflict if we still declare it, kept if we do not', async () => {
      const first = await captureCli(run, ['--live', WALKTHROUGH, '--ours', ours]);
      expect(first.code).toBe(0);
      const edited = liveFile('edited', (cm) => {
        cm.data.mapRoles = cm.data.mapRoles.replace('username: admin', 'username: admin-by-hand');
      }, first.stdout);
      const again = await captureCli(run, ['--live', edited, '--ours', ours]);
      expect(again.code).toBe(3);
      expect(again.stderr).toContain(`conflict: role:arn:aws:iam::${ACCT}:role/admin: another writer changed this row since we wrote it`);
      const none = writeOurs('none2', { accounts: ['444455556666'] });
      const released = await captureCli(run, ['--live', edited, '--ours', none]);
      expect(released.code).toBe(0);
      expect(released.stderr).toContain(`~ role:arn:aws:iam::${ACCT}:role/admin (no longer declared, but changed by another writer: kept as theirs)`);
      expect(parseAwsAuth(YAML.parse(released.stdout).data).roles.map((x) => x.username)).toContain('admin-by-hand');
    });
  });

  test('input errors', async () => {
    const r = await captureCli(run, ['--live', WALKTHROUGH, '--ours', WALKTHROUGH.replace('walkthrough', 'nope'), '--output', 'json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.type).toBe('InputError');
  });
});
