/**
 * The EKS username rules, written once for the model's synth-time validation, the access-entry mapper and the
 * migration plan: templates are PARSED (not pattern-matched) into literal text and `{{Placeholder}}`s, so an unknown
 * placeholder, an unclosed `{{` or a stray `}}` is an error instead of a literal that never renders.
 *
 * Placeholders (aws-iam-authenticator pkg/server/server.go renderTemplates, and
 * https://docs.aws.amazon.com/eks/latest/userguide/set-custom-username.html for access entries):
 * - aws-auth rows render `{{AccountID}}`, `{{SessionName}}`, `{{SessionNameRaw}}`, `{{AccessKeyID}}` and
 *   `{{EC2PrivateDNSName}}` (the latter only for an EC2 instance's session, i.e. a node role);
 * - access entries take `{{SessionName}}` / `{{SessionNameRaw}}` in custom usernames, with a `:` before them, and no
 *   reserved prefix (`system:`, `eks:`, `aws:`, `amazon:`, `iam:`).
 */

/** Prefixes EKS rejects in access-entry usernames (set-custom-username.html, "Requirements for custom usernames"). */
export const EKS_RESERVED_USERNAME_PREFIXES = ['system:', 'eks:', 'aws:', 'amazon:', 'iam:'] as const;

/** Every placeholder the authenticator renders. */
export const TEMPLATE_PLACEHOLDERS = ['AccountID', 'SessionName', 'SessionNameRaw', 'AccessKeyID', 'EC2PrivateDNSName'] as const;
/** Placeholders an access-entry username may use. */
export const ACCESS_ENTRY_PLACEHOLDERS: readonly string[] = ['SessionName', 'SessionNameRaw'];
/** Placeholders EKS requires a `:` before. */
const SESSION_PLACEHOLDERS: readonly string[] = ['SessionName', 'SessionNameRaw'];
/** Rendered only for an EC2 instance's session (a node role). */
export const NODE_ONLY_PLACEHOLDER = 'EC2PrivateDNSName';

/** One piece of a parsed template. */
export type TemplatePart = { readonly literal: string } | { readonly placeholder: string; readonly offset: number };

export interface ParsedTemplate {
  readonly parts: TemplatePart[];
  /** Syntax problems (unknown placeholder, unclosed `{{`, stray `}}`), each saying what would be valid. */
  readonly errors: string[];
}

/** Parses `dev:{{SessionName}}` into literal and placeholder parts. */
export function parseTemplate(template: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: string[] = [];
  const known: readonly string[] = TEMPLATE_PLACEHOLDERS;
  let i = 0;
  let literal = '';
  while (i < template.length) {
    if (template.startsWith('{{', i)) {
      const end = template.indexOf('}}', i + 2);
      if (end < 0) {
        errors.push(`'{{' at position ${i} is never closed; write a placeholder as {{Name}} (${known.join(', ')})`);
        literal += template.slice(i);
        break;
      }
      const name = template.slice(i + 2, end);
      if (!known.includes(name)) {
        errors.push(`unknown placeholder {{${name}}}; the authenticator renders only ${known.map((k) => `{{${k}}}`).join(', ')} (anything else would stay literal)`);
      }
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ placeholder: name, offset: i });
      i = end + 2;
    } else if (template.startsWith('}}', i)) {
      errors.push(`'}}' at position ${i} closes no '{{'; write a placeholder as {{Name}}`);
      literal += '}}';
      i += 2;
    } else {
      literal += template[i];
      i += 1;
    }
  }
  if (literal) parts.push({ literal });
  return { parts, errors };
}

/** Where a username is used: an access entry (API modes) or an aws-auth row (CONFIG_MAP), and for which entry type. */
export interface UsernameContext {
  /** True for an access-entry username (EKS's own rules apply), false for an aws-auth row. */
  readonly accessEntry: boolean;
  /** True for a node role (EC2 instance sessions), false for a STANDARD principal. */
  readonly node: boolean;
}

/** Every problem of a custom username, each saying what would be valid; empty when EKS and the authenticator accept it. */
export function usernameProblems(username: string, ctx: UsernameContext): string[] {
  if (username.trim() === '') return ['username must not be empty; omit it to get the EKS default'];
  const out: string[] = [];
  const reserved = EKS_RESERVED_USERNAME_PREFIXES.find((prefix) => username.startsWith(prefix));
  if (reserved && !ctx.node) out.push(`username '${username}' must not start with '${reserved}' (reserved prefixes: ${EKS_RESERVED_USERNAME_PREFIXES.join(', ')})`);
  const parsed = parseTemplate(username);
  out.push(...parsed.errors.map((e) => `username '${username}': ${e}`));
  for (const part of parsed.parts) {
    if (!('placeholder' in part)) continue;
    const name = part.placeholder;
    if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name)) continue;
    if (name === NODE_ONLY_PLACEHOLDER && !ctx.node) {
      out.push(`username '${username}' uses {{${name}}} on a STANDARD principal; it renders only for an EC2 instance's session (declare the role with addNodeRole, or use {{SessionName}})`);
    } else if (ctx.accessEntry && !ACCESS_ENTRY_PLACEHOLDERS.includes(name)) {
      out.push(`username '${username}' uses {{${name}}}, which access entries do not render; use ${ACCESS_ENTRY_PLACEHOLDERS.map((k) => `{{${k}}}`).join(' or ')}`);
    }
    if (SESSION_PLACEHOLDERS.includes(name) && !username.slice(0, part.offset).includes(':')) {
      out.push(`username '${username}' uses {{${name}}} without a ':' before it (e.g. 'dev:{{${name}}}')`);
    }
  }
  return out;
}
