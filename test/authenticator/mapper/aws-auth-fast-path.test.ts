/**
 * The aws-auth fast paths (authenticator/mapper/aws-auth-fast-path.ts) never change what is read: on random documents
 * built around the edges of their subsets (indentation, quoting, YAML indicators, comments, tabs, CR, `__proto__`,
 * duplicate keys, non-string JSON leaves...), each either defers (undefined) or returns exactly the full parse's value.
 */
import fc from 'fast-check';
import { encodeAwsAuth, parseAwsAuth } from '../../../authenticator/mapper';
import { parseAwsAuthTextFast, parseJsonStrings, parseSimpleBlockSequence } from '../../../authenticator/mapper/aws-auth-fast-path';
import { parseYamlText, parseYamlTextFull } from '../../../authenticator/mapper/aws-auth';

type Full = { ok: true; value: unknown } | { ok: false };
function full(text: string): Full {
  try {
    return { ok: true, value: parseYamlTextFull(text) };
  } catch {
    return { ok: false };
  }
}

type Tally = { fast: number; deferredValid: number; deferredInvalid: number };
const tallies = { block: { fast: 0, deferredValid: 0, deferredInvalid: 0 }, json: { fast: 0, deferredValid: 0, deferredInvalid: 0 } };
function checkSame(tally: Tally, text: string): void {
  const fast = parseAwsAuthTextFast(text);
  const f = full(text);
  if (fast === undefined) {
    if (f.ok) tally.deferredValid++;
    else tally.deferredInvalid++;
    return;
  }
  tally.fast++;
  // Anything the fast path reads, the full parser reads too, to the same value (own keys, prototypes, order).
  expect(f).toStrictEqual({ ok: true, value: fast });
  expect(JSON.stringify(fast)).toBe(JSON.stringify((f as { value: unknown }).value));
}

// --- block YAML -------------------------------------------------------------------------------------------------
/** Mostly the usual token, now and then one from the edges (one edge token is enough to leave the subset). */
function mostly<T>(usual: fc.Arbitrary<T>, edges: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 19, arbitrary: usual }, { weight: 1, arbitrary: edges });
}
const edgeScalar = fc.oneof(
  fc.constantFrom(
    'a: b', 'a:', 'a::', '-x', '- x', '-', '#c', 'a #c', 'a#c', '"a\\"b"', "'it''s'", '"a#b"', '"  sp  "', '""', "''",
    'true', 'null', '~', '', ' ', '&a', '*a', '!t', '!!str x', '|', '>', '|-', '[a]', '[]', '{a: b}', '{}', '%x', '@x', '`x',
    'x ', ' x', '"x" y', "'x' y", 'é', 'a\tb', '\t', 'a\rb', '? x', ': x', '---', '...', 'x:{y}', 'a: "b"', '{{SessionName}}', '__proto__',
  ),
  fc.stringMatching(/^[ -~]{0,10}$/),
);
const usualScalar = fc.oneof(
  fc.constantFrom('arn:aws:iam::111122223333:role/x', 'system:node:{{EC2PrivateDNSName}}', 'system:masters', 'team:{{SessionName}}', '"q"', "'s'", '012345678912', '"012345678912"', 'a/b.c@d=e+f,g$h-i', 'a:b', 'a,b'),
  fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_:/{}.@-]{0,15}$/),
);
const scalarText = mostly(usualScalar, edgeScalar);
const key = mostly(
  fc.constantFrom('rolearn', 'username', 'groups', 'userarn', '"rolearn"', "'groups'", '"username"', 'a-b', 'Groups'),
  fc.constantFrom('__proto__', '"__proto__"', 'rolearn ', 'k'.repeat(70), '"a b"', '? x', '#x', 'x y', '"', '-k', '<<', 'a:b', ''),
);
const sep = mostly(fc.constantFrom(' ', '  '), fc.constantFrom('', '\t', ' \t'));
const trail = mostly(fc.constantFrom('', ' '), fc.constantFrom('  ', '\t', ' # c', '#c'));
const eol = mostly(fc.constantFrom('\n', '\n\n', '\n  \n'), fc.constantFrom('\r\n', '\n# comment\n', '\r', '\n---\n'));
const jitter = mostly(fc.constant(0), fc.constantFrom(1, -1, 2));

