/** The TokenReview webhook: HTTPS server, the review logic shared with the Lambda handler, metrics. */
export { startWebhookServer } from './webhook-server';
export { createWebhookLogger } from './logger';
export type { WebhookServer, WebhookServerOptions } from './webhook-server';
export { handleTokenReview, redact } from './handle-token-review';
export type { ReviewDeps, ReviewOutcome } from './handle-token-review';
export { parseTokenReview, MalformedReview, TOKEN_REVIEW_VERSIONS } from './token-review';
export type { TokenReviewRequest, TokenReviewResponse, TokenReviewVersion, TokenReviewUser } from './token-review';
export { IdentityResolver } from './identity-resolver';
export type { IdentityResolverOptions, TokenVerifierLike } from './identity-resolver';
export { WebhookMetrics } from './metrics';
export type { ReviewResult } from './metrics';
export { webhookKubeconfig, webhookServerUrl } from './kubeconfig';
