/**
 * `eks-access completion bash|zsh|fish` (issue 25, item 7): generated from the command table and each command's
 * `HELP.flags`, the tables the frame parses with. The bash script is checked by a real bash: `bash -n`, then sourced
 * and asked to complete words the way readline does (COMP_WORDS/COMP_CWORD, then the registered function), for every
 * command and every flag. The zsh and fish scripts are checked for every command and flag, then, where those shells
 * are installed (.ci/run installs zsh and fish; a machine without them fails here rather than skipping), by `zsh -n` and by fish itself
 * (`fish -n`, then `complete -C`, fish's own completion of a command line).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, runCli } from '../../bin/cli-main';
import { captureCli } from '../helpers/cli-output';
import { run } from '../../harness/run-process';

let dir: string;
let bashScript: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'completion-'));
  const r = await captureCli(runCli, ['completion', 'bash']);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  bashScript = join(dir, 'eks-access.bash');
  writeFileSync(bashScript, r.stdout);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Completes each word list in one real bash; returns each answer (COMPREPLY, sorted). */
async function complete(cases: readonly string[][]): Promise<string[][]> {
  const quote = (w: string) => `'${w.replace(/'/g, "'\\''")}'`;
  const body = cases.map((words) => [
    `COMP_WORDS=(${words.map(quote).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=()`,
    // The function bash registered for the command word, as readline would call it.
    `fn=$(complete -p ${quote(words[0])} | sed -E 's/.* -F ([^ ]+) .*/\\1/'); "$fn" ${quote(words[0])} ${quote(words[words.length - 1])} ${quote(words[words.length - 2] ?? '')}`,
    'printf "%s\\n" "${COMPREPLY[@]}" | sort | tr "\\n" " "; echo',
  ].join('\n')).join('\n');
  const r = await run('bash', ['--norc', '--noprofile', '-c', `source ${quote(bashScript)}\ncd ${quote(dir)}\n${body}`]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.split('\n').slice(0, cases.length).map((l) => l.split(' ').filter(Boolean));
}

describe('bash', () => {
  it('is valid bash (bash -n)', () => {
    const r = spawnSync('bash', ['-n', bashScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect({ status: r.status, stderr: r.stderr, error: r.error?.message }).toEqual({ status: 0, stderr: '', error: undefined });
  });

  it('completes commands, flags and fixed values, for eks-access and the kubectl plugin name', async () => {
    const answers = await complete([
      ['eks-access', 'di'],
      ['kubectl-eks_access', 'mat'],
      ['eks-access', 'can-i', 'get', 'pods', '--fr'],
      ['eks-access', 'who-can', '--output', 'y'],
      ['eks-access', 'merge-aws-auth', '-o', ''],
      ['eks-access', 'risks', '--fail-on', 'c'],
      ['eks-access', 'completion', 'z'],
      ['eks-access', 'help', 'merge'],
      ['eks-access', 'can-i', '-'],
    ]);
    expect(answers.slice(0, 8)).toEqual([['diff'], ['matrix'], ['--from'], ['yaml'], ['json', 'yaml'], ['critical'], ['zsh'], ['merge-aws-auth']]);
    expect(answers[8]).toEqual(expect.arrayContaining(['-q', '--quiet', '--explain', '-o', '--output', '--as-arn']));
  });

  it('offers the fleet flags (issue 26) of snapshot, diff, report and who-can', async () => {
    const answers = await complete([
      ['eks-access', 'snapshot', '--fle'],
      ['eks-access', 'diff', '--fleet-'],
      ['eks-access', 'report', '--fl'],
      ['eks-access', 'who-can', 'get', 'pods', '--fle'],
    ]);
    expect(answers).toEqual([['--fleet', '--fleet-concurrency'], ['--fleet-concurrency'], ['--fleet'], ['--fleet']]);
  });

  it('offers -l/--selector (the fleet commands\' label selector) on snapshot, diff, report and who-can', async () => {
    const answers = await complete([
      ['eks-access', 'snapshot', '--sel'],
      ['eks-access', 'diff', '--sel'],
      ['eks-access', 'report', '--sel'],
      ['eks-access', 'who-can', 'get', 'pods', '--sel'],
      ['eks-access', 'can-i', '--sel'],
    ]);
    expect(answers).toEqual([['--selector'], ['--selector'], ['--selector'], ['--selector'], []]);
  });

  it('offers every flag of every command (from the same HELP the frame parses with)', async () => {
    const cases: string[][] = [];
    const expected: string[][] = [];
    for (const name of Object.keys(COMMANDS)) {
      const mod = await COMMANDS[name].load();
      for (const f of mod.HELP.flags) {
        cases.push(['eks-access', name, `--${f.name}`]);
        // Every flag that starts with this one's name (--as → --as, --as-arn, --as-group).
        expected.push(mod.HELP.flags.map((g) => `--${g.name}`).filter((g) => g.startsWith(`--${f.name}`)).sort());
      }
    }
    expect(cases.length).toBeGreaterThan(50);
    expect(await complete(cases)).toEqual(expected);
  });
});

describe.each(['zsh', 'fish'])('%s', (shell) => {
  it('names every command and every long flag', async () => {
    const r = await captureCli(runCli, ['completion', shell]);
    expect(r.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) {
      expect(r.stdout).toContain(name);
      for (const f of (await COMMANDS[name].load()).HELP.flags) expect(r.stdout).toMatch(shell === 'zsh' ? `--${f.name}` : `-l ${f.name}`);
    }
  });
});

it('refuses a shell it does not know, naming the ones it does (exit 2)', async () => {
  const r = await captureCli(runCli, ['completion', 'powershell']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^eks-access completion: say which shell: bash, zsh, fish, not 'powershell'\n/);
});


describe('zsh, run by zsh', () => {
  it('parses (zsh -n) and registers its function for both program names with compinit', async () => {
    const file = join(dir, '_eks-access');
    writeFileSync(file, (await captureCli(runCli, ['completion', 'zsh'])).stdout);
    expect(await run('zsh', ['-n', file])).toMatchObject({ code: 0, stderr: '' });
    const r = await run('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -D && source '${file}' && print -r -- $_comps[eks-access] $_comps[kubectl-eks_access]`], { env: { ...process.env, HOME: dir } });
    expect(r).toMatchObject({ code: 0, stdout: '_eks_access _eks_access\n' });
  });
});

describe('fish, run by fish', () => {
  it('parses (fish -n) and completes commands, flags and fixed values (complete -C)', async () => {
    const file = join(dir, 'eks-access.fish');
    writeFileSync(file, (await captureCli(runCli, ['completion', 'fish'])).stdout);
    expect(await run('fish', ['-n', file])).toMatchObject({ code: 0, stderr: '' });
    const lines = ['eks-access mat', 'kubectl-eks_access can-i --fr', 'eks-access risks --fail-on c', 'eks-access merge-aws-auth -o '];
    const r = await run('fish', ['--no-config', '-c', `source '${file}'; ${lines.map((l) => `complete -C '${l}' | cut -f1 | sort | string join ' '`).join('; ')}`], { env: { ...process.env, HOME: dir } });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(['matrix', '--from', 'critical', 'json yaml']);
  });
});
