/**
 * The synth-time error of this library. aws-cdk-lib's own `ValidationError` is internal, so this mirrors it: the
 * message starts with the construct path, and `constructPath` carries it for tools.
 */
import type { IConstruct } from 'constructs';

/**
 * jsii refuses `extends Error` on an exported class, even an `@internal` one; a module-private base is invisible to it
 * (aws-cdk-lib/core/lib/errors.ts does the same with its `ConstructError`).
 */
abstract class SynthError extends Error {}

/**
 * Thrown at synth time when the access declaration would fail to deploy or is a mistake.
 *
 * Not part of the jsii API (jsii cannot extend `Error`), exactly as aws-cdk-lib's `ValidationError` is `@internal`
 * (aws-cdk-lib/core/lib/errors.ts): other languages see the message, which starts with the construct path.
 * @internal
 */
export class AccessValidationError extends SynthError {
  /** Path of the construct the problem belongs to. */
  public readonly constructPath: string;

  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: ${message}`);
    this.name = 'AccessValidationError';
    this.constructPath = scope.node.path;
  }
}
