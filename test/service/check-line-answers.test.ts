import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { Gatehouse } from "../../src/service/gatehouse.js";
import { parseCheckLines } from "../../src/service/tuple-lines.js";
import { BATCH_SCHEMA } from "../support/batch-schema.js";

// `checkBatchText` answers the usual batch straight from its lines (`answerCheckLines`: ids found
// from the line's text, the member kept from the line before, no check objects). For any data and
// any lines it must answer exactly as reading the lines into checks and answering those
// (`parseCheckLines`, then `checkBatch`), or refuse exactly as that does, naming the same lines:
// unknown objects (a subject naming its own resource included), wildcards, usersets, caveated
// data (conditional answers), skipped lines, lines it leaves to the reader, and a bound.

const relationship = fc.oneof(
  fc
    .tuple(fc.constantFrom("a", "b", "c"), fc.constantFrom("viewer", "editor"), fc.constantFrom("ann", "bob"))
    .map(([d, r, u]) => `document:${d}#${r}@user:${u}`),
  fc.constantFrom("a", "b").map((d) => `document:${d}#viewer@user:*`),
  fc.constantFrom("a", "c").map((d) => `document:${d}#viewer@user:cy[on_day]`),
  fc
    .tuple(fc.constantFrom("a", "b", "c"), fc.constantFrom("eng", "ops"))
    .map(([d, g]) => `document:${d}#viewer@group:${g}#member`),
  fc
    .tuple(fc.constantFrom("eng", "ops"), fc.constantFrom("ann", "bob", "cy"))
    .map(([g, u]) => `group:${g}#member@user:${u}`),
  fc.constantFrom("group:eng#member@group:ops#member", "group:ops#member@group:eng#member"),
);

const goodLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("document:a", "document:b", "document:c", "document:zz"),
      fc.constantFrom("view", "viewer", "editor"),
      fc.constantFrom(
        "user:ann",
        "user:bob",
        "user:cy",
        "user:nobody",
        "user:*",
        "user:ann#...",
        "group:eng#member",
        "group:ops#member",
        "group:new#member",
      ),
    )
    .map(([resource, permission, subject]) => `${resource}#${permission}@${subject}`),
  // Usersets and unknown objects naming themselves ("a userset contains itself").
  fc.constantFrom(
    "group:eng#member@group:eng#member",
    "group:zz#member@group:zz#member",
    "group:zz#member@group:zz",
    "group:zz#member@group:zy#member",
    "group:eng#member@user:ann",
    "group:ops#member@group:eng#member",
  ),
);

// Lines the one-pass reader skips, leaves to the line reader (which may take them), or that
// name a type or permission the schema does not have.
const otherLine = fc.constantFrom(
  "",
  "   ",
  "\r",
  "// a comment",
  "  // an indented comment",
  "document:a#view@user:ann\r",
  " document:a#view@user:ann",
  "document:a#view@user:ann ",
  "document:a#view@user:cy[on_day]",
  "document:a#view@user:ann\u00a0",
  "Document:a#view@user:ann",
  "document:a b#view@user:ann",
  "document:a#view@user",
  "document:a#view@group:eng#Member",
  "document:a#edit@user:ann",
  "folder:a#view@user:ann",
  "document:a#view@robot:r2",
  "document:a#view@group:eng#owner",
  "document:b#view@group:ops#owner",
  "document:c#viewer@group:new#owner",
  "document:a#view@group:eng",
);

type Outcome = { ok: unknown } | { refused: unknown };

async function outcome(answer: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await answer() };
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    const shown = (e: GatehouseError) => ({ kind: e.kind, message: e.message, place: e.place });
    return { refused: { ...shown(error), details: error.details.map(shown) } };
  }
}

/** The same lines read into checks, then answered as checks. */
async function asChecks(g: Gatehouse, tenant: string, text: string, maxChecks?: number) {
  const { requests, lines } = parseCheckLines(text, "batch.txt", maxChecks);
  return g.checkBatch(tenant, requests, { placeOf: (i) => ({ file: "batch.txt", line: lines[i]! }) });
}

