import { GatehouseError } from "./errors.js";

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The text of a file that must be text (a schema, a change or validation file, tuples): a NUL
 * byte or bytes that are not UTF-8 mean a binary file, refused with one clear message rather
 * than parsed and quoted back byte by byte (raw bytes echoed to a terminal can drive it).
 */
export function decodeTextFile(bytes: Uint8Array, file: string, expected = "UTF-8 text"): string {
  const nul = bytes.indexOf(0);
  let text: string | undefined;
  if (nul < 0) {
    try {
      text = UTF8.decode(bytes);
    } catch {
      text = undefined;
    }
  }
  if (text === undefined) {
    throw new GatehouseError(
      "input",
      `\`${file}\` is not a text file (${nul >= 0 ? `a NUL byte at offset ${nul}` : "its bytes are not UTF-8"}): expected ${expected}`,
      { file },
    );
  }
  // A byte order mark is text, but not part of what the parsers read.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
