/**
 * `eks-access migrate --aws-auth FILE --write-code OUT.ts` (issue 25): the plan, and the model code for the rows written
 * through the one emitter of `import --aws-auth` — so a hostile row (a newline or U+2028 in a username, a comment
 * closer in a group) stays a string literal in code that parses, and the printed NOTEs stay one escaped line each.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import type { AccessModel } from '../../lib';
import { generateAwsAuthImport } from '../../lib/live/import/aws-auth-file';
import { emittedShapeProblems, runEmitted } from '../../harness/emitted-module';
import { runEksAccess } from '../analysis/run-cli';

const ACCT = '111122223333';
const LIB = resolve(__dirname, '..', '..', 'lib', 'index');
const LS = '\u2028';
const HOSTILE_USER = `x\n${LS}require('child_process').execSync('id');//`;

const configMap = {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' },
  data: {
    mapRoles: stringify([
      { rolearn: `arn:aws:iam::${ACCT}:role/team`, username: HOSTILE_USER, groups: ['team'] },
      // A group the model refuses: not imported, a NOTE that quotes it (escaped in the code comment and in the output).
      { rolearn: `arn:aws:iam::${ACCT}:role/evil`, username: 'evil', groups: [`g${LS}*/\n// injected`] },
      // The second row for the same ARN becomes a NOTE naming it; its username is hostile too.
      { rolearn: `arn:aws:iam::${ACCT}:role/team`, username: `y\n\u001b[2J`, groups: ['other'] },
      { rolearn: `arn:aws:iam::${ACCT}:role/admin`, username: 'admin', groups: ['system:masters'] },
      // Written with its IAM path: the authenticator never matched it, so its access entry would be new access.
      { rolearn: `arn:aws:iam::${ACCT}:role/team/Ops`, username: 'ops', groups: ['ops'] },
    ]),
    mapUsers: stringify([{ userarn: `arn:aws:iam::${ACCT}:user/bob`, username: 'bob', groups: ['viewers'] }]),
  },
};

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'migrate-code-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrate --write-code', () => {
  it('writes the same code as import --aws-auth; hostile rows stay literals; plan and NOTEs are escaped', async () => {
    const file = join(dir, 'aws-auth.yaml');
    writeFileSync(file, stringify(configMap));
    const out = join(dir, 'access.ts');
    const r = await runEksAccess('migrate', '--aws-auth', file, '--write-code', out, '--module', LIB, '--cluster', 'prod');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Text output: the plan, then the written file with its NOTEs, printable ASCII only (no raw newline inside an item).
    expect(r.stdout).toMatch(/^Access entries to create/);
    expect(r.stdout).toContain(`wrote ${out} with `);
    expect(r.stdout).toMatch(/a second role row for arn:aws:iam::111122223333:role\/team/);
    expect(r.stdout).toMatch(/access entry arn:aws:iam::111122223333:role\/evil \(STANDARD\); the model refuses it/);
    // eslint-disable-next-line no-control-regex -- the assertion is that no control character reaches the terminal
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(r.stdout).not.toContain('\n\u2028');

    const source = readFileSync(out, 'utf8');
    // One code writer: byte for byte what the import emitter writes for this document.
    expect(source).toBe(generateAwsAuthImport(configMap, file, { clusterName: 'prod', moduleName: LIB }).source);
    expect(source).toMatch(/^[\x20-\x7e\n]*$/);
    expect(emittedShapeProblems(source)).toEqual([]);
    expect(runEmitted(source, () => new App())).toEqual({ forbiddenModules: [], manifests: expect.any(String) });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const model = (require(out) as { liveAccessModel(): AccessModel }).liveAccessModel();
    const team = model.accessEntries().find((e) => e.principalArn === `arn:aws:iam::${ACCT}:role/team`);
    expect(team?.username).toBe(HOSTILE_USER);
    expect([...(team?.kubernetesGroups ?? [])]).toEqual(['team']);
    expect(model.accessEntries().map((e) => e.principalArn)).not.toContain(`arn:aws:iam::${ACCT}:role/evil`);
    expect(source).toMatch(/\/\/ NOTE live: access entry arn:aws:iam::111122223333:role\/evil .*model refuses it/);
  });

  it('-o json carries the plan and {code: {file, notes}}', async () => {
    const file = join(dir, 'aws-auth.yaml');
    writeFileSync(file, stringify(configMap));
    const out = join(dir, 'access2.ts');
    const r = await runEksAccess('migrate', '--aws-auth', file, '--write-code', out, '--module', LIB, '-o', 'json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { entries: Array<{ principalArn: string; notes: string[] }>; code: { file: string; notes: string[] } };
    // The code's NOTE says what the plan says about a row written with its path (one rule, lib/k8s/migration-plan.ts).
    const planNote = body.entries.find((e) => e.principalArn.endsWith(':role/team/Ops'))!.notes.join(' ');
    expect(planNote).toMatch(/never matched/);
    expect(body.code.notes).toContain(`aws-auth: role row arn:aws:iam::${ACCT}:role/team/Ops: ${planNote}.`);
    expect(body.entries.length).toBeGreaterThan(0);
    expect(body.code.file).toBe(out);
    expect(body.code.notes.join('\n')).toContain('a second role row');
    expect(readFileSync(out, 'utf8')).toContain('export const CLUSTER_NAME = "my-cluster";');
  });

  it('refuses (exit 2) code flags without --write-code, and a mode without access entries, writing nothing', async () => {
    const file = join(dir, 'aws-auth.yaml');
    writeFileSync(file, stringify(configMap));
    const lone = await runEksAccess('migrate', '--aws-auth', file, '--cluster', 'prod');
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain('go with --write-code');
    const out = join(dir, 'never.ts');
    const mode = await runEksAccess('migrate', '--aws-auth', file, '--write-code', out, '--mode', 'CONFIG_MAP');
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('--mode must be one of API_AND_CONFIG_MAP, API');
    expect(mode.stdout).toBe('');
    expect(() => readFileSync(out)).toThrow();
  });
});
