/**
 * The synth-time error of this library. aws-cdk-lib's own `ValidationError` is internal, so this mirrors it: the
 * message starts with the construct path, and `constructPath` carries it for tools.
 */
import type { IConstruct } from 'constructs';

/** Thrown at synth time when the access declaration would fail to deploy or is a mistake. */
export class AccessValidationError extends Error {
  /** Path of the construct the problem belongs to. */
  public readonly constructPath: string;

  constructor(scope: IConstruct, message: string) {
    super(`${scope.node.path}: ${message}`);
    this.name = 'AccessValidationError';
    this.constructPath = scope.node.path;
  }
}
