import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import YAML from 'yaml';
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { run } from '../../bin/commands/merge-aws-auth';
import { AwsAuthConfigMap } from '../../lib/k8s';
import { captureCli } from '../helpers/cli-output';

const WALKTHROUGH = join(__dirname, '../k8s/fixtures/aws-auth-walkthrough.yaml');
const ACCT = '111122223333';
let dir: string;
let ours: string;

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
    expect(r.stderr).toBe(`+ role:arn:aws:iam::${ACCT}:role/Admin\n`);
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
    expect(r.stderr).toMatch(/conflict: role:arn:aws:iam::111122223333:role\/Admin/);
    r = await captureCli(run, ['--live', p, '--ours', ours, '--force']);
    expect(r.code).toBe(0);
    expect(parseAwsAuth(YAML.parse(r.stdout).data).roles.find((x) => x.roleArn?.endsWith('/Admin'))!.username).toBe('admin');
  });

  test('input errors', async () => {
    const r = await captureCli(run, ['--live', WALKTHROUGH, '--ours', WALKTHROUGH.replace('walkthrough', 'nope'), '--output', 'json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.type).toBe('InputError');
  });
});
