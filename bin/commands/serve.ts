/**
 * `eks-access serve --config FILE`: runs the TokenReview webhook until SIGTERM/SIGINT. The first signal starts a
 * graceful shutdown (in-flight reviews finish, up to server.shutdownGraceMs); a second one exits at once.
 */
import { ConfigError, loadConfigFile } from '../../authenticator/config';
import { startWebhookServer } from '../../authenticator/server/webhook-server';

import { CliError, UsageError } from './cli-flags';
import { errorType, strictCommand } from './command-frame';
import { CommandHelp, HELP_FLAG } from './help';

export const OPTIONS = { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } as const;

export const HELP: CommandHelp = {
  name: 'serve',
  synopsis: '--config FILE',
  summary: 'Run the TokenReview webhook (HTTPS) until SIGTERM/SIGINT; the first signal drains in-flight reviews, a second exits at once.',
  flags: [
    { name: 'config', short: 'c', value: 'FILE', required: true, meaning: 'YAML/JSON config (README, section "The config file"; `eks-access init` writes a starter)' },
    HELP_FLAG,
  ],
  notes: 'Exit codes: 0 stopped cleanly, 1 a second signal or a failed shutdown, 2 usage error, invalid config or could not start.',
};

export const run = strictCommand(HELP, OPTIONS, { allowPositionals: false }, async ({ values }) => {
  const configPath = values.config;
  if (!configPath) throw new UsageError('--config is required');
  let server;
  try {
    server = await startWebhookServer(loadConfigFile(configPath));
  } catch (e) {
    // Could not start (invalid config, an unreadable certificate, the port in use): exit 2, as every command that
    // cannot run; the type says which.
    const err = e as Error;
    throw new CliError(e instanceof ConfigError ? 'ConfigError' : errorType(err) === 'CommandError' ? 'StartError' : errorType(err),
      `${e instanceof ConfigError ? `invalid config ${configPath}: ` : ''}${err.message}`);
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
});
