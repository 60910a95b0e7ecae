/**
 * One command reads each aws-auth ConfigMap once: `who-can` and `can-i --as-arn` each ask for the IAM principal
 * resolver twice (the answer and the role-assumption chains), which parsed `mapRoles`/`mapUsers` twice — on 1,200 rows
 * the largest cost of those commands (issue 24; bench/results/analysis-size.md). Counted on the real command modules,
 * in-process, on a real ConfigMap file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as awsAuth from '../../authenticator/mapper/aws-auth';
import { encodeAwsAuth } from '../../authenticator/mapper/aws-auth';
import { runEksAccess } from './run-cli';

let dir: string;
let from: string[];
const role = 'arn:aws:iam::111122223333:role/ops';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'aws-auth-once-'));
  const data = encodeAwsAuth({ roles: [{ roleArn: role, username: 'ops:{{SessionName}}', groups: ['ops'] }], users: [], accounts: [] });
  const manifests = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'ops', namespace: 'apps' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops' }] },
  ];
  writeFileSync(path.join(dir, 'access.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
  from = ['--from', path.join(dir, 'access.json')];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each([
  ['who-can', ['who-can', 'delete', 'pods', '-n', 'apps']],
  ['can-i --as-arn', ['can-i', 'delete', 'pods', '-n', 'apps', '--as-arn', role]],
])('%s parses the aws-auth ConfigMap once', async (_name, args) => {
  const parse = jest.spyOn(awsAuth, 'parseMappingDocument');
  try {
    const r = await runEksAccess(...args, ...from, '-o', 'json');
    expect(r.code).toBe(0);
    // The answer still comes through the aws-auth row.
    expect(r.stdout).toContain(role);
    expect(parse).toHaveBeenCalledTimes(1);
  } finally {
    parse.mockRestore();
  }
});
