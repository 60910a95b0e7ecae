/**
 * Records the Host of every outgoing HTTP(S) request this process makes (Node's `http.client.request.start`
 * diagnostics channel), so a run can prove the verifier never called a host outside the STS allow-list. The
 * verifier's only outbound call is https.request (authenticator/token/sts.ts); its Host header is the validated STS host
 * even when the test-only connect-to setting dials the stand-in.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

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
  subscribe('http.client.request.start', onStart);
  return { hosts, stop: () => unsubscribe('http.client.request.start', onStart) };
}
