/**
 * STS reply handling and identity derivation (test/conformance/token-verifier-sts.json), against a local HTTPS server
 * standing in for STS (AWS itself cannot run here).
 */
import vectors from '../../conformance/token-verifier-sts.json';
import { TokenVerifier } from '../../../authenticator';
import { amzDate, LocalReply, LocalSts, startLocalSts, toToken } from './local-sts-server';

interface StsCase {
  name: string;
  reply: LocalReply;
  type?: string;
  error?: string;
  mustNotContain?: string;
  identity?: Record<string, string>;
}

let sts: LocalSts;
let verifier: TokenVerifier;
beforeAll(async () => {
  sts = await startLocalSts();
  verifier = new TokenVerifier({ clusterId: 'test-cluster', stsConnectTo: sts.connectTo, stsCaPem: sts.caPem, timeoutMs: 5000 });
});
afterAll(async () => {
  verifier.close();
  await sts.close();
});

test.each((vectors.cases as StsCase[]).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
  sts.setReply(c.reply);
  const token = toToken(vectors.url.split('{{NOW}}').join(amzDate()));
  const outcome = await verifier.verify(token).then(
    (identity) => ({ identity, error: undefined }),
    (error: Error & { type?: string }) => ({ identity: undefined, error }),
  );
  if (c.identity) {
    expect(outcome.error).toBeUndefined();
    expect(outcome.identity).toEqual(c.identity);
    return;
  }
  expect(outcome.error?.type).toBe(c.type);
  expect(outcome.error?.message).toContain(c.error);
  expect(outcome.error?.message).not.toContain(token.slice(11, 60));
  expect(outcome.error?.message).not.toContain('X-Amz-Credential=');
  if (c.mustNotContain) expect(outcome.error?.message).not.toContain(c.mustNotContain);
});

test('the request carries the verifier cluster id, asks for JSON, and goes to the validated host name', async () => {
  sts.setReply(vectors.cases.find((c) => c.name === 'user')!.reply as LocalReply);
  sts.requests.length = 0;
  const url = vectors.url.split('{{NOW}}').join(amzDate());
  await verifier.verify(toToken(url));
  expect(sts.requests).toHaveLength(1);
  const [req] = sts.requests;
  expect(req.servername).toBe('sts.amazonaws.com');
  expect(req.host).toBe('sts.amazonaws.com');
  expect(req.headers['x-k8s-aws-id']).toBe('test-cluster');
  expect(req.headers.accept).toBe('application/json');
  expect(req.path).toBe(url.slice('https://sts.amazonaws.com'.length));
});
