/** CDK constructs: the AWS side of the access model. */
export * from './cluster-access';
export * from './cluster-target';
export * from './errors';
export * from './sharding';
export * from './authenticator-function';
export * from './fleet';
