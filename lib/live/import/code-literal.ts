/**
 * The one way `eks-access import` writes anything it read (from a cluster, a snapshot or a file) into the TypeScript it
 * generates. Everything read is attacker-controlled: a namespace admin names RoleBinding subjects, anyone with
 * `aws-auth` edit rights writes its rows, a snapshot folder can be edited by hand. So:
 *
 * - values become **literals** only ({@link literal}): strings through `JSON.stringify`, then every character outside
 *   printable ASCII written as a `\uXXXX` escape. JSON alone is not enough for JavaScript source: U+2028/U+2029 are
 *   legal raw in a JSON string but were line terminators in JavaScript string literals before ES2019 and still end a
 *   `//` comment (ECMA-262 §12.3 "Line Terminators"); bidi controls inside a literal reorder how a reviewer sees the
 *   code ("Trojan Source", CVE-2021-42574). ASCII-only output has neither. Object keys that JavaScript gives a meaning
 *   (`__proto__` sets the prototype in an object literal: ECMA-262 §B.3.1 "__proto__ Property Names in Object
 *   Initializers") are written as computed keys, which define an ordinary property;
 * - **comments** carry no raw input ({@link commentText}): one line of printable ASCII, anything else escaped, and no
 *   `*` followed by `/`, so neither a line comment nor a block comment can be ended from inside;
 * - **enum-typed fields** are written as `Enum.MEMBER` only after the value was found among the enum's values
 *   ({@link enumMember}); anything else is not code (the caller writes a NOTE);
 * - **construct and model ids** come from one {@link IdAllocator}, so any set of names gives distinct ids.
 */

/** Every character that is not printable ASCII (and the backslash-free rest stays as it is). */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

function u16(ch: string): string {
  // Per UTF-16 code unit: an astral character becomes its surrogate pair, a lone surrogate stays a lone surrogate.
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** A JavaScript/TypeScript string literal of `value`: double-quoted, printable ASCII only. */
export function stringLiteral(value: string): string {
  // JSON.stringify escapes `"`, `\` and C0 (and, since ES2019's well-formed JSON.stringify, lone surrogates);
  // the replace escapes the rest (DEL, C1, U+2028/2029, bidi controls, every other non-ASCII character).
  return JSON.stringify(String(value)).replace(NOT_PRINTABLE_ASCII, u16);
}

/** Object keys an object literal does not simply define as an own property. */
const SPECIAL_KEYS = new Set(['__proto__']);

/**
 * The literal of a JSON-like value (string, finite number, boolean, null, arrays and plain objects of those);
 * `undefined` members of objects are left out as `JSON.stringify` does. Anything else (a function, a symbol, a
 * non-finite number, a class instance) is a programming error here, not input: it throws.
 */
export function literal(value: unknown): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`literal: ${value} is not a finite number`);
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v === undefined ? null : v)).join(', ')}]`;
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const members = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${SPECIAL_KEYS.has(k) ? `[${stringLiteral(k)}]` : stringLiteral(k)}: ${literal(v)}`);
    return members.length ? `{ ${members.join(', ')} }` : '{}';
  }
  throw new Error(`literal: a ${typeof value} is not a literal value`);
}

/**
 * Text safe inside a `//` or a `/* … *\/` comment of generated code: one line of printable ASCII. Other characters
 * become visible `\uXXXX` escapes (the reader sees that the value held one); `*` before `/` is split.
 */
export function commentText(text: string): string {
  return String(text).replace(NOT_PRINTABLE_ASCII, u16).replace(/\*\//g, '* /');
}

/** `// NOTE …` lines: the note's text through {@link commentText}. */
export function noteComment(note: string, indent = ''): string {
  return `${indent}// NOTE ${commentText(note)}`;
}

/**
 * `Enum.MEMBER` for `value` when it is one of `enumObject`'s values (the member whose value it is), else undefined.
 * Only own string-valued members count, so `toString` or a prototype key never matches.
 */
export function enumMember(enumName: string, enumObject: Record<string, unknown>, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const member = Object.keys(enumObject).find((k) => Object.prototype.hasOwnProperty.call(enumObject, k) && enumObject[k] === value);
  return member !== undefined && /^[A-Z][A-Z0-9_]*$/.test(member) ? `${enumName}.${member}` : undefined;
}

/** The values of a string enum, for the NOTE that says what would have been valid. */
export function enumValues(enumObject: Record<string, unknown>): string[] {
  return Object.values(enumObject).filter((v): v is string => typeof v === 'string');
}

/**
 * Ids for everything the import names (model principals, chart objects): letters, digits and `-` from the name,
 * then `-2`, `-3`… until no id handed out before is equal ignoring case. Ids that the generated code writes itself
 * (`AwsAuth`) are reserved first, so no name can take them.
 */
export class IdAllocator {
  private readonly taken = new Set<string>();

  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.taken.add(r.toLowerCase());
  }

  /** A fresh id from `name` (`fallback` when nothing of it is left). */
  allocate(name: string, fallback = 'id'): string {
    const base = String(name).replace(/[^A-Za-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '') || fallback;
    let id = base;
    for (let n = 2; this.taken.has(id.toLowerCase()); n++) id = `${base}-${n}`;
    this.taken.add(id.toLowerCase());
    return id;
  }
}
