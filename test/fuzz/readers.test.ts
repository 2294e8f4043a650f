import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseChangeFile } from "../../src/changes/change-file.js";
import { parseGuards } from "../../src/changes/guards.js";
import { GatehouseError } from "../../src/model/errors.js";
import { parseObject, parseRelationship, parseSubject } from "../../src/model/relationship.js";
import { formatSchema, parseSchema } from "../../src/schema/schema.js";
import { parseFilter } from "../../src/service/filter-text.js";
import { parseTupleLines } from "../../src/service/tuple-lines.js";
import { parseValidationFile } from "../../src/service/validation-file.js";
import { FUZZ_TIMEOUT, fuzzOptions } from "./fuzz-budget.js";

/**
 * Property-based fuzzing of every reader of user text: whatever the input, a reader returns or
 * refuses with a GatehouseError of kind `input` or `limit` that names where (a line or a field).
 * A RangeError, a TypeError or any other escape is a finding; so is a refusal without a place.
 */
function readsOrRefuses(run: () => unknown, kinds = ["input", "limit"]): "read" | "refused" {
  try {
    run();
    return "read";
  } catch (error) {
    if (!(error instanceof GatehouseError)) throw error;
    expect(kinds).toContain(error.kind);
    const place = error.place;
    expect(place?.line !== undefined || place?.field !== undefined, `no place in: ${error.message}`).toBe(
      true,
    );
    return "refused";
  }
}

/** Splices random text into a valid example: near-misses reach deeper than random strings. */
function mutated(examples: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.nat({ max: 8 }),
    insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PUNCTUATION)),
  });
  return fc
    .tuple(fc.constantFrom(...examples), fc.array(edit, { minLength: 1, maxLength: 4 }))
    .map(([text, edits]) =>
      edits.reduce((t, e) => {
        const at = e.at % (t.length + 1);
        return t.slice(0, at) + e.insert + t.slice(at + e.remove);
      }, text),
    );
}

const PUNCTUATION = [
  "(",
  ")",
  "{",
  "}",
  "[",
  "]",
  "#",
  "@",
  ":",
  "*",
  "|",
  "+",
  "-",
  "&",
  "->",
  ".",
  "...",
  "\n",
  " ",
  "\t",
  '"',
  "'",
  "/*",
  "*/",
  "//",
  "\\",
  "\u0000",
  "\u001b[31m",
  "é",
  "💥",
  "- ",
  ": ",
  "? ",
  "&a ",
  "*a",
  "!!str ",
  "%YAML 1.2\n",
  "---\n",
];

const NAMES = [
  "user",
  "doc",
  "folder",
  "group",
  "viewer",
  "editor",
  "owner",
  "member",
  "parent",
  "view",
  "edit",
  "nil",
  "any",
  "all",
  "x",
  "app/user",
];

/** Schema text from the language's own words in random order: most of it almost parses. */
const schemaWords = fc
  .array(
    fc.oneof(
      fc.constantFrom("definition", "relation", "permission", "caveat", "use", "with", "=", ...NAMES),
      fc.constantFrom(...PUNCTUATION),
    ),
    { maxLength: 60 },
  )
  .map((words) => words.join(" "));

/** Well-formed expressions of random shape, including deep ones. */
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(
      "viewer",
      "editor",
      "parent->view",
      "parent.all(view)",
      "parent.any(edit)",
      "nil",
      "view",
      "edit",
    ),
    fc.tuple(tie("e"), fc.constantFrom(" + ", " & ", " - "), tie("e")).map(([a, op, b]) => `${a}${op}${b}`),
    tie("e").map((a) => `(${a})`),
  ),
})).e;

const schemaOf = (view: string, edit: string) =>
  `definition user {}\n\ndefinition folder {\n\trelation parent: folder\n\trelation viewer: user | folder#viewer\n\trelation editor: user:*\n\tpermission view = ${view}\n\tpermission edit = ${edit}\n}\n\ndefinition doc {\n\trelation parent: folder\n\trelation viewer: user\n\tpermission view = viewer + parent->view\n}\n`;

