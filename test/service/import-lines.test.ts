import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DirectWriteFacts } from "../../src/changes/direct-writes.js";
import { Diagnostics, GatehouseError } from "../../src/model/errors.js";
import type { Relationship } from "../../src/model/relationship.js";
import { compileSchema } from "../../src/schema/schema.js";
import { validateRelationship } from "../../src/schema/validate-relationship.js";
import { lineBlocks, MAX_LINE_CHARS } from "../../src/service/line-chunks.js";
import { RelationshipImport } from "../../src/service/relationship-import.js";
import { readTupleLine } from "../../src/service/tuple-lines.js";

const SCHEMA = compileSchema(`use expiration
caveat on_weekday(day int) { day < 6 }
definition user {}
definition app/user {}
definition group {
  relation member: user | group#member
}
definition document {
  relation owner: user
  relation viewer: user | group#member | user:* | app/user | user with on_weekday | user with expiration
  permission view = owner + viewer
}`);

/**
 * The import's reader as it was before it read plain lines in place: every line through
 * `readTupleLine` and `validateRelationship`, the good lines before the first bad one handed on.
 * The reader must answer exactly as this does: the same relationships and lines, or the same refusal.
 */
function lineByLine(text: string, file: string) {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const all = body === "" ? [] : (body.endsWith("\n") ? body.slice(0, -1) : body).split("\n");
  const diagnostics = new Diagnostics();
  const relationships: Relationship[] = [];
  const lines: number[] = [];
  let failures = 0;
  let count = 0;
  all.forEach((raw, i) => {
    try {
      const r = readTupleLine(raw, file, i + 1);
      if (r === undefined) return;
      count++;
      try {
        validateRelationship(SCHEMA, r);
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        validateRelationship(SCHEMA, r, { file, line: i + 1, column: 1 });
      }
      if (failures > 0) return;
      relationships.push(r);
      lines.push(i + 1);
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      if (++failures <= 20) diagnostics.errors.push(error);
    }
  });
  if (failures > 20) diagnostics.add(`… and ${failures - 20} more bad lines`);
  diagnostics.throwIfAny(`nothing was written: ${file} has bad lines`);
  if (count === 0) throw new GatehouseError("input", `${file} holds no relationships`, { file });
  return { relationships, lines };
}

async function imported(source: string | AsyncIterable<Uint8Array>, file: string) {
  const reading = new RelationshipImport(SCHEMA, file, new DirectWriteFacts(SCHEMA, []));
  const relationships: Relationship[] = [];
  const lines: number[] = [];
  for await (const batch of reading.batches(source)) {
    relationships.push(...batch.relationships);
    lines.push(...batch.lines);
    reading.staged([]);
  }
  reading.finish();
  return { relationships, lines };
}

async function outcome(read: () => Promise<unknown> | unknown) {
  try {
    // Compared as data: names are shared strings and objects, which toEqual does not see.
    return { ok: JSON.parse(JSON.stringify(await read())) };
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    const shown = (e: GatehouseError) => ({ kind: e.kind, message: e.message, place: e.place });
    return { refused: { ...shown(error), details: error.details.map(shown) } };
  }
}

/** The text's UTF-8 bytes in pieces of `size` (cutting lines and characters anywhere). */
async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

// Lines near the edges of what the plain path takes itself: whitespace, carriage returns,
// comments, wildcards, `#...`, usersets, traits, names the schema does not know or refuses.
const tricky = [
  "document:readme#viewer@user:ann",
  "document:readme#viewer@user:ann\r",
  " document:readme#viewer@user:ann",
  "document:readme#viewer@user:ann ",
  "document:readme#viewer@user:ann\u00a0",
  "document:readme#viewer@group:eng#member",
  "document:readme#viewer@group:eng#...",
  "document:readme#viewer@group:eng#viewer",
  "document:readme#viewer@group:eng#nope",
  "document:readme#viewer@group:eng",
  "document:readme#viewer@user:*",
  "document:readme#viewer@user:*#member",
  "document:readme#owner@user:ann",
  "document:readme#owner@user:*",
  "document:readme#view@user:ann",
  "document:readme#nope@user:ann",
  "folder:readme#viewer@user:ann",
  "document:readme#viewer@usr:ann",
  "document:readme#viewer@app/user:ann",
  "group:eng#member@group:eng#member",
  "group:eng#member@user:ann",
  "document:readme#viewer@user:ann[on_weekday]",
  'document:readme#viewer@user:ann[on_weekday:{"day":3}]',
  "document:readme#viewer@user:ann[expiration:2030-01-01T00:00:00Z]",
  "document:readme#owner@user:ann[on_weekday]",
  "document:readme@user:ann#viewer",
  "document:readme#viewer",
  "document:read me#viewer@user:ann",
  "Document:readme#viewer@user:ann",
  "document:#viewer@user:ann",
  "document:readme#vi@user:ann",
  "document:readme#viewer@user:",
  "document:a=b+c|d-e/f_g#viewer@user:ann",
  "// a comment ✓",
  "  // an indented comment",
  "",
  "   ",
  "\r",
  "\ufeffdocument:readme#viewer@user:ann",
];

