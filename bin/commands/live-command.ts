/**
 * The shape shared by the live-cluster commands (`snapshot`, `diff`, `import`): strict flags plus `--output` and
 * `--help`, usage text on `--help`, `--output json|text` checked, and every error reported the analysis commands' way
 * (one line on stderr, or `{"error":{type,message}}` on stdout with `--output json`; exit 2).
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { checkOutput, reportError, usageErrors, wantsJson } from '../../lib/analysis/cli-support';

type Options = NonNullable<ParseArgsConfig['options']>;
const COMMON = { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } } as const;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof COMMON; strict: true }>>['values'];

export function liveCommand<const O extends Options>(
  usage: string,
  options: O,
  body: (values: Values<O>, json: boolean) => Promise<number>,
): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const json = wantsJson(argv);
    try {
      const values = usageErrors(() => parseArgs({ args: argv, strict: true, options: { ...options, ...COMMON } })).values as Values<O> & { help?: boolean; output?: string };
      if (values.help) {
        process.stdout.write(`${usage}\n`);
        return 0;
      }
      checkOutput(values.output);
      return await body(values, json);
    } catch (e) {
      return reportError(e, json);
    }
  };
}
