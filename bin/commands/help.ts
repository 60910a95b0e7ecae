/**
 * Help text as data. Every command module exports its `HELP` (usage, summary, one entry per flag with its default) and
 * the `OPTIONS` it parses; `--help`, `eks-access help <command>` and the tests all read the same data, so a flag cannot
 * be parsed without being documented (test/cli-main.test.ts compares `OPTIONS` with `HELP.flags` for every command).
 * Kept free of heavy imports: `eks-access token` loads it on every kubectl call.
 */
import { OUTPUT_FORMATS } from './cli-flags';
import { terminalSafe } from './terminal-text';

/** One flag of a command. */
export interface FlagHelp {
  /** The long name without dashes, as in the command's `OPTIONS` (e.g. `cluster-id`). */
  readonly name: string;
  /** One-letter alias, if any. */
  readonly short?: string;
  /** Placeholder of the value (`ID`, `PATH`); absent for a switch. */
  readonly value?: string;
  /** What it does. */
  readonly meaning: string;
  /** The value used when the flag is absent (switches are off by default; say `required` with `required: true`). */
  readonly default?: string;
  readonly required?: boolean;
  /** May be given more than once. */
  readonly repeatable?: boolean;
  /** The only values accepted, when they are a fixed list (shell completion offers them). */
  readonly choices?: readonly string[];
}

/** The help of one command. */
export interface CommandHelp {
  /** The command name, as typed after `eks-access`. */
  readonly name: string;
  /** Arguments after the command name, e.g. `VERB RESOURCE [NAME] --from PATH... [options]`. */
  readonly synopsis: string;
  /** One line: what it does. */
  readonly summary: string;
  readonly flags: FlagHelp[];
  /** Extra paragraphs (environment variables, exit codes). */
  readonly notes?: string;
}

/** What `-o/--output` means wherever the output is structured (text is for people; errors follow the format). */
export const OUTPUT_FLAG_MEANING = 'text, json or yaml (with json or yaml, errors are {"error":{"type","message"}} on stdout)';

/** The `-o, --output` entry of the commands with structured output, default text. */
export const OUTPUT_FLAG: FlagHelp = { name: 'output', short: 'o', value: 'FORMAT', default: 'text', meaning: OUTPUT_FLAG_MEANING, choices: OUTPUT_FORMATS };

/** The `-h, --help` entry every command has. */
export const HELP_FLAG: FlagHelp = { name: 'help', short: 'h', meaning: 'print this help and exit 0' };

function flagColumn(f: FlagHelp): string {
  const names = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`;
  return f.repeatable ? `${names} ...` : names;
}

function defaultText(f: FlagHelp): string {
  if (f.required) return ' (required)';
  if (f.default !== undefined) return ` (default: ${f.default})`;
  return f.value === undefined && f.name !== HELP_FLAG.name ? ' (default: off)' : '';
}

/** The text `eks-access <command> --help` prints. */
export function renderHelp(help: CommandHelp): string {
  const rows = help.flags.map((f) => [flagColumn(f), `${f.meaning}${defaultText(f)}`]);
  const width = Math.max(...rows.map(([left]) => left.length));
  const lines = [
    `usage: eks-access ${help.name} ${help.synopsis}`,
    '',
    help.summary,
    '',
    'flags:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
  ];
  if (help.notes) lines.push('', help.notes.trimEnd());
  return `${lines.join('\n')}\n`;
}

/** The one-line usage a usage error is followed by. */
export function usageLine(help: CommandHelp): string {
  return `usage: eks-access ${help.name} ${help.synopsis}   (eks-access ${help.name} --help for every flag)`;
}

/**
 * The CLI's one line for stderr: `eks-access <command>: <message>` (`eks-access: <message>` when no command is named).
 * Messages carry input (paths, names, server replies): the whole message is escaped, its newlines included, so it
 * stays one line that cannot move the cursor or forge a second one.
 */
export function errorLine(command: string | undefined, message: string): string {
  return `${command ? `eks-access ${command}: ` : 'eks-access: '}${terminalSafe(message)}\n`;
}
