/**
 * Runs a table of sub-commands: `--version`, `help [<command>]`, `<command> --help` and dispatch. A command module
 * exports `run(argv): Promise<number>` (the exit code), its `HELP` (bin/commands/help.ts: usage, summary, every flag
 * with its default) and the `OPTIONS` it parses. The table is a parameter so that the container image's entry
 * (bin/eks-access-webhook.ts) bundles only the webhook's commands.
 */
import { packageVersion } from '../authenticator/server/build-info';
import { exitCodeText } from './commands/exit-codes';
import { errorLine } from './commands/help';
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

export type CommandTable = Record<string, CliCommand>;

/** The version of the installed package (the one function the `build_info` metric uses too). */
export { packageVersion };

function usage(commands: CommandTable): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const list = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`).join('\n');
  return `usage: eks-access <command> [flags]      eks-access help <command> (or <command> --help) for every flag
       eks-access --version

commands:
${list}

${exitCodeText()}`;
}

/** `unknown command 'X'; did you mean Y?` (escaped: it is whatever was typed or pasted). */
async function unknownCommandLine(name: string, commands: CommandTable): Promise<string> {
  const { unknownCommand } = await import('./commands/flag-errors');
  return errorLine(undefined, unknownCommand(name, Object.keys(commands)));
}

async function help(topic: string | undefined, commands: CommandTable): Promise<number> {
  if (topic === undefined) {
    process.stdout.write(usage(commands));
    return 0;
  }
  const command = Object.hasOwn(commands, topic) ? commands[topic] : undefined;
  if (!command) {
    process.stderr.write(`${await unknownCommandLine(topic, commands)}${usage(commands)}`);
    return 2;
  }
  const { renderHelp } = await import('./commands/help');
  process.stdout.write(renderHelp((await command.load()).HELP));
  return 0;
}

export async function runCommands(argv: string[], commands: CommandTable): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  // Asked-for help goes to stdout with exit 0; a missing or unknown command is a usage error on stderr.
  if (name === '--help' || name === '-h') return help(undefined, commands);
  if (name === 'help') return help(rest[0], commands);
  // Own keys only: `eks-access constructor` is an unknown command, not Object.prototype's.
  const command = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`${name ? await unknownCommandLine(name, commands) : ''}${usage(commands)}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
