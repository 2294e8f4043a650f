import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { GatehouseError } from "../../src/model/errors.js";
import { formatRelationship, formatSubject } from "../../src/model/relationship.js";
import { parseValidationFile, type ValidationFile } from "../../src/service/validation-file.js";

const CONFORMANCE = "/work/shared/conformance/spicedb";

function failure(fn: () => unknown): GatehouseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GatehouseError) return e;
    throw e;
  }
  throw new Error("expected a GatehouseError");
}

/** All problems of a failure: the details when there are several, else the error itself. */
function problems(e: GatehouseError): GatehouseError[] {
  return e.details.length > 0 ? [...e.details] : [e];
}

describe("SpiceDB's conformance files", () => {
  const files = readdirSync(CONFORMANCE).filter((f) => f.endsWith(".yaml"));

  test("there are files to read", () => {
    expect(files.length).toBeGreaterThan(40);
  });

  test.each(files)("%s parses, and every item points at its own text", (name) => {
    const path = join(CONFORMANCE, name);
    const text = readFileSync(path, "utf8");
    const lines = text.split("\n");
    const file = parseValidationFile(text, path);
    expect(file.file).toBe(path);
    expect(file.schema.text).toContain("definition");
    expect(file.relationships.length).toBeGreaterThan(0);
    // The schema's first line starts where the file says it does (a folded block may have
    // joined it with the next lines).
    const firstSchemaLine = file.schema.text.split("\n")[0]!;
    const source = lines[file.schema.line - 1]!.slice(file.schema.column - 1).trimEnd();
    expect(firstSchemaLine.startsWith(source) || source.startsWith(firstSchemaLine.trim())).toBe(true);
    for (const r of [...file.relationships, ...file.assertTrue, ...file.assertFalse]) {
      const at = lines[r.line - 1]!.slice(r.column - 1);
      expect(
        at.startsWith(`${r.relationship.resource.type}:${r.relationship.resource.id}#`),
        `${name}:${r.line}`,
      ).toBe(true);
    }
  });
});

const SAMPLE = `# A validation file with every section.
schema: |-
  definition user {}

  definition group {
    relation member: user | group#member
  }

  definition document {
    relation writer: user
    relation reader: user | user:* | group#member
    permission view = reader + writer
  }
relationships: |-
  // writers
  document:first#writer@user:tom

  document:first#reader@group:eng#member
  document:first#reader@user:*
  group:eng#member@user:ann#...
assertions:
  assertTrue:
    - "document:first#view@user:tom"
    - document:first#view@group:eng#member
  assertFalse: []
validation:
  document:first#view:
    - "[user:tom] is <document:first#writer>/<document:first#reader>"
    - "[user:* - {user:bob, user:sue}] is <document:first#reader>"
    - "[group:eng#member] is <document:first#reader>"
  document:second#view: []
`;

describe("a file with every section", () => {
  const file: ValidationFile = parseValidationFile(SAMPLE, "sample.yaml");

  test("schema: text without the block's indentation, and where each line starts", () => {
    expect(file.schema.text.startsWith("definition user {}\n\ndefinition group {\n  relation member")).toBe(
      true,
    );
    expect(file.schema.line).toBe(3);
    expect(file.schema.column).toBe(3);
    const lines = file.schema.text.split("\n");
    const relationLine = lines.findIndex((l) => l.includes("relation writer"));
    // `relation writer` is text line relationLine + 1; in the file it is on line 10, column 5.
    expect(file.schema.positions[relationLine]).toEqual({ line: 10, column: 3 });
    expect(SAMPLE.split("\n")[9]!.indexOf("relation writer")).toBe(4);
  });

  test("relationships: comments and blank lines skipped, each with its line and column", () => {
    expect(file.relationships.map((r) => [formatRelationship(r.relationship), r.line, r.column])).toEqual([
      ["document:first#writer@user:tom", 16, 3],
      ["document:first#reader@group:eng#member", 18, 3],
      ["document:first#reader@user:*", 19, 3],
      ["group:eng#member@user:ann", 20, 3],
    ]);
  });

  test("assertions: quoted and plain items", () => {
    expect(file.assertTrue.map((a) => [formatRelationship(a.relationship), a.line, a.column])).toEqual([
      ["document:first#view@user:tom", 23, 8],
      ["document:first#view@group:eng#member", 24, 7],
    ]);
    expect(file.assertFalse).toEqual([]);
  });

  test("validation: subjects, wildcards with exclusions, usersets and the paths named", () => {
    expect(file.validation).toHaveLength(2);
    const [first, second] = file.validation;
    expect(first!.resource).toEqual({ type: "document", id: "first" });
    expect(first!.permission).toBe("view");
    expect(first!.line).toBe(27);
    expect(
      first!.subjects.map((s) => [
        formatSubject(s.subject),
        s.excluded.map(formatSubject),
        s.resources.length,
        s.line,
      ]),
    ).toEqual([
      ["user:tom", [], 2, 28],
      ["user:*", ["user:bob", "user:sue"], 1, 29],
      ["group:eng#member", [], 1, 30],
    ]);
    expect(first!.subjects[0]!.resources).toEqual([
      { resource: { type: "document", id: "first" }, relation: "writer" },
      { resource: { type: "document", id: "first" }, relation: "reader" },
    ]);
    expect(second!.subjects).toEqual([]);
  });
});

