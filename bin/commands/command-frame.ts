/**
 * The one frame of every `eks-access` command: flags parsed strictly (a mistake is a `UsageError` that names the flag
 * and the closest known one), `-h/--help`, the one `-o/--output` (text|json|yaml where the output is structured,
 * decided before parsing so that parse errors come out in that format), and the CLI's one way of reporting an error:
 * one prefixed line on stderr (escaped for the terminal, followed by the usage line for a usage error), or with
 * `-o json|yaml` an `{"error":{"type","message"}}` object on stdout, so a pipe sees it; the exit code follows the
 * policy in exit-codes.ts. Kept free of heavy imports: `eks-access token` runs through it on every kubectl call.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { CliError, OUTPUT_FORMATS, OutputFormat, UsageError, outputFormatOf } from './cli-flags';
import { EXIT } from './exit-codes';
import { CommandHelp, errorLine, renderHelp, usageLine } from './help';

export type Options = NonNullable<ParseArgsConfig['options']>;
/** What `parseArgs` gives for `options` with strict flags (positionals allowed or not). */
export type ParsedFlags<O extends Options, P extends boolean> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: P }>>;

export interface FrameOptions<P extends boolean> {
  readonly allowPositionals: P;
  /**
   * The formats `-o/--output` accepts, the default first; the command's `OPTIONS` then has `output` (short `o`).
   * @default ['text', 'json', 'yaml']
   */
  readonly formats?: readonly OutputFormat[];
}

/** `--output` checked against the command's formats (the first is the default). */
export function checkOutput(output: string | undefined, formats: readonly OutputFormat[] = OUTPUT_FORMATS): OutputFormat {
  if (output === undefined) return formats[0];
  if ((formats as readonly string[]).includes(output)) return output as OutputFormat;
  throw new UsageError(`--output must be ${formats.slice(0, -1).join(', ')} or ${formats[formats.length - 1]}, not '${output}'`);
}

/**
 * The frame of a command: flags parsed (complaints become `UsageError`s naming the flag), `--help` printed, `--output`
 * checked, then `body`; whatever it throws is reported by `reportError`, in the format asked for.
 */
export function strictCommand<const O extends Options, P extends boolean>(
  help: CommandHelp,
  options: O,
  frame: FrameOptions<P>,
  body: (parsed: ParsedFlags<O, P>, json: boolean, format: OutputFormat) => Promise<number>,
): (argv: string[]) => Promise<number> {
  const formats = frame.formats ?? OUTPUT_FORMATS;
  return async (argv) => {
    // Errors are structured only when a structured format was asked for explicitly (a yaml default stays text).
    let errorFormat: OutputFormat = 'output' in options ? outputFormatOf(argv) : 'text';
    try {
      let parsed: ParsedFlags<O, P>;
      try {
        parsed = parseArgs({ args: argv, options, allowPositionals: frame.allowPositionals, strict: true }) as ParsedFlags<O, P>;
      } catch (e) {
        const { explainParseError } = await import('./flag-errors');
        throw new UsageError(explainParseError(argv, options, frame.allowPositionals, help.name, e as Error));
      }
      if ((parsed.values as { help?: boolean }).help) {
        process.stdout.write(renderHelp(help));
        return EXIT.ok;
      }
      const format = 'output' in options ? checkOutput((parsed.values as { output?: string }).output, formats) : 'text';
      errorFormat = format === 'text' ? errorFormat : format;
      return await body(parsed, format === 'json', format);
    } catch (e) {
      return reportError(e, errorFormat, help.name, help);
    }
  };
}

/** The type an error is reported with: its class name, never plain `Error` (a file error is an `InputError`). */
export function errorType(e: unknown): string {
  const name = e instanceof Error ? e.name : undefined;
  if (name && name !== 'Error') return name;
  return typeof (e as NodeJS.ErrnoException)?.code === 'string' ? 'InputError' : 'CommandError';
}

/** YAML of the error object without loading a YAML library: JSON strings are YAML double-quoted scalars. */
function yamlError(type: string, message: string): string {
  return `error:\n  type: ${JSON.stringify(type)}\n  message: ${JSON.stringify(message)}\n`;
}

/**
 * Prints an error (one escaped, prefixed line on stderr, plus the usage line for a usage error when `help` is given;
 * or the `error` object on stdout with `-o json|yaml`) and returns its exit code: the error's own (`CliError`),
 * else 2.
 */
export function reportError(e: unknown, fmt: OutputFormat, command?: string, help?: CommandHelp): number {
  const type = errorType(e);
  const message = e instanceof Error ? e.message : String(e);
  if (fmt === 'json') process.stdout.write(`${JSON.stringify({ error: { type, message } })}\n`);
  else if (fmt === 'yaml') process.stdout.write(yamlError(type, message));
  else {
    process.stderr.write(errorLine(command, e instanceof CliError && e.typeInText ? `${type}: ${message}` : message));
    if (e instanceof UsageError && help) process.stderr.write(`${usageLine(help)}\n`);
  }
  return e instanceof CliError && e.exitCode !== undefined ? e.exitCode : EXIT.usage;
}

/** Warnings about the input, each one escaped line on stderr (never on stdout: it may be JSON). */
export function printWarnings(warnings: readonly string[], command?: string): void {
  for (const w of warnings) process.stderr.write(errorLine(command, `warning: ${w}`));
}
