import { GatehouseError } from "../model/errors.js";

/**
 * Text that arrives in pieces (a file read in chunks, standard input, a request body), or whole.
 * Bytes are UTF-8.
 */
export type TextSource = string | AsyncIterable<string | Uint8Array>;

/** How many lines a whole text is cut into at a time, so that no array of all its lines exists. */
const LINES_A_SLICE = 4_096;

/**
 * The lines of a source, in order, a slice at a time (the final newline does not start another
 * line; `\r` is left to the reader). Only the current piece and the unfinished line after it are
 * held, so memory does not grow with the source.
 */
export async function* lineSlices(source: TextSource, file: string): AsyncGenerator<string[]> {
  if (typeof source === "string") {
    // A byte order mark is text, but not part of what the parsers read (the decoder drops it too).
    yield* textSlices(source.charCodeAt(0) === 0xfeff ? source.slice(1) : source);
    return;
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "";
  let offset = 0;
  const decode = (bytes: Uint8Array | undefined): string => {
    const nul = bytes === undefined ? -1 : bytes.indexOf(0);
    if (nul >= 0) throw notText(file, `a NUL byte at offset ${offset + nul}`);
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      throw notText(file, "its bytes are not UTF-8");
    } finally {
      offset += bytes?.length ?? 0;
    }
  };
  for await (const piece of source) {
    const text = rest + (typeof piece === "string" ? piece : decode(piece));
    const last = text.lastIndexOf("\n");
    if (last < 0) {
      rest = text;
      continue;
    }
    yield text.slice(0, last).split("\n");
    rest = text.slice(last + 1);
  }
  rest += decode(undefined);
  if (rest !== "") yield [rest];
}

/** The same refusal as `decodeTextFile`'s, for a source read in pieces. */
function notText(file: string, why: string): GatehouseError {
  return new GatehouseError("input", `\`${file}\` is not a text file (${why}): expected UTF-8 text`, {
    file,
  });
}

function* textSlices(text: string): Generator<string[]> {
  let lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf("\n", start);
    const stop = end < 0 ? text.length : end;
    lines.push(text.slice(start, stop));
    start = stop + 1;
    if (lines.length === LINES_A_SLICE) {
      yield lines;
      lines = [];
    }
  }
  if (lines.length > 0) yield lines;
}
