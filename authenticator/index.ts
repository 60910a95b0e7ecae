/** Public API of `cdk-eks-access/authenticator`: the TokenReview webhook core. Imports nothing from CDK or cdk8s. */
export * from './errors';
export * from './identity';
export * from './token';
export * from './mapper';
export * from './server';
export * from './certs';
export * from './arn';
