/**
 * Parsing of STS GetCallerIdentity replies, JSON (what we ask for with `Accept: application/json`) or XML (what STS
 * and the moto stand-in send otherwise), success and error bodies alike.
 */

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

export interface StsErrorReply {
  readonly code: string;
  readonly message: string;
}

function lowerKeys(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Field of a nested JSON object, matched case-insensitively as Go's encoding/json does. */
function jsonPath(root: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((node, key) => lowerKeys(node)[key.toLowerCase()], root);
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(body: string, element: string): string | undefined {
  const m = new RegExp(`<${element}>([^<]*)</${element}>`).exec(body);
  return m?.[1].replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => XML_ENTITIES[e]);
}

function isXml(body: string): boolean {
  return body.trimStart().startsWith('<');
}

/** Throws a plain `Error` (message safe to show) when the body is not a usable GetCallerIdentity result. */
export function parseCallerIdentity(body: string): CallerIdentity {
  let fields: Record<string, unknown>;
  if (isXml(body)) {
    const result = /<GetCallerIdentityResult>([\s\S]*)<\/GetCallerIdentityResult>/.exec(body)?.[1] ?? '';
    fields = { account: xmlText(result, 'Account'), arn: xmlText(result, 'Arn'), userid: xmlText(result, 'UserId') };
  } else {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (e) {
      throw new Error(`invalid character in STS reply: ${(e as Error).message}`);
    }
    fields = lowerKeys(jsonPath(json, 'GetCallerIdentityResponse', 'GetCallerIdentityResult'));
  }
  const { account, arn, userid } = fields;
  if (typeof arn !== 'string' || typeof userid !== 'string' || typeof account !== 'string') {
    throw new Error('STS reply lacks GetCallerIdentityResult Account, Arn or UserId');
  }
  return { account, arn, userId: userid };
}

/** Error code and message of an STS error body, or `undefined` when the body is neither JSON nor XML STS error. */
export function parseErrorReply(body: string): StsErrorReply | undefined {
  if (isXml(body)) {
    const code = xmlText(body, 'Code');
    return code === undefined ? undefined : { code, message: xmlText(body, 'Message') ?? '' };
  }
  try {
    const json: unknown = JSON.parse(body);
    const code = jsonPath(json, 'Error', 'Code');
    const message = jsonPath(json, 'Error', 'Message');
    return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : '' } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes an STS error message safe to put in an error or a log. STS's SignatureDoesNotMatch message quotes the whole
 * canonical request, security token included, so that part is cut and any X-Amz value left is redacted. (The
 * reference puts the raw body in the error; we do not.)
 */
export function sanitizeStsMessage(message: string): string {
  const cut = message.split(/The Canonical String|\n/)[0];
  const redacted = cut.replace(/(X-Amz-[A-Za-z-]+=)[^&\s'"]*/gi, '$1<redacted>');
  return redacted.length > 200 ? `${redacted.slice(0, 200)}…` : redacted.trim();
}
