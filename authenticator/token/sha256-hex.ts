/**
 * SHA-256 of `data` (a string as UTF-8), lower-case hex: the names of the `--cache-token` files and of the code cache
 * of an unstamped file. On node:crypto; the `eks-access token` bundle puts a pure-JS one in its place
 * (scripts/token-bundle/sha256-js.ts), so that a `--cache-token` hit does not load node:crypto.
 */
import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
