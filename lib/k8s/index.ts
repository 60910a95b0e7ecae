// First: names the optional cdk8s peers when they are missing, before any chart module requires them.
import './cdk8s-peers';
export * from './rbac-rule-synth';
export * from './rbac-subject';
export * from './rbac-chart';
export * from './rbac-presets';
export * from './cluster-defaults';
export * from './node-role-rows';
export * from './aws-auth-merge';
export * from './aws-auth-config-map';
export * from './iam-identity-mapping';
export * from './migration-plan';
export * from './access-chart';
export * from './authenticator-backend';
export * from './authenticator-chart';
export * from './write-manifests';
