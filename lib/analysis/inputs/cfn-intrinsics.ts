/**
 * Best-effort resolution of CloudFormation intrinsics in a synthesized template, enough to recover the IAM principal
 * ARNs of access entries and the manifests of `Custom::AWSCDK-EKS-KubernetesResource`s offline. What cannot be known
 * before deployment (a generated role name, an unknown account) stays visible as `${...}` placeholders, never guessed.
 */
export interface TemplateContext {
  readonly resources: Readonly<Record<string, { Type?: string; Properties?: Record<string, unknown> }>>;
  readonly parameters: Readonly<Record<string, { Default?: unknown }>>;
  /** The stack's account, or undefined when environment-agnostic. */
  readonly account?: string;
  readonly region?: string;
  readonly partition: string;
  /**
   * The value of `Fn::ImportValue` of an export name (the loader's, which sees every stack of the assembly: an
   * `AccessFleet` access stack names its spoke role through its identity stack's export); without it, the import stays
   * the placeholder `${Fn::ImportValue}`.
   */
  readonly importValue?: (exportName: string) => string;
}

/** Placeholder for the account of an environment-agnostic stack; `arnMatches` treats it as "any account". */
export const ANY_ACCOUNT = '${AWS::AccountId}';

function pseudo(name: string, ctx: TemplateContext): string {
  switch (name) {
    case 'AWS::AccountId': return ctx.account ?? ANY_ACCOUNT;
    case 'AWS::Partition': return ctx.partition;
    case 'AWS::Region': return ctx.region ?? '${AWS::Region}';
    case 'AWS::URLSuffix': return 'amazonaws.com';
    default: return `\${${name}}`;
  }
}

function iamPath(props: Record<string, unknown> | undefined, ctx: TemplateContext): string {
  const p = props?.Path === undefined ? '/' : String(resolveValue(props.Path, ctx));
  return p.endsWith('/') ? p : `${p}/`;
}

/** `Ref` of a resource: the physical name where the template fixes it, else `${LogicalId}`. */
function refOf(id: string, ctx: TemplateContext): string {
  const param = ctx.parameters[id];
  if (param) return param.Default !== undefined ? String(resolveValue(param.Default, ctx)) : `\${${id}}`;
  if (id.startsWith('AWS::')) return pseudo(id, ctx);
  const res = ctx.resources[id];
  const props = res?.Properties;
  if (res?.Type === 'AWS::IAM::Role' && props?.RoleName !== undefined) return String(resolveValue(props.RoleName, ctx));
  if (res?.Type === 'AWS::IAM::User' && props?.UserName !== undefined) return String(resolveValue(props.UserName, ctx));
  // A cluster of the same template: its name where the template fixes it (aws-eks-v2 and CloudFormation's own
  // AWS::EKS::Cluster `Name`; aws-cdk-lib aws-eks's cluster custom resource `Config.name`), so access entries and
  // manifests name the cluster they are for.
  if (res?.Type === 'AWS::EKS::Cluster' && props?.Name !== undefined) return String(resolveValue(props.Name, ctx));
  const config = props?.Config as { name?: unknown } | undefined;
  if (res?.Type === 'Custom::AWSCDK-EKS-Cluster' && config?.name !== undefined) return String(resolveValue(config.name, ctx));
  return `\${${id}}`;
}

function getAtt(id: string, attr: string, ctx: TemplateContext): string {
  const res = ctx.resources[id];
  if (attr === 'Arn' && (res?.Type === 'AWS::IAM::Role' || res?.Type === 'AWS::IAM::User')) {
    const kind = res.Type === 'AWS::IAM::Role' ? 'role' : 'user';
    return `arn:${ctx.partition}:iam::${pseudo('AWS::AccountId', ctx)}:${kind}${iamPath(res.Properties, ctx)}${refOf(id, ctx)}`;
  }
  return `\${${id}.${attr}}`;
}

function sub(template: string, vars: Record<string, unknown>, ctx: TemplateContext): string {
  return template.replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
    if (name in vars) return String(resolveValue(vars[name], ctx));
    const dot = name.indexOf('.');
    return dot > 0 ? getAtt(name.slice(0, dot), name.slice(dot + 1), ctx) : refOf(name, ctx);
  });
}

/** Resolves `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split` recursively. */
export function resolveValue(value: unknown, ctx: TemplateContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys;
    const arg = obj[k];
    switch (k) {
      case 'Ref': return refOf(String(arg), ctx);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return getAtt(id, attr, ctx);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown];
        const list = resolveValue(parts, ctx);
        return Array.isArray(list) ? list.map(String).join(sep) : String(list);
      }
      case 'Fn::Sub': return Array.isArray(arg) ? sub(String(arg[0]), (arg[1] ?? {}) as Record<string, unknown>, ctx) : sub(String(arg), {}, ctx);
      case 'Fn::Select': {
        const [i, list] = arg as [unknown, unknown];
        const l = resolveValue(list, ctx);
        return Array.isArray(l) ? l[Number(resolveValue(i, ctx))] : `\${Fn::Select}`;
      }
      case 'Fn::Split': {
        const [sep, s] = arg as [string, unknown];
        return String(resolveValue(s, ctx)).split(sep);
      }
      case 'Fn::ImportValue':
        if (ctx.importValue) return ctx.importValue(String(resolveValue(arg, ctx)));
        return '${Fn::ImportValue}';
      default:
        if (k.startsWith('Fn::')) return `\${${k}}`;
    }
  }
  return Object.fromEntries(keys.map((k) => [k, resolveValue(obj[k], ctx)]));
}
