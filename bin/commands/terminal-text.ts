/**
 * The one place where text read from elsewhere (a cluster, a snapshot, a kubeconfig, a file, a peer) is made safe
 * for a terminal. Every command's table cell, note, warning, error and progress line passes input-derived strings
 * through {@link terminalSafe}; JSON and YAML output does not need it (their encoders escape control characters).
 *
 * What is escaped, and why:
 * - C0 controls (U+0000–U+001F, including `\n`, `\t` and `\r` inside a value: a value must not start a new line or
 *   rewrite the one it is on; the newlines between our own lines are written by the caller, never by a value) and DEL;
 * - C1 controls (U+0080–U+009F): U+009B is a one-byte CSI on terminals that honour 8-bit controls (ECMA-48 §5.3);
 * - U+2028/U+2029 (line and paragraph separators, new lines to many renderers);
 * - the bidirectional embeddings, overrides and isolates and the implicit marks (Unicode UAX #9 §2: U+061C, U+200E,
 *   U+200F, U+202A–U+202E, U+2066–U+2069), which reorder what is displayed ("Trojan Source", CVE-2021-42574).
 * Each becomes a visible escape (`\x1b`, `\u202e`), so the reader sees that the value held one.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control, line-separator and bidi-control character written as a visible escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** True when `text` holds a character that {@link terminalSafe} would escape. */
export function hasUnsafeTerminalText(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * JSON text shown to a person (verify's identity): JSON.stringify escapes C0 but leaves DEL, C1, U+2028/2029 and the
 * bidi controls raw. Each becomes its `\uXXXX` escape: inside a string it means the same character, and outside one
 * only the indentation's newlines can occur: the text stays the same JSON value.
 */
export function terminalSafeJson(json: string): string {
  // A raw newline in JSON text is indentation (strings carry theirs as \n): it stays.
  return json.replace(UNSAFE, (ch) => (ch === '\n' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Lines for the terminal: each line escaped on its own, then joined by our newlines (and one at the end). A printer
 * builds one array element per line it means, so a newline inside a value is escaped, never a line break.
 */
export function safeLines(lines: readonly string[]): string {
  return lines.map((l) => `${terminalSafe(l)}\n`).join('');
}
