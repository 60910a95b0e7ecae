/**
 * The handler's configuration sources: environment variables, or an SSM parameter named by `<NAME>_SSM_PARAMETER`
 * (decrypted; Secrets Manager secrets through the `/aws/reference/secretsmanager/<name>` reference).
 */
import { ConfigError } from '../config-reader';

export type Env = Record<string, string | undefined>;

export function envInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(name, `must be an integer between ${min} and ${max}, got "${raw}"`);
  return n;
}

/** Reads the SSM parameter `parameter` (decrypted), reporting failures as `field`. */
export async function readSsmParameter(parameter: string, field: string): Promise<string> {
  // Loaded lazily from the Lambda runtime's AWS SDK: cold starts configured without SSM don't pay for it.
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({});
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (!value) throw new ConfigError(field, `SSM parameter ${parameter} is empty`);
    return value;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(field, `cannot read SSM parameter ${parameter}: ${(e as Error).message}`);
  } finally {
    ssm.destroy();
  }
}
