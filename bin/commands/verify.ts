/**
 * `eks-access verify`: check a token exactly as the webhook does and print the identity. Exit codes tell the error
 * types apart so scripts can react (documented in the README `tokens` section).
 */
import { readFileSync } from 'node:fs';
import { CliError, UsageError } from './cli-flags';
import { ParsedFlags, errorType, strictCommand } from './command-frame';
import { CommandHelp, HELP_FLAG, OUTPUT_FLAG } from './help';
import { printStructured } from './structured-output';
import { terminalSafeJson } from './terminal-text';

export const EXIT_CODES = { ok: 0, other: 1, usage: 2, FormatError: 3, STSError: 4, STSThrottling: 5 } as const;

export const OPTIONS = {
  'cluster-id': { type: 'string', short: 'i' },
  token: { type: 'string', short: 't' },
  partition: { type: 'string' },
  region: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'sts-connect-to': { type: 'string' },
  'sts-ca-file': { type: 'string' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const HELP: CommandHelp = {
  name: 'verify',
  synopsis: '-i CLUSTER_ID -t TOKEN [options]',
  summary: "Run the webhook's checks on a token, call STS, and print the identity it belongs to.",
  flags: [
    { name: 'cluster-id', short: 'i', value: 'ID', required: true, meaning: 'cluster id the token must be signed for' },
    { name: 'token', short: 't', value: 'TOKEN', required: true, meaning: 'the token; "-" reads it from stdin (keeps it out of the process list)' },
    { name: 'partition', value: 'P', default: 'aws', meaning: 'aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f or aws-eusc' },
    { name: 'region', value: 'R', default: 'none: the built-in STS host list only', meaning: "this verifier's region (its STS hosts are accepted even if newer than our list)" },
    { name: 'timeout-ms', value: 'N', default: '10000', meaning: 'STS call timeout' },
    { name: 'sts-connect-to', value: 'H:P', default: 'none', meaning: 'testing only: dial H:P instead of the STS host (TLS name and Host stay the STS host)' },
    { name: 'sts-ca-file', value: 'F', default: 'none: system roots only', meaning: 'extra CA (PEM) trusted for the STS connection' },
    OUTPUT_FLAG,
    HELP_FLAG,
  ],
  notes: 'Exit codes: 0 verified, 3 FormatError, 4 STSError, 5 STSThrottling, 2 usage error, 1 other error.',
};

/** The flags checked beyond their types. */
function checked(values: ParsedFlags<typeof OPTIONS, false>['values']) {
  if (!values['cluster-id']) throw new UsageError('cluster ID not specified (-i/--cluster-id)');
  if (values.token === undefined) throw new UsageError('token not specified (-t/--token, or -t - for stdin)');
  const timeout = values['timeout-ms'];
  if (timeout !== undefined && !/^\d+$/.test(timeout)) throw new UsageError('--timeout-ms must be a whole number');
  return { ...values, clusterId: values['cluster-id'], token: values.token };
}

export const run = strictCommand(HELP, OPTIONS, { allowPositionals: false }, async ({ values }, _json, format) => {
  const opts = checked(values);
  const { verifyToken } = await import('../../authenticator/token/verifier');
  const { TokenError } = await import('../../authenticator/errors');
  try {
    const token = opts.token === '-' ? readFileSync(0, 'utf8').trim() : opts.token;
    const identity = await verifyToken(token, {
      clusterId: opts.clusterId,
      partition: opts.partition,
      region: opts.region,
      timeoutMs: opts['timeout-ms'] === undefined ? undefined : Number(opts['timeout-ms']),
      stsConnectTo: opts['sts-connect-to'],
      stsCaPem: opts['sts-ca-file'] === undefined ? undefined : readFileSync(opts['sts-ca-file']),
    });
    // The identity is JSON in text mode too (what the reference prints); json is one line, for pipes.
    if (format === 'text') process.stdout.write(`${terminalSafeJson(JSON.stringify(identity, null, 2))}\n`);
    else printStructured(identity, format, { compactJson: true });
    return EXIT_CODES.ok;
  } catch (e) {
    if (e instanceof TokenError) throw new CliError(e.type, e.message, EXIT_CODES[e.type], true);
    // Not verified for another reason (an unknown partition, an unreadable --sts-ca-file): exit 1, its own type.
    const err = e as Error;
    throw new CliError(errorType(err) === 'CommandError' ? 'VerifyError' : errorType(err), err.message, EXIT_CODES.other, true);
  }
});
