/**
 * The kubeconfig kube-apiserver reads through `--authentication-token-webhook-config-file` (reference:
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/config/kubeconfig/kubeconfig.go): cluster
 * `aws-iam-authenticator` trusted through our CA, user `apiserver`, context `webhook`. A bearer token is added for the
 * Lambda Function URL, which needs one.
 */
import { isIP } from 'node:net';
import { stringify } from 'yaml';

/** `https://<host>:<port>/authenticate`, IPv6 literals bracketed (reference TestServerUrl vectors). */
export function webhookServerUrl(host: string, port: number): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return `https://${h}:${port}/authenticate`;
}

export interface WebhookKubeconfigOptions {
  /** Full webhook URL, e.g. from webhookServerUrl(). */
  readonly server: string;
  /** PEM of the CA that signed the webhook's serving certificate. Omit for a public CA (Lambda Function URLs). */
  readonly caPem?: string;
  /** Bearer token kube-apiserver presents (the Lambda handler's shared secret). */
  readonly token?: string;
}

export function webhookKubeconfig(opts: WebhookKubeconfigOptions): string {
  const cluster: Record<string, string> = { server: opts.server };
  if (opts.caPem) cluster['certificate-authority-data'] = Buffer.from(opts.caPem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'aws-iam-authenticator', cluster }],
    users: [{ name: 'apiserver', user: opts.token ? { token: opts.token } : {} }],
    contexts: [{ name: 'webhook', context: { cluster: 'aws-iam-authenticator', user: 'apiserver' } }],
    'current-context': 'webhook',
  });
}
