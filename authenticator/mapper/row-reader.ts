/**
 * Case-insensitive field access for aws-auth rows. The reference decodes rows with Go's encoding/json, which matches
 * field names case-insensitively, so `rolearn`, `roleARN` and `RoLeArN` all work (`ParseMap` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/mapper/configmap/configmap.go); we accept
 * the same. Values come from YAML parsed with the failsafe schema, so every scalar is a string (account ids keep
 * leading zeros).
 */
import { MappingRowError } from './row-error';

/** A YAML/JSON mapping row whose fields are looked up case-insensitively; collects the row's problems. */
export class RowReader {
  readonly errors: MappingRowError[] = [];
  private readonly byLowerName = new Map<string, string>();
  private readonly used = new Set<string>();

  constructor(private readonly obj: Record<string, unknown>, readonly key: string, readonly index: number) {
    for (const name of Object.keys(obj)) {
      const lower = name.toLowerCase();
      const earlier = this.byLowerName.get(lower);
      if (earlier !== undefined) {
        this.fail(name, `duplicates field '${earlier}' (field names are case-insensitive)`);
      } else {
        this.byLowerName.set(lower, name);
      }
    }
  }

  /** True when no error (as opposed to warning) was recorded for this row. */
  get ok(): boolean {
    return !this.errors.some((e) => e.severity === 'error');
  }

  fail(field: string | undefined, message: string): void {
    this.errors.push(new MappingRowError(this.key, this.index, field, message));
  }

  /** The field's name as written in the row (for error messages), or the canonical name if absent. */
  nameOf(field: string): string {
    return this.byLowerName.get(field.toLowerCase()) ?? field;
  }

  raw(field: string): unknown {
    const name = this.byLowerName.get(field.toLowerCase());
    if (name === undefined) return undefined;
    this.used.add(name);
    const v = this.obj[name];
    return v === null || v === '' ? undefined : v;
  }

  string(field: string, required: boolean, hint: string): string | undefined {
    const v = this.raw(field);
    if (v === undefined) {
      if (required) this.fail(this.nameOf(field), `is required (${hint})`);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.fail(this.nameOf(field), `must be a string (${hint}), got ${describe(v)}`);
      return undefined;
    }
    return v.trim();
  }

  stringList(field: string): string[] {
    const v = this.raw(field);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.fail(this.nameOf(field), `must be a list of strings, got ${describe(v)}`);
      return [];
    }
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') {
        this.fail(`${this.nameOf(field)}[${i}]`, `must be a non-empty string, got ${describe(item)}`);
      } else {
        out.push(item.trim());
      }
    });
    return out;
  }

  object(field: string): Record<string, unknown> | undefined {
    const v = this.raw(field);
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) {
      this.fail(this.nameOf(field), `must be an object, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /**
   * Unknown fields are warnings, not errors: Go's encoding/json ignores them, so rejecting the row would revoke access
   * that worked with the reference. Call after all known fields were read.
   */
  warnUnknownFields(expected: readonly string[]): void {
    for (const name of Object.keys(this.obj)) {
      if (!this.used.has(name) && !expected.includes(name.toLowerCase())) {
        this.errors.push(
          new MappingRowError(this.key, this.index, name, `unknown field (expected one of: ${expected.join(', ')})`, 'warning'),
        );
      }
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v);
}
