/**
 * What the model's checks and views (validate, validate-identity, model-views, model-aws-auth-rows) read of an `AccessModel`.
 * Declared apart from the class, which imports those modules, so that none of them imports the class back: lib/model
 * has no import cycle (test/architecture/layering.test.ts). `AccessModel` is the one implementation.
 */
import type { AuthenticationMode, SystemMastersHandling } from './enums';
import type { GroupGrantJson, PrincipalJson, ServiceAccountJson } from './types';

export interface AccessModelState {
  readonly accountId: string;
  readonly partition: string;
  readonly authenticationMode: AuthenticationMode;
  readonly systemMasters: SystemMastersHandling;
  readonly principals: readonly PrincipalJson[];
  readonly groupGrants: readonly GroupGrantJson[];
  readonly serviceAccounts: readonly ServiceAccountJson[];
  /** The principal with this id, or undefined. */
  principal(id: string): PrincipalJson | undefined;
  /** Seals the model: `consumer` rendered it, so later changes would reach only part of the outputs. */
  _markRendered(consumer: string): void;
}