describe("folded and other scalar styles", () => {
  test("a folded block (>-) keeps one tuple a line when blank lines separate them", () => {
    const text = [
      "schema: >-",
      "  definition user {}",
      "",
      "  definition doc {",
      "    relation reader: user",
      "  }",
      "relationships: >-",
      "  doc:a#reader@user:x",
      "",
      "  doc:b#reader@user:y",
      "assertions: null",
      "validation: null",
      "",
    ].join("\n");
    const file = parseValidationFile(text);
    expect(file.relationships.map((r) => [formatRelationship(r.relationship), r.line, r.column])).toEqual([
      ["doc:a#reader@user:x", 8, 3],
      ["doc:b#reader@user:y", 10, 3],
    ]);
    expect(file.schema.text).toBe("definition user {}\ndefinition doc {\n  relation reader: user\n}");
    // Folding removed a blank line; each text line still maps to where it starts in the file.
    expect(file.schema.positions.map((p) => p.line)).toEqual([2, 4, 5, 6]);
  });

  test("a folded block without blank lines joins tuples: the error says so", () => {
    const text = "schema: ''\nrelationships: >-\n  doc:a#reader@user:x\n  doc:b#reader@user:y\n";
    const e = failure(() => parseValidationFile(text));
    expect(e.message).toMatch(/joined into one line.*literal block/);
    expect(e.place).toMatchObject({ line: 3, column: 3 });
  });

  test("empty sections: no relationships, null assertions and validation", () => {
    const file = parseValidationFile(
      "schema: 'definition user {}'\nrelationships:\nassertions:\nvalidation: {}\n",
    );
    expect(file.schema).toMatchObject({ text: "definition user {}", line: 1, column: 10 });
    expect(file.relationships).toEqual([]);
    expect(file.assertTrue).toEqual([]);
    expect(file.validation).toEqual([]);
  });

  test("schemaFile is read relative to the validation file", () => {
    const read: string[] = [];
    const file = parseValidationFile("schemaFile: schemas/main.zed\nrelationships: ''\n", "/data/test.yaml", {
      readFile: (p) => {
        read.push(p);
        return "definition user {}\n";
      },
    });
    expect(read).toEqual(["/data/schemas/main.zed"]);
    expect(file.schema).toMatchObject({
      text: "definition user {}\n",
      file: "/data/schemas/main.zed",
      line: 1,
    });
  });
});

