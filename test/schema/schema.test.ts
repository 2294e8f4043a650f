import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { GatehouseError } from "../../src/model/errors.js";
import { parseSchemaText } from "../../src/schema/parser.js";
import { printSchema } from "../../src/schema/printer.js";
import { parseSchema } from "../../src/schema/schema.js";
import { shape } from "./ast-shape.js";

const conformanceDir = join(import.meta.dirname, "../../../shared/conformance/spicedb");

function errorsOf(text: string): GatehouseError[] {
  try {
    parseSchema(text, "schema.zed");
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    return error.details.length > 0 ? [...error.details] : [error];
  }
  return [];
}

describe("schema parser and printer", () => {
  const files = readdirSync(conformanceDir).filter((f) => f.endsWith(".yaml"));
  it.each(files)("parses, prints and re-parses %s to the same tree", (file) => {
    const doc = parseYaml(readFileSync(join(conformanceDir, file), "utf8")) as { schema: string };
    const first = parseSchema(doc.schema, file);
    const printed = printSchema(first.ast);
    const second = parseSchemaText(printed);
    expect(shape(second)).toEqual(shape(first.ast));
    expect(printSchema(second)).toBe(printed);
  });

  it("reads precedence as SpiceDB does: `-` loosest, then `&`, then `+`", () => {
    const { ast } = parseSchema(
      "definition usr {}\ndefinition doc {\n relation aaa: usr\n relation bbb: usr\n relation ccc: usr\n permission ppp = aaa - bbb + ccc & aaa\n}",
    );
    const member = ast.definitions[1]!.members[3]!;
    expect(member.kind === "permission" && shape(member.expression)).toEqual({
      kind: "exclusion",
      base: { kind: "reference", name: "aaa" },
      subtracted: {
        kind: "intersection",
        operands: [
          {
            kind: "union",
            operands: [
              { kind: "reference", name: "bbb" },
              { kind: "reference", name: "ccc" },
            ],
          },
          { kind: "reference", name: "aaa" },
        ],
      },
    });
    expect(printSchema(ast)).toContain("permission ppp = aaa - bbb + ccc & aaa");
  });

  it("keeps comments and prefixes", () => {
    const text =
      "/** people */\ndefinition test/user {}\n\n// docs\ndefinition test/doc {\n\t/* who reads */\n\trelation reader: test/user\n}\n";
    expect(printSchema(parseSchemaText(text))).toBe(text);
  });
});

describe("schema checker", () => {
  it("reports every error with its place", () => {
    const errors = errorsOf(`definition user {}
definition doc {
  relation viewer: usr | group#member
  permission view = viewer + editor
  permission edit = parent->edit
}`);
    expect(errors.map((e) => [e.place?.line, e.place?.column, e.message])).toEqual([
      [3, 20, "unknown type `usr` in relation `doc#viewer`"],
      [3, 26, "unknown type `group` in relation `doc#viewer`"],
      [4, 30, "unknown relation or permission `editor` in permission `doc#view`"],
      [5, 21, "unknown relation `parent` in arrow `parent->edit` of permission `doc#edit`"],
    ]);
    expect(errors[0]!.place?.file).toBe("schema.zed");
    expect(errors[0]!.place?.snippet).toBe("  relation viewer: usr | group#member");
  });

  it("rejects permissions that reference each other in a cycle", () => {
    const errors = errorsOf(`definition user {}
definition doc {
  relation owner: user
  permission aaa = bbb + owner
  permission bbb = ccc
  permission ccc = aaa
}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe(
      "permissions of definition `doc` reference each other in a cycle: aaa -> bbb -> ccc -> aaa",
    );
    expect(errors[0]!.place?.line).toBe(4);
  });

  it("rejects arrows over permissions, wildcards and missing targets", () => {
    const errors = errorsOf(`definition user {}
definition folder {
  relation reader: user
}
definition doc {
  relation parent: folder
  relation anyone: user:*
  permission par = parent
  permission aaa = par->reader
  permission bbb = anyone->reader
}`);
    expect(errors.map((e) => e.message)).toEqual([
      "arrows can only walk relations, but `par` is a permission (in `par->reader` of permission `doc#aaa`)",
      "arrow `anyone->reader` of permission `doc#bbb` walks relation `anyone`, which allows the wildcard `user:*`; arrows cannot walk wildcards",
    ]);
  });

  it("accepts, with a warning, an arrow to something no subject type has (SpiceDB accepts it)", () => {
    const { compiled } = parseSchema(
      "definition user {}\ndefinition folder {\n  relation reader: user\n}\ndefinition doc {\n  relation parent: folder\n  permission ccc = parent->nothing\n}",
      "s.zed",
    );
    expect(compiled.warnings).toEqual([
      "s.zed:7:28: arrow `parent->nothing` of permission `doc#ccc`: none of the subject types of `parent` (`folder`) has `nothing`, so it never grants anything",
    ]);
  });

  it("refuses a userset through a relation that allows a wildcard, as SpiceDB does", () => {
    const errors = errorsOf(
      "definition user {}\ndefinition team {\n  relation member: user:*\n}\ndefinition doc {\n  relation viewer: team#member\n}",
    );
    expect(errors.map((e) => [e.place?.line, e.message])).toEqual([
      [
        6,
        "`team#member` in relation `doc#viewer` points at a relation that allows the wildcard `user:*`; a wildcard cannot be included through another relation (use a permission, or allow `user:*` here)",
      ],
    ]);
  });

  it("reports syntax errors in several places", () => {
    const errors = errorsOf(`definition user {}
definition doc {
  relation viewer user
  permission view = viewer +
}
definition other {
  relation owner: user |
}`);
    expect(errors.map((e) => [e.place?.line, e.message])).toEqual([
      [3, "expected `:` and the allowed subject types, found `user`"],
      [5, "expected a relation or permission name, `nil` or `(`, found `}`"],
      [8, "expected a subject type, found `}`"],
    ]);
  });

  // Issue 15 replaced "caveats are not supported yet": the language is parsed and checked (this
  // caveat compares an `ipaddress` with an int, which SpiceDB refuses too), and since the engine
  // evaluates caveats a valid schema that uses them is put in force.
  it("checks caveats, and puts in force a schema that uses them", () => {
    const errors = errorsOf("caveat ip_allowed(ip ipaddress) {\n  ip == 1\n}\ndefinition user {}");
    expect(errors[0]!.message).toBe(
      "invalid expression for caveat `ip_allowed`: found no matching overload for '_==_' applied to '(ipaddress, int)'",
    );
    expect(
      errorsOf("definition user {}\ndefinition doc {\n relation viewer: user with ip_allowed\n}")[0]!.message,
    ).toBe("unknown caveat `ip_allowed` in relation `doc#viewer`");
    expect(
      errorsOf("caveat ip_allowed(ip ipaddress) {\n  ip.in_cidr('10.0.0.0/8')\n}\ndefinition user {}"),
    ).toEqual([]);
  });

  it("rejects duplicate names and bad names", () => {
    const errors = errorsOf(
      "definition user {}\ndefinition user {}\ndefinition Doc {\n relation aa: user\n relation bbb: user\n permission bbb = nil\n}",
    );
    expect(errors.map((e) => e.message)).toEqual([
      "definition `user` is defined more than once",
      "invalid definition name `Doc`: expected lowercase letters, digits and `_`, 3 to 64 characters, optionally prefixed like `app/user`",
      "invalid relation name `aa`: expected lowercase letters, digits and `_`, 3 to 64 characters",
      "`bbb` is defined more than once in definition `Doc`",
    ]);
  });
});
