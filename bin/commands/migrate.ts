/**
 * `eks-access migrate --aws-auth FILE [-o text|json|yaml] [--write-code OUT.ts]`: prints the plan from an aws-auth
 * ConfigMap (a manifest, or `kubectl -n kube-system get configmap aws-auth -o yaml|json`; `-` reads stdin) to EKS access
 * entries, with eksctl's rules (lib/k8s/migration-plan.ts). Offline: nothing is created. `--write-code` also writes the
 * model code for the rows through the one emitter of `import --aws-auth` (lib/live/import/aws-auth-file.ts).
 * Exit codes: 0 plan printed (check `canSwitchToApi` / the blockers), 2 usage or input error.
 * With `-o json|yaml` errors are `{"error":{"type","message"}}` on stdout.
 */
import { writeFileSync } from 'node:fs';
import { accessPolicyNameOf } from '../../authenticator/mapper/eks-rules';
import { generateAwsAuthImport } from '../../lib/live/import/aws-auth-file';
import { MigrationPlan, planMigration } from '../../lib/k8s/migration-plan';
import { strictCommand } from './command-frame';
import { UsageError } from './cli-flags';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';
import { InputError, readDocument } from './read-input';
import { wroteCodeLines } from './import';

import { CommandHelp, HELP_FLAG, OUTPUT_FLAG } from './help';

export const OPTIONS = {
  'aws-auth': { type: 'string' }, 'write-code': { type: 'string' }, mode: { type: 'string' }, cluster: { type: 'string' },
  account: { type: 'string' }, module: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' },
} as const;

export const HELP: CommandHelp = {
  name: 'migrate',
  synopsis: '--aws-auth FILE|- [options]',
  summary: "Offline: plan the move from an aws-auth ConfigMap to EKS access entries, with eksctl's rules; nothing is created.",
  flags: [
    { name: 'aws-auth', value: 'FILE', required: true, meaning: 'the ConfigMap (manifest, or kubectl get -o yaml|json); "-" reads stdin' },
    { name: 'write-code', value: 'OUT.ts', default: 'none: only the plan', meaning: 'also write the model code for the rows (as import --aws-auth)' },
    { name: 'mode', value: 'MODE', default: 'API_AND_CONFIG_MAP', meaning: 'with --write-code: authentication mode of the model (API or API_AND_CONFIG_MAP)' },
    { name: 'cluster', value: 'NAME', default: 'my-cluster', meaning: 'with --write-code: the CLUSTER_NAME written' },
    { name: 'account', value: 'ID', default: 'none', meaning: 'with --write-code: account id of the generated model' },
    { name: 'module', value: 'NAME', default: 'cdk-eks-access', meaning: 'with --write-code: module the generated code imports the library from' },
    OUTPUT_FLAG,
    HELP_FLAG,
  ],
  notes: 'Exit codes: 0 plan printed (see canSwitchToApi and the blockers), 2 usage or input error.',
};

function text(plan: MigrationPlan): string {
  // Each line carries names read from the ConfigMap (hostile input): safeLines escapes control characters, newlines included.
  const lines: string[] = [];
  lines.push(`Access entries to create (${plan.entries.length}):`);
  for (const e of plan.entries) {
    const extra = [
      e.username ? `username=${e.username}` : '',
      e.kubernetesGroups ? `groups=${e.kubernetesGroups.join(',')}` : '',
      ...(e.accessPolicies ?? []).map((p) => `policy=${accessPolicyNameOf(p.policyArn)}@${p.accessScope.type}`),
    ].filter(Boolean).join(' ');
    lines.push(`  ${e.source.padEnd(12)} ${e.type.padEnd(11)} ${e.principalArn}${extra ? `  ${extra}` : ''}`);
    for (const n of e.notes) lines.push(`  ${''.padEnd(12)} note: ${n}`);
  }
  if (plan.skipped.length) {
    lines.push(`Skipped (${plan.skipped.length}):`);
    for (const s of plan.skipped) lines.push(`  ${s.source.padEnd(12)} ${s.principal}: ${s.reason}`);
  }
  if (plan.blockers.length) {
    lines.push(`Blockers (${plan.blockers.length}) — keep aws-auth (API_AND_CONFIG_MAP) until resolved:`);
    for (const b of plan.blockers) lines.push(`  ${b.source.padEnd(12)} ${b.principal}: ${b.reason}`);
  }
  if (plan.invalidRows.length) {
    lines.push(`Invalid rows (${plan.invalidRows.length}):`);
    for (const r of plan.invalidRows) lines.push(`  ${r}`);
  }
  lines.push(plan.canSwitchToApi
    ? 'After creating these entries, authentication mode API is safe.'
    : 'Do not switch to authentication mode API yet: blockers or invalid rows remain.');
  return safeLines(lines);
}

export const run = strictCommand(HELP, OPTIONS, { allowPositionals: false }, async ({ values }, _json, format) => {
  if (!values['aws-auth']) throw new UsageError('--aws-auth FILE is required');
  const doc = readDocument(values['aws-auth']);
  if (doc === null || typeof doc !== 'object') throw new InputError(`${values['aws-auth']} is not an aws-auth ConfigMap (expected an object with data.mapRoles/mapUsers/mapAccounts)`);
  const plan = planMigration(doc);
  const out = values['write-code'];
  if (out === undefined && [values.mode, values.cluster, values.account, values.module].some((v) => v !== undefined)) {
    throw new UsageError('--mode, --cluster, --account and --module go with --write-code OUT.ts');
  }
  // The same emitter as `import --aws-auth` (one code writer): generated before anything is printed, so a refused
  // --mode is a usage error with no plan half-written.
  const generated = out === undefined ? undefined : generateAwsAuthImport(doc, values['aws-auth'] === '-' ? 'stdin' : values['aws-auth'], {
    authenticationMode: values.mode, clusterName: values.cluster, accountId: values.account, moduleName: values.module,
  });
  if (generated) writeFileSync(out!, generated.source);
  if (format === 'text') {
    process.stdout.write(text(plan));
    if (generated) process.stdout.write(safeLines(wroteCodeLines(out!, generated.notes)));
  } else {
    printStructured(generated ? { ...plan, code: { file: out, notes: generated.notes } } : plan, format);
  }
  return 0;
});
