/**
 * The review's info lines, built by hand for the webhook's pino logger (logger.ts) and through `logger.info` for any
 * other (the Lambda's). No pino import here: the Lambda bundle stays without it.
 */
import type { Logger } from 'pino';

/** Where a logger of createWebhookLogger keeps what `logInfo` needs to write its lines itself. */
export const PLAIN_LINES = Symbol('eks-access plain log lines');

export interface PlainLineWriter {
  /** `{"level":30,"time":…` and the logger's bindings, as pino starts an info line. */
  prefix(logger: Logger): string;
  stream: { write(line: string): unknown };
}

/** Fields pino redacts (top level, logger.ts); a line carrying one goes through pino. */
const REDACTED_FIELDS = new Set(['token', 'url', 'headers', 'spec']);

/** A field `logInfo` writes itself: a string or a list of strings; `undefined` is left out, as pino does. */
export type PlainField = string | readonly string[] | undefined;

/**
 * `logger.info(fields, msg)`, byte for byte as pino writes it, built by hand for loggers of createWebhookLogger: the
 * two info lines of every review went through pino's generic serializer and redaction (~7% of a loaded server's CPU,
 * bench/results/RESULTS.md, webhook). Any other logger, a disabled level, or a field pino would redact goes through
 * `logger.info`.
 */
export function logInfo(logger: Logger | undefined, fields: Readonly<Record<string, PlainField>>, msg: string): void {
  if (!logger) return;
  const writer = (logger as unknown as Record<symbol, PlainLineWriter | undefined>)[PLAIN_LINES];
  if (!writer || !logger.isLevelEnabled('info')) {
    logger.info(fields, msg);
    return;
  }
  let line = writer.prefix(logger);
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    if (REDACTED_FIELDS.has(key)) {
      logger.info(fields, msg);
      return;
    }
    line += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  writer.stream.write(`${line},"msg":${JSON.stringify(msg)}}\n`);
}
