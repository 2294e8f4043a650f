import { describe, expect, it } from "vitest";
import { runValidationFile } from "../../../src/service/validate.js";
import { parseValidationFile } from "../../../src/service/validation-file.js";

describe("a validation file whose schema declares a caveat", () => {
  // Until the engine evaluated caveats this file was refused; now its schema is put in force.
  it("is put in force and validated", () => {
    const text = `schema: |-
  definition user {}

  caveat only_on_tuesday(day string) {
    day == 'tuesday'
  }
relationships: ""
`;
    expect(runValidationFile(parseValidationFile(text, "tuesday.yaml")).failures).toEqual([]);
  });
});
