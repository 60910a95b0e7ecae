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
};

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    const list = Object.entries(COMMANDS)
      .map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)
      .join('\n');
    const err = name && name !== '--help' && name !== '-h' ? `unknown command '${name}'\n` : '';
    process.stderr.write(`${err}usage: eks-access <command> [options]\n\ncommands:\n${list}\n`);
    return name === '--help' || name === '-h' ? 0 : 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