const SCHEMA_EXAMPLES = [
  schemaOf("viewer + parent->view", "editor & viewer - parent.all(view)"),
  "/** a user */\ndefinition user {}\ndefinition app/doc {\n  relation owner: user\n  permission view = owner + (owner - nil)\n}\n",
];

describe("regression cases the fuzzing found", () => {
  it("an empty validation file is refused at its first line", () => {
    for (const text of ["", "# only a comment\n", "[]\n"])
      expect(readsOrRefuses(() => parseValidationFile(text, "empty.yaml"))).toBe("refused");
  });

  it("a filter names the part it refuses, and refuses names no schema can hold", () => {
    expect(() => parseFilter("doc", "viewer", "user#member")).toThrow(
      expect.objectContaining({ kind: "usage", place: { field: "subject" } }),
    );
    expect(() => parseFilter("+5=\\WryAO")).toThrow(
      expect.objectContaining({ place: { field: "resource" } }),
    );
    expect(() => parseFilter("doc", "no such")).toThrow(
      expect.objectContaining({ place: { field: "relation" } }),
    );
    expect(() => parseFilter(undefined, undefined, "User")).toThrow(
      expect.objectContaining({ place: { field: "subject" } }),
    );
    expect(parseFilter("app/doc", "viewer", "user")).toEqual({
      resourceType: "app/doc",
      relation: "viewer",
      subjectType: "user",
    });
  });
});

