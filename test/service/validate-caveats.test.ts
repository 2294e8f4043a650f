import { describe, expect, it } from "vitest";
import { runValidationFile } from "../../src/service/validate.js";
import { parseValidationFile } from "../../src/service/validation-file.js";

// Expected relations with caveats, run end to end: `[user:tom[...]]` means the subject has the
// permission only conditionally, and a failure says which answer it got instead.
const file = (expected: string) => `schema: |-
  caveat on_level(level int) {
    level > 2
  }
  definition user {}
  definition document {
    relation viewer: user | user with on_level
    permission view = viewer
  }
relationships: |-
  document:d#viewer@user:ann[on_level]
  document:d#viewer@user:bob
validation:
  document:d#view:
${expected}
`;

describe("expected relations with caveats", () => {
  it("holds when caveated subjects are marked `[...]` and the others are not", () => {
    const report = runValidationFile(
      parseValidationFile(
        file('    - "[user:ann[...]] is <document:d#viewer>"\n    - "[user:bob] is <document:d#viewer>"'),
      ),
    );
    expect(report.failures).toEqual([]);
    expect(report.checked).toBe(2);
  });

  it("fails, naming the answer, when a conditional subject is expected without condition", () => {
    const report = runValidationFile(
      parseValidationFile(
        file('    - "[user:ann] is <document:d#viewer>"\n    - "[user:bob[...]] is <document:d#viewer>"'),
      ),
    );
    expect(report.failures.map((f) => f.message)).toEqual([
      "expected `user:ann` to have `document:d#view`, but it has it only conditionally",
      "expected `user:bob` to have `document:d#view` conditionally (under a caveat), but it has it without condition",
    ]);
  });

  it("refuses a caveated exclusion from a wildcard with a message naming it", () => {
    expect(() =>
      parseValidationFile(file('    - "[user:* - {user:ann[...]}] is <document:d#viewer>"')),
    ).toThrow(/caveated exclusion `user:ann\[\.\.\.\]`/);
  });
});
