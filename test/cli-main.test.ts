/** The `eks-access` dispatcher: help, usage errors, and that every listed command loads to a real `run`. */
import { COMMANDS, runCli } from '../bin/cli-main';
import { captureCli } from './helpers/cli-output';

describe('eks-access dispatcher', () => {
  it('prints every command on --help to stdout and exits 0', async () => {
    const res = await captureCli(runCli, ['--help']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    for (const name of Object.keys(COMMANDS)) expect(res.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('answers an unknown or missing command with a usage error (exit 2) on stderr', async () => {
    const unknown = await captureCli(runCli, ['bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^unknown command 'bogus'\nusage: eks-access <command>/);
    const missing = await captureCli(runCli, []);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^usage: eks-access <command>/);
  });

  it.each(Object.keys(COMMANDS))('loads %s, whose --help prints its own usage and exits 0', async (name) => {
    const mod = await COMMANDS[name].load();
    const res = await captureCli(mod.run, ['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout + res.stderr).toContain(name);
    expect(res.stderr).not.toMatch(/not implemented/);
  });
});
