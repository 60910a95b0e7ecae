/**
 * `eks-access serve --workers N` (N > 1): the primary of a node:cluster of N webhook processes sharing one listening
 * port. The `reusePort` listen option (SO_REUSEPORT; Node v22.12 / v23.1, nodejs/node#55403) is not used: the package
 * supports Node >= 22.0 (package.json engines) and the benchmark machine runs Node 20, and a primary is needed anyway
 * to replace dead workers and aggregate their metrics. So the port is shared the cluster way: the primary holds the
 * listening socket and hands each accepted connection to a worker in turn (cluster.SCHED_RR, Node's default on Linux;
 * docs: "Cluster, How it works"). Connections are kept alive (the
 * kube-apiserver keeps its own), so the primary's hand-off costs a little per connection, nothing per review.
 *
 * What each worker holds is its own: the verified-identity cache, the STS connections and the connection caps
 * (server.maxConnections, maxConnectionsPerPeer, maxInFlightReviews and sts.maxConcurrent apply per worker). The
 * metrics listener (server.metricsPort) is the primary's: /metrics sums the workers' registries (prom-client's
 * AggregatorRegistry over the cluster channel), /readyz is ready while every live worker is. /metrics on the webhook
 * port itself stays the answering worker's own. Why the
 * cache is not shared: a shared cache lives in one process, so every review would pay an IPC round trip to it, and a
 * round trip over the cluster channel costs more CPU than a whole cache hit (bench/results/RESULTS.md, "cluster
 * IPC"); instead, a token reused on several connections is verified once per worker that sees it, at most N STS
 * calls per token and cache TTL instead of one.
 *
 * Life cycle: the primary forks the workers and waits for them to listen; a worker that dies is replaced (after a
 * back-off that doubles with each death within a minute, up to 10 s); a worker that dies before any worker ever
 * listened (a bad certificate, a port in use) stops the primary with that worker's exit code. The first SIGTERM or
 * SIGINT asks every worker to drain (a message, so a worker that also got the terminal's SIGINT does not take it as
 * a second signal); the primary exits 0 once all exited 0, else 1. A second signal kills the workers and exits 1.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { WebhookMetrics } from './metrics';
import { RunningMetricsListener, startMetricsListener } from './metrics-listener';
import { withServeNodeFlags } from './node-flags';

/** The message a worker takes as its first signal. */
export const SHUTDOWN_MESSAGE = 'eks-access:shutdown';
/** The message a worker sends once its webhook serves (listening, mappers loaded). */
export const READY_MESSAGE = 'eks-access:ready';

export interface ClusterPrimaryOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** server.metricsAddress / metricsPort / headersTimeoutMs, when the config asks for a metrics listener. */
  readonly metricsListener?: { readonly address: string; readonly port: number; readonly headersTimeoutMs: number };
}

/** A worker's part of the metrics listener: answers the primary's aggregation requests with its registry. */
export function serveMetricsToPrimary(metrics: WebhookMetrics): void {
  new AggregatorRegistry(); // installs the worker's listener (prom-client lib/cluster.js, addListeners)
  AggregatorRegistry.setRegistries([metrics.registry]);
}

const MAX_BACKOFF_MS = 10_000;
const CRASH_WINDOW_MS = 60_000;

export function runClusterPrimary(opts: ClusterPrimaryOptions): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    let everListened = false;
    let failed = false;
    let startupFailure: number | undefined;
    const deaths: number[] = [];
    const live = new Set<Worker>();
    const ready = new Set<Worker>();
    const pendingForks = new Set<NodeJS.Timeout>();
    let metricsListener: RunningMetricsListener | undefined;

    const finishIfDone = async () => {
      if (stopping && live.size === 0) {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        await metricsListener?.close();
        opts.logger.info({ failed: failed || startupFailure !== undefined }, 'all workers stopped');
        resolve(startupFailure ?? (failed ? 1 : 0));
      }
    };

    const fork = () => {
      const worker = cluster.fork();
      live.add(worker);
      worker.on('message', (m: unknown) => {
        if (m !== READY_MESSAGE) return;
        everListened = true;
        ready.add(worker);
      });
      worker.once('exit', (code, signal) => {
        live.delete(worker);
        ready.delete(worker);
        if (stopping) {
          if (code !== 0) failed = true;
          return void finishIfDone();
        }
        if (!everListened) {
          // Every worker would fail the same way: stop, with the worker's own exit code (2: could not start).
          opts.logger.error({ workerPid: worker.process.pid, code, signal }, 'a worker exited before serving; stopping');
          stopping = true;
          startupFailure = typeof code === 'number' && code > 0 ? code : 1;
          for (const t of pendingForks) clearTimeout(t);
          for (const w of live) if (w.isConnected()) w.send(SHUTDOWN_MESSAGE);
          return void finishIfDone();
        }
        const now = Date.now();
        deaths.push(now);
        while (deaths.length > 0 && deaths[0] < now - CRASH_WINDOW_MS) deaths.shift();
        const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** (deaths.length - 1));
        opts.logger.warn({ workerPid: worker.process.pid, code, signal, restartInMs: delay }, 'worker exited; starting a replacement');
        const t = setTimeout(() => {
          pendingForks.delete(t);
          if (!stopping) fork();
        }, delay);
        pendingForks.add(t);
      });
    };

    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        opts.logger.warn({ signal }, 'second signal: killing the workers, exiting now');
        for (const w of live) w.process.kill('SIGKILL');
        process.exit(1);
      }
      stopping = true;
      opts.logger.info({ signal, workers: live.size }, 'signal received: draining the workers');
      for (const t of pendingForks) clearTimeout(t);
      for (const w of live) {
        if (w.isConnected()) w.send(SHUTDOWN_MESSAGE);
      }
      void finishIfDone();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);

    // Each worker is one event loop on about one core: it runs with the server's node flags whatever the primary got.
    const execArgv = withServeNodeFlags(process.execArgv);
    cluster.setupPrimary({ execArgv });
    opts.logger.info({ workers: opts.workers, nodeFlags: execArgv }, 'starting workers');
    for (let i = 0; i < opts.workers; i++) fork();
    if (opts.metricsListener) {
      const aggregator = new AggregatorRegistry();
      startMetricsListener({
        ...opts.metricsListener,
        metrics: new WebhookMetrics({ defaultMetrics: false }),
        isReady: () => !stopping && ready.size > 0 && ready.size === live.size,
        metricsText: () => aggregator.clusterMetrics(),
      }).then((m) => {
        metricsListener = m;
        opts.logger.info({ metricsPort: m.port }, 'metrics listening (all workers)');
        if (stopping) void m.close();
      }, (e: Error) => {
        opts.logger.error({ err: e.message }, 'the metrics listener could not start; stopping');
        onSignal('SIGTERM');
      });
    }
  });
}
