/** Public API of `cdk-eks-access`. */
export * from './model';
export * from './aws';
export * from './k8s';

