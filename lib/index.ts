/**
 * Public API of `cdk-eks-access`, and the jsii entry (package.json `types`): the construct API every jsii language
 * gets. The offline analysis is `cdk-eks-access/analysis`, the webhook core `cdk-eks-access/authenticator`.
 */
export * from './model';
export * from './aws';
export * from './k8s';
export * from './deploy';