describe("bad input", () => {
  test("an unknown key names the key and its place", () => {
    const e = failure(() => parseValidationFile("schema: ''\nrelations: ''\n", "f.yaml"));
    expect(e.kind).toBe("input");
    expect(e.message).toMatch(/unknown key `relations`/);
    expect(e.place).toMatchObject({ file: "f.yaml", line: 2, column: 1 });
  });

  test("every malformed tuple is reported at once, each at its line and column", () => {
    const text = [
      "schema: ''",
      "relationships: |-",
      "  doc:a#reader@user:x",
      "  doc:a#reader user:y",
      "  doc:b#reader@user:x",
      "  doc:b#r@user:x",
      "assertions:",
      "  assertTrue:",
      '    - "doc:a#reader"',
      "",
    ].join("\n");
    const e = failure(() => parseValidationFile(text, "f.yaml"));
    const all = problems(e);
    expect(all.map((p) => [p.place?.line, p.place?.column])).toEqual([
      [4, 3],
      [6, 9],
      [9, 8],
    ]);
    expect(all[0]!.message).toMatch(/invalid relationship `doc:a#reader user:y`/);
    expect(all[1]!.message).toMatch(/invalid relation name `r`/);
    expect(all[0]!.describe()).toContain("f.yaml:4:3");
    expect(e.message).toMatch(/3 errors/);
  });

  test("a repeated relationship is refused, as SpiceDB does", () => {
    const e = failure(() =>
      parseValidationFile(
        "schema: ''\nrelationships: |-\n  doc:a#reader@user:x\n  doc:a#reader@user:x#...\n",
      ),
    );
    expect(e.message).toMatch(/repeated relationship/);
    expect(e.place).toMatchObject({ line: 4, column: 3 });
  });

  test("a malformed validation string names its subject", () => {
    const text = 'schema: ""\nvalidation:\n  doc:a#view:\n    - "[user:x - {user:y}] is <doc:a#view>"\n';
    const e = failure(() => parseValidationFile(text));
    expect(e.message).toMatch(/only a wildcard/);
    // At the subject, inside the brackets.
    expect(e.place).toMatchObject({ line: 4, column: 9 });
  });

  // Caveats used to be refused here; issue 15 made the engine answer them.
  test("assertCaveated, `with {context}`, caveated relationships and their mistakes", () => {
    const text =
      'schema: ""\nrelationships: |-\n  doc:a#viewer@user:x[cav:{"k": [1, 2]}][expiration:2030-01-01T00:00:00.000+01:00]\nassertions:\n  assertCaveated:\n    - "doc:a#view@user:x"\n  assertTrue:\n    - \'doc:a#view@user:x with {"k": 1}\'\n';
    const file = parseValidationFile(text);
    expect(file.relationships[0]!.relationship).toMatchObject({
      caveat: { name: "cav", context: { k: [1, 2] } },
      expiresAt: "2029-12-31T23:00:00Z",
    });
    expect(file.assertCaveated.map((a) => a.relationship.subject.id)).toEqual(["x"]);
    expect(file.assertTrue[0]!.context).toEqual({ k: 1 });
    const badContext = 'schema: ""\nassertions:\n  assertTrue:\n    - \'doc:a#view@user:x with {"k": }\'\n';
    expect(failure(() => parseValidationFile(badContext)).message).toMatch(
      /invalid caveat context in assertion/,
    );
    const caveatInCheck = 'schema: ""\nassertions:\n  assertTrue:\n    - "doc:a#view@user:x[cav]"\n';
    expect(failure(() => parseValidationFile(caveatInCheck)).message).toMatch(/an assertion names a check/);
    const badTime = 'schema: ""\nrelationships: |-\n  doc:a#viewer@user:x[expiration:tomorrow]\n';
    expect(failure(() => parseValidationFile(badTime)).message).toMatch(/invalid expiration `tomorrow`/);
  });

  test("YAML syntax errors carry their place", () => {
    const e = failure(() => parseValidationFile('schema: "x\nrelationships: [\n', "f.yaml"));
    expect(e.message).toMatch(/invalid YAML/);
    expect(problems(e)[0]!.place?.file).toBe("f.yaml");
    expect(problems(e)[0]!.place?.line).toBeGreaterThanOrEqual(1);
  });

  test("schema and schemaFile together, and a schemaFile outside the folder", () => {
    expect(failure(() => parseValidationFile("schema: x\nschemaFile: y.zed\n")).message).toMatch(
      /only one of/,
    );
    expect(failure(() => parseValidationFile("schemaFile: ../y.zed\n", "/data/f.yaml")).message).toMatch(
      /not local/,
    );
  });

  test("a missing schema", () => {
    expect(failure(() => parseValidationFile("relationships: ''\n")).message).toMatch(/missing `schema`/);
  });
});
