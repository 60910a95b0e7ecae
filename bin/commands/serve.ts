/**
 * `eks-access serve --config FILE`: runs the TokenReview webhook until SIGTERM/SIGINT. The first signal starts a
 * graceful shutdown (in-flight reviews finish, up to server.shutdownGraceMs); a second one exits at once.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../../authenticator/config';
import { startWebhookServer } from '../../authenticator/server/webhook-server';

const USAGE = 'usage: eks-access serve --config FILE';

export async function run(argv: string[]): Promise<number> {
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    configPath = values.config;
  } catch (e) {
    process.stderr.write(`eks-access serve: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!configPath) {
    process.stderr.write(`eks-access serve: --config is required\n${USAGE}\n`);
    return 2;
  }
  let server;
  try {
    server = await startWebhookServer(loadConfigFile(configPath));
  } catch (e) {
    const where = e instanceof ConfigError ? `invalid config ${configPath}: ` : '';
    process.stderr.write(`eks-access serve: ${where}${(e as Error).message}\n`);
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
