/** One bounded autocannon run over HTTPS, reduced to the figures the webhook benchmark reports. */
import type { SecureContextOptions } from 'node:tls';

// autocannon ships no types; this is the part of its API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  tlsOptions?: SecureContextOptions & { servername?: string };
  requests: Array<AutocannonRequest & { setupRequest?: (req: AutocannonRequest) => AutocannonRequest; onResponse?: (status: number, body: string) => void }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: AutocannonOptions) => Promise<AutocannonResult>;

export interface LoadResult {
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Connection errors + timeouts + non-2xx answers + 2xx answers that did not authenticate. */
  readonly errors: number;
  readonly total: number;
  readonly statusCodes: Record<string, number>;
}

export interface LoadOptions {
  readonly url: string;
  readonly ca: string;
  readonly servername?: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Builds the next request (called once per request sent). */
  readonly next: () => AutocannonRequest;
  /** Whether a 2xx body is a success (e.g. `"authenticated":true`); default: every 2xx is. */
  readonly ok?: (body: string) => boolean;
}

export async function load(opts: LoadOptions): Promise<LoadResult> {
  let rejected = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationSeconds,
    tlsOptions: { ca: opts.ca, servername: opts.servername },
    requests: [
      {
        setupRequest: (req) => ({ ...req, ...opts.next() }),
        onResponse: (status, body) => {
          if (status >= 200 && status < 300 && opts.ok && !opts.ok(body)) rejected++;
        },
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, Number(v.count)]));
  return {
    reqPerSec: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx + rejected,
    total: result.requests.total,
    statusCodes,
  };
}
