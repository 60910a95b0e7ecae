/**
 * The CLI's one `UsageError` and one `wantsJson` (bin/commands/cli-flags.ts), shared by the commands that parse their
 * own flags (`token`, `verify`), the analysis commands and the live commands: every form of `--output json` is seen
 * before parsing, so a usage error is JSON too, with the same error type whichever command reports it.
 */
import { runCli } from '../bin/cli-main';
import { usageErrors } from '../bin/commands/analysis-command';
import { UsageError, wantsJson } from '../bin/commands/cli-flags';
import { captureCli } from './helpers/cli-output';

describe('wantsJson', () => {
  it.each([
    [['--output', 'json'], true],
    [['-o', 'json'], true],
    [['--output=json'], true],
    [['-ojson'], true],
    // parseArgs keeps the last value of a repeated flag: so does the check made before parsing.
    [['-o', 'text', '-o', 'json'], true],
    [['--output', 'text'], false],
    [['json'], false],
    [['--output'], false],
    [[], false],
  ])('%j → %s', (argv, expected) => {
    expect(wantsJson(argv)).toBe(expected);
  });
});

describe('UsageError', () => {
  it('is the error parse failures of the analysis commands become, named UsageError', () => {
    let error: unknown;
    try {
      usageErrors(() => {
        throw new Error("Unknown option '--bogus'");
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).name).toBe('UsageError');
  });

  it.each([
    ['can-i', ['can-i', 'get', 'pods', '--bogus', '-o', 'json']],
    ['snapshot', ['snapshot', '--bogus', '--output=json']],
  ])('%s reports a bad flag as {"error":{"type":"UsageError"}} on stdout, exit 2', async (_name, argv) => {
    const r = await captureCli(runCli, argv);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { type: 'UsageError', message: expect.stringMatching(/--bogus/) } });
  });
});
