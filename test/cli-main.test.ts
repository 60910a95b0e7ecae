/**
 * The `eks-access` dispatcher and the help of every command: `--version`, `help <command>`, full flag help (every
 * flag the command parses, with its default) and one error prefix (`eks-access <command>: `) on every command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, runCli } from '../bin/cli-main';
import { renderHelp } from '../bin/commands/help';
import { captureCli } from './helpers/cli-output';
import { CLI, eksAccess } from '../harness/eks-access-process';

const ROOT = join(__dirname, '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NAMES = Object.keys(COMMANDS);

describe('eks-access dispatcher', () => {
  it('prints every command on --help to stdout and exits 0', async () => {
    const res = await captureCli(runCli, ['--help']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    for (const name of NAMES) expect(res.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(await captureCli(runCli, ['help'])).toEqual(res);
  });

  it('answers an unknown or missing command with a usage error (exit 2) on stderr', async () => {
    const unknown = await captureCli(runCli, ['bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^eks-access: unknown command 'bogus'\nusage: eks-access <command>/);
    const missing = await captureCli(runCli, []);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^usage: eks-access <command>/);
    const helpUnknown = await captureCli(runCli, ['help', 'bogus']);
    expect(helpUnknown).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^eks-access: unknown command 'bogus'\n/) });
  });

  it.each(['--version', '-v', 'version'])('%s prints the package version and exits 0', async (flag) => {
    expect(await captureCli(runCli, [flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('the compiled binary answers --version and help <command> (npm test builds dist/ first)', async () => {
    expect(existsSync(CLI)).toBe(true);
    const version = await eksAccess(['--version']);
    expect({ status: version.code, stdout: version.stdout }).toEqual({ status: 0, stdout: `${VERSION}\n` });
    const help = await eksAccess(['help', 'risks']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: eks-access risks --from PATH\.\.\. \[options\]\n/);
  });
});

describe.each(NAMES)('eks-access %s', (name) => {
  it('documents exactly the flags it parses (name and short alias), each switch or with its default or required', async () => {
    const mod = await COMMANDS[name].load();
    const parsed = Object.entries(mod.OPTIONS as Record<string, { short?: string }>).map(([flag, o]) => [flag, o.short ?? null]).sort();
    const documented = mod.HELP.flags.map((f) => [f.name, f.short ?? null]).sort();
    expect(documented).toEqual(parsed);
    expect(mod.HELP.name).toBe(name);
    for (const f of mod.HELP.flags) {
      const options = mod.OPTIONS as Record<string, { type: string }>;
      const isSwitch = options[f.name].type === 'boolean';
      expect({ flag: f.name, value: isSwitch ? undefined : expect.any(String) }).toEqual({ flag: f.name, value: f.value });
      if (!isSwitch) expect({ flag: f.name, stated: f.required === true || f.default !== undefined }).toEqual({ flag: f.name, stated: true });
    }
  });

  it('--help and help <command> print every flag with its default to stdout and exit 0', async () => {
    const mod = await COMMANDS[name].load();
    const res = await captureCli(mod.run, ['--help']);
    expect(res).toEqual({ code: 0, stdout: renderHelp(mod.HELP), stderr: '' });
    expect(res.stdout).toMatch(new RegExp(`^usage: eks-access ${name} `));
    for (const f of mod.HELP.flags) {
      const flagLines = res.stdout.split('\n\n').find((block) => block.startsWith('flags:\n'))!.split('\n').slice(1);
      const line = flagLines.find((l) => new RegExp(`^  (-\\w, |    )--${f.name}(?![\\w-])`).test(l));
      expect({ flag: f.name, line }).toEqual({ flag: f.name, line: expect.stringMatching(/\((default: .+|required)\)$|print this help/) });
    }
    expect(await captureCli(runCli, ['help', name])).toEqual(res);
    expect(await captureCli(runCli, [name, '-h'])).toEqual(res);
  });

  it("rejects an unknown flag with exit 2 and the CLI's one error prefix on stderr", async () => {
    const res = await captureCli(runCli, [name, '--no-such-flag']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(new RegExp(`^eks-access ${name}: .*no-such-flag`));
  });
});
