import { describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { DecisionDrafts } from "../../src/store/common/decision-drafts.js";
import { checkDecisions, decodePage } from "../../src/store/common/decision-pages.js";
import type { NewDecision } from "../../src/store/decision-records.js";

const valid: NewDecision = {
  at: "2030-01-02T03:04:05.006Z",
  tenant: "acme",
  resource: { type: "test/document", id: "d1" },
  permission: "view",
  subject: { type: "group", id: "eng", relation: "member" },
  allowed: true,
  revision: 7,
};

function refusal(records: readonly unknown[]): GatehouseError {
  try {
    checkDecisions(records as NewDecision[]);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    return error as GatehouseError;
  }
  throw new Error("the batch was accepted");
}

/**
 * Records are checked field by field against what earlier valid records showed (see
 * `checkDecisions`): a field that looks like an accepted one in another role must still be refused.
 */
describe("decision record checks, once earlier records are known valid", () => {
  it("refuses each bad field after a valid record of the same batch, naming it", () => {
    checkDecisions([valid, { ...valid, subject: { type: "user", id: "*" } }]);
    const cases: [Partial<Record<keyof NewDecision, unknown>>, string][] = [
      [{ at: "yesterday" }, "at"],
      [{ tenant: "Acme Corp" }, "tenant"],
      [{ permission: "test/document" }, "permission"], // a known type, not a permission name
      [{ resource: { type: "Doc!", id: "d1" } }, "resource.type"],
      [{ subject: { type: "acme/", id: "ann" } }, "subject.type"],
      [{ resource: { type: "test/document", id: "*" } }, "resource.id"],
      [{ resource: { type: "test/document", id: "a b" } }, "resource.id"],
      [{ subject: { type: "user", id: "x y" } }, "subject.id"],
      [{ subject: { type: "group", id: "eng", relation: "test/document" } }, "subject.relation"],
      [{ allowed: "yes" }, "allowed"],
      [{ revision: -1 }, "revision"],
    ];
    for (const [change, field] of cases) {
      const error = refusal([valid, { ...valid, ...change }]);
      expect(error.place?.field, JSON.stringify(change)).toBe(`decisions[1].${field}`);
    }
    expect(refusal([valid, null]).place?.field).toBe("decisions[1].record");
  });

  it("accepts what it accepted before: a wildcard subject, a subject without relation", () => {
    expect(() =>
      checkDecisions([
        valid,
        { ...valid, subject: { type: "user", id: "*" } },
        { ...valid, subject: { type: "user", id: "ann" } },
      ]),
    ).not.toThrow();
  });
});

/**
 * The decision log checks each decision as it adds it to page drafts (`DecisionDrafts.add`), with
 * its own shortcuts (names checked once per combination, ids by a character table instead of the
 * pattern): it must refuse what the record checks refuse, with the same field named, and add
 * nothing of a refused decision.
 */
describe("decision draft checks", () => {
  const refusalOf = (drafts: DecisionDrafts, record: NewDecision): GatehouseError | undefined =>
    drafts.add(record.at, record.tenant, record, record.allowed, record.revision);

  it("refuses each bad field after valid decisions, naming it, and adds nothing of it", () => {
    const cases: [Partial<Record<keyof NewDecision, unknown>>, string][] = [
      [{ at: "yesterday" }, "at"],
      [{ tenant: "Acme Corp" }, "tenant"],
      [{ permission: "test/document" }, "permission"],
      [{ resource: { type: "Doc!", id: "d1" } }, "resource.type"],
      [{ resource: { type: "test/document", id: "*" } }, "resource.id"],
      [{ resource: { type: "test/document", id: "a b" } }, "resource.id"],
      [{ resource: { type: "test/document", id: "é" } }, "resource.id"],
      [{ resource: { type: "test/document", id: "x".repeat(1025) } }, "resource.id"],
      [{ subject: { type: "user", id: "x\ny" } }, "subject.id"],
      [{ subject: { type: "group", id: "eng", relation: "test/document" } }, "subject.relation"],
      [{ allowed: "yes" }, "allowed"],
      [{ revision: 1.5 }, "revision"],
    ];
    for (const [change, field] of cases) {
      const drafts = new DecisionDrafts();
      expect(refusalOf(drafts, valid)).toBeUndefined();
      expect(refusalOf(drafts, { ...valid, resource: { ...valid.resource, id: "d2" } })).toBeUndefined();
      const error = refusalOf(drafts, { ...valid, ...change } as NewDecision);
      expect(error?.place?.field, JSON.stringify(change)).toBe(`decisions[2].${field}`);
      expect(drafts.count).toBe(2);
      const pages = drafts.take();
      expect(decodePage(1, pages[0]!.body).map((d) => d.resource.id)).toEqual(["d1", "d2"]);
    }
  });

  it("accepts every id the pattern accepts, and a wildcard subject", () => {
    const drafts = new DecisionDrafts();
    const ids = ["a", "A-z_0|9=+/", "x".repeat(1024), "user/with/slashes"];
    for (const id of ids)
      expect(refusalOf(drafts, { ...valid, resource: { type: "test/document", id } })).toBeUndefined();
    expect(refusalOf(drafts, { ...valid, subject: { type: "user", id: "*" } })).toBeUndefined();
    const [page] = drafts.take();
    expect(decodePage(1, page!.body)).toEqual(
      [
        ...ids.map((id) => ({ ...valid, resource: { type: "test/document", id } })),
        { ...valid, subject: { type: "user", id: "*" } },
      ].map((r, i) => ({ seq: 1 + i, ...r })),
    );
  });

  it("a store refuses pages that DecisionDrafts did not make", async () => {
    const { SqliteStore } = await import("../../src/store/sqlite/sqlite-store.js");
    const store = SqliteStore.open(":memory:");
    const drafts = new DecisionDrafts();
    refusalOf(drafts, valid);
    const [page] = drafts.take();
    await expect(store.appendDecisionPages([{ ...page! }])).rejects.toThrow(/not a decision page draft/);
    expect(await store.appendDecisionPages([page!])).toBe(1);
    expect((await store.listDecisions()).map((d) => d.seq)).toEqual([1]);
    await store.close();
  });
});
