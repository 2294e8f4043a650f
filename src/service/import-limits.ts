/**
 * The most one import request over HTTP may hold. A whole import is validated before anything
 * is written and written as one revision, so its size bounds the server's memory and the time
 * its write holds the store; bigger imports are split into several requests.
 */
export const IMPORT_MAX_LINES = 1_000_000;
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Why a text is too big to import in one request, naming the limit, or undefined. Lines are
 * counted without splitting the text (no second copy of it).
 */
export function importTooLarge(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > IMPORT_MAX_BYTES)
    return `the import is ${bytes.toLocaleString("en")} bytes; at most ${IMPORT_MAX_BYTES.toLocaleString("en")} (${IMPORT_MAX_BYTES / 1024 / 1024} MiB) a request: split it`;
  let lines = 1;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) {
    // A final newline does not start another line.
    if (at + 1 < text.length) lines++;
    if (lines > IMPORT_MAX_LINES)
      return `the import has more than ${IMPORT_MAX_LINES.toLocaleString("en")} lines, the most a request may hold: split it`;
  }
  return undefined;
}
