import { afterEach, describe, expect, it } from "vitest";
import { decisionLogOptions } from "../../src/cli/decision-log-options.js";
import { GatehouseError } from "../../src/model/errors.js";

/** The decision log's settings as `serve` flags and environment variables. */
describe("decision log settings on the command line", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("defaults to nothing set (every check, 30 days), flags over the environment", () => {
    delete process.env.GATEHOUSE_DECISION_SAMPLE;
    delete process.env.GATEHOUSE_DECISION_RETENTION;
    expect(decisionLogOptions()).toEqual({});
    process.env.GATEHOUSE_DECISION_SAMPLE = "0.25";
    process.env.GATEHOUSE_DECISION_RETENTION = "7d";
    expect(decisionLogOptions()).toEqual({ sample: 0.25, retention: 7 });
    expect(decisionLogOptions({ sample: "off", retention: "90" })).toEqual({ sample: "off", retention: 90 });
    process.env.GATEHOUSE_DECISION_SAMPLE = "";
    expect(decisionLogOptions()).toEqual({ retention: 7 });
  });

  it("refuses what is not a fraction or a number of days, as a usage error", () => {
    for (const sample of ["1.5", "-0.1", "half", " "]) {
      const error = (() => {
        try {
          decisionLogOptions({ sample });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(GatehouseError);
      expect((error as GatehouseError).kind).toBe("usage");
    }
    for (const retention of ["0", "0d", "a week", "-3"])
      expect(() => decisionLogOptions({ retention })).toThrow(/decision retention expects a number of days/);
  });
});
