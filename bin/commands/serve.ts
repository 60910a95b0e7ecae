/**
 * `eks-access serve --config FILE [--workers N|auto]`: runs the TokenReview webhook until SIGTERM/SIGINT. The first
 * signal starts a graceful shutdown (in-flight reviews finish, up to server.shutdownGraceMs); a second one exits at
 * once. With more than one worker, a node:cluster primary runs that many webhook processes on one shared port
 * (authenticator/server/cluster-primary.ts); `--workers 1` is the single process it always was.
 */
import cluster from 'node:cluster';
import { ConfigError, loadConfigFile } from '../../authenticator/config';
import { READY_MESSAGE, runClusterPrimary, serveMetricsToPrimary, SHUTDOWN_MESSAGE } from '../../authenticator/server/cluster-primary';
import { autoWorkerCount } from '../../authenticator/server/cpu-count';
import { createWebhookLogger } from '../../authenticator/server/logger';
import { missingServeNodeFlags } from '../../authenticator/server/node-flags';
import { readStartFiles, startWebhookServer } from '../../authenticator/server/webhook-server';

import { CliError, UsageError } from './cli-flags';
import { errorType, strictCommand } from './command-frame';
import { CommandHelp, HELP_FLAG } from './help';

export const OPTIONS = {
  config: { type: 'string', short: 'c' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** More worker processes than this is a typo, not a machine. */
const MAX_WORKERS = 256;

export const HELP: CommandHelp = {
  name: 'serve',
  synopsis: '--config FILE [--workers N|auto]',
  summary: 'Run the TokenReview webhook (HTTPS) until SIGTERM/SIGINT; the first signal drains in-flight reviews, a second exits at once.',
  flags: [
    { name: 'config', short: 'c', value: 'FILE', required: true, meaning: 'YAML/JSON config (README, section "The config file"; `eks-access init` writes a starter)' },
    {
      name: 'workers', value: 'N|auto', default: 'auto',
      meaning: 'webhook processes sharing the port (auto: the CPUs this process may use, bounded by its cgroup CPU and memory limits; 1: one process)',
    },
    HELP_FLAG,
  ],
  notes: 'Exit codes: 0 stopped cleanly, 1 a second signal or a failed shutdown, 2 usage error, invalid config or could not start.',
};

/** `--workers`: a whole number from 1 to MAX_WORKERS, or `auto`. */
export function workerCountOf(value: string | undefined, auto: () => number = autoWorkerCount): number {
  if (value === undefined || value === 'auto') return auto();
  if (!/^\d{1,4}$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new UsageError(`--workers must be auto or a whole number from 1 to ${MAX_WORKERS}, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  return Number(value);
}

export const run = strictCommand(HELP, OPTIONS, { allowPositionals: false }, async ({ values }) => {
  const configPath = values.config;
  if (!configPath) throw new UsageError('--config is required');
  // A cluster worker is always one webhook process: the primary chose the count.
  const workers = cluster.isWorker ? 1 : workerCountOf(values.workers);
  let config;
  try {
    config = loadConfigFile(configPath);
    // Before forking: a file no worker could read fails here, once, without starting any.
    if (workers > 1) readStartFiles(config);
  } catch (e) {
    throw startError(e, configPath);
  }
  if (workers > 1) {
    const { metricsAddress: address, metricsPort: port, headersTimeoutMs } = config.server;
    return runClusterPrimary({
      workers, logger: createWebhookLogger(config.logLevel),
      metricsListener: port === undefined ? undefined : { address, port, headersTimeoutMs },
    });
  }
  let server;
  try {
    // A cluster worker leaves the metrics listener to the primary, which aggregates the workers' figures.
    server = await startWebhookServer(cluster.isWorker ? { ...config, server: { ...config.server, metricsPort: undefined } } : config);
  } catch (e) {
    // The IPC channel would keep a worker that cannot start alive; the primary sees it exit with this error's code.
    if (cluster.isWorker) setImmediate(leaveCluster);
    throw startError(e, configPath);
  }
  const running = server;
  const missing = missingServeNodeFlags();
  if (missing.length > 0) {
    running.logger.warn({ missingNodeFlags: missing },
      `node runs without ${missing.join(' ')}: the webhook's figures are measured with ${missing.length > 1 ? 'them' : 'it'} (authenticator/server/node-flags.ts); start the server with NODE_OPTIONS='${missing.join(' ')}' or node ${missing.join(' ')} <eks-access> serve (the container image does)`);
  }
  if (cluster.isWorker) {
    serveMetricsToPrimary(running.metrics);
    process.send!(READY_MESSAGE);
  }
  const code = await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      stopping = true;
      running.logger.info({ signal }, 'signal received');
      running.close().then(() => resolve(0), () => resolve(1));
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        running.logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stop(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // From the cluster primary: drain, as on a first signal; never counted as a second one (a worker may get the
    // terminal's SIGINT and this message for the same Ctrl-C).
    if (cluster.isWorker) process.on('message', (m: unknown) => m === SHUTDOWN_MESSAGE && !stopping && stop('primary'));
  });
  if (cluster.isWorker) leaveCluster();
  return code;
});

/**
 * The IPC channel would keep a worker alive after its server stopped. `worker.disconnect()`, not
 * `process.disconnect()`: node:cluster exits a worker whose channel closes unexpectedly with code 0
 * (lib/internal/cluster/child.js, 'disconnect' handler), which would hide a failure's exit code from the primary.
 */
function leaveCluster(): void {
  if (process.connected) cluster.worker?.disconnect();
}

/** Could not start (invalid config, an unreadable certificate, the port in use): exit 2, the type says which. */
function startError(e: unknown, configPath: string): CliError {
  const err = e as Error;
  return new CliError(e instanceof ConfigError ? 'ConfigError' : errorType(err) === 'CommandError' ? 'StartError' : errorType(err),
    `${e instanceof ConfigError ? `invalid config ${configPath}: ` : ''}${err.message}`);
}
