/**
 * The frame every strict command shares (the analysis, live and aws-auth commands): parsing with `UsageError`s,
 * `--help`, `--output` checking, and the CLI's one way of reporting an error: one prefixed line on stderr, or with
 * `--output json` a `{"error":{"type","message"}}` object on stdout (so a pipe sees it); exit 2.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { UsageError, wantsJson } from './cli-flags';
import { CommandHelp, errorLine, renderHelp, usageLine } from './help';

export const EXIT_ERROR = 2;

/** Runs `parseArgs`, turning its complaints into `UsageError`s. */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;
/** What `parseArgs` gives for `options` with strict flags (positionals allowed or not). */
export type ParsedFlags<O extends Options, P extends boolean> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: P }>>;

/**
 * The frame of a strict command: `--output json` decided before parsing (so parse errors are JSON too), flags parsed
 * (complaints become `UsageError`s), `--help` printed, then `body`; whatever it throws is reported by `reportError`
 * (exit 2), followed on stderr by the usage line when `usageAfterErrors` is set.
 */
export function strictCommand<const O extends Options, P extends boolean>(
  help: CommandHelp,
  options: O,
  frame: { allowPositionals: P; usageAfterErrors?: boolean },
  body: (parsed: ParsedFlags<O, P>, json: boolean) => Promise<number>,
): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const json = wantsJson(argv);
    try {
      const parsed = usageErrors(() => parseArgs({ args: argv, options, allowPositionals: frame.allowPositionals, strict: true })) as ParsedFlags<O, P>;
      if ((parsed.values as { help?: boolean }).help) {
        process.stdout.write(renderHelp(help));
        return 0;
      }
      return await body(parsed, json);
    } catch (e) {
      const code = reportError(e, json, help.name);
      if (frame.usageAfterErrors && !json) process.stderr.write(`${usageLine(help)}\n`);
      return code;
    }
  };
}

export function checkOutput(output: string | undefined): 'json' | 'text' {
  if (output === undefined || output === 'text') return 'text';
  if (output === 'json') return 'json';
  throw new UsageError(`--output must be json or text, not '${output}'`);
}

/**
 * Prints an error (one prefixed line on stderr, or `{"error":{"type","message"}}` on stdout) and returns exit code 2.
 * The type is the error class's name (`UsageError`, `InputError`, `NoAccessObjectsError`...), `Error` for a plain one.
 */
export function reportError(e: unknown, json: boolean, command?: string): number {
  const err = e as Error;
  const type = err?.name && err.name !== 'Error' ? err.name : 'Error';
  if (json) process.stdout.write(`${JSON.stringify({ error: { type, message: err?.message ?? String(e) } })}\n`);
  else process.stderr.write(errorLine(command, err?.message ?? String(e)));
  return EXIT_ERROR;
}

export function printWarnings(warnings: readonly string[], command?: string): void {
  for (const w of warnings) process.stderr.write(errorLine(command, `warning: ${w}`));
}
