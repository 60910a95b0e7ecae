/**
 * A small typed reader over parsed YAML/JSON that throws errors naming the offending field path
 * (`server.port: must be an integer between 1 and 65535, got "abc"`). Used by the config loader; unknown keys are
 * errors too, so a typo like `sever:` is reported instead of silently ignored.
 */

import { ConfigError } from './errors';

/** A configuration error; `field` is the dotted path of the offending key (e.g. `mapping.backends[1].type`). */
export { ConfigError };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}

export class ObjectReader {
  private readonly seen = new Set<string>();

  constructor(private readonly obj: Record<string, unknown>, readonly path: string) {}

  /** Wraps `value` as an object reader or throws naming `path`. */
  static of(value: unknown, path: string): ObjectReader {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigError(path || '(root)', `must be an object, got ${describe(value)}`);
    }
    return new ObjectReader(value as Record<string, unknown>, path);
  }

  field(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  raw(key: string): unknown {
    this.seen.add(key);
    const v = this.obj[key];
    return v === null ? undefined : v;
  }

  string(key: string, opts: { required: true; pattern?: RegExp; hint?: string }): string;
  string(key: string, opts?: { required?: boolean; pattern?: RegExp; hint?: string }): string | undefined;
  string(key: string, opts: { required?: boolean; pattern?: RegExp; hint?: string } = {}): string | undefined {
    const v = this.raw(key);
    if (v === undefined) {
      if (opts.required) throw new ConfigError(this.field(key), `is required${opts.hint ? ` (${opts.hint})` : ''}`);
      return undefined;
    }
    if (typeof v !== 'string' || v.length === 0) {
      throw new ConfigError(this.field(key), `must be a non-empty string, got ${describe(v)}`);
    }
    if (opts.pattern && !opts.pattern.test(v)) {
      throw new ConfigError(this.field(key), `must be ${opts.hint ?? `a string matching ${opts.pattern}`}, got ${describe(v)}`);
    }
    return v;
  }

  /** Without a fallback the key is required. */
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.raw(key);
    if (v === undefined) {
      if (fallback === undefined) throw new ConfigError(this.field(key), `is required (one of ${allowed.join(', ')})`);
      return fallback;
    }
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw new ConfigError(this.field(key), `must be one of ${allowed.join(', ')}; got ${describe(v)}`);
    }
    return v as T;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new ConfigError(this.field(key), `must be an integer between ${min} and ${max}, got ${describe(v)}`);
    }
    return v;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new ConfigError(this.field(key), `must be true or false, got ${describe(v)}`);
    return v;
  }

  stringList(key: string): string[] {
    return this.list(key).map((item, i) => {
      if (typeof item !== 'string' || item.length === 0) {
        throw new ConfigError(`${this.field(key)}[${i}]`, `must be a non-empty string, got ${describe(item)}`);
      }
      return item;
    });
  }

  list(key: string): unknown[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new ConfigError(this.field(key), `must be a list, got ${describe(v)}`);
    return v;
  }

  object(key: string): ObjectReader {
    const v = this.raw(key);
    return ObjectReader.of(v === undefined ? {} : v, this.field(key));
  }

  /** Throws on keys that were never read: catches typos. Call after reading every known key. */
  rejectUnknown(): void {
    for (const key of Object.keys(this.obj)) {
      if (!this.seen.has(key)) {
        const known = [...this.seen].sort().join(', ');
        throw new ConfigError(this.field(key), `is not a known setting (known here: ${known})`);
      }
    }
  }
}
