/**
 * The webhook's structured JSON logger, in a file of its own so the Lambda handler can use it without pulling the
 * HTTPS server and prom-client into its bundle.
 */
import pino, { DestinationStream, Logger } from 'pino';

/**
 * pino logger that can never print a token, a presigned URL or an Authorization header, whatever a caller logs.
 *
 * The default destination writes synchronously (`sync: true`), as Node itself writes process.stdout to pipes and
 * files on Linux: pino's default (`pino.destination(1)`, asynchronous) hands every line to the libuv thread pool and
 * back, which cost ~17% of the server's CPU at one review at a time (bench/results/RESULTS.md, webhook).
 */
export function createWebhookLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'eks-access-webhook' },
    redact: {
      paths: ['token', '*.token', 'spec.token', 'url', '*.url', 'headers.authorization', '*.headers.authorization'],
      censor: '<redacted>',
    },
  }, destination ?? pino.destination({ dest: 1, sync: true }));
}
