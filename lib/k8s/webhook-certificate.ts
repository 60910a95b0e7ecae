/**
 * The serving certificate must name the address kube-apiserver dials: the webhook kubeconfig's server host must be one
 * of the certificate's subjectAltNames (an IP SAN for an IP, a DNS SAN for a name; Go's TLS client, which
 * kube-apiserver uses, ignores the subject CN since Go 1.15). Otherwise every TokenReview fails the TLS handshake and
 * nobody can log in — found at synth time instead.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { RuleError } from '../model/rule-error';

export const WEBHOOK_CERTIFICATE_SAN_RULE = 'eks-access:webhook-certificate-san';

/** Throws a `RuleError` naming `path` if `certPem` (the first certificate) does not cover `serverUrl`'s host. */
export function checkCertificateCoversServer(certPem: string, serverUrl: string, path: string): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (e) {
    throw new RuleError(WEBHOOK_CERTIFICATE_SAN_RULE, path, `the serving certificate is not a readable PEM certificate (${(e as Error).message})`);
  }
  const host = new URL(serverUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  const covered = isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host, { subject: 'never' }) !== undefined;
  if (covered) return;
  const flag = isIP(host) ? `--address ${host}` : `--hostname ${host}`;
  throw new RuleError(WEBHOOK_CERTIFICATE_SAN_RULE, path,
    `the serving certificate's subjectAltNames (${cert.subjectAltName ?? 'none'}) do not cover ${host}, the address of the webhook kubeconfig (${serverUrl}); kube-apiserver would fail every TLS handshake. Issue a certificate for it (eks-access init ${flag}), or change serviceClusterIp / workload to match the certificate`);
}
