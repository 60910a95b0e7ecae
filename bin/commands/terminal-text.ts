/**
 * The one place where text read from elsewhere (a cluster, a snapshot, a kubeconfig, a file, a peer) is made safe
 * for a terminal. Every command's table cell, note, warning, error and progress line passes input-derived strings
 * through {@link terminalSafe}; JSON and YAML output does not need it (their encoders escape control characters).
 * Which characters are escaped, and why, is lib/model/unsafe-text.ts (the HTML pages escape the same ones).
 */
import { UNSAFE_TEXT, visibleEscape } from '../../lib/model/unsafe-text';

/** `text` with every control, line-separator and bidi-control character written as a visible escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_TEXT, visibleEscape);
}

/** True when `text` holds a character that {@link terminalSafe} would escape. */
export function hasUnsafeTerminalText(text: string): boolean {
  UNSAFE_TEXT.lastIndex = 0;
  const found = UNSAFE_TEXT.test(text);
  UNSAFE_TEXT.lastIndex = 0;
  return found;
}

/**
 * JSON text shown to a person (verify's identity): JSON.stringify escapes C0 but leaves DEL, C1, U+2028/2029 and the
 * bidi controls raw. Each becomes its `\uXXXX` escape: inside a string it means the same character, and outside one
 * only the indentation's newlines can occur: the text stays the same JSON value.
 */
export function terminalSafeJson(json: string): string {
  // A raw newline in JSON text is indentation (strings carry theirs as \n): it stays.
  return json.replace(UNSAFE_TEXT, (ch) => (ch === '\n' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Lines for the terminal: each line escaped on its own, then joined by our newlines (and one at the end). A printer
 * builds one array element per line it means, so a newline inside a value is escaped, never a line break.
 */
export function safeLines(lines: readonly string[]): string {
  return lines.map((l) => `${terminalSafe(l)}\n`).join('');
}