interface Entry { key: string; sep: string; value: string | { delta: number; items: Array<{ jitter: number; dashSep: string; v: string }> }; trail: string }
const listItem = fc.record({ jitter, dashSep: mostly(fc.constantFrom(' ', '  '), fc.constantFrom('', '\t')), v: scalarText });
const entry: fc.Arbitrary<Entry> = fc.record({
  key, sep, trail,
  value: fc.oneof({ weight: 3, arbitrary: scalarText }, { weight: 2, arbitrary: fc.record({ delta: mostly(fc.constantFrom(0, 2, 4), fc.constantFrom(1, -1, -2)), items: fc.array(listItem, { minLength: 1, maxLength: 3 }) }) }),
});
const item = fc.oneof(
  { weight: 4, arbitrary: fc.record({ dashSep: mostly(fc.constantFrom(' ', '  ', '   '), fc.constantFrom('\t', '')), entries: fc.array(entry, { minLength: 1, maxLength: 4 }), jitter }) },
  { weight: 1, arbitrary: fc.record({ dashSep: mostly(fc.constantFrom(' ', '  '), fc.constant('')), scalar: scalarText, jitter }) },
);
const blockDoc = fc.record({ indent: fc.constantFrom(0, 0, 0, 2, 1), items: fc.array(item, { minLength: 1, maxLength: 4 }), eols: fc.array(eol, { minLength: 40, maxLength: 40 }), lead: mostly(fc.constantFrom('', '\n', ' \n'), fc.constantFrom('---\n', '# c\n', '%YAML 1.2\n---\n')) })
  .map(({ indent, items, eols, lead }) => {
    const lines: string[] = [];
    const pad = (n: number) => ' '.repeat(Math.max(0, n));
    for (const it of items) {
      const col = indent + it.jitter;
      if ('scalar' in it) {
        lines.push(`${pad(col)}-${it.dashSep}${it.scalar}`);
        continue;
      }
      const rowCol = col + 1 + it.dashSep.length;
      it.entries.forEach((e, i) => {
        const head = i === 0 ? `${pad(col)}-${it.dashSep}` : pad(rowCol);
        if (typeof e.value === 'string') {
          lines.push(`${head}${e.key}:${e.sep}${e.value}${e.trail}`);
        } else {
          lines.push(`${head}${e.key}:${e.trail}`);
          for (const li of e.value.items) lines.push(`${pad(rowCol + e.value.delta + li.jitter)}-${li.dashSep}${li.v}`);
        }
      });
    }
    return lead + lines.map((l, i) => l + eols[i % eols.length]).join('');
  });

it('block YAML: the fast path reads a document exactly as the full parse, or defers to it', () => {
  fc.assert(fc.property(blockDoc, (text) => checkSame(tallies.block, text)), { numRuns: 3000 });
});

// --- JSON -----------------------------------------------------------------------------------------------------------
const jsonString = mostly(
  fc.stringMatching(/^[ -~]{0,12}$/),
  fc.constantFrom('__proto__', 'system:node:{{EC2PrivateDNSName}}', 'a\nb', 'é', '\u2028', '\u0085', '\ufeff', '\ud83d', '\ud83d\ude00', 'a\\b', '"', '/', '\t', '\r'),
);
/** Serialises with random whitespace between tokens, random escapes in strings, and duplicate keys kept. */
function serialise(v: unknown, rnd: () => number): string {
  const ws = () => (rnd() < 0.97 ? ['', '', ' ', '\n', '  \n'] : ['\t', '\r', '\n\t', '\r\n'])[Math.floor(rnd() * 4)];
  const str = (s: string) => {
    let out = '"';
    for (const ch of s) {
      const r = rnd();
      if (ch === '"' || ch === '\\') out += `\\${ch}`;
      else if (ch < ' ') out += JSON.stringify(ch).slice(1, -1);
      else if (r < 0.1) out += [...ch].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
      else if (r < 0.12 && ch === '/') out += '\\/';
      else out += ch;
    }
    return `${out}"`;
  };
  const go = (x: unknown): string => {
    if (typeof x === 'string') return str(x);
    if (Array.isArray(x)) return `[${x.map((e) => ws() + go(e) + ws()).join(',')}]`;
    if (x !== null && typeof x === 'object') return `{${(x as { pairs: Array<[string, unknown]> }).pairs.map(([k, e]) => `${ws()}${str(k)}${ws()}:${ws()}${go(e)}${ws()}`).join(',')}}`;
    return JSON.stringify(x);
  };
  return ws() + go(v) + ws();
}
/** Pair lists (objects) → `{ pairs }`, which `serialise` writes as a JSON object. */
function toPairs(x: unknown, isObject: (a: unknown) => boolean): unknown {
  if (Array.isArray(x) && isObject(x)) return { pairs: (x as Array<[string, unknown]>).map(([k, v]) => [k, toPairs(v, isObject)]) };
  if (Array.isArray(x)) return x.map((e) => toPairs(e, isObject));
  return x;
}

