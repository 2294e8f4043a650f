import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");
/** The surfaces: each parses, calls one service operation, and prints or sends its result. */
const SURFACES = ["cli", "server", "client", "console", "spicedb"];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

describe("the layers of PRODUCT.md hold", () => {
  it("no surface imports the store or reaches it through a Gatehouse", () => {
    const found: string[] = [];
    for (const surface of SURFACES) {
      for (const file of sources(join(SRC, surface))) {
        const text = readFileSync(file, "utf8");
        const name = relative(SRC, file);
        for (const match of text.matchAll(/from\s+"([^"]+)"/g))
          if (/(^|\/)store\//.test(match[1]!)) found.push(`${name} imports ${match[1]}`);
        for (const match of text.matchAll(/\b(?:gatehouse|g)\.store\b/g))
          found.push(`${name} uses ${match[0]}`);
      }
    }
    expect(found).toEqual([]);
  });
});
