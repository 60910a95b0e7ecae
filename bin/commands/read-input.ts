/** Reads a YAML/JSON document from a file or `-` (stdin) for the aws-auth commands. */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { errorLine } from './help';

export class InputError extends Error {
  readonly type = 'InputError';
}

export function readDocument(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path === '-' ? 'stdin' : path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return YAML.parse(text);
  } catch (e) {
    throw new InputError(`${path} is not YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Writes an error: one line on stderr, or with JSON output `{"error":{type,message}}` on stdout. */
export function reportError(command: string, e: unknown, json: boolean): void {
  const type = (e as { type?: string }).type ?? 'Error';
  const message = (e as Error).message;
  if (json) process.stdout.write(`${JSON.stringify({ error: { type, message } })}\n`);
  else process.stderr.write(errorLine(command, message));
}
