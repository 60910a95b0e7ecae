/**
 * The shape shared by the live-cluster commands (`snapshot`, `diff`, `import`): strict flags plus `--output` and
 * `--help`, usage text on `--help`, `--output json|text` checked, and every error reported the analysis commands' way
 * (one line on stderr, or `{"error":{type,message}}` on stdout with `--output json`; exit 2).
 */
import { ParseArgsConfig } from 'node:util';
import { ParsedFlags, checkOutput, strictCommand } from './command-frame';
import { CommandHelp, FlagHelp, HELP_FLAG } from './help';

type Options = NonNullable<ParseArgsConfig['options']>;
/** `--output` and `--help`, which every live command takes (spread into the command's `OPTIONS`). */
export const LIVE_OPTIONS = { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } as const;
/** Help of `LIVE_OPTIONS` (put into the command's `HELP.flags`). */
export const LIVE_FLAG_HELP: FlagHelp[] = [
  { name: 'output', short: 'o', value: 'FORMAT', default: 'text', meaning: 'text or json (errors then are {"error":{"type","message"}} on stdout)' },
  HELP_FLAG,
];
type Values<O extends Options> = ParsedFlags<O & typeof LIVE_OPTIONS, false>['values'];

export function liveCommand<const O extends Options>(
  help: CommandHelp,
  options: O,
  body: (values: Values<O>, json: boolean) => Promise<number>,
): (argv: string[]) => Promise<number> {
  return strictCommand(help, { ...options, ...LIVE_OPTIONS }, { allowPositionals: false }, ({ values }, json) => {
    checkOutput((values as { output?: string }).output);
    return body(values as Values<O>, json);
  });
}
