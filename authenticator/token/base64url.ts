/**
 * Strict unpadded base64url (Go `base64.RawURLEncoding`, stricter). Node's `Buffer.from(s, 'base64url')` silently
 * skips invalid characters and padding, so the alphabet and the length are checked first, and non-canonical trailing
 * bits (two encodings of the same bytes) are refused by re-encoding. Go also drops `\r`/`\n`; we refuse them.
 */
const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64Url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Decodes `text`, or throws a plain `Error` whose message names the first offending input byte. */
export function decodeBase64UrlStrict(text: string): Buffer {
  if (!ALPHABET.test(text)) {
    const at = text.split('').findIndex((c) => !ALPHABET.test(c));
    throw new Error(`illegal base64 data at input byte ${at}`);
  }
  if (text.length % 4 === 1) throw new Error(`illegal base64 data at input byte ${text.length - 1}`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) {
    throw new Error(`illegal base64 data at input byte ${text.length - 1} (non-canonical trailing bits)`);
  }
  return bytes;
}
