import { handler, resetLambdaState } from '../../../authenticator/lambda';

const SECRET = 'the-real-webhook-secret-0123456789abcdef';
const WRONG = 'a-wrong-but-well-formed-secret-0123456789';
const TOKEN = 'k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9uPUdldENhbGxlcklkZW50aXR5';

/** Everything the handler wrote through console while `run` ran, as one string. */
async function captured(run: () => Promise<unknown>): Promise<string> {
  const lines: unknown[] = [];
  const spies = (['debug', 'info', 'warn', 'error', 'log'] as const).map((l) => jest.spyOn(console, l).mockImplementation((...a) => { lines.push(a); }));
  try {
    await run();
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
  return JSON.stringify(lines);
}

describe('Lambda handler logs carry no bearer secret and no token', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    resetLambdaState();
    Object.assign(process.env, { EKS_ACCESS_CLUSTER_ID: 'c1', EKS_ACCESS_WEBHOOK_SECRET: SECRET, EKS_ACCESS_MAPPING: '{"mapRoles":[]}', EKS_ACCESS_LOG_LEVEL: 'debug' });
  });
  afterEach(() => {
    process.env = { ...saved };
    resetLambdaState();
  });

  const event = (authorization: string) => ({
    requestContext: { http: { method: 'POST' } },
    headers: { authorization },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: TOKEN } }),
    isBase64Encoded: false,
  });

  test('a wrong bearer secret is logged as unauthorized without the presented or the real secret, or the token', async () => {
    let status = 0;
    const out = await captured(async () => {
      status = ((await handler(event(`Bearer ${WRONG}`) as never)) as { statusCode: number }).statusCode;
    });
    expect(status).toBe(401);
    expect(out).toContain('unauthorized');
    for (const s of [WRONG, SECRET, TOKEN, 'aHR0cHM6Ly9zdHMu']) expect(out).not.toContain(s);
  });

  test('an authenticated review logs neither the secret nor the token', async () => {
    let status = 0;
    const out = await captured(async () => {
      status = ((await handler(event(`Bearer ${SECRET}`) as never)) as { statusCode: number }).statusCode;
    });
    expect(status).toBeGreaterThanOrEqual(400); // a malformed token: denied
    expect(out.length).toBeGreaterThan(2); // something was logged
    for (const s of [SECRET, TOKEN, 'aHR0cHM6Ly9zdHMu']) expect(out).not.toContain(s);
  });
});
