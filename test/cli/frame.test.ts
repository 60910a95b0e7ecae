/**
 * Issue 23, item 4 and issue 25, item 7: every command on the one frame (bin/commands/command-frame.ts): the same
 * usage errors with "did you mean" instead of Node's parseArgs text, the one `-o text|json|yaml` where output is
 * structured (yaml is the same data as json), structured errors whose type is never plain `Error`, one exit-code
 * policy printed by `eks-access help` and written in the README, and `can-i -q`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { COMMANDS, runCli } from '../../bin/cli-main';
import { errorType } from '../../bin/commands/command-frame';
import { EXIT_CODE_TABLE } from '../../bin/commands/exit-codes';
import { usageLine } from '../../bin/commands/help';
import { captureCli } from '../helpers/cli-output';

const ROOT = resolve(__dirname, '..', '..');
const WALKTHROUGH = join(ROOT, 'test/analysis/fixtures/walkthrough');
const NAMES = Object.keys(COMMANDS);
const cli = (...argv: string[]) => captureCli(runCli, argv);

let dir: string;
let snap: string;
let awsAuth: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'frame-'));
  snap = join(dir, 'snap');
  mkdirSync(join(snap, 'kubernetes'), { recursive: true });
  writeFileSync(join(snap, 'cluster.json'), JSON.stringify({
    apiVersion: 'cdk-eks-access.io/v1alpha1', kind: 'LiveSnapshot', takenAt: '2026-11-29T10:00:00.000Z',
    cluster: { name: 'prod', region: 'us-east-1', authenticationMode: 'API' },
    accessEntries: [{ principalArn: 'arn:aws:iam::111122223333:user/alice', type: 'STANDARD', username: 'alice', kubernetesGroups: ['dev'], accessPolicies: [] }],
    iamRoles: [], problems: [],
  }));
  awsAuth = join(dir, 'aws-auth.yaml');
  writeFileSync(awsAuth, stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' },
    data: { mapRoles: stringify([{ rolearn: 'arn:aws:iam::111122223333:role/ops', username: 'ops', groups: ['ops'] }]) } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(NAMES)('eks-access %s on the frame', (name) => {
  it('answers a misspelt flag with the closest one, the usage line and exit 2 (not parseArgs text)', async () => {
    const mod = await COMMANDS[name].load();
    const r = await cli(name, '--hepl');
    expect(r).toEqual({ code: 2, stdout: '', stderr: `eks-access ${name}: Unknown option '--hepl'; did you mean --help?\n${usageLine(mod.HELP)}\n` });
  });

  it('answers a flag without its value, or a switch given one, by name', async () => {
    const mod = await COMMANDS[name].load();
    const valued = mod.HELP.flags.find((f) => f.value !== undefined);
    const r = await cli(name, valued ? `--${valued.name}` : '--help=yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(valued ? `eks-access ${name}: --${valued.name} needs a value` : `eks-access ${name}: --help takes no value`);
    expect(r.stderr).not.toMatch(/To specify a positional argument/);
  });
});

describe('structured output: -o json|yaml wherever output is structured', () => {
  it('every command with structured output takes -o with yaml (token prints kubectl\'s ExecCredential, completion a script)', async () => {
    const without: string[] = [];
    for (const name of NAMES) {
      const mod = await COMMANDS[name].load();
      const output = mod.HELP.flags.find((f) => f.name === 'output');
      if (!output) without.push(name);
      else expect({ name, choices: output.choices, short: output.short }).toEqual({ name, choices: expect.arrayContaining(['json', 'yaml']), short: 'o' });
    }
    expect(without.sort()).toEqual(['completion', 'serve', 'token']);
  });

  it.each([
    ['can-i', ['get', 'pods', '--as', 'x', '--from', WALKTHROUGH]],
    ['who-can', ['get', 'pods', '-A', '--from', WALKTHROUGH]],
    ['matrix', ['--as', 'x', '--from', WALKTHROUGH]],
    ['risks', ['--from', WALKTHROUGH]],
    ['report', ['--from', WALKTHROUGH]],
    ['migrate', ['--aws-auth', '<aws-auth>']],
    ['diff', ['--desired', WALKTHROUGH, '--live', '<snap>']],
    ['import', ['--from', '<snap>', '--out', '<dir>/access.ts']],
  ])('%s -o yaml is the same data as -o json', async (name, args) => {
    const argv = args.map((a) => a.replace('<snap>', snap).replace('<aws-auth>', awsAuth).replace('<dir>', dir));
    const json = await cli(name, ...argv, '-o', 'json');
    const yaml = await cli(name, ...argv, '--output=yaml');
    expect(yaml.code).toBe(json.code);
    expect(json.code).toBeLessThan(2);
    // The report's generatedAt is the time of each run.
    const data = (parsed: unknown) => ({ ...(parsed as object), generatedAt: (parsed as { generatedAt?: string }).generatedAt && 'time' });
    expect(data(parse(yaml.stdout))).toEqual(data(JSON.parse(json.stdout)));
  });

  it('merge-aws-auth prints the ConfigMap in yaml (its default) or json', async () => {
    const ours = join(dir, 'ours.yaml');
    writeFileSync(ours, readFileSync(awsAuth));
    const yaml = await cli('merge-aws-auth', '--live', join(dir, 'none.yaml'), '--ours', ours);
    expect(yaml.code).toBe(2); // unreadable --live: a usage or input error
    writeFileSync(join(dir, 'none.yaml'), '');
    const y = await cli('merge-aws-auth', '--live', join(dir, 'none.yaml'), '--ours', ours);
    const j = await cli('merge-aws-auth', '--live', join(dir, 'none.yaml'), '--ours', ours, '-o', 'json');
    expect(y.code).toBe(0);
    expect(parse(y.stdout)).toEqual(JSON.parse(j.stdout));
    expect((await cli('merge-aws-auth', '--live', '-', '--ours', ours, '-o', 'text')).stderr).toMatch(/--output must be yaml or json, not 'text'/);
  });

  it('init writes the same answer in json and yaml', async () => {
    const j = await cli('init', '--cluster-id', 'c', '--dir', join(dir, 'init-j'), '-o', 'json');
    const y = await cli('init', '--cluster-id', 'c', '--dir', join(dir, 'init-y'), '-o', 'yaml');
    expect([j.code, y.code]).toEqual([0, 0]);
    expect(Object.keys(parse(y.stdout).files)).toEqual(Object.keys(JSON.parse(j.stdout).files));
  });

  it('errors follow the format: YAML on stdout with -o yaml, a typed JSON object with -o json', async () => {
    const y = await cli('risks', '--from', join(dir, 'missing'), '-o', 'yaml');
    expect(y.code).toBe(2);
    expect(y.stderr).toBe('');
    expect(parse(y.stdout)).toEqual({ error: { type: 'SourceError', message: expect.stringContaining('missing') } });
    const usage = await cli('who-can', '--bogus', '-o', 'yaml');
    expect(parse(usage.stdout)).toEqual({ error: { type: 'UsageError', message: expect.stringMatching(/^Unknown option '--bogus'/) } });
    const bad = await cli('who-can', 'get', 'pods', '--from', WALKTHROUGH, '-o', 'xml');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/--output must be text, json or yaml, not 'xml'/) });
  });
});

describe('error types', () => {
  it('are never plain Error: a thrown Error is a CommandError, a file error an InputError', () => {
    expect(errorType(new Error('x'))).toBe('CommandError');
    expect(errorType(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }))).toBe('InputError');
    expect(errorType('a string')).toBe('CommandError');
    expect(errorType(new TypeError('x'))).toBe('TypeError');
  });

  it('import of a snapshot whose fields are not the documented types is a typed error, exit 2', async () => {
    const bad = join(dir, 'bad-snap');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'cluster.json'), JSON.stringify({ apiVersion: 'cdk-eks-access.io/v1alpha1', kind: 'LiveSnapshot', cluster: 'x', accessEntries: 'y', iamRoles: [], problems: [] }));
    const r = await cli('import', '--from', bad, '--out', join(dir, 'bad.ts'), '-o', 'json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.type).not.toBe('Error');
  });

  it('serve that cannot start (an unreadable certificate) exits 2 like every command that cannot run', async () => {
    const config = join(dir, 'serve.yaml');
    writeFileSync(config, stringify({ clusterId: 'c', server: { address: '127.0.0.1', port: 0, tlsCertFile: join(dir, 'no-cert.pem'), tlsKeyFile: join(dir, 'no-key.pem') },
      mapping: { backends: [{ type: 'file', path: awsAuth }] } }));
    const r = await cli('serve', '--config', config);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^eks-access serve: .*no-cert\.pem/);
  });
});

describe('commands', () => {
  it('an unknown command gets the closest one, escaped; Object.prototype names are unknown commands too', async () => {
    const r = await cli('dif');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^eks-access: unknown command 'dif'; did you mean diff\?\nusage: eks-access <command>/);
    for (const name of ['constructor', '__proto__', 'toString']) {
      const p = await cli(name);
      expect({ name, code: p.code, line: p.stderr.split('\n')[0] }).toEqual({ name, code: 2, line: `eks-access: unknown command '${name}'` });
    }
    expect((await cli('help', 'who-cna')).stderr).toMatch(/^eks-access: unknown command 'who-cna'; did you mean who-can\?/);
  });
});

describe('exit codes', () => {
  it('eks-access help prints the policy table', async () => {
    const r = await cli('help');
    expect(r.stdout).toContain('\nexit codes:\n');
    for (const row of EXIT_CODE_TABLE) expect(r.stdout).toMatch(new RegExp(`^  ${row.code.replace(/[,]/g, '\\$&')} +${row.meaning.slice(0, 20).replace(/[()|.*?[\]\\]/g, '\\$&')}`, 'm'));
  });

  it('the README has the same table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([0-9, ]+)` \| (.+) \|$/gm)].map((m) => ({ code: m[1], meaning: m[2] }));
    expect(rows).toEqual(EXIT_CODE_TABLE.map((r) => ({ code: r.code, meaning: r.meaning })));
  });
});

describe('can-i -q (kubectl auth can-i -q)', () => {
  it('prints nothing, not even warnings, and answers by the exit code', async () => {
    const yes = await cli('can-i', 'get', 'pods', '--as', 'x', '--as-group', 'system:masters', '--from', WALKTHROUGH, '-q');
    expect(yes).toEqual({ code: 0, stdout: '', stderr: '' });
    const no = await cli('can-i', 'lsit', 'pods', '--as', 'x', '--from', WALKTHROUGH, '--quiet');
    expect(no).toEqual({ code: 1, stdout: '', stderr: '' });
  });

  it('still reports a usage error, and refuses -q with output it would not print', async () => {
    expect((await cli('can-i', 'get', '-q', '--from', WALKTHROUGH)).code).toBe(2);
    const r = await cli('can-i', 'get', 'pods', '--as', 'x', '--from', WALKTHROUGH, '-q', '-o', 'json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toMatch(/-q prints nothing/);
  });
});
