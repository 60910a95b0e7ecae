/**
 * handleTokenReview decisions that need no STS: audience policy, mapping failures, the review deadline, and that
 * nothing thrown by a dependency escapes. The resolver here is a stub standing in for the verifier (covered against
 * the STS stand-in in webhook-server.test.ts).
 */
import { FormatError, STSThrottling } from '../../../authenticator/errors';
import type { Identity } from '../../../authenticator/identity';
import { MappingError } from '../../../authenticator/mapper/row-error';
import { handleTokenReview, redact, ReviewDeps } from '../../../authenticator/server/handle-token-review';
import { tokenHash } from '../../../authenticator/server/token-facts';
import { webhookKubeconfig, webhookServerUrl } from '../../../authenticator/server/kubeconfig';
import { parse } from 'yaml';
import serverUrlVectors from '../../conformance/webhook-server-url.json';

const identity: Identity = {
  arn: 'arn:aws:iam::111122223333:user/alice', canonicalArn: 'arn:aws:iam::111122223333:user/alice',
  accountId: '111122223333', userId: 'AIDAEXAMPLE', sessionName: '', accessKeyId: 'AKIAEXAMPLE',
  stsEndpoint: 'sts.us-east-1.amazonaws.com',
};

function deps(over: Partial<ReviewDeps> = {}): ReviewDeps {
  return {
    clusterId: 'c1', deadlineMs: 1000,
    resolve: async () => identity,
    mapper: { map: async () => ({ username: 'alice', groups: ['g'] }) },
    ...over,
  };
}

const body = (audiences?: string[]) => JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'k8s-aws-v1.x', audiences } });

describe('handleTokenReview', () => {
  it('with configured audiences, denies a review asking for none of them and echoes the matching ones', async () => {
    const strict = deps({ audiences: ['https://my-cluster.example'] });
    const denied = await handleTokenReview(body(['https://kubernetes.default.svc']), strict);
    expect(denied.statusCode).toBe(403);
    expect(denied.body.status.error).toMatch(/none of the requested audiences/);
    const ok = await handleTokenReview(body(['https://kubernetes.default.svc', 'https://my-cluster.example']), strict);
    expect(ok.body.status.audiences).toEqual(['https://my-cluster.example']);
  });

  it('maps errors to the reference codes and labels', async () => {
    const throttled = await handleTokenReview(body(), deps({ resolve: async () => { throw new STSThrottling('Rate exceeded'); } }));
    expect([throttled.statusCode, throttled.result]).toEqual([429, 'sts_throttling']);
    const format = await handleTokenReview(body(), deps({ resolve: async () => { throw new FormatError('input token was not properly formatted: x'); } }));
    expect([format.statusCode, format.result]).toEqual([403, 'invalid_token']);
    const unmapped = await handleTokenReview(body(), deps({ mapper: { map: async () => undefined } }));
    expect([unmapped.statusCode, unmapped.result, unmapped.body.status.error]).toEqual([403, 'uknown_user', `${identity.arn} is not mapped to a Kubernetes user`]);
    const template = await handleTokenReview(body(), deps({ mapper: { map: async () => { throw new MappingError('session name is not an instance id'); } } }));
    expect([template.statusCode, template.body.status.error]).toEqual([403, expect.stringMatching(/instance id/)]);
    const bug = await handleTokenReview(body(), deps({ resolve: async () => { throw new TypeError('undefined is not a function'); } }));
    expect([bug.statusCode, bug.body.status.authenticated]).toEqual([403, false]);
  });

  it('answers a cached identity without resolve (no STS path, no deadline signal) and confirms it under the hashed key', async () => {
    const resolve = jest.fn(async () => identity);
    const confirm = jest.fn();
    const out = await handleTokenReview(body(), deps({ cached: () => identity, resolve, confirm }));
    expect([out.statusCode, out.body.status.user?.username]).toEqual([200, 'alice']);
    expect(resolve).not.toHaveBeenCalled();
    expect(confirm).toHaveBeenCalledWith('k8s-aws-v1.x', identity, tokenHash('k8s-aws-v1.x'));
    const miss = await handleTokenReview(body(), deps({ cached: () => undefined, resolve }));
    expect(miss.statusCode).toBe(200);
    expect(resolve).toHaveBeenCalledWith('k8s-aws-v1.x', expect.any(AbortSignal), tokenHash('k8s-aws-v1.x'));
    const denied = await handleTokenReview(body(), deps({ cached: () => { throw new FormatError('input token was not properly formatted: x'); }, resolve }));
    expect([denied.statusCode, denied.result]).toEqual([403, 'invalid_token']);
  });

  it('answers by the deadline even when a dependency never settles', async () => {
    const started = Date.now();
    const out = await handleTokenReview(body(), deps({ deadlineMs: 150, mapper: { map: () => new Promise(() => {}) } }));
    expect(out.statusCode).toBe(403);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('redacts tokens and presigned URLs from reasons', () => {
    expect(redact('bad k8s-aws-v1.aHR0cHM6Ly9zdHM at https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Signature=abc'))
      .toBe('bad k8s-aws-v1.<redacted> at https://sts.amazonaws.com/?<redacted>');
  });
});

describe('webhook kubeconfig', () => {
  it.each(serverUrlVectors.vectors.map((v) => [v.host, v.port, v.url] as const))('server URL for %s:%d is %s (reference TestServerUrl)', (host, port, url) => {
    expect(webhookServerUrl(host, port)).toBe(url);
  });

  it('has the reference layout, with the CA inline and an optional bearer token', () => {
    const k = parse(webhookKubeconfig({ server: 'https://localhost:21362/authenticate', caPem: 'PEM', token: 's3cret' }));
    expect(k).toEqual({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'webhook',
      clusters: [{ name: 'aws-iam-authenticator', cluster: { server: 'https://localhost:21362/authenticate', 'certificate-authority-data': Buffer.from('PEM').toString('base64') } }],
      users: [{ name: 'apiserver', user: { token: 's3cret' } }],
      contexts: [{ name: 'webhook', context: { cluster: 'aws-iam-authenticator', user: 'apiserver' } }],
    });
  });
});
