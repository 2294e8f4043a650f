import { isAscii } from "node:buffer";
import { GatehouseError } from "../model/errors.js";

/**
 * Text that arrives in pieces (a file read in chunks, standard input, a request body), or whole.
 * Bytes are UTF-8.
 */
export type TextSource = string | AsyncIterable<string | Uint8Array>;

/**
 * The longest line a source read in pieces may have, in characters. The longest valid line
 * (ids of 1,024 characters, a caveat's context) is far shorter; without a bound, one endless
 * line (a streamed import has no body limit) would be held whole.
 */
export const MAX_LINE_CHARS = 1024 * 1024;

/**
 * The lines of a source, in order, as blocks of whole lines: a block is one or more lines joined
 * by `\n`, without the newline after its last one (so `"a\n"` is the lines `a` and ``; the final
 * newline of the source does not start another line; `\r` is left to the reader). A reader cuts
 * each block with `indexOf("\n")`: no array and no string per line. Only the current piece and
 * the unfinished line after it are held, so memory does not grow with the source.
 */
export async function* lineBlocks(source: TextSource, file: string): AsyncGenerator<string> {
  if (typeof source === "string") {
    // A byte order mark is text, but not part of what the parsers read (the decoder drops it too).
    const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
    if (text !== "") yield text.endsWith("\n") ? text.slice(0, -1) : text;
    return;
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  // While every piece has been ASCII the decoder holds no partial character, and an ASCII piece
  // is its own text: Latin-1 reads it as UTF-8 does, at a fraction of the cost.
  let ascii = true;
  let rest = "";
  let offset = 0;
  const decode = (bytes: Uint8Array | undefined): string => {
    const nul = bytes === undefined ? -1 : bytes.indexOf(0);
    if (nul >= 0) throw notText(file, `a NUL byte at offset ${offset + nul}`);
    try {
      if (bytes === undefined) return decoder.decode();
      // The first piece goes to the decoder, which drops a byte order mark only at its start.
      if (offset > 0 && ascii && isAscii(bytes))
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
      ascii = offset === 0 && isAscii(bytes);
      return decoder.decode(bytes, { stream: true });
    } catch {
      throw notText(file, "its bytes are not UTF-8");
    } finally {
      offset += bytes?.length ?? 0;
    }
  };
  for await (const piece of source) {
    const text = typeof piece === "string" ? piece : decode(piece);
    // Only the new piece is searched: searching the unfinished line again at every piece (it
    // was `rest + text`) made one long line cost its length squared.
    const last = text.lastIndexOf("\n");
    if (last < 0) {
      rest += text;
      if (rest.length > MAX_LINE_CHARS) throw lineTooLong(file, offset);
      continue;
    }
    yield rest + text.slice(0, last);
    rest = text.slice(last + 1);
    if (rest.length > MAX_LINE_CHARS) throw lineTooLong(file, offset);
  }
  rest += decode(undefined);
  if (rest !== "") yield rest;
}

/** The same refusal as `decodeTextFile`'s, for a source read in pieces. */
function notText(file: string, why: string): GatehouseError {
  return new GatehouseError("input", `\`${file}\` is not a text file (${why}): expected UTF-8 text`, {
    file,
  });
}

function lineTooLong(file: string, offset: number): GatehouseError {
  return new GatehouseError(
    "input",
    `\`${file}\` has a line longer than ${MAX_LINE_CHARS.toLocaleString("en")} characters (before byte ${offset}): one relationship a line`,
    { file },
  );
}
