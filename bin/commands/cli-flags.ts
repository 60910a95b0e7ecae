/**
 * Flag handling every command shares: the one `UsageError`, `wantsJson`, and `parseFlags` for the commands that parse
 * their own flags (`token`, `verify`). Deliberately tiny and free of heavy imports: kubectl runs `token` on every call
 * without a cached credential.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';

/** A bad or missing flag: the command prints the message (with its usage text, or as JSON) and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type StrictConfig<O extends Options> = { args: string[]; options: O; strict: true; allowPositionals: false };

/** `parseArgs` over `argv` with strict flags and no positional arguments; unknown flags throw. */
export function parseFlags<const O extends Options>(argv: string[], options: O): ReturnType<typeof parseArgs<StrictConfig<O>>>['values'] {
  return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
}

/** True when `--output json` was asked for, decided before parsing so parse errors are JSON too. */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--output=json' || a === '-ojson' || ((a === '--output' || a === '-o') && argv[i + 1] === 'json'));
}
