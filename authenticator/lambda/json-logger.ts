/**
 * The Lambda handler's logger: one JSON object per line through `console`, which the Lambda runtime turns into its
 * JSON log format (`LoggingFormat.JSON`: timestamp, level and requestId added, the object kept as `message`; see
 * aws-lambda-nodejs-runtime-interface-client, src/LogPatch.js `formatJsonMessage`) and filters by the function's
 * application log level. No logging library is bundled: pino with its worker-thread transport cost ~70 KB of the
 * bundle and a thread-pool write per line.
 */
import { ConfigError } from '../errors';

/** The subset of pino's `Logger` the review path uses (handle-token-review.ts, the mappers). */
export interface LambdaLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: object): LambdaLogger;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/** Keys whose values may carry a credential; as the server's pino `redact` paths, at any depth. */
const REDACTED_KEYS = new Set(['token', 'url', 'authorization']);

function redact(key: string, value: unknown): unknown {
  return REDACTED_KEYS.has(key.toLowerCase()) && value !== undefined ? '<redacted>' : value;
}

/**
 * A logger printing at `level` and above (`debug`, `info`, `warn`, `error`; `silent` prints nothing). An unknown
 * level is an error naming the variable it came from.
 */
export function createLambdaLogger(level: string, sink: Pick<Console, Level> = console): LambdaLogger {
  const threshold = level === 'silent' ? LEVELS.length : LEVELS.indexOf(level as Level);
  if (threshold < 0) throw ConfigError.argument(`EKS_ACCESS_LOG_LEVEL: must be one of ${LEVELS.join(', ')}, silent; got "${level}"`);
  const make = (bindings: object): LambdaLogger => {
    const at = (l: Level) => (obj: object, msg: string): void => {
      if (LEVELS.indexOf(l) < threshold) return;
      // One argument, an object: the runtime keeps it as a structured `message` (util.format would flatten two).
      sink[l](JSON.parse(JSON.stringify({ service: 'eks-access-webhook', ...bindings, ...obj, msg }, redact)));
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return make({});
}
