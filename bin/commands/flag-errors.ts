/**
 * What a usage error says instead of Node's `parseArgs` text ("Unknown option '--fro'. To specify a positional
 * argument starting with a '-', place it at the end of the command after '--', as in '-- "--fro"'"): the flag or
 * command that is wrong and, when one known name is close (Levenshtein distance, as git's and kubectl's "did you
 * mean"), that name. Loaded only when an error is reported, so `token`'s hot path never pays for it.
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { distance } from '../../lib/model/did-you-mean';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The known name closest to `name`, if it is close enough to be a typo (a third of its length, at least two edits: a swapped pair is two). */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d <= limit && (!best || d < best.d || (d === best.d && c < best.name))) best = { name: c, d };
  }
  return best?.name;
}

/** `; did you mean X?` or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>, show: (c: string) => string = (c) => c): string {
  const c = closest(name, candidates);
  return c === undefined ? '' : `; did you mean ${show(c)}?`;
}

/**
 * The message for a `parseArgs` failure on `argv`, found again from its tokens (not from Node's wording): the first
 * unknown flag (with the closest known one), a flag missing its value, a switch given a value, or an argument where
 * the command takes none. `command` names where the full list is (`eks-access <command> --help`).
 */
export function explainParseError(argv: readonly string[], options: Options, allowPositionals: boolean, command: string, error: Error): string {
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const more = ` (eks-access ${command} --help lists every flag)`;
  for (const t of tokens) {
    if (t.kind === 'option') {
      const known = options[t.name];
      if (!known) {
        // One-letter flags are all one edit apart: a suggestion among them would be a guess, so none is made.
        const long = t.rawName.startsWith('--');
        const hint = long ? didYouMean(t.name, Object.keys(options), (c) => `--${c}`) : '';
        return `Unknown option '${long ? `--${t.name}` : t.rawName}'${hint || more}`;
      }
      if (known.type === 'string' && t.value === undefined) return `${t.rawName} needs a value${more}`;
      if (known.type === 'boolean' && t.inlineValue) return `${t.rawName} takes no value${more}`;
    } else if (t.kind === 'positional' && !allowPositionals) {
      return `unexpected argument '${t.value}': this command takes only flags${more}`;
    }
  }
  return error.message;
}

/** `unknown command 'X'` with the closest command name. */
export function unknownCommand(name: string, commands: Iterable<string>): string {
  return `unknown command '${name}'${didYouMean(name, commands)}`;
}
