/**
 * How the AWS clients of a bulk read retry (`snapshot`'s EKS and IAM clients, `usage --log-group`'s CloudWatch Logs
 * client): the adaptive mode (a client-side token bucket that slows down when the service throttles, on top of the
 * standard mode's backoff; @smithy/util-retry AdaptiveRetryStrategy; AWS SDKs and Tools Reference Guide, "Retry
 * behavior") and more attempts than the default 3, since a bulk read of thousands of calls is exactly what trips an
 * account's request rate. Written once: every such client is built with it, and only the region is its own.
 */
export const AWS_BULK_READ_RETRY = { retryMode: 'adaptive', maxAttempts: 6 } as const;

/** The configuration of a bulk-read client: {@link AWS_BULK_READ_RETRY}, and the region when one is given (else the SDK's). */
export function bulkReadClientConfig(region?: string): typeof AWS_BULK_READ_RETRY & { region?: string } {
  return { ...AWS_BULK_READ_RETRY, ...(region ? { region } : {}) };
}
