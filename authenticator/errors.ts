/**
 * Error types of the verifier, named like the reference (pkg/token: FormatError, STSError, STSThrottling).
 * The `type` field is what the CLI prints in `{"error":{"type":...}}` and what the server maps to HTTP codes
 * (FormatError/STSError → 403, STSThrottling → 429).
 */
export type TokenErrorType = 'FormatError' | 'STSError' | 'STSThrottling';

export abstract class TokenError extends Error {
  abstract readonly type: TokenErrorType;
}

/** The token is malformed or fails a local check; never retried. */
export class FormatError extends TokenError {
  readonly type = 'FormatError' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

/** STS rejected the request, answered unexpectedly or could not be reached. */
export class STSError extends TokenError {
  readonly type = 'STSError' as const;
  constructor(message: string, readonly statusCode?: number) {
    super(message);
    this.name = 'STSError';
  }
}

/** STS throttled the request (HTTP 429 or a Throttling error code); the server answers 429. */
export class STSThrottling extends TokenError {
  readonly type = 'STSThrottling' as const;
  constructor(message: string) {
    super(message);
    this.name = 'STSThrottling';
  }
}

/**
 * A configuration or argument the caller gave is invalid: a precondition, found before anything ran, never retried.
 * The one error type for them in the authenticator (config files, environment variables, kubeconfigs, and the argument
 * checks of the token generator, verifier, STS client, certificate issuer and mapper chain), so the CLI reports
 * `{"error":{"type":"ConfigError"}}` and callers can tell "fix your input" from a failure at run time.
 */
export class ConfigError extends Error {
  /**
   * An argument check whose message already names the argument (kept verbatim: several mirror the reference's texts,
   * e.g. `ClusterID is required`).
   */
  static argument(message: string): ConfigError {
    return new ConfigError('', message);
  }

  /** The dotted path of the offending key or argument (e.g. `mapping.backends[1].type`); '' when the message names it. */
  readonly field: string;

  constructor(field: string, problem: string) {
    super(field === '' ? problem : `${field}: ${problem}`);
    this.name = 'ConfigError';
    this.field = field;
  }
}
