/**
 * The one place that takes secrets out of text before it leaves the process: CLI output and
 * errors, the `serve` banner, server logs (every line, see server.ts) and HTTP error bodies.
 *
 * - a password in a URL's user part: `postgres://app:s3cret@db/x` becomes `postgres://app:***@db/x`;
 * - a `password=` parameter, in a URL's query or a libpq connection string (`sslpassword` too);
 * - Gatehouse token secrets (`gh_` and 32 base64url characters), unless `tokens: false`:
 *   the one output whose purpose is to show a secret (`token create`) keeps it.
 *
 * It errs on the side of hiding: in a URL everything between `user:` and the last `@` before
 * a space or a quote goes, so a password holding `@` or `/` does not leak its tail. It never
 * touches quotes or backslashes, so a JSON log line stays JSON.
 */
export function redactSecrets(text: string, options: { tokens?: boolean } = {}): string {
  let out = text;
  if (out.includes("://")) out = out.replace(URL_PASSWORD, "$1:***@");
  if (/password=/i.test(out)) out = out.replace(PASSWORD_PARAMETER, "$1***");
  if (options.tokens !== false && out.includes("gh_")) out = out.replace(TOKEN_SECRET, "gh_***");
  return out;
}

/** `scheme://user:password@`, the password up to the last `@` before a space or quote. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"'\\]*):[^\s"'\\]*@/gi;
/** `password=value` or `password='quoted value'` (libpq), up to `&`, a space or a quote. */
const PASSWORD_PARAMETER = /(password=)(?:'(?:[^'\\]|\\.)*'|[^\s&"'\\]*)/gi;
/** A token secret as `createToken` makes them (`gh_` + 32 base64url characters). */
const TOKEN_SECRET = /\bgh_[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])/g;
