/**
 * harness/logs-standin.ts is a STAND-IN for CloudWatch Logs (only AWS answers FilterLogEvents for real): this test holds
 * what it assumes of the wire format against botocore's published model of the service
 * (`botocore/data/logs/2014-03-28/service-2.json`, `paginators-1.json`): the target and content type of the
 * awsJson1_1 protocol, the signing name, the request, response and event members it reads and writes with their
 * types, the pagination tokens, and the error shapes it answers. The stand-in also checks every request and response
 * against the model at run time (its `violations()`, asserted empty by test/usage/cloudwatch.test.ts).
 */
import { join } from 'node:path';
import { botocoreDir, readModelFile } from '../../harness/eks-standin';
import { LOGS_WIRE } from '../../harness/logs-standin';

interface Shape { type: string; members?: Record<string, { shape: string }>; member?: { shape: string }; exception?: boolean }
interface Model {
  metadata: { targetPrefix: string; jsonVersion: string; endpointPrefix: string; signingName?: string; protocol: string; signatureVersion: string };
  operations: Record<string, { http: { method: string; requestUri: string }; input: { shape: string }; output: { shape: string }; errors: Array<{ shape: string }> }>;
  shapes: Record<string, Shape>;
}

const dir = join(botocoreDir(), 'data', ...LOGS_WIRE.modelDir.split('/'));
const model = readModelFile(dir, 'service-2.json') as Model;
const paginators = (readModelFile(dir, 'paginators-1.json') as { pagination: Record<string, Record<string, unknown>> }).pagination;
const op = model.operations[LOGS_WIRE.operation];
const membersOf = (shape: string) => Object.fromEntries(Object.entries(model.shapes[shape].members ?? {}).map(([k, ref]) => [k, model.shapes[ref.shape].type]));

describe('the CloudWatch Logs stand-in against botocore\'s logs model', () => {
  it('speaks the operation\'s protocol: POST /, X-Amz-Target, awsJson 1.1, SigV4 for service logs', () => {
    expect(model.metadata.protocol).toBe('json');
    expect(op.http).toEqual({ method: 'POST', requestUri: '/' });
    expect(LOGS_WIRE.target).toBe(`${model.metadata.targetPrefix}.${LOGS_WIRE.operation}`);
    expect(LOGS_WIRE.contentType).toBe(`application/x-amz-json-${model.metadata.jsonVersion}`);
    expect(model.metadata.signatureVersion).toBe('v4');
    expect(LOGS_WIRE.signingName).toBe(model.metadata.signingName ?? model.metadata.endpointPrefix);
  });

  it('reads and writes members the model has, with the model\'s types', () => {
    expect(membersOf(op.input.shape)).toEqual(expect.objectContaining(LOGS_WIRE.request));
    expect(membersOf(op.output.shape)).toEqual(expect.objectContaining(LOGS_WIRE.response));
    const eventShape = model.shapes[model.shapes[op.output.shape].members!.events.shape].member!.shape;
    expect(membersOf(eventShape)).toEqual(LOGS_WIRE.event);
  });

  it('pages with the tokens the paginator names', () => {
    expect(paginators[LOGS_WIRE.operation]).toEqual(expect.objectContaining(LOGS_WIRE.pagination));
  });

  it('answers errors whose shapes the model has: not-found declared for the operation, denied and throttled as exceptions', () => {
    for (const shape of Object.values(LOGS_WIRE.errors)) expect([shape, model.shapes[shape]?.exception]).toEqual([shape, true]);
    expect(op.errors.map((e) => e.shape)).toContain(LOGS_WIRE.errors.notFound);
  });
});
