/**
 * `eks-access import --aws-auth FILE` (issue 25): an aws-auth ConfigMap alone becomes model code — one access entry
 * per row — through the same emitter as a snapshot import, so hostile rows stay literals and NOTEs.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import type { AccessModel } from '../../lib';
import { emittedShapeProblems, runEmitted } from '../../harness/emitted-module';
import { runEksAccess } from '../analysis/run-cli';

const ACCT = '111122223333';
const WORK = resolve(__dirname, '..', '..', 'test-artifacts', 'live-import-aws-auth');
const LIB = resolve(__dirname, '..', '..', 'lib', 'index');
const LS = '\u2028';

const configMap = {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' },
  data: {
    mapRoles: stringify([
      { rolearn: `arn:aws:iam::${ACCT}:role/eks-nodes`, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] },
      { rolearn: `arn:aws:iam::${ACCT}:role/admin`, username: 'admin', groups: ['system:masters'] },
      { rolearn: `arn:aws:iam::${ACCT}:role/dev`, username: 'dev', groups: ['dev-team'] },
      { rolearn: `arn:aws:iam::${ACCT}:role/dev`, username: 'dev2', groups: ['other'] },
      { rolearn: `arn:aws:iam::${ACCT}:role/evil`, username: `x${LS}require('child_process').execSync('id');// `, groups: [`g${LS}*/`] },
    ]),
    mapUsers: stringify([{ userarn: `arn:aws:iam::${ACCT}:user/bob`, username: 'bob', groups: ['viewers'] }]),
    mapAccounts: stringify([ACCT]),
  },
};

describe('import --aws-auth FILE', () => {
  beforeAll(() => {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
  });

  it('writes one access entry per row, NOTEs for what entries cannot hold, and nothing but library calls', async () => {
    const file = join(WORK, 'aws-auth.yaml');
    writeFileSync(file, stringify(configMap));
    const out = join(WORK, 'access.ts');
    const r = await runEksAccess('import', '--aws-auth', file, '--out', out, '--module', LIB, '--cluster', 'prod', '--output', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const notes = (JSON.parse(r.stdout) as { notes: string[] }).notes;
    expect(notes.join('\n')).toMatch(/a second role row for arn:aws:iam::111122223333:role\/dev/);
    expect(notes.join('\n')).toMatch(/mapAccounts 111122223333; access entries have no account-wide entry/);
    const source = readFileSync(out, 'utf8');
    expect(source).toContain('export const CLUSTER_NAME = "prod";');
    expect(source).toContain(`model.addNodeRole("eks-nodes", "arn:aws:iam::${ACCT}:role/eks-nodes", { entryType: AccessEntryType.EC2_LINUX });`);
    expect(source).toContain('AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()');
    expect(source).toMatch(/^[\x20-\x7e\n]*$/);
    expect(emittedShapeProblems(source)).toEqual([]);

    const run = runEmitted(source, () => new App());
    expect(run).toEqual({ forbiddenModules: [], manifests: expect.any(String) });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const model = (require(out) as { liveAccessModel(): AccessModel }).liveAccessModel();
    const entries = model.accessEntries().map((e) => `${e.principalArn} ${e.type} ${e.username ?? ''} ${[...(e.kubernetesGroups ?? [])].join(',')}`).sort();
    expect(entries).toEqual([
      `arn:aws:iam::${ACCT}:role/admin STANDARD admin `,
      `arn:aws:iam::${ACCT}:role/dev STANDARD dev dev-team`,
      `arn:aws:iam::${ACCT}:role/eks-nodes EC2_LINUX  `,
      `arn:aws:iam::${ACCT}:user/bob STANDARD bob viewers`,
    ]);
  });

  it('refuses (exit 2) a file with no aws-auth ConfigMap, a mode without access entries, and --from with --aws-auth', async () => {
    const file = join(WORK, 'not-aws-auth.yaml');
    writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Secret', metadata: { name: 'x' } }] }));
    const r = await runEksAccess('import', '--aws-auth', file, '--out', join(WORK, 'x.ts'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no aws-auth ConfigMap');
    writeFileSync(join(WORK, 'ok.yaml'), stringify(configMap));
    const mode = await runEksAccess('import', '--aws-auth', join(WORK, 'ok.yaml'), '--out', join(WORK, 'x.ts'), '--mode', 'CONFIG_MAP');
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('--mode must be one of API_AND_CONFIG_MAP, API');
    const both = await runEksAccess('import', '--aws-auth', join(WORK, 'ok.yaml'), '--from', WORK, '--out', join(WORK, 'x.ts'));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('either --from DIR or --aws-auth FILE');
  });
});
