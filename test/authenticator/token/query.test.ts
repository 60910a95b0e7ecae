/**
 * parseQueryStrict decodes with Go's url.ParseQuery semantics (`+` is a space, `%XX` a byte, invalid UTF-8 kept as
 * U+FFFD, a bad escape refused). The decoder has a fast path for components without `%`; this checks it against the
 * plain byte-by-byte reading on random queries drawn from the allowed characters, bad escapes included.
 */
import fc from 'fast-check';
import { parseQueryStrict } from '../../../authenticator/token/query';

/** The plain reading: every `%XX` a byte, every other character its code, then UTF-8. */
function reference(component: string): string {
  const text = component.replace(/\+/g, ' ');
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) throw new Error('invalid URL escape');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function referenceQuery(raw: string): Array<{ key: string; value: string }> {
  return raw.split('&').filter((p) => p !== '').map((pair) => {
    const eq = pair.indexOf('=');
    return { key: reference(eq < 0 ? pair : pair.slice(0, eq)), value: reference(eq < 0 ? '' : pair.slice(eq + 1)) };
  });
}

const outcome = (f: () => unknown) => {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

test.each([
  ['a=b+c', [{ key: 'a', value: 'b c' }]],
  ['a=%2B%2f', [{ key: 'a', value: '+/' }]],
  ['x=%E2%82%AC', [{ key: 'x', value: '€' }]],
  ['x=%FF', [{ key: 'x', value: '\uFFFD' }]],
  ['a&&b=', [{ key: 'a', value: '' }, { key: 'b', value: '' }]],
])('%s decodes as Go does', (raw, expected) => {
  expect(parseQueryStrict(raw)).toEqual(expected);
});

test.each(['a=%', 'a=%4', 'a=%zz', 'a=%%41', '%G0=1'])('%s is a bad escape', (raw) => {
  expect(() => parseQueryStrict(raw)).toThrow('invalid URL escape');
});

test('random queries decode as the plain byte-by-byte reading does', () => {
  const piece = fc.oneof(
    fc.constantFrom('a', 'Z', '0', '-', '.', '_', '~', '+', '=', '&', '%', '%2', '%41', '%e2%82%ac', '%C3', '%ff', '%0A'),
    fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
  );
  fc.assert(fc.property(fc.array(piece, { maxLength: 40 }).map((xs) => xs.join('')), (raw) => {
    expect(outcome(() => parseQueryStrict(raw))).toEqual(outcome(() => referenceQuery(raw)));
  }), { numRuns: 3000 });
});
