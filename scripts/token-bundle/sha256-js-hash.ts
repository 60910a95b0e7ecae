/**
 * The token bundle's `@smithy/hash-node` (scripts/bundle-token.ts puts this module in its place): `new Hash('sha256',
 * secret?)`, SHA-256 or, given a secret, HMAC-SHA-256, as `@smithy/hash-node`'s `Hash` (@smithy/core 3.41.0,
 * dist-es/submodules/serde/hash-node/hash-node.js) but on @aws-crypto/sha256-js 5.2.0, the SDK's pure-JavaScript
 * SHA-256 (https://github.com/aws/aws-sdk-js-crypto-helpers/tree/v5.2.0/packages/sha256-js), so that signing a token
 * does not load node:crypto (bench/results/RESULTS.md, token CLI). The digests are the same bytes
 * (test/authenticator/token/token-bundle.test.ts checks the bundle's token against the library's).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import type { SourceData } from '@smithy/types';

export class Hash extends Sha256 {
  constructor(algorithmIdentifier: string, secret?: SourceData) {
    // SigV4 only ever asks for SHA-256; anything else must fail, never hash with the wrong algorithm.
    if (algorithmIdentifier !== 'sha256') throw new Error(`the token bundle hashes with sha256 only, not ${algorithmIdentifier}`);
    super(secret);
  }
}
