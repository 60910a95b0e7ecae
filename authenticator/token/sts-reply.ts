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

/**
 * Field `name` of a JSON object, matched case-insensitively as Go's encoding/json matches a struct field; when
 * several keys match, the last one wins, as each overwrites the field in Go. Reads the keys in place (no re-keyed
 * copy of the object: the webhook parses a reply per STS call).
 */
function fieldOf(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const wanted = name.toLowerCase();
  let value: unknown;
  for (const key of Object.keys(node)) {
    if (key === name || key.toLowerCase() === wanted) value = (node as Record<string, unknown>)[key];
  }
  return value;
}

/** Field of a nested JSON object, each step matched as `fieldOf` does. */
function jsonPath(root: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((node, key) => fieldOf(node, key), root);
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
  let account: unknown;
  let arn: unknown;
  let userid: unknown;
  if (isXml(body)) {
    const result = /<GetCallerIdentityResult>([\s\S]*)<\/GetCallerIdentityResult>/.exec(body)?.[1] ?? '';
    [account, arn, userid] = [xmlText(result, 'Account'), xmlText(result, 'Arn'), xmlText(result, 'UserId')];
  } else {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (e) {
      throw new Error(`invalid character in STS reply: ${(e as Error).message}`);
    }
    const result = jsonPath(json, 'GetCallerIdentityResponse', 'GetCallerIdentityResult');
    account = fieldOf(result, 'Account');
    arn = fieldOf(result, 'Arn');
    userid = fieldOf(result, 'UserId');
  }
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
