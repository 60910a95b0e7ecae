/**
 * IAM principal → Kubernetes user, offline, with the authenticator's own mapping code: the access entries of the
 * templates go into an `AccessEntryMapper`, each aws-auth ConfigMap and the IAMIdentityMapping objects of the inputs
 * into `StaticMapper`s, all in one `MapperChain` (row precedence, templates such as `{{SessionName}}`, ARN rules are
 * theirs). Order as on EKS with API_AND_CONFIG_MAP: an access entry wins over aws-auth; IAMIdentityMapping objects
 * (the self-managed authenticator's CRD backend) come last.
 */
import { PrincipalKind, classifyArn, parseArn, parseIamArn, stripPath } from '../../authenticator/arn';
import { Identity } from '../../authenticator/identity';
import { AccessEntryMapper, accessEntryErrors } from '../../authenticator/mapper/access-entry-mapper';
import { MappingConfigError } from '../../authenticator/mapper/row-error';
import { isAwsAuthConfigMap, parseMappingDocument } from '../../authenticator/mapper/aws-auth';
import { iamIdentityMappingRows } from '../../authenticator/mapper/crd-mapper';
import { MapperChain } from '../../authenticator/mapper/chain';
import { StaticMapper } from '../../authenticator/mapper/static-mapper';
import { AwsAuthRows, IdentityMapper } from '../../authenticator/mapper/types';
import { AccessEntryRecord } from './access-entries';
import { AnalysedPrincipal } from './access-analysis';
import { ANY_ACCOUNT } from './inputs/cfn-intrinsics';
import { KubeObject } from './normalize';
import { SourcedObject } from './rbac-from-objects';
import { withImplicitGroups } from './subjects';

export const DEFAULT_SESSION_NAME = 'eks-access-offline';
/** Stands in for the unknown account of an environment-agnostic template when nothing better is known. */
const UNKNOWN_ACCOUNT = '000000000000';
const ACCESS_ENTRIES = 'access entries';

/** The identity STS would return for `arn` (a role is assumed with `sessionName`); ids unknown offline stay empty. */
export function identityFromArn(arn: string, sessionName = DEFAULT_SESSION_NAME): Identity {
  const { type, canonicalArn } = classifyArn(arn);
  const p = parseArn(canonicalArn);
  const role = type === PrincipalKind.ROLE ? parseIamArn(canonicalArn, 'role') : undefined;
  if (role !== undefined) {
    const name = role.name;
    return { arn: `arn:${p.partition}:sts::${p.accountId}:assumed-role/${name}/${sessionName}`, canonicalArn: stripPath(canonicalArn), accountId: p.accountId, userId: '', sessionName, accessKeyId: '', stsEndpoint: '' };
  }
  const session = type === PrincipalKind.ASSUMED_ROLE ? arn.split('/').pop()! : '';
  return { arn, canonicalArn, accountId: p.accountId, userId: '', sessionName: session, accessKeyId: '', stsEndpoint: '' };
}

function isIamIdentityMapping(o: KubeObject): boolean {
  return o.kind === 'IAMIdentityMapping' && /^iamauthenticator\.k8s\.aws\//.test(o.apiVersion ?? '');
}


export class IamPrincipalResolver {
  /** Rows of the inputs that the authenticator would refuse or warn about. */
  private readonly problems: string[] = [];
  private readonly mappingMappers: IdentityMapper[] = [];
  /** The rows behind `mappingMappers`, to enumerate the principals they name. */
  private readonly mappingRows: AwsAuthRows[] = [];
  private readonly standardEntries: AccessEntryRecord[];
  private readonly entriesByOrigin = new Map<string, AccessEntryRecord>();
  private readonly entryMappers = new Map<string, { mapper?: AccessEntryMapper; entries: AccessEntryRecord[] }>();

