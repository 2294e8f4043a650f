import { afterEach, describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { Gatehouse } from "../../src/service/gatehouse.js";

const SCHEMA = `caveat on_level(level int) {
  level > 2
}
definition user {}
definition doc {
  relation viewer: user | user with on_level | user:* with on_level
  relation banned: user
  permission view = viewer - banned
}`;

let open: Gatehouse[] = [];
afterEach(async () => {
  for (const g of open) await g.close();
  open = [];
});

/** d0..d9 viewed by ann outright on even ids, under `on_level` on odd ones (d9 with its own level). */
async function caveatedDocs(): Promise<Gatehouse> {
  const g = await Gatehouse.open(":memory:", { decisionLog: { sample: "off" } });
  open.push(g);
  await g.writeSchema(SCHEMA);
  const lines: string[] = [];
  for (let i = 0; i < 9; i++) lines.push(`doc:d${i}#viewer@user:ann${i % 2 === 1 ? "[on_level]" : ""}`);
  lines.push('doc:d9#viewer@user:ann[on_level:{"level":1}]');
  lines.push("doc:pub#viewer@user:*[on_level]", "doc:pub#viewer@user:bob", "doc:pub#banned@user:eve");
  await g.importRelationships("acme", lines.join("\n"));
  return g;
}

const ann = { type: "user", id: "ann" };

describe("lookups with caveat context", () => {
  it("lists conditional resources with their missing parameters, and decides them under context", async () => {
    const g = await caveatedDocs();
    const without = await g.lookupResources("acme", "doc", "view", ann);
    expect(without.resources).toEqual([
      { type: "doc", id: "d0" },
      { type: "doc", id: "d1", conditional: ["level"] },
      { type: "doc", id: "d2" },
      { type: "doc", id: "d3", conditional: ["level"] },
      { type: "doc", id: "d4" },
      { type: "doc", id: "d5", conditional: ["level"] },
      { type: "doc", id: "d6" },
      { type: "doc", id: "d7", conditional: ["level"] },
      { type: "doc", id: "d8" },
      // The wildcard's grant waits for `level` too; d9's own context (level 1) says no.
      { type: "doc", id: "pub", conditional: ["level"] },
    ]);
    const high = await g.lookupResources("acme", "doc", "view", ann, { context: { level: 5 } });
    expect(high.resources.map((r) => r.id)).toEqual([
      "d0",
      "d1",
      "d2",
      "d3",
      "d4",
      "d5",
      "d6",
      "d7",
      "d8",
      "pub",
    ]);
    expect(high.resources.every((r) => r.conditional === undefined)).toBe(true);
    const low = await g.lookupResources("acme", "doc", "view", ann, { context: { level: 1 } });
    expect(low.resources.map((r) => r.id)).toEqual(["d0", "d2", "d4", "d6", "d8"]);
  });

  it("lists conditional subjects, the wildcard included, and decides them under context", async () => {
    const g = await caveatedDocs();
    const pub = { type: "doc", id: "pub" };
    const without = await g.lookupSubjects("acme", pub, "view", "user");
    expect(without.subjects).toEqual([
      { subject: { type: "user", id: "*" }, excluded: [{ type: "user", id: "eve" }], conditional: ["level"] },
      { subject: { type: "user", id: "bob" }, excluded: [] },
    ]);
    const high = await g.lookupSubjects("acme", pub, "view", "user", undefined, { context: { level: 3 } });
    expect(high.subjects[0]).toEqual({
      subject: { type: "user", id: "*" },
      excluded: [{ type: "user", id: "eve" }],
    });
    const d1 = await g.lookupSubjects("acme", { type: "doc", id: "d1" }, "view", "user");
    expect(d1.subjects).toEqual([{ subject: ann, excluded: [], conditional: ["level"] }]);
  });

  it("pages through conditional items, and a cursor belongs to its context", async () => {
    const g = await caveatedDocs();
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await g.lookupResources("acme", "doc", "view", ann, {
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      ids.push(...page.resources.map((r) => `${r.id}${r.conditional ? "?" : ""}`));
      cursor = page.cursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual(["d0", "d1?", "d2", "d3?", "d4", "d5?", "d6", "d7?", "d8", "pub?"]);

    const first = await g.lookupResources("acme", "doc", "view", ann, { limit: 3, context: { level: 1 } });
    const next = await g.lookupResources("acme", "doc", "view", ann, {
      limit: 3,
      context: { level: 1 },
      cursor: first.cursor as string,
    });
    expect(next.resources.map((r) => r.id)).toEqual(["d6", "d8"]);
    const other = g.lookupResources("acme", "doc", "view", ann, { limit: 3, cursor: first.cursor as string });
    await expect(other).rejects.toBeInstanceOf(GatehouseError);
  });

  it("refuses a context value of the wrong type, naming the caveat and parameter", async () => {
    const g = await caveatedDocs();
    const refused = g.lookupResources("acme", "doc", "view", ann, { context: { level: "high" } });
    await expect(refused).rejects.toThrow(/caveat `on_level`: context parameter `level` must be/);
  });
});
