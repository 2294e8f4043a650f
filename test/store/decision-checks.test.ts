import { describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { checkDecisionBatch, checkDecisions } from "../../src/store/common/decision-pages.js";
import type { DecisionBatch, NewDecision } from "../../src/store/decision-records.js";

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
 * The decision log writes columns (`DecisionBatch`), checked by `checkDecisionBatch` with its own
 * shortcuts (known names, ids by a character table instead of the pattern): it must refuse what
 * the record checks refuse, with the same field named.
 */
describe("decision batch checks", () => {
  const batchOf = (records: readonly NewDecision[]): DecisionBatch => ({
    count: records.length,
    at: records.map((r) => r.at),
    tenant: records.map((r) => r.tenant),
    query: records,
    allowed: records.map((r) => (r.allowed === true ? 1 : r.allowed === false ? 0 : (r.allowed as never))),
    revision: records.map((r) => r.revision),
  });
  const batchRefusal = (records: readonly NewDecision[]): GatehouseError => {
    try {
      checkDecisionBatch(batchOf(records));
    } catch (error) {
      expect(error).toBeInstanceOf(GatehouseError);
      return error as GatehouseError;
    }
    throw new Error("the batch was accepted");
  };

  it("refuses each bad field after valid decisions, naming it", () => {
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
      [{ revision: 1.5 }, "revision"],
    ];
    for (const [change, field] of cases) {
      const records = [valid, { ...valid, resource: { ...valid.resource, id: "d2" } }, { ...valid, ...change }];
      const error = batchRefusal(records as NewDecision[]);
      expect(error.place?.field, JSON.stringify(change)).toBe(`decisions[2].${field}`);
    }
  });

  it("accepts every id the pattern accepts, and a wildcard subject", () => {
    const ids = ["a", "A-z_0|9=+/", "x".repeat(1024), "user/with/slashes"];
    expect(() =>
      checkDecisionBatch(
        batchOf([
          valid,
          ...ids.map((id) => ({ ...valid, resource: { type: "test/document", id } })),
          { ...valid, subject: { type: "user", id: "*" } },
        ]),
      ),
    ).not.toThrow();
  });
});
