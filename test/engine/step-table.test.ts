import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StepTable } from "../../src/engine/step-table.js";

describe("StepTable", () => {
  it("behaves as a Map of keys below 2^53 to bytes, through growth and clears", () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 64 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      // Keys that differ only in their high half, as (object, member) steps do.
      fc.integer({ min: 0, max: 2 ** 20 }).map((n) => n * 2 ** 32 + 7),
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant("set" as const), key, value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("get" as const), key }),
      fc.record({ kind: fc.constant("clear" as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const table = new StepTable(16);
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === "set") {
            table.set(o.key, o.value);
            model.set(o.key, o.value);
          } else if (o.kind === "clear") {
            table.clear();
            model.clear();
          } else {
            expect(table.get(o.key)).toBe(model.get(o.key) ?? -1);
            expect(table.has(o.key)).toBe(model.has(o.key));
          }
          expect(table.size).toBe(model.size);
        }
        for (const [k, v] of model) expect(table.get(k)).toBe(v);
      }),
      { numRuns: 300 },
    );
  });

  it("forgets everything on clear, also after many clears", () => {
    const table = new StepTable();
    for (let round = 0; round < 2_000; round++) {
      table.set(round, 1);
      table.set(round + 1_000_000, 0);
      expect(table.get(round - 1)).toBe(-1);
      expect(table.get(round)).toBe(1);
      expect(table.get(round + 1_000_000)).toBe(0);
      table.clear();
      expect(table.size).toBe(0);
      expect(table.get(round)).toBe(-1);
    }
  });
});
