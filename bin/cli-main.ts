/**
 * Sub-command table of the CLI. A command module exports `run(argv): Promise<number>` (the exit code), its `HELP`
 * (bin/commands/help.ts: usage, summary, every flag with its default) and the `OPTIONS` it parses; adding a command is
 * one module plus one line here, and `--help`, `eks-access help <command>` and the tests pick it up.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CommandHelp } from './commands/help';

/** What a command module exports. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
  readonly HELP: CommandHelp;
  /** The `parseArgs` options of the command; every key has an entry in `HELP.flags`. */
  readonly OPTIONS: Record<string, unknown>;
}

export interface CliCommand {
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

export const COMMANDS: Record<string, CliCommand> = {
  'token': { summary: 'Print an EKS bearer token as an ExecCredential (kubeconfig exec plugin)', load: () => import('./commands/token') },
  'verify': { summary: 'Verify a token against STS and print the identity', load: () => import('./commands/verify') },
  'serve': { summary: 'Run the TokenReview webhook server', load: () => import('./commands/serve') },
  'init': { summary: 'Create the webhook CA, server certificate and kube-apiserver webhook kubeconfig', load: () => import('./commands/init') },
  'migrate': { summary: 'Plan the move from an aws-auth ConfigMap to EKS access entries', load: () => import('./commands/migrate') },
  'merge-aws-auth': { summary: 'Merge our aws-auth rows into the live ConfigMap, keeping rows written by others', load: () => import('./commands/merge-aws-auth') },
  'can-i': { summary: 'Offline: may a user, group or IAM principal do VERB on RESOURCE?', load: () => import('./commands/can-i') },
  'who-can': { summary: 'Offline: which subjects may do VERB on RESOURCE?', load: () => import('./commands/who-can') },
  'matrix': { summary: 'Offline: access matrix of one subject', load: () => import('./commands/matrix') },
  'risks': { summary: 'Offline: dangerous permissions and who holds them', load: () => import('./commands/risks') },
  'report': { summary: 'Offline: self-contained HTML access report', load: () => import('./commands/report') },
  'snapshot': { summary: 'Read a live cluster\'s access (EKS, aws-auth, RBAC, IAM trust) into a folder', load: () => import('./commands/snapshot') },
  'diff': { summary: 'Drift between the code (cdk.out, manifests) and a live cluster or snapshot', load: () => import('./commands/diff') },
  'import': { summary: 'Write the TypeScript (AccessModel + RBAC chart) that reproduces a snapshot', load: () => import('./commands/import') },
};

/** The version of the installed package (package.json above this file, from bin/ or dist/bin/). */
export function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk-eks-access' && pkg.version) return pkg.version;
    } catch {
      // no package.json here; keep walking up
    }
  }
  return 'unknown';
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const list = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`).join('\n');
  return `usage: eks-access <command> [flags]      eks-access help <command> (or <command> --help) for every flag
       eks-access --version

commands:
${list}
`;
}

async function help(topic: string | undefined): Promise<number> {
  if (topic === undefined) {
    process.stdout.write(usage());
    return 0;
  }
  const command = COMMANDS[topic];
  if (!command) {
    process.stderr.write(`eks-access: unknown command '${topic}'\n${usage()}`);
    return 2;
  }
  const { renderHelp } = await import('./commands/help');
  process.stdout.write(renderHelp((await command.load()).HELP));
  return 0;
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  // Asked-for help goes to stdout with exit 0; a missing or unknown command is a usage error on stderr.
  if (name === '--help' || name === '-h') return help(undefined);
  if (name === 'help') return help(rest[0]);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    process.stderr.write(`${name ? `eks-access: unknown command '${name}'\n` : ''}${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