  constructor(readonly accessEntries: readonly AccessEntryRecord[], objects: readonly SourcedObject[]) {
    // Node entries (EC2_LINUX, FARGATE_LINUX...) are node identities; the Node authorizer, not RBAC, governs them.
    this.standardEntries = accessEntries.filter((e) => e.type === 'STANDARD');
    // First entry of an origin wins, as the `find` this replaces did.
    for (const e of [...this.standardEntries].reverse()) this.entriesByOrigin.set(e.origin, e);
    objects.filter((o) => isAwsAuthConfigMap(o.object)).forEach((o, i) => {
      const parsed = parseMappingDocument(o.object);
      const name = `aws-auth ConfigMap (${o.origin ?? 'input'})${i ? ` #${i + 1}` : ''}`;
      this.problems.push(...parsed.errors.map((e) => `${name}: ${e}`));
      this.mappingMappers.push(new StaticMapper(parsed, { name }));
      this.mappingRows.push(parsed);
    });
    const crds = objects.filter((o) => isIamIdentityMapping(o.object));
    if (crds.length) {
      // The CRD backend's own reading of the objects (authenticator/mapper/crd-mapper.ts).
      const rows = iamIdentityMappingRows(crds.map((c) => ({ name: String(c.object.metadata?.name ?? ''), spec: c.object.spec })));
      const parsed: AwsAuthRows = { roles: rows.roles, users: rows.users, accounts: [] };
      const name = `IAMIdentityMapping objects (${crds.map((c) => c.object.metadata?.name).join(', ')})`;
      this.problems.push(...rows.errors.map((e) => `${name}: ${e}`));
      this.mappingMappers.push(new StaticMapper(parsed, { name }));
      this.mappingRows.push(parsed);
    }
  }

  /**
   * The access-entry mapper for one account: entries of environment-agnostic templates (account unknown) are taken
   * to be in the asking principal's account. Entries EKS would reject are reported and left out, like EKS would.
   */
  private entryMapper(accountId: string): { mapper?: AccessEntryMapper; entries: AccessEntryRecord[] } {
    // Built once per account: rebuilding it per resolve made who-can and report quadratic in the access entries.
    let built = this.entryMappers.get(accountId);
    if (!built) {
      built = this.buildEntryMapper(accountId);
      this.entryMappers.set(accountId, built);
    }
    return built;
  }

  private buildEntryMapper(accountId: string): { mapper?: AccessEntryMapper; entries: AccessEntryRecord[] } {
    const entries: AccessEntryRecord[] = [];
    for (const e of this.standardEntries) {
      const principalArn = e.principalArn.split(ANY_ACCOUNT).join(accountId);
      // The mapper's own check, entry by entry (a mapper per entry cost ~48 ms at 3,000 entries), worded as the mapper words it.
      const errors = accessEntryErrors({ principalArn, type: 'STANDARD', username: e.username, kubernetesGroups: e.kubernetesGroups });
      if (errors.length === 0) {
        entries.push({ ...e, principalArn });
        continue;
      }
      const msg = `access entry ${e.origin}: ${new MappingConfigError('mapper access-entries: invalid access entries', errors).message}`;
      if (!this.problems.includes(msg)) this.problems.push(msg);
    }
    if (!entries.length) return { entries };
    const mapper = new AccessEntryMapper(entries.map((e) => ({ principalArn: e.principalArn, type: 'STANDARD', username: e.username, kubernetesGroups: e.kubernetesGroups })), { name: ACCESS_ENTRIES });
    return { mapper, entries };
  }

  /** The Kubernetes identity of an IAM principal, or undefined when nothing maps it (it could not authenticate). */
  async resolve(arn: string, sessionName?: string): Promise<AnalysedPrincipal | undefined> {
    const identity = identityFromArn(arn.split(ANY_ACCOUNT).join(UNKNOWN_ACCOUNT), sessionName);
    const { mapper, entries } = this.entryMapper(identity.accountId);
    const mappers = [...(mapper ? [mapper] : []), ...this.mappingMappers];
    if (!mappers.length) return undefined;
    const mapping = await new MapperChain(mappers).resolve(identity);
    if (!mapping) return undefined;
    const entry = mapping.mapper === ACCESS_ENTRIES ? entries[Number(/\[(\d+)\]/.exec(mapping.row)?.[1])] : undefined;
    return {
      display: arn,
      user: withImplicitGroups(mapping.user.username, mapping.user.groups),
      ...(entry ? { accessEntry: this.entriesByOrigin.get(entry.origin) ?? entry, mappedBy: `access entry ${entry.origin}` } : { mappedBy: `${mapping.mapper} ${mapping.row}` }),
    };
  }

  /** Every IAM principal the inputs name (access entries, aws-auth and IAMIdentityMapping rows), for who-can/report. */
  knownPrincipalArns(): string[] {
    const arns = new Set<string>(this.standardEntries.map((e) => e.principalArn));
    for (const rows of this.mappingRows) {
      for (const r of rows.roles) if (r.roleArn) arns.add(r.roleArn);
      for (const u of rows.users) arns.add(u.userArn);
    }
    return [...arns];
  }

  mappingErrors(): string[] {
    // Entry problems surface while building the mapper; build it once so they are known up front.
    this.entryMapper(UNKNOWN_ACCOUNT);
    return [...this.problems];
  }
}
