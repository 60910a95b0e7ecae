/**
 * The shape shared by the live-cluster commands (`snapshot`, `diff`, `import`): strict flags plus `-o/--output` and
 * `--help`, on the one frame (command-frame.ts): usage text on `--help`, `-o text|json|yaml` checked, and every error
 * reported the CLI's one way (one escaped line on stderr, or `{"error":{type,message}}` on stdout with `-o json|yaml`).
 */
import { ParseArgsConfig } from 'node:util';
import { OutputFormat } from './cli-flags';
import { ParsedFlags, strictCommand } from './command-frame';
import { CommandHelp, FlagHelp, HELP_FLAG, OUTPUT_FLAG } from './help';

type Options = NonNullable<ParseArgsConfig['options']>;
/** `--output` and `--help`, which every live command takes (spread into the command's `OPTIONS`). */
export const LIVE_OPTIONS = { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } as const;
/** Help of `LIVE_OPTIONS` (put into the command's `HELP.flags`). */
export const LIVE_FLAG_HELP: FlagHelp[] = [OUTPUT_FLAG, HELP_FLAG];
type Values<O extends Options> = ParsedFlags<O & typeof LIVE_OPTIONS, false>['values'];

export function liveCommand<const O extends Options>(
  help: CommandHelp,
  options: O,
  body: (values: Values<O>, json: boolean, format: OutputFormat) => Promise<number>,
): (argv: string[]) => Promise<number> {
  return strictCommand(help, { ...options, ...LIVE_OPTIONS }, { allowPositionals: false }, ({ values }, json, format) =>
    body(values as Values<O>, json, format));
}
