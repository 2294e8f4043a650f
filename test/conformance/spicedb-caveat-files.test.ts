import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { compileSchema } from "../../src/schema/schema.js";
import { runValidationFile } from "../../src/service/validate.js";
import { loadValidationFile } from "../../src/service/validation-file.js";
import { startSpiceDB } from "../support/spicedb.js";
import { queriesFor } from "./compare.js";
import { type ContextQuery, compareAnswersWithSpiceDB } from "./compare-answers.js";

/**
 * SpiceDB's own caveat and expiration test files (../shared/conformance/spicedb-caveats): each
 * file's assertions (assertTrue, assertCaveated, assertFalse, with their contexts) must hold;
 * then for every object named, every relation and permission of its type and every subject
 * named, without context and with each context the assertions use, our answer (has permission,
 * no permission, or conditional naming the same missing parameters) must equal SpiceDB's,
 * explain must agree, and lookups must agree with checks.
 */
const directory = join(import.meta.dirname, "../../../shared/conformance/spicedb-caveats");
const files = readdirSync(directory)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

describe("SpiceDB caveat and expiration conformance files", () => {
  it("are all present", () => {
    expect(files.length).toBeGreaterThanOrEqual(16);
  });

  it.each(files)("%s answers as SpiceDB does", async (name) => {
    const file = loadValidationFile(join(directory, name));
    const report = runValidationFile(file);
    expect(report.failures).toEqual([]);

    const schema = compileSchema(file.schema.text);
    const relationships = file.relationships.map((r) => r.relationship);
    const engine = new Engine(schema);
    engine.tenant("default").apply(relationships, []);
    const assertions = [...file.assertTrue, ...file.assertCaveated, ...file.assertFalse];
    const plain = queriesFor(
      schema,
      relationships,
      assertions.map((a) => ({
        resource: a.relationship.resource,
        permission: a.relationship.relation,
        subject: a.relationship.subject,
      })),
    );
    const contexts = new Map<string, Readonly<Record<string, unknown>> | undefined>([["", undefined]]);
    for (const a of assertions) if (a.context) contexts.set(JSON.stringify(a.context), a.context);
    const queries: ContextQuery[] = [...contexts.values()].flatMap((context) =>
      plain.map((q) => ({ ...q, context })),
    );
    const spicedb = await startSpiceDB(file.schema.text, relationships);
    try {
      const comparison = await compareAnswersWithSpiceDB(engine, spicedb, queries);
      expect(comparison.mismatches).toEqual([]);
      expect(comparison.compared).toBeGreaterThan(0);
    } finally {
      spicedb.close();
    }
  });
});
