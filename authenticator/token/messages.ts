/**
 * Builders of the verifier's errors with the reference's message prefixes (pkg/token `Error()`), so operators and
 * log searches see the same texts. Nothing that reaches these builders may contain the token or the presigned URL.
 */
import { FormatError, STSError, STSThrottling } from '../errors';

export function formatError(detail: string): FormatError {
  return new FormatError(`input token was not properly formatted: ${detail}`);
}

export function stsError(detail: string, statusCode?: number): STSError {
  return new STSError(`sts getCallerIdentity failed: ${detail}`, statusCode);
}

export function stsThrottling(detail: string): STSThrottling {
  return new STSThrottling(`sts getCallerIdentity was throttled: ${detail}`);
}

/** Quotes an attacker-controlled fragment for a message: JSON-escaped and cut to `max` characters. */
export function quoteForMessage(value: string, max = 64): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(cut);
}