it('JSON: the fast path reads a document exactly as the full parse, or defers to it', () => {
  // Objects are generated as pair lists (so duplicate keys and `__proto__` reach the text), told apart from arrays by
  // this set.
  const objects = new WeakSet<object>();
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 30, arbitrary: jsonString }, { weight: 1, arbitrary: fc.constantFrom(1, 0.5, true, false, null) }, { weight: 2, arbitrary: fc.array(tie('v'), { maxLength: 3 }) },
      { weight: 2, arbitrary: fc.array(fc.tuple(fc.oneof(jsonString, fc.constantFrom('rolearn', 'groups', '__proto__')), tie('v')), { maxLength: 3 }).map((pairs) => { objects.add(pairs); return pairs; }) }),
  })).v;
  // Mostly a list at the top (what aws-auth holds), now and then any value.
  const top = mostly(fc.array(value, { maxLength: 4 }), value);
  fc.assert(fc.property(top, fc.integer(), mostly(fc.constant(''), fc.constantFrom('x', ' # c', '\n---\n{}', ',')), (v, seed, suffix) => {
    let s = seed;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32;
    checkSame(tallies.json, serialise(toPairs(v, (a) => objects.has(a as object)), rnd) + suffix);
  }), { numRuns: 3000 });
});

afterAll(() => {
  if (process.env.FAST_PATH_TALLY) process.stderr.write(`${JSON.stringify(tallies)}\n`);
  // The properties are not vacuous: each fast path reads many documents, and documents outside it are generated too
  // (valid YAML it leaves to the full parser, and invalid text).
  for (const tally of Object.values(tallies)) {
    expect(tally.fast).toBeGreaterThan(400);
    expect(tally.deferredValid).toBeGreaterThan(100);
    expect(tally.deferredInvalid).toBeGreaterThan(100);
  }
});

// --- the shapes real clusters hold take the fast path -----------------------------------------------------------------
describe('common aws-auth shapes are read by the fast path', () => {
  const eksctl = [
    '- groups:', '  - system:bootstrappers', '  - system:nodes', '  rolearn: arn:aws:iam::111122223333:role/eksctl-nodegroup-NodeInstanceRole-1', '  username: system:node:{{EC2PrivateDNSName}}', '',
  ].join('\n');
  const terraform = [
    '- "groups":', '  - "system:bootstrappers"', '  "rolearn": "arn:aws:iam::111122223333:role/node"', '  "username": "system:node:{{EC2PrivateDNSName}}"', '',
  ].join('\n');
  const console = ['- rolearn: arn:aws:iam::111122223333:role/Admin', '  username: admin:{{SessionName}}', '  groups:', '    - system:masters', ''].join('\n');
  const json = '[{"rolearn":"arn:aws:iam::111122223333:role/Admin","username":"admin","groups":["system:masters"]}]';
  it.each([['eksctl', eksctl], ['terraform yamlencode', terraform], ['indented groups', console], ['JSON', json]])('%s', (_name, text) => {
    const fast = parseAwsAuthTextFast(text);
    expect(fast).not.toBeUndefined();
    expect(fast).toStrictEqual(parseYamlTextFull(text));
  });

  it('encodeAwsAuth output, incl. quoted account ids', () => {
    const data = encodeAwsAuth({
      roles: [{ roleArn: 'arn:aws:iam::111122223333:role/a', username: 'a:{{SessionName}}', groups: ['system:masters', 'team'] }],
      users: [{ userArn: 'arn:aws:iam::111122223333:user/u', username: 'u', groups: [] }],
      accounts: ['012345678912'],
    });
    for (const text of Object.values(data)) {
      expect(parseSimpleBlockSequence(text)).toStrictEqual(parseYamlTextFull(text));
      expect(parseSimpleBlockSequence(text)).not.toBeUndefined();
    }
    expect(parseAwsAuth(data).accounts).toEqual(['012345678912']);
  });

  it('defers on non-string JSON leaves, which the failsafe schema reads as strings', () => {
    expect(parseJsonStrings('["012", 12]')).toBeUndefined();
    expect(parseYamlText('["012", 12]')).toEqual(['012', '12']);
  });

  it('a parse error is still the full parser\'s error', () => {
    expect(() => parseYamlText('- rolearn: a\n  username: b\n - groups: x\n')).toThrow(/line 3/);
  });
});
