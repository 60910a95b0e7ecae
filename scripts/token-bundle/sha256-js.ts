/**
 * The token bundle's SHA-256 (scripts/bundle-token.ts puts this module in place of `@smithy/hash-node` and of
 * authenticator/token/sha256-hex.ts): the same shapes on @aws-crypto/sha256-js 5.2.0, the SDK's pure-JavaScript
 * SHA-256 (https://github.com/aws/aws-sdk-js-crypto-helpers/tree/v5.2.0/packages/sha256-js), so that neither signing
 * a token nor naming its `--cache-token` file loads node:crypto (bench/results/RESULTS.md, token CLI). The digests
 * are the same bytes (test/authenticator/token/token-bundle.test.ts).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import type { SourceData } from '@smithy/types';

/**
 * `new Hash('sha256', secret?)`: SHA-256 or, given a secret, HMAC-SHA-256, as `@smithy/hash-node`'s `Hash`
 * (@smithy/core 3.41.0, dist-es/submodules/serde/hash-node/hash-node.js), which SigV4 is handed in
 * authenticator/token/presign.ts.
 */
export class Hash extends Sha256 {
  constructor(algorithmIdentifier: string, secret?: SourceData) {
    // SigV4 only ever asks for SHA-256; anything else must fail, never hash with the wrong algorithm.
    if (algorithmIdentifier !== 'sha256') throw new Error(`the token bundle hashes with sha256 only, not ${algorithmIdentifier}`);
    super(secret);
  }
}

/** authenticator/token/sha256-hex.ts's `sha256Hex`. */
export function sha256Hex(data: string | Uint8Array): string {
  const hash = new Sha256();
  hash.update(data);
  return Buffer.from(hash.digestSync()).toString('hex');
}
