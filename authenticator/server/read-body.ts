/** Reads a request body up to a byte limit and within a deadline (the webhook's bounds on memory and time per request). */
import type { IncomingMessage } from 'node:http';

/** The body (declared or sent) is over the limit. */
export class BodyTooLarge extends Error {}

/** The body did not arrive within the deadline (a slow or stalled sender). */
export class BodyTimeout extends Error {}

export interface BodyLimits {
  readonly maxBytes: number;
  /** Counted from the call, i.e. from the moment the request's headers were parsed. */
  readonly timeoutMs: number;
}

export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    // A deadline for the whole body, not an idle timeout: a sender trickling a byte a second never idles.
    const timer = setTimeout(() => fail(new BodyTimeout()), limits.timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      req.removeAllListeners('data');
      reject(e);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return fail(new BodyTooLarge());
      chunks.push(chunk);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      clearTimeout(timer);
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', fail);
    req.on('close', () => {
      if (!ended) fail(new Error('client aborted the request'));
    });
  });
}
