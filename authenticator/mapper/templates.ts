/**
 * Username/group templates (reference: `renderTemplates` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/server/server.go): `{{EC2PrivateDNSName}}`,
 * `{{AccountID}}`, `{{SessionName}}` (`@` → `-`), `{{SessionNameRaw}}`, `{{AccessKeyID}}`. Unknown `{{X}}` stay
 * literal; a non-session identity renders `{{SessionName}}` as "".
 *
 * Deliberate difference: the reference replaces the templates one after another, so a substituted value is scanned
 * again by the later replacements. We substitute in a single pass, so a value is never re-interpreted as a template.
 * (STS session names cannot contain `{`, so no real identity renders differently; the single pass just removes the
 * question.)
 */
import type { Identity, MappedUser } from '../identity';
import { MappingError } from './row-error';
import { NODE_ONLY_PLACEHOLDER, type TemplatePlaceholder } from './username-template';

/** Resolves an EC2 instance id to its private DNS name (see Ec2PrivateDnsResolver). */
export interface Ec2PrivateDnsLookup {
  privateDnsName(instanceId: string): Promise<string>;
}

const TEMPLATE = /\{\{(\w+)\}\}/g;
const EC2_TEMPLATE = `{{${NODE_ONLY_PLACEHOLDER}}}`;
/** Reference: `^i-(\w{8}|\w{17})$`. */
const INSTANCE_ID = /^i-(\w{8}|\w{17})$/;

export interface TemplateRendererOptions {
  /** Needed only by rows that use `{{EC2PrivateDNSName}}`; without it such rows fail to render. */
  readonly ec2?: Ec2PrivateDnsLookup;
}

export class TemplateRenderer {
  constructor(private readonly options: TemplateRendererOptions = {}) {}

  /** Renders username and groups. Throws `MappingError` (the review is denied) if a template cannot be rendered. */
  async renderUser(username: string, groups: readonly string[], identity: Identity): Promise<MappedUser> {
    const all = [username, ...groups];
    const ec2Name = all.some((t) => t.includes(EC2_TEMPLATE)) ? await this.ec2PrivateDnsName(identity) : undefined;
    // Keyed by the parser's placeholder list (username-template.ts): a placeholder added there must be rendered here.
    const values: Record<TemplatePlaceholder, string | undefined> = {
      [NODE_ONLY_PLACEHOLDER]: ec2Name,
      AccountID: identity.accountId,
      SessionName: identity.sessionName.replace(/@/g, '-'),
      SessionNameRaw: identity.sessionName,
      AccessKeyID: identity.accessKeyId,
    };
    const render = (t: string) => t.replace(TEMPLATE, (whole, name: string) => (Object.hasOwn(values, name) ? values[name as TemplatePlaceholder] : undefined) ?? whole);
    return { username: render(username), groups: groups.map(render) };
  }

  private async ec2PrivateDnsName(identity: Identity): Promise<string> {
    if (!INSTANCE_ID.test(identity.sessionName)) {
      throw new MappingError('SessionName did not contain an instance id (needed for {{EC2PrivateDNSName}})');
    }
    if (!this.options.ec2) {
      throw new MappingError('{{EC2PrivateDNSName}} is used but no EC2 resolver is configured (mapping.ec2)');
    }
    try {
      return await this.options.ec2.privateDnsName(identity.sessionName);
    } catch (e) {
      throw new MappingError(`could not resolve {{EC2PrivateDNSName}} of ${identity.sessionName}: ${(e as Error).message}`);
    }
  }
}
