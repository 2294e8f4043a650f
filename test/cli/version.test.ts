import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { packageVersion } from "../../src/cli/version.js";

describe("packageVersion", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const tree = (...folders: string[]): string => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-version-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "gatehouse-authz", version: "9.8.7" }));
    const at = join(dir, ...folders);
    mkdirSync(at, { recursive: true });
    return join(at, "version.js");
  };

  it("reads the package.json two levels above the published dist/cli/", () => {
    expect(packageVersion(pathToFileURL(tree("dist", "cli")))).toBe("gatehouse 9.8.7");
  });

  // The benchmark starts `gatehouse serve` from dist-bench/src/cli/, one level deeper: it failed
  // at start-up looking for dist-bench/package.json.
  it("reads it three levels above the benchmark's dist-bench/src/cli/", () => {
    expect(packageVersion(pathToFileURL(tree("dist-bench", "src", "cli")))).toBe("gatehouse 9.8.7");
  });

  it("answers with the running package's version from the sources", () => {
    expect(packageVersion()).toMatch(/^gatehouse \d+\.\d+\.\d+/);
  });
});
