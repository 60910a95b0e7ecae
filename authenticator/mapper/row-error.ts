/**
 * Errors of mapping configuration. A `MappingRowError` names the bad row (`mapRoles[2].rolearn: …`) so one typo is
 * reported precisely instead of silently dropping a whole key (the reference drops the whole key on a YAML error:
 * containers-roadmap#185).
 */

export type RowErrorSeverity =
  /** The row is not applied. */
  | 'error'
  /** The row is applied, but something in it is probably a mistake (e.g. an unknown field). */
  | 'warning';

export class MappingRowError {
  constructor(
    /** The document key: `mapRoles`, `mapUsers`, `mapAccounts`, `accessEntries`, an object name, or `(document)`. */
    readonly key: string,
    /** Index of the row within the key; undefined when the problem concerns the whole key. */
    readonly index: number | undefined,
    /** The offending field (as written), if one. */
    readonly field: string | undefined,
    readonly message: string,
    readonly severity: RowErrorSeverity = 'error',
  ) {}

  /** `mapRoles[2].rolearn` */
  get location(): string {
    return `${this.key}${this.index === undefined ? '' : `[${this.index}]`}${this.field ? `.${this.field}` : ''}`;
  }

  toString(): string {
    return `${this.location}: ${this.message}${this.severity === 'warning' ? ' (warning; row applied)' : ''}`;
  }

  toJSON(): object {
    return { location: this.location, severity: this.severity, message: this.message };
  }
}

/** A mapping configuration that cannot be used at all (unparsable document, or rows rejected in strict mode). */
export class MappingConfigError extends Error {
  constructor(message: string, readonly rowErrors: readonly MappingRowError[] = []) {
    super(rowErrors.length ? `${message}:\n  ${rowErrors.map(String).join('\n  ')}` : message);
    this.name = 'MappingConfigError';
  }
}

/** A matched row could not be turned into a Kubernetes user (template error, reserved prefix); the review is denied. */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}
