import { describe, expect, it } from "vitest";
import { decodePage, encodePage, encodePages } from "../../src/store/common/decision-pages.js";
import type { NewDecision } from "../../src/store/decision-records.js";

/**
 * Page bodies: `v4` (written for pages numbered without gaps, every new page, with the schema
 * that answered), `v3` (the same before the log kept the schema: still read), `v2` (pages a
 * purge rewrote with gaps, and pages with too many name combinations), JSON (pages written
 * before v2, any page whose numbers do not fit 16 bits, and rewritten pages that say which
 * schema answered).
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
  // The body format changed (issue 13): new pages are v4, which adds the schema to v3.
  it("round-trip through the v4 encoding", () => {
    const page = encodePage(records, 100, (i) => 100 + i);
    expect(page.body.startsWith("v4 10 ")).toBe(true);
    expect(decodePage(100, page.body)).toEqual(expected(100));
  });

  it("read v3 pages, written before the log kept the schema, as they were", () => {
    // What encodePage wrote for `records` before v4 (commit f14ad22).
    const v3 =
      "v3 10 11\nBwAAAAEAAgADAAQABQAGAAcAAgADAAQABQAIAAEAAgADAAQABQAAAAcAAgADAAQABQAGAAEAAgADAAkACgAIAAcAAgADAAQABQAAAAEAAgADAAQABQAAQAAAAQABAAIAAgADQAMABAAEAAUABQAGQAYA\n2030-01-01T00:00:00.000Z\nacme\ndocument\nview\nuser\n\n2030-01-01T00:00:01.000Z\nglobex\n2030-01-01T00:00:02.000Z\ngroup\nmember\nd0\nann\nd1\nann\nd2\nann\nd3\nu3\nd4\neng\nd5\nu5\nd6\nu6";
    const decoded = decodePage(100, v3);
    expect(decoded).toEqual(expected(100));
    expect(decoded.every((d) => !("schema" in d))).toBe(true);
  });

  describe("with the schema that answered", () => {
    // Versions and a rollout's candidate, mixed within one page and one second.
    const answered: NewDecision[] = records.map((r, i) => ({
      ...r,
      schema: i === 2 ? { version: 3 } : i % 2 === 0 ? { candidate: 12 } : { version: 2 },
    }));
    const numbered = (baseSeq: number, list: NewDecision[], step = 1) =>
      list.map((r, i) => ({ seq: baseSeq + step * i, ...r }));

    it("round-trip through v4, each decision with its own schema", () => {
      const page = encodePage(answered, 100, (i) => 100 + i);
      expect(page.body.startsWith("v4 10 ")).toBe(true);
      expect(decodePage(100, page.body)).toEqual(numbered(100, answered));
      // Decisions with and without a schema side by side (a library caller's records).
      const mixed = answered.map((r, i) => (i === 5 ? records[5]! : r));
      expect(decodePage(1, encodePage(mixed, 1, (i) => 1 + i).body)).toEqual(numbered(1, mixed));
    });

    it("round-trip through JSON where a purge left gaps, and where revisions span more than 16 bits", () => {
      const gaps = encodePage(answered, 100, (i) => 100 + 2 * i);
      expect(gaps.body.startsWith("{")).toBe(true);
      expect(decodePage(100, gaps.body)).toEqual(numbered(100, answered, 2));
      const wide = answered.map((r, i) => ({ ...r, revision: i * 70_000 }));
      const page = encodePage(wide, 5, (i) => 5 + i);
      expect(page.body.startsWith("{")).toBe(true);
      expect(decodePage(5, page.body)).toEqual(numbered(5, wide));
    });
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
      [1, 1_000, "v4 "],
      [1_001, 1_500, "v4 "],
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
    expect(page.body.startsWith(`v4 ${2 ** 40} `)).toBe(true);
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
