import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A token of the conformance set (test/conformance/token-verifier-format.json), rendered for "now". */
export interface ConformanceToken {
  readonly name: string;
  readonly token: string;
  /** false: a case where we are deliberately stricter than upstream (README "differences"). */
  readonly reference: boolean;
  /** Expected error text (ours; upstream's too when `reference`), absent for format-valid cases. */
  readonly error?: string;
  /** Only for cases that need a non-default partition or token size limit (cannot be sent to a server as is). */
  readonly needsOptions: boolean;
}

function utcStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Loads the token-format vectors, rendering {{NOW}} and encoding `url` cases the way a client would. */
export function conformanceTokens(now = new Date()): ConformanceToken[] {
  const file = join(__dirname, '../../conformance/token-verifier-format.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as {
    cases: Array<{ name: string; token?: string | { repeat: string; count: number }; url?: string; error?: string; reference?: boolean; partition?: string; options?: object }>;
  };
  return data.cases.map((c) => {
    let token: string;
    if (typeof c.token === 'string') token = c.token;
    else if (c.token) token = c.token.repeat.repeat(c.token.count);
    else token = `k8s-aws-v1.${Buffer.from((c.url ?? '').replace(/\{\{NOW\}\}/g, utcStamp(now))).toString('base64url')}`;
    return {
      name: c.name,
      token,
      reference: c.reference !== false,
      ...(c.error ? { error: c.error } : {}),
      needsOptions: Boolean(c.options) || (c.partition !== undefined && c.partition !== 'aws'),
    };
  });
}
