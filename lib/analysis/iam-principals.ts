/**
 * IAM principal → Kubernetes user, offline, with the authenticator's own mapping code: `parseAwsAuth` /
 * `parseMappingDocument` for the aws-auth ConfigMaps and IAMIdentityMapping objects found in the inputs,
 * `MappingTable` for row precedence and `TemplateRenderer` for `{{SessionName}}` & co, `arn.ts` for ARN rules.
 * Order as on EKS with API_AND_CONFIG_MAP: an access entry wins over aws-auth; IAMIdentityMapping objects (the
 * self-managed authenticator's CRD backend) come last.
 */
import { PrincipalType, classifyArn, parseArn, stripPath } from '../../authenticator/arn';
import { Identity } from '../../authenticator/identity';
import { parseMappingDocument } from '../../authenticator/mapper/aws-auth';
import { MappingTable } from '../../authenticator/mapper/table';
import { TemplateRenderer } from '../../authenticator/mapper/templates';
import { AccessEntryRecord } from './access-entries';
import { Principal } from './access-analysis';
import { ANY_ACCOUNT } from './inputs/cfn-intrinsics';
import { KubeObject } from './normalize';
import { SourcedObject } from './rbac-from-objects';
import { withImplicitGroups } from './subjects';

export const DEFAULT_SESSION_NAME = 'eks-access-offline';
const UNKNOWN_ACCOUNT = '000000000000';

/** The identity STS would return for `arn` (a role is assumed with `sessionName`); ids unknown offline stay empty. */
export function identityFromArn(arn: string, sessionName = DEFAULT_SESSION_NAME): Identity {
  const { type, canonicalArn } = classifyArn(arn);
  const p = parseArn(canonicalArn);
  if (type === PrincipalType.ROLE) {
    const name = p.resource.split('/').pop()!;
    return { arn: `arn:${p.partition}:sts::${p.accountId}:assumed-role/${name}/${sessionName}`, canonicalArn: stripPath(canonicalArn), accountId: p.accountId, userId: '', sessionName, accessKeyId: '', stsEndpoint: '' };
  }
  const session = type === PrincipalType.ASSUMED_ROLE ? arn.split('/').pop()! : '';
  return { arn, canonicalArn, accountId: p.accountId, userId: '', sessionName: session, accessKeyId: '', stsEndpoint: '' };
}

function sameRole(entryArn: string, identity: Identity): boolean {
  const resolved = entryArn.split(ANY_ACCOUNT).join(identity.accountId);
  try {
    const canonical = classifyArn(resolved).canonicalArn;
    return stripPath(canonical).toLowerCase() === identity.canonicalArn.toLowerCase() || canonical === identity.canonicalArn;
  } catch {
    return false;
  }
}

/** EKS's default username of an access entry (iac-anchors §1.3): the user ARN, or the session ARN without path. */
function defaultEntryUsername(identity: Identity): string {
  return identity.arn === identity.canonicalArn ? identity.arn : `${identity.arn.slice(0, identity.arn.lastIndexOf('/'))}/{{SessionName}}`;
}

const IAM_IDENTITY_MAPPING = /^iamauthenticator\.k8s\.aws\//;

function isAwsAuth(o: KubeObject): boolean {
  return o.kind === 'ConfigMap' && o.metadata?.name === 'aws-auth' && (o.metadata?.namespace ?? 'kube-system') === 'kube-system';
}

interface MappingSource {
  readonly label: string;
  readonly table: MappingTable;
  readonly errors: string[];
}

export class IamPrincipalResolver {
  private readonly renderer = new TemplateRenderer();
  readonly sources: MappingSource[] = [];

  constructor(readonly accessEntries: readonly AccessEntryRecord[], objects: readonly SourcedObject[]) {
    for (const { object, origin } of objects) {
      if (isAwsAuth(object)) {
        const parsed = parseMappingDocument(object);
        this.sources.push({ label: `aws-auth ConfigMap (${origin ?? 'input'})`, table: new MappingTable(parsed), errors: parsed.errors.map(String) });
      }
    }
    const crds = objects.filter((o) => o.object.kind === 'IAMIdentityMapping' && IAM_IDENTITY_MAPPING.test(o.object.apiVersion ?? ''));
    if (crds.length) {
      const specs = crds.map((c) => (c.object.spec ?? {}) as { arn?: string; username?: string; groups?: string[] });
      const roles = specs.filter((s) => /:role\//.test(s.arn ?? '')).map((s) => ({ rolearn: s.arn, username: s.username, groups: s.groups ?? [] }));
      const users = specs.filter((s) => !/:role\//.test(s.arn ?? '')).map((s) => ({ userarn: s.arn, username: s.username, groups: s.groups ?? [] }));
      const parsed = parseMappingDocument({ mapRoles: roles, mapUsers: users });
      this.sources.push({ label: `IAMIdentityMapping objects (${crds.map((c) => c.object.metadata?.name).join(', ')})`, table: new MappingTable(parsed), errors: parsed.errors.map(String) });
    }
  }

  accessEntryFor(identity: Identity): AccessEntryRecord | undefined {
    return this.accessEntries.find((e) => e.type === 'STANDARD' && sameRole(e.principalArn, identity));
  }

  /** The Kubernetes identity of an IAM principal, or undefined when nothing maps it (it could not authenticate). */
  async resolve(arn: string, sessionName?: string): Promise<Principal | undefined> {
    // An environment-agnostic template leaves the account unknown: stand in a neutral one so the ARN parses.
    const identity = identityFromArn(arn.split(ANY_ACCOUNT).join(UNKNOWN_ACCOUNT), sessionName);
    const entry = this.accessEntryFor(identity);
    if (entry) {
      const u = await this.renderer.renderUser(entry.username ?? defaultEntryUsername(identity), entry.kubernetesGroups, identity);
      return { display: arn, user: withImplicitGroups(u.username, u.groups), accessEntry: entry, mappedBy: `access entry ${entry.origin}` };
    }
    for (const source of this.sources) {
      const match = source.table.match(identity);
      if (match) {
        const u = await this.renderer.renderUser(match.username, match.groups, identity);
        return { display: arn, user: withImplicitGroups(u.username, u.groups), mappedBy: `${source.label} ${match.row}` };
      }
      if (source.table.allowsAccount(identity.accountId)) {
        return { display: arn, user: withImplicitGroups(identity.canonicalArn, []), mappedBy: `${source.label} mapAccounts` };
      }
    }
    return undefined;
  }

  /** Every IAM principal the inputs name (access entries, aws-auth and IAMIdentityMapping rows), for who-can/report. */
  knownPrincipalArns(): string[] {
    const arns = new Set<string>();
    for (const e of this.accessEntries) if (e.type === 'STANDARD') arns.add(e.principalArn);
    for (const s of this.sources) {
      for (const r of s.table.rows.roles) if (r.roleArn) arns.add(r.roleArn);
      for (const u of s.table.rows.users) arns.add(u.userArn);
    }
    return [...arns];
  }

  mappingErrors(): string[] {
    return this.sources.flatMap((s) => s.errors.map((e) => `${s.label}: ${e}`));
  }
}
