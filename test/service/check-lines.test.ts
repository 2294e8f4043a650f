import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CheckRequest } from "../../src/engine/engine.js";
import { CheckNames } from "../../src/model/check-names.js";
import { Diagnostics, GatehouseError } from "../../src/model/errors.js";
import { RELATION_NAME } from "../../src/model/names.js";
import { parseObject, parseSubject } from "../../src/model/relationship.js";
import { parseCheckLines, readTupleLine } from "../../src/service/tuple-lines.js";

/**
 * The batch reader as it was before it read lines in place: every line through `readTupleLine`.
 * The fast reader must answer exactly as this does, the same checks or the same refusal.
 */
function lineByLine(text: string, file: string | undefined) {
  const diagnostics = new Diagnostics();
  const requests: CheckRequest[] = [];
  const lines: number[] = [];
  let failures = 0;
  text.split("\n").forEach((raw, i) => {
    try {
      const r = readTupleLine(raw, file, i + 1, "permission");
      if (r !== undefined) {
        requests.push({ resource: r.resource, permission: r.relation, subject: r.subject });
        lines.push(i + 1);
      }
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      if (++failures <= 20) diagnostics.errors.push(error);
    }
  });
  if (failures > 20) diagnostics.add(`… and ${failures - 20} more malformed lines`);
  diagnostics.throwIfAny(`${file ?? "input"} has malformed lines`);
  return { requests, lines };
}

function outcome(read: () => { requests: CheckRequest[]; lines: number[] }) {
  try {
    // Compared as data: interned objects are shared, which toEqual does not see.
    return { ok: JSON.parse(JSON.stringify(read())) };
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    const shown = (e: GatehouseError) => ({ kind: e.kind, message: e.message, place: e.place });
    return { refused: { ...shown(error), details: error.details.map(shown) } };
  }
}

// Lines near the edges of what the fast reader takes itself: whitespace around and inside,
// carriage returns, comments, wildcards, `#...`, a `#` after the `@`, bad names and ids.
const tricky = [
  "document:readme#view@user:ann",
  "document:readme#view@user:ann\r",
  " document:readme#view@user:ann",
  "document:readme#view@user:ann ",
  "document:readme#view@user:ann\u00a0",
  "document:readme#view@user:ann\t\r",
  "document:readme#view@group:eng#member",
  "document:readme#view@group:eng#...",
  "document:readme#view@user:*",
  "document:readme#view@user:*#member",
  "document:readme#view@group:eng#Member",
  "document:readme@user:ann#view",
  "document:readme#view",
  "document:read me#view@user:ann",
  "Document:readme#view@user:ann",
  "do:readme#view@user:ann",
  "document:#view@user:ann",
  "document:readme#vi@user:ann",
  "document:readme#view@user:",
  "document:readme#view@",
  "document:readme#view@user:ann[caveat]",
  "app/document:readme#view@user:ann",
  "document:a=b+c|d-e/f_g#view@user:ann",
  "// a comment",
  "  // an indented comment",
  "",
  "   ",
  "\r",
];

describe("check lines (`permission check --batch`)", () => {
  it("reads every line as one line at a time would: the same checks, or the same refusal", () => {
    const line = fc.oneof(
      fc.constantFrom(...tricky),
      fc.stringMatching(/^[a-z][a-z:#@ *./_\r\t]{0,30}$/),
      fc
        .tuple(fc.constantFrom(...tricky), fc.constantFrom("", " ", "\r", "#", "@x", ":"))
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 30 }),
        fc.option(fc.constant("batch.txt"), { nil: undefined }),
        (lines, file) => {
          const text = lines.join("\n");
          expect(outcome(() => parseCheckLines(text, file))).toEqual(outcome(() => lineByLine(text, file)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("names each bad line's place even when a good line names the same resource or subject", () => {
    const text =
      "document:readme#view@user:ann\ndocument:readme#view@user:an n\ndocument:read me#view@user:ann\n";
    expect(outcome(() => parseCheckLines(text, "batch.txt"))).toEqual(
      outcome(() => lineByLine(text, "batch.txt")),
    );
    expect(() => parseCheckLines(text, "batch.txt")).toThrow(/2 errors/);
  });

  it("reads a resource, a subject and a permission as the placed parsers do, or leaves it to them", () => {
    const part = fc.stringMatching(/^[a-zA-Z0-9:#@*./_|=+\- ]{0,24}$/);
    const valid = fc.tuple(
      fc.constantFrom("user", "group", "app/user", "document"),
      fc.stringMatching(/^[a-zA-Z0-9/_|=+-]{1,12}$/),
      fc.constantFrom("", "#member", "#...", "#viewer_2"),
    );
    const parsed = <T>(parse: () => T): T | undefined => {
      try {
        return parse();
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        return undefined;
      }
    };
    fc.assert(
      fc.property(
        fc.oneof(
          part,
          valid.map(([t, id, r]) => `${t}:${id}${r}`),
          fc.constantFrom("user:*", "user:*#...", "user:*#member"),
        ),
        (text) => {
          const names = new CheckNames();
          const subject = names.subject(text);
          const resource = names.resource(text);
          // What it reads, the placed parsers read the same; what they read, it reads (no fallback for good input).
          expect(subject).toEqual(parsed(() => parseSubject(text)));
          expect(resource).toEqual(parsed(() => parseObject(text, undefined, "resource")));
          expect(names.permission(text)).toEqual(RELATION_NAME.test(text) ? text : undefined);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("reads the usual lines into checks, with their lines, skipping blank ones", () => {
    const { requests, lines } = parseCheckLines(
      "document:a#view@user:ann\n\ndocument:b#view@user:bob\n",
      undefined,
    );
    expect(lines).toEqual([1, 3]);
    expect(requests).toEqual([
      { resource: { type: "document", id: "a" }, permission: "view", subject: { type: "user", id: "ann" } },
      { resource: { type: "document", id: "b" }, permission: "view", subject: { type: "user", id: "bob" } },
    ]);
  });
});
