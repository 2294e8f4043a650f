import { describe, expect, it } from "vitest";
import { GatehouseError } from "../../../src/model/errors.js";
import { runValidationFile } from "../../../src/service/validate.js";
import { parseValidationFile } from "../../../src/service/validation-file.js";

describe("a validation file whose schema declares a caveat", () => {
  it("is refused with the one not-yet-evaluated message, at the caveat's line in the YAML file", () => {
    const text = `schema: |-
  definition user {}

  caveat only_on_tuesday(day string) {
    day == 'tuesday'
  }
relationships: ""
`;
    let error: unknown;
    try {
      runValidationFile(parseValidationFile(text, "tuesday.yaml"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatehouseError);
    const refusal = error as GatehouseError;
    expect(refusal.kind).toBe("input");
    expect(refusal.message).toBe(
      "caveat `only_on_tuesday`: caveats are parsed and checked but not yet evaluated by Gatehouse, so it refuses to put this schema in force rather than answer its checks wrongly",
    );
    expect(refusal.place).toMatchObject({ file: "tuesday.yaml", line: 4 });
  });
});
