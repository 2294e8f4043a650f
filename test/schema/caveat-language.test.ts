import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { GatehouseError } from "../../src/model/errors.js";
import { parseSchemaText } from "../../src/schema/parser.js";
import { printSchema } from "../../src/schema/printer.js";
import { checkSchemaLanguage, compileSchema, parseSchema } from "../../src/schema/schema.js";
import { changedCaveats, changedMembers } from "../../src/schema/schema-diff.js";
import { shape } from "./ast-shape.js";

const caveatsDir = join(import.meta.dirname, "../../../shared/conformance/spicedb-caveats");

/** Every problem `checkSchemaLanguage` reports, as `line:column message`. */
function problems(text: string): string[] {
  try {
    checkSchemaLanguage(text, "schema.zed");
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    const all = error.details.length > 0 ? error.details : [error];
    return all.map((e) => `${e.place?.line}:${e.place?.column} ${e.message}`);
  }
  return [];
}

/** The schema as put in force (the engine evaluates caveats, expiration and `self`). */
function inForce(text: string) {
  return parseSchema(text, "schema.zed").compiled;
}

function refusal(text: string): GatehouseError {
  try {
    parseSchema(text, "schema.zed");
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("SpiceDB's caveat and expiration schemas", () => {
  const files = readdirSync(caveatsDir).filter((f) => f.endsWith(".yaml"));
  it.each(files)("%s parses, type-checks, prints back and is put in force", (file) => {
    const { schema } = parseYaml(readFileSync(join(caveatsDir, file), "utf8")) as { schema: string };
    const first = checkSchemaLanguage(schema, file);
    const printed = printSchema(first.ast);
    const second = parseSchemaText(printed);
    expect(shape(second)).toEqual(shape(first.ast));
    expect(printSchema(second)).toBe(printed);
    expect(checkSchemaLanguage(printed).compiled.caveats.size).toBe(first.compiled.caveats.size);
    expect(inForce(schema).caveats.size).toBe(first.compiled.caveats.size);
  });
});

describe("caveat definitions", () => {
  const schema = `/** within office hours */
caveat office_hours(now timestamp, tz string, allowed list<string>, limits map<int>) {
	now.getHours() >= 9 && tz in allowed && limits['x'] > 0
}

definition user {}

definition group {
	relation member: user
}

definition doc {
	relation viewer: user with office_hours | user:* with office_hours | group#member with office_hours | user
	permission view = viewer
}
`;

  it("compiles each caveat once, with its declared parameter types", () => {
    const { compiled, ast } = checkSchemaLanguage(schema);
    const caveat = compiled.caveats.get("office_hours")!;
    expect([...caveat.parameters.keys()]).toEqual(["now", "tz", "allowed", "limits"]);
    expect(caveat.parameters.get("limits")).toEqual({ kind: "map", value: { kind: "int" } });
    const viewer = compiled.typesByName.get("doc")!.members.get("viewer")!;
    expect(viewer.kind === "relation" && viewer.allowed.map((a) => a.caveat?.name ?? null)).toEqual([
      "office_hours",
      "office_hours",
      "office_hours",
      null,
    ]);
    // Every allowed type keeps its caveat, and the printer writes the schema back as given.
    expect(printSchema(ast)).toBe(schema);
  });

  it("keeps braces and strings of the CEL expression inside the caveat", () => {
    const text =
      "caveat cav(m map<string>, s string) {\n  {'k': '}'}['k'] == s && m == {'a': \"{\"}\n}\ndefinition user {}\n";
    const { ast } = checkSchemaLanguage(text);
    expect(ast.caveats[0]!.expression).toBe("{'k': '}'}['k'] == s && m == {'a': \"{\"}");
    expect(ast.definitions.map((d) => d.name)).toEqual(["user"]);
  });

  it.each([
    ["user_ip ipaddress, cidr string", "user_ip.in_cidr(cidr)"],
    ["now timestamp", "now.getHours() >= 9 && now.getDayOfWeek('America/Los_Angeles') < 6"],
    ["first int, second int", "first + second == 42"],
    [
      "regions list<string>, region string",
      "regions.exists(r, r == region) && size(regions) > 0 && regions.size() < 9",
    ],
    ["tags list<string>", "tags.all(t, t.startsWith('x')) && tags.exists_one(t, t.endsWith('y'))"],
    ["tags list<string>", "tags.filter(t, t.contains('z')).size() == tags.map(t, t + '!').size()"],
    ["expires_at timestamp, now timestamp", "now < expires_at && expires_at - now > duration('1h')"],
    ["t timestamp", "timestamp('2026-01-01T00:00:00Z') + duration('24h') > t"],
    ["attributes map<any>", "attributes['key'] == 'v' || has(attributes.other) || attributes.count > 1"],
    ["request map<string>", "request.method == 'GET' && 'path' in request"],
    ["x int", "x in [1, 2, 3] && int(double(x)) == x && string(x) != ''"],
    ["u uint", "u > 3 && int(u) > 3 && u % 2 == 0"],
    ["labels map<any>, required map<any>", "required.isSubtreeOf(labels)"],
    ["a any", "a == null || a"],
    ["b bool, n int", "(b ? n : 0) == 1 && !b == false && -n < 0"],
    ["m map<list<int>>", "m['k'][0] == 1 && m.k.all(v, v > 0)"],
    ["d double, i int", "d > 1 && d < i && 2.0 * d == d + d"],
    ["s string", "s.matches('^a+$') && matches(s, 'a') && {'a': 1}[s] == 1"],
    ["by bytes", "by == b'abc' && size(by) == 3"],
  ])("accepts `%s` caveat `%s`, as cel-go's checker does", (parameters, expression) => {
    expect(problems(`caveat ccc(${parameters}) {\n\t${expression}\n}`)).toEqual([]);
  });

  it("refuses what SpiceDB refuses, each at its place", () => {
    expect(problems("caveat cav() {\n  true\n}")).toEqual([
      "1:8 caveat `cav` must have at least one parameter defined",
    ]);
    expect(problems("caveat ccc(a int, a string) {\n  a == 1\n}")).toEqual([
      "1:19 duplicate parameter `a` defined on caveat `ccc`",
    ]);
    expect(problems("caveat ccc(a integer) {\n  a == 1\n}")[0]).toMatch(
      /^1:14 invalid type for caveat parameter `a` on caveat `ccc`: unknown type `integer`/,
    );
    expect(problems("caveat ccc(a list) {\n  true\n}")[0]).toMatch(
      /type `list` takes exactly one type argument/,
    );
    expect(problems("caveat ccc(a int) {\n  a == b\n}")).toEqual([
      "2:8 invalid expression for caveat `ccc`: undeclared reference to 'b'",
    ]);
    expect(problems("caveat ccc(a int) {\n  a + 1\n}")).toEqual([
      "2:3 invalid expression for caveat `ccc`: caveat expression must result in a boolean value: found `int`",
    ]);
    expect(problems("caveat ccc(a int) {\n  a == 'x'\n}")).toEqual([
      "2:4 invalid expression for caveat `ccc`: found no matching overload for '_==_' applied to '(int, string)'",
    ]);
    // SpiceDB declares `uint` as a CEL int (pkg/caveats/types/basic.go), so a uint literal does not compare.
    expect(problems("caveat ccc(u uint) {\n  u == 2u\n}")).toEqual([
      "2:4 invalid expression for caveat `ccc`: found no matching overload for '_==_' applied to '(int, uint)'",
    ]);
    expect(problems("caveat ccc(s string) {\n  s.in_cidr('10.0.0.0/8')\n}")[0]).toMatch(
      /found no matching overload for 'in_cidr' applied to 'string.\(string\)'/,
    );
    expect(problems("caveat ccc(a int) {\n  a ==\n}")).toEqual([
      "2:5 invalid expression for caveat `ccc`: CEL syntax: found = but expecting end of input",
    ]);
    expect(problems("caveat ccc(a int, b int) {\n  a == 1 &&\n  b c\n}")).toEqual([
      "3:5 invalid expression for caveat `ccc`: CEL syntax: found c but expecting end of input",
    ]);
  });

  it("refuses a caveat defined twice, a name shared with a definition, and an unknown caveat", () => {
    expect(
      problems("caveat cav(a int) {\n a == 1\n}\ncaveat cav(a int) {\n a == 2\n}\ndefinition user {}"),
    ).toEqual(["4:8 caveat `cav` is defined more than once"]);
    expect(problems("caveat user(a int) {\n a == 1\n}\ndefinition user {}")).toEqual([
      "1:8 `user` names both a definition and a caveat; SpiceDB refuses a name reused between definitions and caveats",
    ]);
    expect(problems("definition user {}\ndefinition doc {\n\trelation viewer: user with nope\n}")).toEqual([
      "3:29 unknown caveat `nope` in relation `doc#viewer`",
    ]);
  });

  it("tells `user | user with c` apart, and refuses the same caveated type twice", () => {
    const base = "caveat cav(a int) {\n a == 1\n}\ndefinition user {}\n";
    expect(problems(`${base}definition doc {\n\trelation viewer: user | user with cav\n}`)).toEqual([]);
    expect(problems(`${base}definition doc {\n\trelation viewer: user with cav | user with cav\n}`)).toEqual([
      "6:35 subject type `user with cav` is listed more than once in relation `doc#viewer`",
    ]);
  });

  it("refuses a caveat inside a definition", () => {
    expect(problems("definition doc {\n\tcaveat cav(a int) {\n a == 1\n }\n}")[0]).toBe(
      "2:2 a caveat is defined at the top level of the schema, not inside a definition",
    );
  });
});

describe("layout", () => {
  it("reads parameters over several lines and keeps a caveat's doc comment", () => {
    const text =
      "/** weekdays only */\ncaveat on_day(\n\tday string,\n\tallowed list<string>\n) {\n\t// CEL comment }\n\tday in allowed\n}\ndefinition user {}\n";
    const { ast } = checkSchemaLanguage(text);
    expect(ast.caveats[0]!.parameters.map((p) => p.name)).toEqual(["day", "allowed"]);
    expect(ast.caveats[0]!.expression).toBe("// CEL comment }\n\tday in allowed");
    expect(printSchema(ast)).toBe(
      "/** weekdays only */\ncaveat on_day(day string, allowed list<string>) {\n\t// CEL comment }\n\tday in allowed\n}\n\ndefinition user {}\n",
    );
  });

  it("property: relations with any mix of caveats, wildcards, subject sets and expiration print back to the same tree", () => {
    const allowed = fc.record({
      base: fc.constantFrom("user", "user:*", "group#member", "group#..."),
      caveat: fc.constantFrom(undefined, "first_cav", "other/second_cav"),
      expiration: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(allowed, { minLength: 1, maxLength: 5, selector: (a) => JSON.stringify(a) }),
        (types) => {
          const written = types.map((t) => {
            const traits = [t.caveat, t.expiration ? "expiration" : undefined].filter((x) => x !== undefined);
            return traits.length > 0 ? `${t.base} with ${traits.join(" and ")}` : t.base;
          });
          const text = `use expiration\ncaveat first_cav(a int) {\n\ta == 1\n}\ncaveat other/second_cav(b bool) {\n\tb\n}\ndefinition user {}\ndefinition group {\n\trelation member: user\n}\ndefinition doc {\n\trelation viewer: ${written.join(" | ")};\n}\n`;
          const first = parseSchemaText(text);
          const printed = printSchema(first);
          // A last `group#...` is printed `group`, which means the same.
          const same = (tree: unknown) => JSON.stringify(shape(tree)).replaceAll(',"relation":"..."', "");
          expect(same(parseSchemaText(printed))).toBe(same(first));
          expect(printSchema(parseSchemaText(printed))).toBe(printed);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("expiration", () => {
  it("reads `with expiration` and `with c and expiration` after `use expiration`", () => {
    const text =
      "use expiration\n\ncaveat cav(a int) {\n\ta == 1\n}\n\ndefinition user {}\n\ndefinition doc {\n\trelation viewer: user with expiration | user with cav and expiration | user\n}\n";
    const { ast, compiled } = checkSchemaLanguage(text);
    const viewer = compiled.typesByName.get("doc")!.members.get("viewer")!;
    expect(
      viewer.kind === "relation" &&
        viewer.allowed.map((a) => [a.caveat?.name ?? null, a.expiration ?? false]),
    ).toEqual([
      [null, true],
      ["cav", true],
      [null, false],
    ]);
    expect(printSchema(ast)).toBe(text);
    expect(inForce(text).features.has("expiration")).toBe(true);
  });

  it("without `use expiration`, `expiration` is a caveat name, as in SpiceDB", () => {
    expect(
      problems("definition user {}\ndefinition doc {\n\trelation viewer: user with expiration\n}"),
    ).toEqual([
      "3:29 unknown caveat `expiration` in relation `doc#viewer`; to let relationships expire, add `use expiration` at the top of the schema",
    ]);
    expect(
      problems(
        "caveat cav(a int) {\n a == 1\n}\ndefinition user {}\ndefinition doc {\n\trelation viewer: user with cav and expiration\n}",
      ),
    ).toEqual(["6:33 `and expiration` after a caveat needs `use expiration` at the top of the schema"]);
    // A parameter may still be called `expiration` (SpiceDB's own caveatexpiration.yaml does).
    expect(problems("caveat cav(expiration timestamp, now timestamp) {\n now < expiration\n}")).toEqual([]);
  });

  it("refuses an unknown or repeated `use`", () => {
    expect(problems("use caveats\ndefinition user {}")).toEqual([
      "1:5 unknown feature `caveats` in `use`: expected one of `expiration`, `self`, `typechecking`",
    ]);
    expect(problems("use expiration\nuse expiration\ndefinition user {}")).toEqual([
      "2:5 `use expiration` is written more than once",
    ]);
    expect(problems("definition user {}\nuse expiration")).toEqual([
      "2:1 `use` directives must come before every definition and caveat",
    ]);
  });
});

describe("put in force", () => {
  it("puts in force a schema that uses a caveat declared after its use", () => {
    const text =
      "definition user {}\ndefinition doc {\n\trelation viewer: user with cav\n}\ncaveat cav(a int) {\n a == 1\n}\n";
    expect(compileSchema(text).caveats.get("cav")?.expression).toBe("a == 1");
  });

  it("reports a broken caveat as broken", () => {
    expect(refusal("caveat cav(a int) {\n a\n}\ndefinition user {}").message).toMatch(
      /must result in a boolean/,
    );
  });

  it("puts in force a schema without caveats, expiration or self as before", () => {
    expect(() =>
      parseSchema(
        "use typechecking\ndefinition user {}\ndefinition doc {\n\trelation viewer: user\n\tpermission view: user = viewer\n}",
      ),
    ).not.toThrow();
  });
});

describe("use self", () => {
  const text =
    "use self\n\ndefinition user {\n\trelation viewer: user\n\tpermission view = viewer + self\n}\n";

  it("reads `self` as the object itself, prints it back, and puts it in force", () => {
    const { ast } = checkSchemaLanguage(text);
    const view = ast.definitions[0]!.members[1]!;
    expect(view.kind === "permission" && shape(view.expression)).toEqual({
      kind: "union",
      operands: [{ kind: "reference", name: "viewer" }, { kind: "self" }],
    });
    expect(printSchema(ast)).toBe(text);
    const view2 = inForce(text).typesByName.get("user")!.members.get("view")!;
    expect(
      view2.kind === "permission" && view2.expression.op === "union" && view2.expression.operands[1],
    ).toEqual({
      op: "self",
    });
  });

  it("without `use self`, `self` is a name like any other, as in SpiceDB", () => {
    expect(problems(text.replace("use self\n\n", ""))).toEqual([
      "3:29 unknown relation or permission `self` in permission `user#view`",
    ]);
  });

  it("refuses `self` as a member's name after `use self`", () => {
    expect(problems("use self\ndefinition user {\n\trelation self: user\n}")).toEqual([
      "3:11 `self` cannot name a relation after `use self`, where it means the object itself",
    ]);
  });

  it("refuses walking from `self`", () => {
    expect(problems("use self\ndefinition user {\n\tpermission view = self->view\n}")[0]).toMatch(
      /`self` is the object itself, not a relation to walk/,
    );
  });
});

describe("use typechecking", () => {
  const base =
    "definition user {}\ndefinition serviceaccount {}\ndefinition group {\n\trelation member: user | group#member\n}\n";

  it("accepts a permission whose annotation lists every type it can reach", () => {
    const text = `use typechecking\n${base}definition doc {\n\trelation viewer: user | group#member\n\trelation admin: serviceaccount\n\tpermission edit: user | serviceaccount = viewer & admin\n\tpermission view: user | serviceaccount = viewer - admin\n}`;
    const { compiled } = checkSchemaLanguage(text);
    const edit = compiled.typesByName.get("doc")!.members.get("edit")!;
    expect(edit.kind === "permission" && edit.annotation?.map((t) => t.name)).toEqual([
      "user",
      "serviceaccount",
    ]);
  });

  it("refuses an annotation that leaves out a type the permission can reach (SpiceDB's example)", () => {
    const text = `use typechecking\n${base}definition doc {\n\trelation viewer: user\n\trelation admin: serviceaccount\n\tpermission edit: user = viewer & admin\n}`;
    expect(problems(text)).toEqual([
      "10:13 permission `doc#edit` can resolve to subject type `serviceaccount`, which its type annotation `user` does not list",
    ]);
  });

  it("counts the subtracted side of an exclusion too, as SpiceDB's type_check.go does", () => {
    const text = `use typechecking\n${base}definition doc {\n\trelation viewer: user\n\trelation admin: serviceaccount\n\tpermission view: user = viewer - admin\n}`;
    expect(problems(text)).toEqual([
      "10:13 permission `doc#view` can resolve to subject type `serviceaccount`, which its type annotation `user` does not list",
    ]);
  });

  it("follows arrows, subject sets and self", () => {
    const text = `use typechecking\nuse self\n${base}definition folder {\n\trelation reader: group#member\n\tpermission read: user | folder = reader + self\n}\ndefinition doc {\n\trelation parent: folder\n\tpermission read: user = parent->read\n}`;
    expect(problems(text)).toEqual([
      "14:13 permission `doc#read` can resolve to subject type `folder`, which its type annotation `user` does not list",
    ]);
  });

  it("refuses an unknown annotated type; without `use typechecking` the annotation is not checked", () => {
    const text = `${base}definition doc {\n\trelation viewer: user\n\tpermission view: nobody = viewer\n}`;
    expect(problems(`use typechecking\n${text}`)).toEqual([
      "9:19 unknown type `nobody` in the type annotation of permission `doc#view`",
    ]);
    const { ast, compiled } = checkSchemaLanguage(text);
    const view = compiled.typesByName.get("doc")!.members.get("view")!;
    expect(view.kind === "permission" && view.annotation).toBeUndefined();
    expect(printSchema(ast)).toContain("\tpermission view: nobody = viewer\n");
  });
});

describe("what SpiceDB refuses and Gatehouse used to accept", () => {
  it("refuses `type#...` as the last type of a relation's line, at its place", () => {
    expect(
      problems(
        "definition folder {}\ndefinition doc {\n\trelation parent: folder#...\n\tpermission view = parent\n}",
      ),
    ).toEqual([
      "3:26 `folder#...` cannot end the line of relation `parent`: SpiceDB does not end a statement after `...`; write `folder` (which means the same) or end the line with `;`",
    ]);
  });

  it("still accepts `type#...` before another type, or ended by `;`", () => {
    expect(problems("definition user {}\ndefinition doc {\n\trelation parent: doc#... | user\n}")).toEqual(
      [],
    );
    expect(problems("definition doc {\n\trelation parent: doc#...;\n}")).toEqual([]);
  });

  it("prints a last `type#...` as the type alone, so the printed schema parses", () => {
    const { ast } = checkSchemaLanguage("definition doc {\n\trelation parent: doc#...;\n}");
    expect(printSchema(ast)).toBe("definition doc {\n\trelation parent: doc\n}\n");
  });

  it("refuses a one-line definition with `;` between members, at the closing brace", () => {
    expect(
      problems("definition user {}\ndefinition doc { relation viewer: user; permission view = viewer }"),
    ).toEqual([
      "2:66 expected `;` or the end of the line after permission `view`, found `}`: SpiceDB needs each member of a definition to end with a line end or `;`; put `}` on a line of its own",
    ]);
    expect(
      problems("definition user {}\ndefinition doc { relation viewer: user; permission view = viewer; }"),
    ).toEqual([]);
  });

  it("refuses a one-member one-line definition, as SpiceDB does (`}` does not end a member)", () => {
    expect(problems("definition user {}\ndefinition group { relation member: user }")).toEqual([
      "2:42 expected `;` or the end of the line after relation `member`, found `}`: SpiceDB needs each member of a definition to end with a line end or `;`; put `}` on a line of its own",
    ]);
    expect(problems("definition user {}\ndefinition group {\n relation member: user /* c */ }")).toEqual([
      "3:32 expected `;` or the end of the line after relation `member`, found `}`: SpiceDB needs each member of a definition to end with a line end or `;`; put `}` on a line of its own",
    ]);
    expect(problems("definition user {}\ndefinition group { relation member: user; }")).toEqual([]);
    expect(problems("definition user {}\ndefinition group { relation member: user // c\n}")).toEqual([]);
  });
});

describe("schema diff", () => {
  const schema = (caveat: string, viewer: string) =>
    checkSchemaLanguage(
      `use expiration\ncaveat cav(a int) {\n\t${caveat}\n}\ndefinition user {}\ndefinition doc {\n\trelation viewer: ${viewer}\n\trelation editor: user\n\tpermission view = viewer + editor\n}`,
    ).compiled;

  it("a relation gaining or losing a caveat or expiration changes it and what reads it", () => {
    const plain = schema("a == 1", "user");
    expect([...changedMembers(plain, schema("a == 1", "user with cav"))].sort()).toEqual([
      "doc#view",
      "doc#viewer",
    ]);
    expect([...changedMembers(plain, schema("a == 1", "user with expiration"))].sort()).toEqual([
      "doc#view",
      "doc#viewer",
    ]);
    expect(
      [
        ...changedMembers(
          schema("a == 1", "user with cav"),
          schema("a == 1", "user with cav and expiration"),
        ),
      ].sort(),
    ).toEqual(["doc#view", "doc#viewer"]);
    expect([...changedMembers(plain, schema("a == 2", "user"))]).toEqual([]);
  });

  it("a caveat's expression changing changes every relation that uses it", () => {
    expect(
      [...changedMembers(schema("a == 1", "user with cav"), schema("a == 2", "user with cav"))].sort(),
    ).toEqual(["doc#view", "doc#viewer"]);
    expect(changedCaveats(schema("a == 1", "user"), schema("a == 2", "user"))).toEqual({
      added: [],
      removed: [],
      changed: ["cav"],
    });
    expect(changedCaveats(undefined, schema("a == 1", "user"))).toEqual({
      added: ["cav"],
      removed: [],
      changed: [],
    });
  });
});
