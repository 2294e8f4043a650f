import { describe, expect, it } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { parseRelationship } from "../../src/model/relationship.js";
import { checkSchemaLanguage } from "../../src/schema/schema.js";
import { validateRelationship } from "../../src/schema/validate-relationship.js";

const schema = checkSchemaLanguage(`use expiration

caveat on_level(level int, tags list<string>) {
  level > 2 && "a" in tags
}

caveat other(flag bool) {
  flag
}

definition user {}

definition document {
  relation viewer: user with on_level
  relation editor: user | user with expiration
  relation owner: user with on_level and expiration | user:*
}`).compiled;

function refusal(text: string, purpose: "write" | "delete" = "write"): string {
  try {
    validateRelationship(schema, parseRelationship(text), { field: "updates[0]" }, purpose);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).place).toEqual({ field: "updates[0]" });
    return (error as GatehouseError).message;
  }
  throw new Error(`\`${text}\` was accepted`);
}

const accepted = (text: string, purpose: "write" | "delete" = "write") =>
  validateRelationship(schema, parseRelationship(text), undefined, purpose).name;

describe("relationships with caveats and expiration against the schema", () => {
  it("accepts what an allowed subject type with the same traits admits", () => {
    expect(accepted('document:1#viewer@user:ann[on_level:{"level":3}]')).toBe("viewer");
    expect(accepted("document:1#viewer@user:ann[on_level]")).toBe("viewer");
    expect(accepted("document:1#editor@user:ann")).toBe("editor");
    expect(accepted("document:1#editor@user:ann[expiration:2027-01-01T00:00:00Z]")).toBe("editor");
    expect(
      accepted(
        'document:1#owner@user:ann[on_level:{"level":"4","tags":["a"]}][expiration:2027-01-01T00:00:00Z]',
      ),
    ).toBe("owner");
  });

  it("refuses a relationship whose traits no allowed type has, naming what the schema allows", () => {
    expect(refusal("document:1#viewer@user:ann")).toBe(
      "`document:1#viewer@user:ann` is not allowed on `document#viewer`: `user:ann` without a caveat or expiration does not fit; the schema allows `user with on_level`",
    );
    expect(refusal("document:1#viewer@user:ann[other]")).toMatch(
      /`user:ann` with caveat `other` does not fit; the schema allows `user with on_level`/,
    );
    expect(refusal("document:1#viewer@user:ann[on_level][expiration:2027-01-01T00:00:00Z]")).toMatch(
      /with caveat `on_level` and an expiration does not fit/,
    );
    expect(refusal("document:1#owner@user:ann[on_level]")).toMatch(
      /the schema allows `user with on_level and expiration`, `user:\*`/,
    );
    expect(refusal("document:1#owner@user:*[expiration:2027-01-01T00:00:00Z]")).toMatch(
      /`user:\*` with an expiration does not fit/,
    );
  });

  it("refuses a caveat the schema does not define", () => {
    expect(refusal("document:1#viewer@user:ann[nowhere]")).toBe(
      "unknown caveat `nowhere` in `document:1#viewer@user:ann[nowhere]`: the schema does not define it; its caveats: `on_level`, `other`",
    );
  });

  it("checks context values against the caveat's parameter types and names unknown keys", () => {
    expect(refusal('document:1#viewer@user:ann[on_level:{"level":"high"}]')).toMatch(
      /caveat `on_level`: context parameter `level` must be an integer \(it is declared `int`\), got "high" \(in `document:1#viewer@user:ann\[on_level:\{"level":"high"\}\]`\)/,
    );
    expect(refusal('document:1#viewer@user:ann[on_level:{"tags":[1]}]')).toMatch(
      /`tags\[0\]` must be a string/,
    );
    expect(refusal('document:1#viewer@user:ann[on_level:{"lvl":1}]')).toMatch(
      /caveat `on_level` has no parameter `lvl` .*; its parameters: `level`, `tags`/,
    );
  });

  it("matches a delete without a caveat on its subject type alone, as SpiceDB does", () => {
    expect(accepted("document:1#viewer@user:ann", "delete")).toBe("viewer");
    expect(accepted("document:1#owner@user:ann", "delete")).toBe("owner");
    expect(refusal("document:1#viewer@user:ann[other]", "delete")).toMatch(/does not fit/);
    expect(refusal("document:1#viewer@document:x", "delete")).toMatch(/is not allowed on `document#viewer`/);
  });
});
