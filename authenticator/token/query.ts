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

function unescape(component: string): string {
  if (/%(?![0-9A-Fa-f]{2})/.test(component)) throw new Error('invalid URL escape');
  return decodeURIComponentStrict(component.replace(/\+/g, ' '));
}

/** Go unescapes `%XX` byte-wise into a string; invalid UTF-8 is kept as replacement characters rather than thrown. */
function decodeURIComponentStrict(component: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < component.length; i++) {
    if (component[i] === '%') {
      bytes.push(parseInt(component.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(component.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
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
