/**
 * The plain-row fast path (plainRoleRow/plainUserRow in authenticator/mapper/rows.ts) never changes what a row reads
 * as: on random rows built around the edges of its shape (field spellings, unknown fields, `sso`, nulls, empty and
 * padded strings, non-string values, session and root ARNs, `__proto__`...), it either defers (undefined) or returns
 * exactly what the full reader returns (row, field order, no problems), and `readRoleRow`/`readUserRow` always answer
 * as the full reader.
 */
import fc from 'fast-check';
import {
  plainRoleRow, plainUserRow, readRoleRow, readRoleRowFull, readUserRow, readUserRowFull, RowResult,
} from '../../../authenticator/mapper/rows';

/** Errors as plain data (location, message, severity) so results compare as values. */
function plain<T>(r: RowResult<T>): unknown {
  return { row: r.row, errors: r.errors.map((e) => ({ text: String(e), severity: e.severity })) };
}

const mostly = <T>(usual: fc.Arbitrary<T>, edges: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: usual }, { weight: 1, arbitrary: edges });
const arn = mostly(
  fc.constantFrom(
    'arn:aws:iam::111122223333:role/r', 'arn:aws:iam::111122223333:role/team/a/r', 'arn:aws:iam::111122223333:user/u',
    'arn:aws:iam::111122223333:user/path/u', 'arn:aws-cn:iam::111122223333:role/r',
  ),
  fc.constantFrom(
    'arn:aws:sts::111122223333:assumed-role/r/s', 'arn:aws:iam::111122223333:root', 'arn:aws:sts::111122223333:federated-user/f',
    ' arn:aws:iam::111122223333:role/r', 'arn:aws:iam::111122223333:role/r\n', 'arn:aws:iam:x:111122223333:role/r', 'arn:aws:iam::1:role/r',
    'arn:aws:s3:::b', 'not-an-arn', '', ' ', 'arn:aws:iam::111122223333:role/a:b',
  ),
);
const text = mostly(fc.stringMatching(/^[a-z0-9:{}-]{1,12}$/), fc.constantFrom('', ' ', ' x', 'x ', '\tx', 'x\n', '\u00a0x', '{{SessionName}}'));
const value = (usual: fc.Arbitrary<unknown>) => mostly(usual, fc.constantFrom(null, undefined, 1, true, {}, [], ['x'], '', ' '));
const groups = mostly(fc.array(text, { maxLength: 3 }), fc.constantFrom(null, '', 'g', [1], [null], ['', 'g'], {}, [[]]));
/** Absent (null) but `weight` times in 10. */
const rarely = <T>(a: fc.Arbitrary<T>, weight: number) => fc.oneof({ weight: 10 - weight, arbitrary: fc.constant(null) }, { weight, arbitrary: a });
const field = (name: string, edges: string[]) => mostly(fc.constant(name), fc.constantFrom(...edges));

/** A row: each field present or not, under its own spelling or an edge one, with a usual or an edge value. */
function row(arnField: 'rolearn' | 'userarn'): fc.Arbitrary<unknown> {
  const other = arnField === 'rolearn' ? 'userarn' : 'rolearn';
  const entry = (name: fc.Arbitrary<string>, v: fc.Arbitrary<unknown>) => fc.option(fc.tuple(name, v), { freq: 6 });
  return mostly(
    fc
      .tuple(
        entry(field(arnField, [arnField.toUpperCase(), 'roleArn', other, ` ${arnField}`]), value(arn)),
        entry(field('username', ['UserName', 'user']), value(text)),
        entry(field('groups', ['Groups', 'group']), groups),
        rarely(fc.tuple(field('userid', ['userID', 'UserId']), value(fc.constantFrom('AROAEXAMPLE', 'AIDAEXAMPLE'))), 3),
        rarely(fc.tuple(fc.constantFrom('sso', 'extra', '__proto__', 'rolearn', 'userarn'), value(text)), 1),
      )
      .map((entries) => {
        const o: Record<string, unknown> = {};
        for (const e of entries) if (e) Object.defineProperty(o, e[0], { value: e[1], enumerable: true, writable: true, configurable: true });
        return o;
      }),
    fc.constantFrom(null, 'row', ['row'], 1, Object.create({ rolearn: 'arn:aws:iam::111122223333:role/r', username: 'u' })),
  );
}

describe.each([
  ['mapRoles', 'rolearn', plainRoleRow, readRoleRow, readRoleRowFull],
  ['mapUsers', 'userarn', plainUserRow, readUserRow, readUserRowFull],
] as const)('%s', (key, arnField, fast, read, readFull) => {
  test('the fast path defers or reads exactly as the full reader does', () => {
    let taken = 0;
    let deferred = 0;
    fc.assert(
      fc.property(row(arnField), fc.nat(5), (v, i) => {
        const source = `${key}[${i}]`;
        const full = readFull(v, key, i, source);
        const f = (fast as (v: unknown, s: string) => RowResult<unknown> | undefined)(v, source);
        if (f === undefined) {
          deferred++;
        } else {
          taken++;
          // Same row, same field order, no problems found.
          expect(f).toStrictEqual({ row: full.row, errors: [] });
          expect(JSON.stringify(f.row)).toBe(JSON.stringify(full.row));
          expect(Object.keys(f.row!)).toEqual(Object.keys(full.row!));
        }
        expect(plain(read(v, key, i, source) as RowResult<unknown>)).toStrictEqual(plain(full));
      }),
      { numRuns: 5000 },
    );
    expect(taken).toBeGreaterThan(250);
    expect(deferred).toBeGreaterThan(250);
  });
});

test('the fast path copies the groups list (the row does not share the document\'s array)', () => {
  const groups = ['a', 'b'];
  const r = plainRoleRow({ rolearn: 'arn:aws:iam::111122223333:role/r', username: 'u', groups }, 'mapRoles[0]');
  expect(r?.row?.groups).toEqual(groups);
  expect(r?.row?.groups).not.toBe(groups);
});
