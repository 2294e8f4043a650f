import { describe, expect, it } from "vitest";
import { decodePage, encodePage } from "../../src/store/common/decision-pages.js";
import type { NewDecision } from "../../src/store/decision-records.js";

/** Page bodies: the compact `v2` text written now, and JSON pages written before it. */
const records: NewDecision[] = Array.from({ length: 7 }, (_, i) => ({
  at: `2030-01-01T00:00:0${i % 3}.000Z`,
  tenant: i % 2 === 0 ? "acme" : "globex",
  resource: { type: "document", id: `d${i}` },
  permission: "view",
  subject:
    i === 4
      ? { type: "group", id: "eng", relation: "member" }
      : { type: "user", id: i < 3 ? "ann" : `u${i}` },
  allowed: i % 3 === 0,
  revision: 10 + i,
}));

const expected = (baseSeq: number) => records.map((r, i) => ({ seq: baseSeq + i, ...r }));

describe("decision page bodies", () => {
  it("round-trip through the v2 encoding", () => {
    const page = encodePage(records, 100, (i) => 100 + i);
    expect(page.body.startsWith("v2 10\n")).toBe(true);
    expect(decodePage(100, page.body)).toEqual(expected(100));
  });

  it("decode pages written as JSON before v2", () => {
    // What encodePage wrote before: strings, then 11 numbers a decision.
    const body = JSON.stringify({
      s: ["2030-01-01T00:00:00.000Z", "acme", "document", "d0", "view", "user", "ann", ""],
      d: [0, 0, 1, 2, 3, 4, 5, 6, 7, 1, 10],
    });
    expect(decodePage(100, body)).toEqual([expected(100)[0]]);
  });

  it("keep revisions far beyond 16 bits as distances from the page's smallest", () => {
    const big = records.map((r, i) => ({ ...r, revision: 2 ** 40 + i }));
    const page = encodePage(big, 5, (i) => 5 + i);
    expect(page.body.startsWith(`v2 ${2 ** 40}\n`)).toBe(true);
    expect(decodePage(5, page.body)).toEqual(big.map((r, i) => ({ seq: 5 + i, ...r })));
  });

  it("fall back to JSON when revisions span more than 16 bits", () => {
    const big = records.map((r, i) => ({ ...r, revision: i * 70_000 }));
    const page = encodePage(big, 5, (i) => 5 + i);
    expect(page.body.startsWith("{")).toBe(true);
    expect(decodePage(5, page.body)).toEqual(big.map((r, i) => ({ seq: 5 + i, ...r })));
  });
});
