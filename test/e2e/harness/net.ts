import { request as httpsRequest } from 'node:https';

export interface HttpsResult {
  readonly status: number;
  readonly body: string;
}

/** One HTTPS request to 127.0.0.1 trusting only `ca` (undefined: accept any certificate, used only for readiness polls). */
export async function httpsCall(
  url: string,
  opts: { method?: string; body?: string; ca?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: opts.method ?? 'GET',
        ca: opts.ca,
        rejectUnauthorized: opts.ca !== undefined,
        headers: { ...(opts.body ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        timeout: opts.timeoutMs ?? 10000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout calling ${url}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Polls `probe` until it returns true; fails after `timeoutMs` with `describe()` (e.g. the process log tail), or
 * at once when `abort()` says the process died.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; describe?: () => string; abort?: () => boolean; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (opts.abort?.()) {
      throw new Error(`${what}: process exited before it was ready\n${opts.describe?.() ?? ''}`);
    }
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
  throw new Error(`${what}: not ready after ${opts.timeoutMs} ms (${lastError})\n${opts.describe?.() ?? ''}`);
}
