import { describe, expect, it } from "vitest";
import { lineDiff } from "../../src/service/line-diff.js";

describe("line diff of two schemas", () => {
  it("keeps the common lines and shows what goes before what replaces it", () => {
    const before = "a\nb\nc\nd\n";
    const after = "a\nB\nc\nd\ne\n";
    expect(lineDiff(before, after)).toEqual([
      { op: "same", text: "a", before: 1, after: 1 },
      { op: "removed", text: "b", before: 2, after: null },
      { op: "added", text: "B", before: null, after: 2 },
      { op: "same", text: "c", before: 3, after: 3 },
      { op: "same", text: "d", before: 4, after: 4 },
      { op: "added", text: "e", before: null, after: 5 },
    ]);
  });

  it("reads back as either text", () => {
    const before = "x\ny\nz\nw\nv";
    const after = "y\nq\nz\nv\nr";
    const lines = lineDiff(before, after);
    expect(lines.filter((l) => l.op !== "added").map((l) => l.text)).toEqual(before.split("\n"));
    expect(lines.filter((l) => l.op !== "removed").map((l) => l.text)).toEqual(after.split("\n"));
    // The longest common run is kept: y, z, v.
    expect(lines.filter((l) => l.op === "same").map((l) => l.text)).toEqual(["y", "z", "v"]);
  });

  it("shows everything as added when there was no schema before", () => {
    expect(lineDiff("", "definition user {}").map((l) => l.op)).toEqual(["added"]);
  });
});
