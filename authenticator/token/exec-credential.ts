/**
 * The `ExecCredential` a kubeconfig exec plugin prints (reference `FormatJSON` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token.go).
 */

export const DEFAULT_EXEC_CREDENTIAL_API_VERSION = 'client.authentication.k8s.io/v1beta1';

/**
 * The apiVersion to answer with: the one kubectl announces in `KUBERNETES_EXEC_INFO`, else v1beta1. Unlike the
 * reference, an exec info without `apiVersion` also gives v1beta1 (the reference then omits the field, which kubectl
 * rejects).
 */
export function execCredentialApiVersion(execInfo: string | undefined): string {
  if (!execInfo) return DEFAULT_EXEC_CREDENTIAL_API_VERSION;
  try {
    const apiVersion = (JSON.parse(execInfo) as { apiVersion?: unknown } | null)?.apiVersion;
    return typeof apiVersion === 'string' && apiVersion !== '' ? apiVersion : DEFAULT_EXEC_CREDENTIAL_API_VERSION;
  } catch {
    return DEFAULT_EXEC_CREDENTIAL_API_VERSION;
  }
}

/** RFC 3339 in UTC with second precision, as Go's `metav1.Time` marshals. */
export function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The JSON text, byte-compatible with the reference (v1beta1 body shape: `spec` is always `{}`). */
export function formatExecCredential(token: string, expiration: Date, execInfo?: string): string {
  return JSON.stringify({
    kind: 'ExecCredential',
    apiVersion: execCredentialApiVersion(execInfo),
    spec: {},
    status: { expirationTimestamp: rfc3339Seconds(expiration), token },
  });
}
