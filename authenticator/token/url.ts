/**
 * Splits a presigned URL into its raw components, the way Go's `url.Parse` does for the parts the verifier uses, and
 * nothing more: no host lower-casing, no IDNA, no `\`→`/`, no whitespace stripping (all things WHATWG `new URL()` does
 * and Go does not). The verifier forwards exactly these raw components, so what is checked is what is
 * sent.
 */

export interface RawUrlParts {
  /** Lower-cased, as Go lower-cases the scheme. */
  readonly scheme: string;
  /** Everything between `//` and the next `/`, `?` or `#` (may hold userinfo and a port, which the caller refuses). */
  readonly authority: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly hasFragment: boolean;
}

const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** Throws a plain `Error` with a Go-like reason when `text` is not a URL at all. */
export function splitUrl(text: string): RawUrlParts {
  if (!PRINTABLE_ASCII.test(text)) throw new Error('net/url: invalid control, space or non-ASCII character in URL');
  const scheme = SCHEME.exec(text);
  if (!scheme) throw new Error('missing protocol scheme');
  let rest = text.slice(scheme[0].length);
  const hashAt = rest.indexOf('#');
  const hasFragment = hashAt >= 0;
  if (hasFragment) rest = rest.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  const rawQuery = queryAt >= 0 ? rest.slice(queryAt + 1) : '';
  let hierarchical = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  let authority = '';
  if (hierarchical.startsWith('//')) {
    const pathAt = hierarchical.indexOf('/', 2);
    authority = pathAt >= 0 ? hierarchical.slice(2, pathAt) : hierarchical.slice(2);
    hierarchical = pathAt >= 0 ? hierarchical.slice(pathAt) : '';
  }
  return { scheme: scheme[1].toLowerCase(), authority, path: hierarchical, rawQuery, hasFragment };
}
