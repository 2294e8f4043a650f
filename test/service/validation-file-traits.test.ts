import { describe, expect, test } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { formatRelationship } from "../../src/model/relationship.js";
import { parseValidationFile } from "../../src/service/validation-file.js";

describe("relationships with caveats and expirations in validation files", () => {
  test("a folded block keeps a caveat context with spaces as one relationship", () => {
    const text = [
      "schema: ''",
      "relationships: >-",
      '  document:a#viewer@user:tom[some_caveat:{"somelist": [42, 43]}]',
      "",
      "  document:a#viewer@user:sarah[some_caveat][expiration:2300-01-01T00:00:00Z]",
      "",
    ].join("\n");
    const file = parseValidationFile(text);
    expect(file.relationships.map((r) => formatRelationship(r.relationship))).toEqual([
      'document:a#viewer@user:tom[some_caveat:{"somelist":[42,43]}]',
      "document:a#viewer@user:sarah[some_caveat][expiration:2300-01-01T00:00:00Z]",
    ]);
  });

  test("tuples joined by folding after a caveat are still reported as joined", () => {
    const text = "schema: ''\nrelationships: >-\n  doc:a#reader@user:x[c_one]\n  doc:b#reader@user:y\n";
    let error: unknown;
    try {
      parseValidationFile(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).message).toMatch(/joined into one line/);
  });

  test("the same tuple twice, with different caveats, is a repeated relationship", () => {
    const text = "schema: ''\nrelationships: |-\n  doc:a#reader@user:x[c_one]\n  doc:a#reader@user:x\n";
    let error: unknown;
    try {
      parseValidationFile(text);
    } catch (e) {
      error = e;
    }
    expect((error as GatehouseError).message).toMatch(
      /repeated relationship `doc:a#reader@user:x` \(first on line 3\)/,
    );
  });
});
