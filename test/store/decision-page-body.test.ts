import { describe, expect, it } from "vitest";
import { decodePage, encodePage, encodePages } from "../../src/store/common/decision-pages.js";
import type { NewDecision } from "../../src/store/decision-records.js";

/**
 * Page bodies: `v3` (written for pages numbered without gaps, every new page), `v2` (pages a
 * purge rewrote with gaps, and pages with too many name combinations), JSON (pages written
 * before v2, and any page whose numbers do not fit 16 bits).
 */
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
  it("round-trip through the v3 encoding", () => {
    const page = encodePage(records, 100, (i) => 100 + i);
    expect(page.body.startsWith("v3 10 ")).toBe(true);
    expect(decodePage(100, page.body)).toEqual(expected(100));
  });

  it("round-trip through the v2 encoding where numbers have gaps (a purge rewrote the page)", () => {
    const page = encodePage(records, 100, (i) => 100 + 2 * i);
    expect(page.body.startsWith("v2 10\n")).toBe(true);
    expect(decodePage(100, page.body)).toEqual(records.map((r, i) => ({ seq: 100 + 2 * i, ...r })));
  });

  it("use v2 for a page of more decisions than a v3 page holds (a migration's)", () => {
    const many = Array.from({ length: 1_500 }, (_, i) => ({
      ...records[i % records.length]!,
      at: new Date(Date.UTC(2030, 0, 1) + i).toISOString(),
    }));
    const page = encodePage(many, 1, (i) => 1 + i);
    expect(page.body.startsWith("v2 ")).toBe(true);
    expect(decodePage(1, page.body)).toEqual(many.map((r, i) => ({ seq: 1 + i, ...r })));
    const pages = encodePages(many, 1);
    expect(pages.map((p) => [p.firstSeq, p.lastSeq, p.body.slice(0, 3)])).toEqual([
      [1, 1_000, "v3 "],
      [1_001, 1_500, "v3 "],
    ]);
    expect(pages.flatMap((p) => decodePage(p.baseSeq, p.body))).toEqual(
      many.map((r, i) => ({ seq: 1 + i, ...r })),
    );
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
    expect(page.body.startsWith(`v3 ${2 ** 40} `)).toBe(true);
    expect(decodePage(5, page.body)).toEqual(big.map((r, i) => ({ seq: 5 + i, ...r })));
    const gaps = encodePage(big, 5, (i) => 5 + 3 * i);
    expect(gaps.body.startsWith(`v2 ${2 ** 40}\n`)).toBe(true);
    expect(decodePage(5, gaps.body)).toEqual(big.map((r, i) => ({ seq: 5 + 3 * i, ...r })));
    expect(decodePage(5, page.body)).toEqual(big.map((r, i) => ({ seq: 5 + i, ...r })));
  });

  it("fall back to JSON when revisions span more than 16 bits", () => {
    const big = records.map((r, i) => ({ ...r, revision: i * 70_000 }));
    const page = encodePage(big, 5, (i) => 5 + i);
    expect(page.body.startsWith("{")).toBe(true);
    expect(decodePage(5, page.body)).toEqual(big.map((r, i) => ({ seq: 5 + i, ...r })));
  });
});
