/**
 * Characters that must never reach a reader raw from input-derived text, and their visible escape: the one rule that
 * the terminal (bin/commands/terminal-text.ts) and the HTML pages (lib/analysis/report/report-html.ts `escapeHtml`)
 * both apply.
 *
 * What is escaped, and why:
 * - C0 controls (U+0000–U+001F, including `\n`, `\t` and `\r` inside a value: a value must not start a new line or
 *   rewrite the one it is on; the newlines between our own lines are written by the caller, never by a value) and DEL;
 * - C1 controls (U+0080–U+009F): U+009B is a one-byte CSI on terminals that honour 8-bit controls (ECMA-48 §5.3);
 * - U+2028/U+2029 (line and paragraph separators, new lines to many renderers);
 * - the bidirectional embeddings, overrides and isolates and the implicit marks (Unicode UAX #9 §2: U+061C, U+200E,
 *   U+200F, U+202A–U+202E, U+2066–U+2069), which reorder what is displayed ("Trojan Source", CVE-2021-42574) — in a
 *   terminal and in a browser alike.
 * Each becomes a visible escape (`\x1b`, `\u202e`), so the reader sees that the value held one.
 */

// eslint-disable-next-line no-control-regex
export const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The visible escape of one character of UNSAFE_TEXT: `\xHH` up to U+00FF, `\uHHHH` above. */
export function visibleEscape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A value for a message (a rule error, a warning): in single quotes, cut to `max` characters (then `…`), each
 * character of UNSAFE_TEXT as its visible escape, so a value carrying a newline or a bidi override cannot forge or
 * reorder the message around it.
 */
export function quotedValue(value: string, max = 120): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return `'${cut.replace(UNSAFE_TEXT, visibleEscape)}'`;
}
