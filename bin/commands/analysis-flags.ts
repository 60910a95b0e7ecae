/** Help entries of the flags the offline analysis commands share (their parser options are in analysis-command.ts). */
import { FlagHelp, HELP_FLAG, OUTPUT_FLAG } from './help';

/** `COMMON_OPTIONS`: inputs, output format, account, bootstrap roles, help. */
export const COMMON_FLAG_HELP: FlagHelp[] = [
  { name: 'from', value: 'PATH', repeatable: true, required: true, meaning: 'a cdk.out folder, a manifest file (YAML/JSON) or a folder of manifests' },
  OUTPUT_FLAG,
  { name: 'account', value: 'ID', default: 'none: ${AWS::AccountId} matches any account', meaning: 'account of environment-agnostic stacks' },
  { name: 'no-bootstrap', meaning: "leave out Kubernetes' default roles and bindings (v1.33.13)" },
  HELP_FLAG,
];

/** `PRINCIPAL_OPTIONS`: who is asking. */
export const PRINCIPAL_FLAG_HELP: FlagHelp[] = [
  { name: 'as', value: 'USER', default: 'none; --as or --as-arn is required', meaning: 'a Kubernetes user (RBAC only, as kubectl --as impersonation)' },
  { name: 'as-group', value: 'GROUP', repeatable: true, default: 'none; system:authenticated is always added', meaning: 'a group of the --as user' },
  { name: 'as-arn', value: 'ARN', default: 'none', meaning: 'an IAM principal, mapped through the access entries, aws-auth and IAMIdentityMappings of the inputs' },
  { name: 'session-name', value: 'NAME', default: 'eks-access-offline', meaning: 'role session name of --as-arn (for {{SessionName}} usernames)' },
];

/** `-n` / `-A`. */
export const NAMESPACE_FLAG_HELP: FlagHelp[] = [
  { name: 'namespace', short: 'n', value: 'NS', default: 'default', meaning: 'the namespace of the request' },
  { name: 'all-namespaces', short: 'A', meaning: 'ask across all namespaces (cluster-wide grants only)' },
];

/** `--fleet DIR` of `report` and `who-can` (FLEET_OPTIONS): a fleet snapshot folder instead of `--from`. */
export const FLEET_FLAG_HELP: FlagHelp = {
  name: 'fleet', value: 'DIR', default: 'none; --from or --fleet is required',
  meaning: 'a folder written by snapshot --fleet: every cluster of it, side by side (instead of --from)',
};

/** `COMMON_FLAG_HELP` of a command that takes `--from` or `--fleet`: `--from` is then not required on its own. */
export const COMMON_FLAG_HELP_WITH_FLEET: FlagHelp[] = COMMON_FLAG_HELP.map((f) =>
  (f.name === 'from' ? { ...f, required: false, default: 'none; --from or --fleet is required' } : f));
