import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const SCHEMA_MODULE = pathToFileURL(join(import.meta.dirname, "../../dist/schema/schema.js")).href;

/** Whether `@bufbuild/cel` is loaded after compiling `schema` in a fresh process (the built code). */
function celLoadedAfter(schema: string): boolean {
  const program = `
    import { createRequire } from "node:module";
    const { compileSchema } = await import(${JSON.stringify(SCHEMA_MODULE)});
    compileSchema(${JSON.stringify(schema)});
    const cache = createRequire(import.meta.url).cache;
    console.log(Object.keys(cache).some((k) => k.includes("@bufbuild/cel")));
  `;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  return run.stdout.trim() === "true";
}

/**
 * The CEL evaluator is loaded only when a schema has caveats: a plain `gatehouse permission
 * check` does not pay for it (about 3 MB of its ~95 MB peak memory, measured with
 * `/usr/bin/time -v`).
 */
describe("the CEL evaluator is loaded lazily", () => {
  it("is not loaded for a schema without caveats, and is for one with a caveat", () => {
    expect(celLoadedAfter("definition user {}\ndefinition doc {\n  relation viewer: user\n}")).toBe(false);
    expect(
      celLoadedAfter(
        "caveat on_level(level int) {\n  level > 2\n}\ndefinition user {}\ndefinition doc {\n  relation viewer: user with on_level\n}",
      ),
    ).toBe(true);
  });
});
