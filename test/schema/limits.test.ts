import { describe, expect, it } from "vitest";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { GatehouseError } from "../../src/model/errors.js";
import { MAX_YAML_NESTING } from "../../src/model/yaml-depth.js";
import { MAX_EXPRESSION_DEPTH } from "../../src/schema/limits.js";
import { formatSchema, parseSchema } from "../../src/schema/schema.js";
import { parseValidationFile } from "../../src/service/validation-file.js";

/** Issue 17 item 7: deep input is refused with the limit named, never a stack overflow. */
function refusal(run: () => unknown): GatehouseError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

const head = "definition user {}\ndefinition doc {\n\trelation viewer: user\n\trelation banned: user\n";

describe("schema depth limits", () => {
  it("refuses 2,000 nested parentheses with the limit and the place", () => {
    const text = `${head}\tpermission view = ${"(".repeat(2000)}viewer${")".repeat(2000)}\n}\n`;
    const error = refusal(() => parseSchema(text, "deep.zed"));
    expect(error.kind).toBe("limit");
    expect(error.message).toContain(`the limit is ${MAX_EXPRESSION_DEPTH} levels`);
    expect(error.place).toMatchObject({ file: "deep.zed", line: 5 });
    expect(refusal(() => formatSchema(text)).kind).toBe("limit");
  });

  it("refuses 5,000 chained permission aliases, naming the first one past the limit", () => {
    const aliases = ["\tpermission perm0 = viewer"];
    for (let i = 1; i < 5000; i++) aliases.push(`\tpermission perm${i} = perm${i - 1}`);
    const error = refusal(() => parseSchema(`${head}${aliases.join("\n")}\n}\n`));
    expect(error.kind).toBe("limit");
    expect(error.message).toContain(`doc#perm${MAX_EXPRESSION_DEPTH + 1}`);
    expect(error.place?.line).toBe(5 + MAX_EXPRESSION_DEPTH + 1);
  });

  it("refuses a long exclusion chain, which nests without parentheses", () => {
    const text = `${head}\tpermission view = viewer${" - banned".repeat(20_000)}\n}\n`;
    const error = refusal(() => parseSchema(text));
    expect(error.kind).toBe("limit");
    expect(error.message).toContain("permission `view` nests 20000 levels");
  });

  it("accepts expressions and chains up to the limit", () => {
    const chain = `viewer${" - banned".repeat(MAX_EXPRESSION_DEPTH)}`;
    expect(() => parseSchema(`${head}\tpermission view = ${chain}\n}\n`)).not.toThrow();
    const nested = `${"(viewer - ".repeat(MAX_EXPRESSION_DEPTH - 1)}banned${")".repeat(MAX_EXPRESSION_DEPTH - 1)}`;
    expect(() => parseSchema(`${head}\tpermission view = viewer - ${nested}\n}\n`)).not.toThrow();
    const aliases = ["\tpermission perm0 = viewer"];
    for (let i = 1; i <= MAX_EXPRESSION_DEPTH + 1; i++) aliases.push(`\tpermission perm${i} = perm${i - 1}`);
    expect(() => parseSchema(`${head}${aliases.join("\n")}\n}\n`)).toThrow(/perm33.*nests 33 levels/);
    aliases.pop();
    expect(() => parseSchema(`${head}${aliases.join("\n")}\n}\n`)).not.toThrow();
  });

  it("still reports a cycle of permissions (the walk keeps its own stack)", () => {
    const text = `${head}\tpermission aaa = bbb\n\tpermission bbb = ccc + viewer\n\tpermission ccc = aaa\n}\n`;
    const error = refusal(() => parseSchema(text));
    expect(error.kind).toBe("input");
    expect(error.message).toContain("aaa -> bbb -> ccc -> aaa");
  });
});

describe("YAML nesting limit", () => {
  it("refuses deep flow nesting in a validation file with the limit and the line", () => {
    const text = `schema: "definition user {}"\nassertions:\n  assertTrue: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    const error = refusal(() => parseValidationFile(text, "deep.yaml"));
    expect(error.kind).toBe("limit");
    expect(error.message).toContain(`${MAX_YAML_NESTING} levels`);
    expect(error.place).toMatchObject({ file: "deep.yaml", line: 3 });
  });

  it("refuses deep block nesting in a change file", () => {
    const text = `title: deep\nwrite:\n  - ${"- ".repeat(3000)}x\n`;
    const error = refusal(() => parseChangeFile(text, "change.yaml"));
    expect(error.kind).toBe("limit");
    expect(error.place).toMatchObject({ file: "change.yaml", line: 3 });
  });

  it("accepts nesting up to the limit", () => {
    const text = `title: ok\nwrite: ${"[".repeat(MAX_YAML_NESTING - 1)}${"]".repeat(MAX_YAML_NESTING - 1)}\n`;
    const error = refusal(() => parseChangeFile(text, "change.yaml"));
    expect(error.kind).toBe("input");
  });
});
