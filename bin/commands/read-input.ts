/** Reads a YAML/JSON document from a file or `-` (stdin) for the aws-auth commands. */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

/** A file that cannot be read or is not what the command expects; reported as `{"error":{"type":"InputError"}}`. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
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

