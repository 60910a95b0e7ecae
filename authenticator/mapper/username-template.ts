/**
 * The grammar of username templates, for the EKS username rules (eks-rules.ts `usernameProblems`) and the
 * authenticator: templates are PARSED (not pattern-matched) into literal text and `{{Placeholder}}`s, so an unknown
 * placeholder, an unclosed `{{` or a stray `}}` is an error instead of a literal that never renders.
 *
 * Placeholders (aws-iam-authenticator pkg/server/server.go renderTemplates): aws-auth rows render `{{AccountID}}`,
 * `{{SessionName}}`, `{{SessionNameRaw}}`, `{{AccessKeyID}}` and `{{EC2PrivateDNSName}}` (the latter only for an EC2
 * instance's session, i.e. a node role). What access entries accept on top of this grammar is eks-rules.ts'.
 */

/** Every placeholder the authenticator renders. */
export const TEMPLATE_PLACEHOLDERS = ['AccountID', 'SessionName', 'SessionNameRaw', 'AccessKeyID', 'EC2PrivateDNSName'] as const;
/** One placeholder the authenticator renders. */
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
/** Rendered only for an EC2 instance's session (a node role). */
export const NODE_ONLY_PLACEHOLDER = 'EC2PrivateDNSName' satisfies TemplatePlaceholder;

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
