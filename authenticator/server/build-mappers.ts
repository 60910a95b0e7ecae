/**
 * Builds MAPPER's backends from `mapping.backends` (order = precedence, see mapper/chain.ts) and chains them.
 * Backend configuration errors (bad rows of a static/accessEntries backend) become ConfigErrors naming the backend.
 */
import { readFileSync } from 'node:fs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Logger } from 'pino';
import { BackendConfig, ConfigError, MappingSettings, parseDocument } from '../config';
import { AccessEntryRow, AccessEntryMapper } from '../mapper/access-entry-mapper';
import { MapperChain } from '../mapper/chain';
import { ConfigMapMapper } from '../mapper/configmap-mapper';
import { CrdMapper } from '../mapper/crd-mapper';
import { Ec2PrivateDnsResolver } from '../mapper/ec2-private-dns';
import { FileMapper } from '../mapper/file-mapper';
import { KubeConnection, loadKubeConnection } from '../mapper/kube/connection';
import { StaticMapper } from '../mapper/static-mapper';
import { TemplateRenderer } from '../mapper/templates';
import type { IdentityMapper, MapperLogger } from '../mapper/types';
import type { WebhookMetrics } from './metrics';

/** The parts of the configuration the mappers need (the server config, or the Lambda's environment). */
export interface MappingInput {
  readonly region?: string;
  readonly mapping: MappingSettings;
}

export interface BuildMappersOptions {
  /** Use these instead of building from `mapping.backends` (embedding, tests). */
  readonly mappers?: readonly IdentityMapper[];
  readonly logger: Logger;
  readonly metrics?: WebhookMetrics;
  /** EC2 client for `{{EC2PrivateDNSName}}` (a configured endpoint, role or test double). @default SDK default chain */
  readonly ec2Client?: Pick<EC2Client, 'send'>;
}

export interface BuiltMappers {
  readonly chain: MapperChain;
  /** Stops the mappers and the EC2 resolver. */
  stop(): Promise<void>;
}

function backendName(backends: readonly BackendConfig[], i: number): string {
  const type = backends[i].type;
  return backends.filter((b) => b.type === type).length > 1 ? `${type}#${i}` : type;
}

function wrap<T>(field: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    // A ConfigError that names its field keeps it; one from an argument check (field '') gets the backend's.
    if (e instanceof ConfigError && e.field !== '') throw e;
    throw new ConfigError(field, (e as Error).message);
  }
}

function accessEntries(b: Extract<BackendConfig, { type: 'accessEntries' }>, field: string): AccessEntryRow[] {
  const fromFile = b.path ? parseDocument(readFileSync(b.path, 'utf8'), b.path) : [];
  if (!Array.isArray(fromFile)) throw new ConfigError(`${field}.path`, `${b.path} must hold a list of access entries`);
  const all = [...b.entries, ...fromFile];
  all.forEach((e, i) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) {
      throw new ConfigError(`${field}.entries[${i}]`, 'must be an object with principalArn, and optionally type, username, kubernetesGroups');
    }
  });
  return all as AccessEntryRow[];
}

export function buildMappers(input: MappingInput, options: BuildMappersOptions): BuiltMappers {
  const ec2 = new Ec2PrivateDnsResolver({
    client: options.ec2Client,
    region: input.mapping.ec2Region ?? input.region,
    ratePerSecond: input.mapping.ec2Qps,
    burst: input.mapping.ec2Burst,
  });
  options.metrics?.countEc2Calls(() => ec2.stats().calls);
  const renderer = new TemplateRenderer({ ec2 });
  const log: MapperLogger = options.logger.child({ component: 'mapper' });
  const backends = input.mapping.backends;
  // One connection per kubeconfig (undefined = $KUBECONFIG, in-cluster, then ~/.kube/config).
  const connections = new Map<string | undefined, KubeConnection>();
  const connection = (kubeconfig: string | undefined): KubeConnection => {
    let c = connections.get(kubeconfig);
    if (!c) connections.set(kubeconfig, (c = loadKubeConnection({ kubeconfig })));
    return c;
  };
  const mappers = options.mappers ?? backends.map((b, i): IdentityMapper => {
    const field = `mapping.backends[${i}]`;
    const common = { name: backendName(backends, i), renderer, logger: log, reservedUsernamePrefixes: b.reservedPrefixes };
    return wrap(field, () => {
      switch (b.type) {
        case 'file':
          return new FileMapper(b.path, common);
        case 'static':
          return StaticMapper.fromDocument({ mapRoles: b.mapRoles, mapUsers: b.mapUsers, mapAccounts: b.mapAccounts }, common);
        case 'accessEntries':
          return new AccessEntryMapper(accessEntries(b, field), common);
        case 'configMap':
          return new ConfigMapMapper(connection(b.kubeconfig), { ...common, namespace: b.namespace, configMapName: b.name });
        case 'crd':
          return new CrdMapper(connection(b.kubeconfig), common);
      }
    });
  });
  const chain = new MapperChain(mappers);
  return {
    chain,
    async stop() {
      await chain.stop();
      ec2.close();
    },
  };
}
