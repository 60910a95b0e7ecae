/**
 * Parses the request part of `can-i`/`who-can` the way `kubectl auth can-i` reads it: `VERB TYPE[.GROUP][/SUBRESOURCE]
 * [NAME]` or `VERB /non-resource-url`. Without discovery, a bare type takes its group from the built-in catalogue.
 */
import { NON_RESOURCE_VERBS, RESOURCE_VERBS } from '../model/rbac-vocabulary';
import { canonicalResource, isClusterScoped, knownGroups } from './resource-catalogue';
import { RequestAttributes } from './rbac-types';

export class RequestParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestParseError';
  }
}

export interface RequestSpec {
  readonly verb: string;
  /** `pods`, `pods/log`, `deployments.apps/scale`, or a URL starting with `/`. */
  readonly resource: string;
  readonly name?: string;
  /** Undefined: kubectl's default (`default`); `''`: all namespaces (`-A`). */
  readonly namespace?: string;
}

export interface ParsedRequest {
  readonly attributes: RequestAttributes;
  /** Notes for the user (e.g. a namespace ignored for a cluster-scoped resource). */
  readonly warnings: string[];
}

export function parseRequest(spec: RequestSpec): ParsedRequest {
  const warnings: string[] = [];
  if (!spec.verb) throw new RequestParseError('missing VERB (e.g. get, list, create, delete, impersonate, *)');
  if (!spec.resource) throw new RequestParseError('missing RESOURCE (e.g. pods, deployments.apps/scale, /healthz)');
  const verbs = spec.resource.startsWith('/') ? NON_RESOURCE_VERBS : RESOURCE_VERBS;
  if (!verbs.has(spec.verb)) {
    warnings.push(`unknown verb '${spec.verb}': ${spec.resource.startsWith('/') ? 'non-resource URLs take HTTP verbs' : 'Kubernetes verbs are'} ${[...verbs].join(', ')}; only a rule naming this verb (or '*') allows it`);
  }
  if (spec.resource.startsWith('/')) {
    if (spec.name) throw new RequestParseError(`a non-resource URL (${spec.resource}) takes no NAME`);
    return { attributes: { verb: spec.verb, path: spec.resource }, warnings };
  }
  const [typePart, ...sub] = spec.resource.split('/');
  const dot = typePart.indexOf('.');
  const resource = canonicalResource(dot >= 0 ? typePart.slice(0, dot) : typePart);
  let apiGroup = dot >= 0 ? typePart.slice(dot + 1) : undefined;
  if (apiGroup === undefined) {
    const groups = knownGroups(resource);
    apiGroup = groups[0] ?? '';
    if (groups.length === 0) warnings.push(`unknown resource type '${resource}': assuming the core API group; write TYPE.GROUP (e.g. widgets.example.com) for others`);
  }
  let namespace = spec.namespace ?? 'default';
  if (isClusterScoped(resource) && namespace !== '') {
    if (spec.namespace) warnings.push(`resource '${resource}' is not namespace scoped; ignoring -n ${spec.namespace}`);
    namespace = '';
  }
  return {
    attributes: { verb: spec.verb, apiGroup, resource, subresource: sub.join('/'), name: spec.name ?? '', namespace },
    warnings,
  };
}