describe("an import's lines", () => {
  it("reads every line as one line at a time would, whole or in pieces: the same relationships, or the same refusal", async () => {
    const line = fc.oneof(
      fc.constantFrom(...tricky),
      fc.stringMatching(/^[a-z][a-z:#@ *./_\r]{0,30}$/),
      fc
        .tuple(fc.constantFrom(...tricky), fc.constantFrom("", " ", "\r", "#", "@x", ":", "[", "ü"))
        .map(([a, b]) => a + b),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 30 }),
        fc.constantFrom("", "\n", "\ufeff"),
        fc.integer({ min: 1, max: 64 }),
        async (lines, edge, size) => {
          // A byte order mark at the start is dropped; one later is text.
          const text = edge === "\ufeff" ? `\ufeff${lines.join("\n")}` : lines.join("\n") + edge;
          const expected = await outcome(() => lineByLine(text, "data.txt"));
          expect(await outcome(() => imported(text, "data.txt"))).toEqual(expected);
          expect(await outcome(() => imported(pieces(text, size), "data.txt"))).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("cuts pieces into the lines of the text, ASCII pieces and others, a byte order mark only at the start", async () => {
    const text = "\ufeffa\nb\r\nc ünï\n\n\ufeffd\nlast";
    const expected = ["a", "b\r", "c ünï", "", "\ufeffd", "last"];
    for (const size of [1, 2, 3, 5, 8, 64]) {
      const blocks: string[] = [];
      for await (const block of lineBlocks(pieces(text, size), "t.txt")) blocks.push(block);
      expect(blocks.join("\n").split("\n")).toEqual(expected);
    }
    // ASCII first, then a piece that starts with the bytes of U+FEFF: text, kept.
    const later = async function* () {
      yield new TextEncoder().encode("a\nb");
      yield new TextEncoder().encode("\ufeffc\n");
    };
    const blocks: string[] = [];
    for await (const block of lineBlocks(later(), "t.txt")) blocks.push(block);
    expect(blocks.join("\n").split("\n")).toEqual(["a", "b\ufeffc"]);
  });

  it("refuses a line longer than MAX_LINE_CHARS read in pieces, and reads one just that long", async () => {
    // Before: the unfinished line was searched again at every piece (its length squared: 32 MB
    // on one line took 90 s of CPU) and held whole, however long (a streamed import has no limit).
    const piece = new TextEncoder().encode("a".repeat(65_536));
    const endless = async function* () {
      for (let i = 0; i < 2 * (MAX_LINE_CHARS / piece.length) + 2; i++) yield piece;
      yield new TextEncoder().encode("\n");
    };
    const read = async (source: AsyncIterable<Uint8Array>) => {
      const blocks: string[] = [];
      for await (const block of lineBlocks(source, "t.txt")) blocks.push(block);
      return blocks;
    };
    await expect(read(endless())).rejects.toMatchObject({
      kind: "input",
      message: `\`t.txt\` has a line longer than 1,048,576 characters (before byte ${MAX_LINE_CHARS + piece.length}): one relationship a line`,
    });
    // Exactly the bound, then a newline, then more: read as it was.
    const fits = async function* () {
      for (let i = 0; i < MAX_LINE_CHARS / piece.length; i++) yield piece;
      yield new TextEncoder().encode("\nb\nc");
    };
    const blocks = await read(fits());
    expect(
      blocks
        .join("\n")
        .split("\n")
        .map((line) => line.length),
    ).toEqual([MAX_LINE_CHARS, 1, 1]);
  });
});
