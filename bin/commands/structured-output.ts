/**
 * `-o json` and `-o yaml` of every command that prints structured output: the same object, JSON (indented, or
 * compact for the commands whose JSON was always one line) or YAML (block style, no line folding, so long ARNs and
 * messages stay on one line). Both encoders escape control characters; text output is escaped by terminal-text.ts.
 */
import YAML from 'yaml';
import type { OutputFormat } from './cli-flags';

export function structured(value: unknown, format: Exclude<OutputFormat, 'text'>, opts: { compactJson?: boolean } = {}): string {
  if (format === 'yaml') return YAML.stringify(value, { lineWidth: 0 });
  return `${JSON.stringify(value, null, opts.compactJson ? undefined : 2)}\n`;
}

/** Writes `value` to stdout in `format`. */
export function printStructured(value: unknown, format: Exclude<OutputFormat, 'text'>, opts: { compactJson?: boolean } = {}): void {
  process.stdout.write(structured(value, format, opts));
}
