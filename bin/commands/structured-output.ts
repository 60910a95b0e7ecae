/**
 * `-o json` and `-o yaml` of every command that prints structured output: the same object, JSON (indented, or
 * compact for the commands whose JSON was always one line) or YAML (block style, no line folding, so long ARNs and
 * messages stay on one line; shared objects written out, not aliased). Both encoders escape control characters; text output is escaped by terminal-text.ts.
 */
import YAML from 'yaml';
import type { OutputFormat } from './cli-flags';

export function structured(value: unknown, format: Exclude<OutputFormat, 'text'>, opts: { compactJson?: boolean } = {}): string {
  // No anchors and aliases for objects that appear twice: readers (and their alias limits) see plain data, as json.
  if (format === 'yaml') return YAML.stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  return `${JSON.stringify(value, null, opts.compactJson ? undefined : 2)}\n`;
}

/** Writes `value` to stdout in `format`. */
export function printStructured(value: unknown, format: Exclude<OutputFormat, 'text'>, opts: { compactJson?: boolean } = {}): void {
  process.stdout.write(structured(value, format, opts));
}
