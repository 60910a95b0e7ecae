/**
 * The authenticator's precondition errors are one typed error, `ConfigError` (authenticator/errors.ts): a caller can
 * tell "fix the input" from a run-time failure, and the CLI's JSON error `type` is `ConfigError`, never plain `Error`.
 * Messages are unchanged (several mirror the reference's texts).
 */
import { reportError } from '../../bin/commands/command-frame';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { ConfigError } from '../../authenticator/errors';
import { ConfigError as ConfigReaderError } from '../../authenticator/config-reader';
import { MapperChain } from '../../authenticator/mapper/chain';
import { TokenBucket } from '../../authenticator/mapper/token-bucket';
import { generateToken } from '../../authenticator/token/generate';
import { TokenVerifier } from '../../authenticator/token/verifier';

async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('authenticator precondition errors are ConfigError', () => {
  it.each<[string, () => unknown, string | RegExp]>([
    ['generateToken without a cluster id', () => generateToken({ clusterId: '' } as never), 'ClusterID is required'],
    ['generateToken with sessionName and forwardSessionName', () => generateToken({ clusterId: 'c', region: 'us-east-1', roleArn: 'arn:aws:iam::111122223333:role/r', sessionName: 's', forwardSessionName: true } as never), 'cannot specify both forwardSessionName and sessionName'],
    ['a verifier without a cluster id', () => new TokenVerifier({ clusterId: '' } as never), /^VerifyOptions\.clusterId is required/],
    ['a mapper chain without mappers', () => new MapperChain([]), 'MapperChain: at least one mapper must be given'],
    ['a token bucket without a rate', () => new TokenBucket(0, 1), 'TokenBucket: ratePerSecond must be > 0, got 0'],
    ['a server certificate without names', () => issueServerCertificate(createCertificateAuthority('ca'), {}), /^issueServerCertificate: give at least one of dnsNames or ipAddresses/],
  ])('%s', async (_what, f, message) => {
    const e = await thrown(f);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).name).toBe('ConfigError');
    expect((e as Error).message).toMatch(message);
  });

  it('is the config reader\'s ConfigError too (one type, one name)', () => {
    expect(ConfigReaderError).toBe(ConfigError);
    expect(new ConfigError('server.port', 'must be an integer').message).toBe('server.port: must be an integer');
  });

  it('reaches the CLI as JSON type ConfigError', () => {
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      reportError(ConfigError.argument('ClusterID is required'), 'json', 'token');
    } finally {
      write.mockRestore();
    }
    expect(JSON.parse(out.join(''))).toEqual({ error: { type: 'ConfigError', message: 'ClusterID is required' } });
  });
});
