/**
 * The webhook's own commands: all the container image needs (bin/eks-access-webhook.ts), and the first rows of the
 * full CLI's table (bin/cli-main.ts).
 */
import type { CommandTable } from './cli-runner';

export const WEBHOOK_COMMANDS: CommandTable = {
  'token': { summary: 'Print an EKS bearer token as an ExecCredential (kubeconfig exec plugin)', load: () => import('./commands/token') },
  'verify': { summary: 'Verify a token against STS and print the identity', load: () => import('./commands/verify') },
  'serve': { summary: 'Run the TokenReview webhook server', load: () => import('./commands/serve') },
  'init': { summary: 'Create the webhook CA, server certificate and kube-apiserver webhook kubeconfig', load: () => import('./commands/init') },
};
