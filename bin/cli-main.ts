/** Sub-command table of the CLI. A command module exports `run(argv): Promise<number>` (the exit code). */
export interface CliCommand {
  readonly summary: string;
  readonly load: () => Promise<{ run(argv: string[]): Promise<number> }>;
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

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
    const list = Object.entries(COMMANDS)
      .map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`)
      .join('\n');
    const usage = `usage: eks-access <command> [options]   (eks-access <command> --help for its options)\n\ncommands:\n${list}\n`;
    // Asked-for help goes to stdout with exit 0; a missing or unknown command is a usage error on stderr.
    if (name === '--help' || name === '-h') {
      process.stdout.write(usage);
      return 0;
    }
    process.stderr.write(`${name ? `unknown command '${name}'\n` : ''}${usage}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
