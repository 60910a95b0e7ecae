/**
 * Runs a kubeconfig `exec` credential plugin the way kubectl does (client-go
 * `plugin/pkg/client/auth/exec/exec.go`): the command with its args, the kubeconfig's `env` added to ours, and
 * `KUBERNETES_EXEC_INFO` describing the call; stdout is an `ExecCredential` whose `status` holds a bearer token or a
 * client certificate and key, valid until `expirationTimestamp` (cached until then, like client-go).
 * This is what `aws eks update-kubeconfig` writes (`aws eks get-token`) and what `eks-access token` answers.
 */
import { execFile } from 'node:child_process';
import type { KubeExecConfig } from '../../../authenticator/mapper/kube/connection';

export interface ExecCredentialStatus {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  /** RFC 3339; absent = valid for the life of the process. */
  readonly expirationTimestamp?: string;
}

const DEFAULT_API_VERSION = 'client.authentication.k8s.io/v1beta1';
/** Renew this long before the plugin's expiry so a LIST does not start with a token about to lapse. */
const EXPIRY_MARGIN_MS = 30_000;

export class ExecCredentialSource {
  private cached: { status: ExecCredentialStatus; until: number } | undefined;

  constructor(private readonly exec: KubeExecConfig, private readonly timeoutMs = 60_000) {}

  async status(): Promise<ExecCredentialStatus> {
    if (this.cached && Date.now() < this.cached.until) return this.cached.status;
    const status = await this.run();
    const expiry = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Number.POSITIVE_INFINITY;
    this.cached = { status, until: Number.isNaN(expiry) ? 0 : expiry - EXPIRY_MARGIN_MS };
    return status;
  }

  private run(): Promise<ExecCredentialStatus> {
    const apiVersion = this.exec.apiVersion ?? DEFAULT_API_VERSION;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const e of this.exec.env ?? []) env[e.name] = e.value;
    // Never interactive: snapshot runs in CI and nightly jobs, where a prompt would hang.
    env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } });
    const what = `exec credential plugin '${this.exec.command}'`;
    return new Promise((resolve, reject) => {
      execFile(this.exec.command, this.exec.args ?? [], { env, timeout: this.timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (err) {
          const detail = String(stderr).trim().split('\n').slice(-3).join(' | ');
          return reject(new Error(`${what} failed: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'command not found' : err.message.split('\n')[0]}${detail ? `: ${detail}` : ''}`));
        }
        let doc: { kind?: string; status?: ExecCredentialStatus };
        try {
          doc = JSON.parse(String(stdout));
        } catch {
          return reject(new Error(`${what} did not print an ExecCredential (not JSON)`));
        }
        const status = doc.status;
        if (doc.kind !== 'ExecCredential' || !status || (!status.token && !(status.clientCertificateData && status.clientKeyData))) {
          return reject(new Error(`${what} printed no status.token and no status.clientCertificateData/clientKeyData`));
        }
        resolve(status);
      });
    });
  }
}
