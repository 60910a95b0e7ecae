/** Locating the peer programs the benchmarks compare against (the Go builds are shared with the e2e tooling). */
import { spawnSync } from 'node:child_process';
import { e2eBinaries } from '../../harness/binaries';

/** The Go aws-iam-authenticator built (or found in the user cache) by the e2e setup script. */
export function goAuthenticatorBinary(): string {
  return e2eBinaries().awsIamAuthenticator;
}

/**
 * The awscli executable itself. When `aws` on PATH is a pyenv shim (a bash script that re-resolves the interpreter
 * on every call, ~100 ms here), the real script behind it is used so the baseline is awscli, not the shim.
 */
export function awsCliBinary(): string {
  const pyenv = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' });
  if (pyenv.status === 0 && pyenv.stdout.trim()) return pyenv.stdout.trim();
  const found = spawnSync('bash', ['-c', 'command -v aws'], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error("bench: 'aws' (awscli) is not installed; install it (Debian: apt-get install awscli)");
  return found.stdout.trim();
}
