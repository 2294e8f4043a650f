import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The client's response types are the server's view schemas (`Static<>`), but the client runs in
// browsers and other programs: it may name server modules in types only, so that its compiled
// JavaScript imports nothing.
describe("the client", () => {
  it("imports server modules for types only", () => {
    const source = readFileSync(join(import.meta.dirname, "../../src/client/client.ts"), "utf8");
    const imports = source.match(/^import[\s\S]*?from\s+"[^"]+";/gm) ?? [];
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((line) => !line.startsWith("import type "))).toEqual([]);
    const reexports = source.match(/^export\s+(?!type\b)\{[^}]*\}\s+from/gm) ?? [];
    expect(reexports).toEqual([]);
  });
});
