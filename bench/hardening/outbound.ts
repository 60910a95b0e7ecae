/**
 * Records the Host of every outgoing HTTP(S) request this process makes (Node's `http.client.request.start`
 * diagnostics channel, and the STS client's own, STS_REQUEST_CHANNEL), so a run can prove the verifier never called a
 * host outside the STS allow-list. The verifier's only outbound call is StsClient's GET (authenticator/token/sts.ts);
 * its Host header is the validated STS host even when the test-only connect-to setting dials the stand-in.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { STS_REQUEST_CHANNEL } from '../../authenticator/token/sts';

export interface OutboundRecorder {
  /** Request count by Host header. */
  readonly hosts: Map<string, number>;
  stop(): void;
}

export function recordOutboundHosts(): OutboundRecorder {
  const hosts = new Map<string, number>();
  const onStart = (message: unknown) => {
    const req = (message as { request: ClientRequest }).request;
    const host = String(req.getHeader('host') ?? req.host ?? '?').toLowerCase();
    hosts.set(host, (hosts.get(host) ?? 0) + 1);
  };
  const onSts = (message: unknown) => {
    const host = (message as { host: string }).host.toLowerCase();
    hosts.set(host, (hosts.get(host) ?? 0) + 1);
  };
  subscribe('http.client.request.start', onStart);
  subscribe(STS_REQUEST_CHANNEL, onSts);
  return {
    hosts,
    stop: () => {
      unsubscribe('http.client.request.start', onStart);
      unsubscribe(STS_REQUEST_CHANNEL, onSts);
    },
  };
}