describe("fuzzing the readers", () => {
  it(
    "the schema parser reads or refuses with a place, and what it reads prints and reads back the same",
    () => {
      const text = fc.oneof(
        fc.string({ maxLength: 200 }),
        schemaWords,
        mutated(SCHEMA_EXAMPLES),
        fc.tuple(expression, expression).map(([a, b]) => schemaOf(a, b)),
        fc
          .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom("(", " - viewer", "viewer - ("))
          .map(([n, piece]) => schemaOf(`viewer${piece.repeat(n)}`, "nil")),
      );
      fc.assert(
        fc.property(text, (t) => {
          if (readsOrRefuses(() => parseSchema(t, "fuzz.zed")) === "read") {
            const printed = formatSchema(t);
            expect(formatSchema(printed)).toBe(printed);
            parseSchema(printed);
          }
        }),
        fuzzOptions(400),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "relationship, object, subject and tuple-line readers read or refuse with a place",
    () => {
      const part = fc.oneof(fc.constantFrom(...NAMES, "*", "...", "d1", "u:1"), fc.string({ maxLength: 6 }));
      const tupleish = fc.oneof(
        fc.string({ maxLength: 60 }),
        fc
          .array(fc.oneof(part, fc.constantFrom(":", "#", "@", "[", "]", " ", "\r", "\t")), { maxLength: 12 })
          .map((parts) => parts.join("")),
        mutated(["doc:d1#viewer@user:u1", "doc:d1#viewer@group:eng#member", "doc:d1#viewer@user:*"]),
      );
      fc.assert(
        fc.property(tupleish, (t) => {
          const place = { field: "fuzz" };
          readsOrRefuses(() => parseRelationship(t, place));
          readsOrRefuses(() => parseObject(t, place));
          readsOrRefuses(() => parseSubject(t, place));
          readsOrRefuses(() => parseTupleLines(`${t}\n// c\n${t}`, "tuples.txt"));
        }),
        fuzzOptions(1000),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "the filter reader reads or refuses with a place",
    () => {
      const piece = fc.option(
        fc.oneof(
          fc.string({ maxLength: 20 }),
          mutated(["doc", "doc:d1", "user:u1#member", "viewer", "user:*"]),
        ),
        { nil: undefined },
      );
      fc.assert(
        fc.property(piece, piece, piece, (resource, relation, subject) => {
          // Filters come from command-line arguments: a malformed one is a usage error (exit 2).
          readsOrRefuses(() => parseFilter(resource, relation, subject), ["usage", "input"]);
        }),
        fuzzOptions(1000),
      );
    },
    FUZZ_TIMEOUT,
  );

  const CHANGE_EXAMPLES = [
    "tenant: acme\nintent: grant\nreason: give eng access\nwrite:\n  - doc:d1#viewer@user:u1\ndelete:\n  - doc:d2#viewer@user:u2\n",
    "intent: cleanup\nreason: drop stale\ndelete_where:\n  - resource: doc\n    relation: viewer\n    subject: user:u1\n",
    `intent: model\nreason: new model\nschema: |\n${schemaOf("viewer", "editor")
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n")}\n`,
  ];
  const GUARD_EXAMPLES = [
    "guards:\n  - name: small\n    kind: max-loss\n    subjects: 10\n    resources: 5\n  - name: neutral\n    kind: access-neutral\n    intents: [cleanup, merge]\n",
    "guards:\n  - name: editors-view\n    kind: subset\n    resourceType: doc\n    permission: edit\n    of: view\n  - name: keep\n    kind: assertions\n    tenant: acme\n    assertTrue:\n      - doc:d1#view@user:u1\n    assertFalse: []\n",
  ];
  const VALIDATION_EXAMPLES = [
    `schema: |\n  definition user {}\n  definition doc {\n    relation viewer: user\n    permission view = viewer\n  }\nrelationships: |\n  doc:d1#viewer@user:u1\nassertions:\n  assertTrue:\n    - doc:d1#view@user:u1\n  assertFalse:\n    - doc:d1#view@user:u2\nvalidation:\n  doc:d1#view:\n    - "[user:u1] is <doc:d1#viewer>"\n`,
  ];
  const keyed = (keys: readonly string[]) =>
    fc
      .dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 5 })
      .map((value) => stringify(value));
  const yamlText = (examples: readonly string[], keys: readonly string[]) =>
    fc.oneof(
      fc.string({ maxLength: 200 }),
      mutated(examples),
      keyed(keys),
      fc.jsonValue({ maxDepth: 5 }).map((v) => stringify(v)),
      fc
        .tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom("[", "{a: ", "- ", "  -\n"))
        .map(([n, piece]) => `${keys[0]}: ${piece.repeat(n)}x`),
    );

  it(
    "the change-file reader reads or refuses with a place",
    () => {
      const keys = ["tenant", "intent", "reason", "write", "delete", "delete_where", "schema"];
      fc.assert(
        fc.property(yamlText(CHANGE_EXAMPLES, keys), (t) => {
          readsOrRefuses(() => parseChangeFile(t, "change.yaml"));
        }),
        fuzzOptions(250),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "the guards-file reader reads or refuses with a place",
    () => {
      const guard = fc
        .dictionary(
          fc.constantFrom(
            "name",
            "kind",
            "intents",
            "subjects",
            "resources",
            "resourceType",
            "permission",
            "of",
            "tenant",
            "assertTrue",
            "assertFalse",
          ),
          fc.oneof(
            fc.jsonValue({ maxDepth: 2 }),
            fc.constantFrom(
              "max-loss",
              "max-gain",
              "subset",
              "assertions",
              "access-neutral",
              "doc:d1#view@user:u1",
              ["cleanup"],
            ),
          ),
        )
        .map((g) => stringify({ guards: [g] }));
      fc.assert(
        fc.property(fc.oneof(yamlText(GUARD_EXAMPLES, ["guards"]), guard), (t) => {
          readsOrRefuses(() => parseGuards(t, "guards.yaml"));
        }),
        fuzzOptions(400),
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    "the validation-file reader reads or refuses with a place",
    () => {
      const keys = ["schema", "relationships", "assertions", "validation", "schemaFile"];
      fc.assert(
        fc.property(yamlText(VALIDATION_EXAMPLES, keys), (t) => {
          readsOrRefuses(() =>
            parseValidationFile(t, "file.yaml", {
              readFile: () => {
                throw new GatehouseError("input", "no files here", { field: "schemaFile" });
              },
            }),
          );
        }),
        fuzzOptions(300),
      );
    },
    FUZZ_TIMEOUT,
  );
});
