/**
 * A local HTTP server speaking the EC2 Query API for DescribeInstances (form-encoded POST, XML answer), so the real
 * @aws-sdk/client-ec2 client (serializer, SigV4 signing, XML parser, error mapping) runs against it. AWS EC2 itself
 * cannot run here; this is the stand-in. Filter `instance-id` is honoured; unknown ids are simply absent.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EC2Client } from '@aws-sdk/client-ec2';

export interface Ec2QueryServer {
  readonly endpoint: string;
  /** instance id → private DNS name; mutate to add instances. */
  readonly instances: Map<string, string>;
  /** The instance ids of each DescribeInstances call received. */
  readonly calls: string[][];
  /** 'throttle' answers RequestLimitExceeded; 'hang' never answers. */
  fault: 'throttle' | 'hang' | undefined;
  client(): EC2Client;
  stop(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const c of req) text += c;
  return new URLSearchParams(text);
}

export async function startEc2QueryServer(): Promise<Ec2QueryServer> {
  const instances = new Map<string, string>();
  const calls: string[][] = [];
  const hanging: Array<() => void> = [];
  const state: Ec2QueryServer = {
    endpoint: '',
    instances,
    calls,
    fault: undefined,
    client: () =>
      new EC2Client({
        region: 'us-east-1',
        endpoint: state.endpoint,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        maxAttempts: 1,
      }),
    stop: async () => {
      hanging.forEach((f) => f());
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer(async (req, res) => {
    const form = await body(req);
    if (form.get('Action') !== 'DescribeInstances' || !req.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
      res.writeHead(400).end('unexpected request');
      return;
    }
    const ids = [...form.entries()].filter(([k]) => /^Filter\.1\.Value\.\d+$/.test(k)).map(([, v]) => v);
    if (form.get('Filter.1.Name') !== 'instance-id') {
      res.writeHead(400).end('expected an instance-id filter');
      return;
    }
    calls.push(ids);
    if (state.fault === 'hang') {
      hanging.push(() => res.destroy());
      return;
    }
    if (state.fault === 'throttle') {
      res.writeHead(503, { 'content-type': 'text/xml' }).end(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r-1</RequestID></Response>',
      );
      return;
    }
    const items = ids
      .filter((id) => instances.has(id))
      .map((id) => `<item><instanceId>${id}</instanceId><privateDnsName>${instances.get(id)}</privateDnsName></item>`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/xml' }).end(
      `<?xml version="1.0" encoding="UTF-8"?><DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><reservationSet>${
        items ? `<item><reservationId>r-0abc</reservationId><ownerId>111122223333</ownerId><instancesSet>${items}</instancesSet></item>` : ''
      }</reservationSet></DescribeInstancesResponse>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  (state as { endpoint: string }).endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
