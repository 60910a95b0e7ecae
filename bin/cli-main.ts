/**
 * Sub-command table of the `eks-access` CLI: the webhook's commands (bin/webhook-commands.ts) and the rest. Adding a
 * command is one module plus one line here; `--help`, `eks-access help <command>` and the tests pick it up.
 */
import { CommandTable, runCommands } from './cli-runner';
import { WEBHOOK_COMMANDS } from './webhook-commands';

export type { CliCommand, CommandModule } from './cli-runner';
export { packageVersion } from './cli-runner';

export const COMMANDS: CommandTable = {
  ...WEBHOOK_COMMANDS,
  'migrate': { summary: 'Plan the move from an aws-auth ConfigMap to EKS access entries', load: () => import('./commands/migrate') },
  'merge-aws-auth': { summary: 'Merge our aws-auth rows into the live ConfigMap, keeping rows written by others', load: () => import('./commands/merge-aws-auth') },
  'can-i': { summary: 'Offline: may a user, group or IAM principal do VERB on RESOURCE?', load: () => import('./commands/can-i') },
  'who-can': { summary: 'Offline: which subjects may do VERB on RESOURCE?', load: () => import('./commands/who-can') },
  'matrix': { summary: 'Offline: access matrix of one subject', load: () => import('./commands/matrix') },
  'risks': { summary: 'Offline: dangerous permissions and who holds them', load: () => import('./commands/risks') },
  'usage': { summary: 'Offline: grants used, unused and denied, from the audit log', load: () => import('./commands/usage') },
  'report': { summary: 'Offline: self-contained HTML access report', load: () => import('./commands/report') },
  'snapshot': { summary: 'Read a live cluster\'s access (EKS, aws-auth, RBAC, IAM trust) into a folder', load: () => import('./commands/snapshot') },
  'diff': { summary: 'Drift between the code (cdk.out, manifests) and a live cluster or snapshot', load: () => import('./commands/diff') },
  'import': { summary: 'Write the TypeScript (AccessModel + RBAC chart) that reproduces a snapshot', load: () => import('./commands/import') },
  // Built for this table: the completion script lists exactly these commands and their flags.
  'completion': { summary: 'Print a shell completion script (bash, zsh or fish)', load: async () => (await import('./commands/completion')).completionCommand(COMMANDS) },
};

export function runCli(argv: string[]): Promise<number> {
  return runCommands(argv, COMMANDS);
}
