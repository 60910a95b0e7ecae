/**
 * The CLI's one `UsageError` and one `outputFormatOf` (bin/commands/cli-flags.ts), used by the frame every command
 * runs on: every form of `-o/--output` is seen before parsing, so a usage error comes out in the asked-for format,
 * with the same error type whichever command reports it.
 */
import { runCli } from '../bin/cli-main';
import { outputFormatOf } from '../bin/commands/cli-flags';
import { captureCli } from './helpers/cli-output';

describe('outputFormatOf', () => {
  it.each([
    [['--output', 'json'], 'json'],
    [['-o', 'json'], 'json'],
    [['--output=json'], 'json'],
    [['-ojson'], 'json'],
    [['-o', 'yaml'], 'yaml'],
    [['--output=yaml'], 'yaml'],
    // parseArgs keeps the last value of a repeated flag: so does the check made before parsing.
    [['-o', 'text', '-o', 'json'], 'json'],
    [['-o', 'json', '-o', 'text'], 'text'],
    [['--output', 'text'], 'text'],
    [['json'], 'text'],
    [['--output'], 'text'],
    [['--output', 'xml'], 'text'],
    [['--', '-o', 'json'], 'text'],
    [[], 'text'],
  ])('%j → %s', (argv, expected) => {
    expect(outputFormatOf(argv)).toBe(expected);
  });
});

describe('UsageError', () => {
  it.each([
    ['can-i', ['can-i', 'get', 'pods', '--bogus', '-o', 'json']],
    ['snapshot', ['snapshot', '--bogus', '--output=json']],
    ['verify', ['verify', '--bogus', '-ojson']],
    ['init', ['init', '--bogus', '--output', 'json']],
  ])('%s reports a bad flag as {"error":{"type":"UsageError"}} on stdout, exit 2', async (_name, argv) => {
    const r = await captureCli(runCli, argv);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { type: 'UsageError', message: expect.stringMatching(/--bogus/) } });
  });
});
