import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { compileSchema } from "../../src/schema/schema.js";
import { runValidationFile } from "../../src/service/validate.js";
import { loadValidationFile } from "../../src/service/validation-file.js";
import { startSpiceDB } from "../support/spicedb.js";
import { compareWithSpiceDB, queriesFor } from "./compare.js";

/**
 * SpiceDB's own consistency test files (../shared/conformance/spicedb): for every object named in
 * a file, every relation and permission of its type and every subject named, our check must equal
 * SpiceDB's, explain must agree, and lookups must agree with checks. The files' own assertions
 * must hold too.
 */
const directory = join(import.meta.dirname, "../../../shared/conformance/spicedb");
const files = readdirSync(directory)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

describe("SpiceDB conformance files", () => {
  it("are all present", () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)("%s answers as SpiceDB does", async (name) => {
    const file = loadValidationFile(join(directory, name));
    const report = runValidationFile(file);
    expect(report.failures).toEqual([]);

    const schema = compileSchema(file.schema.text);
    const relationships = file.relationships.map((r) => r.relationship);
    const engine = new Engine(schema);
    engine.tenant("default").apply(relationships, []);
    const assertions = [...file.assertTrue, ...file.assertFalse].map((a) => ({
      resource: a.relationship.resource,
      permission: a.relationship.relation,
      subject: a.relationship.subject,
    }));
    const queries = queriesFor(schema, relationships, assertions);
    const spicedb = await startSpiceDB(file.schema.text, relationships);
    try {
      const comparison = await compareWithSpiceDB(engine, spicedb, queries);
      expect(comparison.mismatches).toEqual([]);
      expect(comparison.compared).toBeGreaterThan(0);
      if (process.env.CONFORMANCE_VERBOSE) console.log(name, comparison.compared, comparison.spicedbErrors);
    } finally {
      spicedb.close();
    }
  });
});