describe("check lines answered in one pass (`checkBatchText`)", () => {
  let g: Gatehouse;
  let tenants = 0;

  beforeAll(async () => {
    g = await Gatehouse.open(":memory:", { decisionLog: { sample: "off" } });
    await g.writeSchema(BATCH_SCHEMA);
  });
  afterAll(async () => {
    await g.close();
  });

  it("answers and refuses as the lines read into checks do", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(relationship, { maxLength: 12, selector: (r) => r.replace(/\[.*\]$/, "") }),
        fc.array(fc.oneof({ weight: 6, arbitrary: goodLine }, { weight: 1, arbitrary: otherLine }), {
          maxLength: 40,
        }),
        fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
        async (relationships, lines, maxChecks) => {
          const tenant = `t${++tenants}`;
          if (relationships.length > 0) await g.importRelationshipsFrom(tenant, relationships.join("\n"));
          const text = lines.join("\n");
          const lineAnswers = await outcome(() => g.checkBatchText(tenant, text, "batch.txt", { maxChecks }));
          expect(lineAnswers).toEqual(await outcome(() => asChecks(g, tenant, text, maxChecks)));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("answers conditionally where the data's caveat needs context, and names a bad line with nothing answered", async () => {
    await g.importRelationshipsFrom("caveats", "document:a#viewer@user:cy[on_day]\ndocument:b#viewer@user:*");
    const answered = await g.checkBatchText(
      "caveats",
      "document:a#view@user:cy\n\n// next\ndocument:b#view@user:cy\ndocument:c#view@user:cy\n",
      "batch.txt",
    );
    expect(answered.results).toEqual([false, true, false]);
    expect(answered.conditional).toEqual([["day"], undefined, undefined]);
    const refused = await outcome(() =>
      g.checkBatchText("caveats", "document:a#view@user:cy\ndocument:a#view@user:c y\n", "batch.txt"),
    );
    expect(refused).toMatchObject({ refused: { kind: "input", place: { file: "batch.txt", line: 2 } } });
  });

  it("tells the decision log of each check it answers from lines, as checkBatch does", async () => {
    const logged = await Gatehouse.open(":memory:");
    try {
      await logged.writeSchema(BATCH_SCHEMA);
      await logged.importRelationshipsFrom(
        "acme",
        "document:a#viewer@user:ann\ndocument:b#viewer@group:eng#member",
      );
      const text =
        "document:a#view@user:ann\n// skipped\ndocument:b#view@group:eng#member\ndocument:zz#view@user:*\n";
      const decisions = async (tenant: string) =>
        (await logged.listDecisions({ tenant })).map(({ resource, permission, subject, allowed }) => ({
          resource,
          permission,
          subject,
          allowed,
        }));
      await logged.checkBatchText("acme", text, "batch.txt");
      const fromLines = await decisions("acme");
      expect(fromLines.map((d) => d.allowed)).toEqual([true, true, false]);
      await logged.checkBatch("acme", parseCheckLines(text, "batch.txt").requests);
      expect(await decisions("acme")).toEqual([...fromLines, ...fromLines]);
    } finally {
      await logged.close();
    }
  });

  it("names a malformed line before a check that exceeds the depth limit, as the lines read into checks do", async () => {
    const shallow = await Gatehouse.open(":memory:", { maxDepth: 2, decisionLog: { sample: "off" } });
    try {
      await shallow.writeSchema(BATCH_SCHEMA);
      await shallow.importRelationshipsFrom(
        "acme",
        "document:a#viewer@group:g1#member\ngroup:g1#member@group:g2#member\ngroup:g2#member@group:g3#member\ngroup:g3#member@user:ann",
      );
      for (const text of ["document:a#view@user:ann\ndocument:a#view@user:a n", "document:a#view@user:ann"]) {
        const fromLines = await outcome(() => shallow.checkBatchText("acme", text, "batch.txt"));
        expect(fromLines).toEqual(await outcome(() => asChecks(shallow, "acme", text)));
      }
      expect(
        await outcome(() =>
          shallow.checkBatchText("acme", "document:a#view@user:ann\ndocument:a#view@user:a n", "batch.txt"),
        ),
      ).toMatchObject({ refused: { kind: "input" } });
    } finally {
      await shallow.close();
    }
  });
});
