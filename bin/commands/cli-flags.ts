/**
 * Flag handling every command shares: the one `UsageError`, the output formats and `outputFormatOf` (decided before
 * parsing, so parse errors come out in the asked-for format). Deliberately tiny and free of heavy imports: kubectl
 * runs `token` on every call without a cached credential.
 */

/** A bad or missing flag: the command prints the message (with its usage line, or structured) and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The value of a flag that takes a whole number ≥ 1 (`--concurrency N`), or undefined when the flag is absent. */
export function wholeNumberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--${flag}: '${text}' is not a whole number ≥ 1`);
  return Number(text);
}

/** The one `-o/--output` vocabulary: `text` for people, `json` and `yaml` for programs (kubectl's `-o json|yaml`). */
export const OUTPUT_FORMATS = ['text', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const isFormat = (v: string | undefined): v is OutputFormat => (OUTPUT_FORMATS as readonly string[]).includes(v ?? '');

/**
 * The `-o/--output` format asked for, read from the raw arguments before parsing (so that a parse error is reported
 * in that format too); the last recognised value wins, as `parseArgs` keeps the last value of a repeated flag.
 * `fallback` when none is given or the value is not a format (the frame then reports the bad value as a usage error).
 */
export function outputFormatOf(argv: readonly string[], fallback: OutputFormat = 'text'): OutputFormat {
  let found: OutputFormat | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    const value = a.startsWith('--output=') ? a.slice('--output='.length)
      : a.startsWith('-o') && a.length > 2 && !a.startsWith('--') ? a.slice(2)
        : a === '--output' || a === '-o' ? argv[i + 1] : undefined;
    if (isFormat(value)) found = value;
  }
  return found ?? fallback;
}

/**
 * An error a command reports with its own type (never plain `Error`) and, when given, its own exit code (the frame's
 * default is 2); `typeInText` also shows the type in the text line (`eks-access verify: FormatError: ...`).
 */
export class CliError extends Error {
  constructor(type: string, message: string, readonly exitCode?: number, readonly typeInText = false) {
    super(message);
    this.name = type;
  }
}
