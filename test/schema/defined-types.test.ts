import { describe, expect, it } from "vitest";
import { definedTypes, typesHint } from "../../src/schema/defined-types.js";
import { compileSchema } from "../../src/schema/schema.js";

describe("the types a schema defines, in messages", () => {
  it("names them in the schema's order, the first twenty of a long schema, and says when there are none", () => {
    expect(typesHint(compileSchema("definition user {}\ndefinition document {}"))).toBe(
      "; the schema defines `user`, `document`",
    );
    const many = Array.from({ length: 23 }, (_, i) => `definition type${i} {}`).join("\n");
    const named = definedTypes(compileSchema(many));
    expect(named).toMatch(/^`type0`, `type1`, .*, `type19` and 3 more$/);
    expect(named).not.toContain("`type20`");
    expect(definedTypes(compileSchema(""))).toBe("no types");
  });
});
