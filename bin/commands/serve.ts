/**
 * `eks-access serve --config FILE`: runs the TokenReview webhook until SIGTERM/SIGINT. The first signal starts a
 * graceful shutdown (in-flight reviews finish, up to server.shutdownGraceMs); a second one exits at once.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../../authenticator/config';
import { startWebhookServer } from '../../authenticator/server/webhook-server';

import { CommandHelp, HELP_FLAG, errorLine, renderHelp, usageLine } from './help';

export const OPTIONS = { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } as const;

export const HELP: CommandHelp = {
  name: 'serve',
  synopsis: '--config FILE',
  summary: 'Run the TokenReview webhook (HTTPS) until SIGTERM/SIGINT; the first signal drains in-flight reviews, a second exits at once.',
  flags: [
    { name: 'config', short: 'c', value: 'FILE', required: true, meaning: 'YAML/JSON config (README, section "The config file"; `eks-access init` writes a starter)' },
    HELP_FLAG,
  ],
  notes: 'Exit codes: 0 stopped cleanly, 1 failed to start or stop, 2 usage error or invalid config.',
};

export async function run(argv: string[]): Promise<number> {
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: OPTIONS });
    if (values.help) {
      process.stdout.write(renderHelp(HELP));
      return 0;
    }
    configPath = values.config;
  } catch (e) {
    process.stderr.write(`${errorLine(HELP.name, (e as Error).message)}${usageLine(HELP)}\n`);
    return 2;
  }
  if (!configPath) {
    process.stderr.write(`${errorLine(HELP.name, '--config is required')}${usageLine(HELP)}\n`);
    return 2;
  }
  let server;
  try {
    server = await startWebhookServer(loadConfigFile(configPath));
  } catch (e) {
    const where = e instanceof ConfigError ? `invalid config ${configPath}: ` : '';
    process.stderr.write(errorLine(HELP.name, `${where}${(e as Error).message}`));
    return e instanceof ConfigError ? 2 : 1;
  }
  const running = server;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        running.logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      running.logger.info({ signal }, 'signal received');
      running.close().then(() => resolve(0), () => resolve(1));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
