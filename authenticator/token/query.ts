/**
 * A query-string parser with Go's `url.ParseQuery` semantics (Go ≥ 1.17), which the reference relies on, plus a
 * character allow-list. Node's URLSearchParams is lenient (it accepts `;`, bad `%` escapes, anything) and a lenient
 * parser here is the CVE-2022-2385 class of bug: check one view, forward another. We check exactly the raw query we
 * forward.
 */

export interface QueryParameter {
  readonly key: string;
  readonly value: string;
}

/** What SigV4 clients emit: unreserved characters, `%XX` escapes, `+` (space), `=` and `&`. */
const RAW_QUERY_CHARACTERS = /^[A-Za-z0-9\-._~%+=&]*$/;

/** Value of one hex digit's character code, or -1. */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 70) return code - 55; // A-F
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/**
 * Go's `url.QueryUnescape`: `+` is a space, `%XX` a byte; Go unescapes byte-wise into a string, and invalid UTF-8 is
 * kept here as replacement characters rather than thrown. The component holds only RAW_QUERY_CHARACTERS (ASCII), so
 * one without `%` decodes to itself (with `+` as space), which is most components of a presigned URL: no byte array
 * is built for them (the webhook parses a query per unique token).
 */
function unescape(component: string): string {
  const text = component.includes('+') ? component.replace(/\+/g, ' ') : component;
  if (!text.includes('%')) return text;
  const bytes = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 37) { // '%'
      bytes[n++] = code;
      continue;
    }
    const hi = hexValue(text.charCodeAt(i + 1));
    const lo = hexValue(text.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) throw new Error('invalid URL escape');
    bytes[n++] = hi * 16 + lo;
    i += 2;
  }
  return bytes.toString('utf8', 0, n);
}

/**
 * Parses `rawQuery` into parameters in order of appearance. Throws a plain `Error` on a `;`, a bad escape or a
 * character outside the allow-list. Empty pairs (`a=1&&b=2`) are skipped, as in Go.
 */
export function parseQueryStrict(rawQuery: string): QueryParameter[] {
  if (!RAW_QUERY_CHARACTERS.test(rawQuery)) throw new Error('invalid character in query');
  const result: QueryParameter[] = [];
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    result.push({ key: unescape(key), value: unescape(value) });
  }
  return result;
}
