import { existsSync, readFileSync } from "node:fs";

/**
 * The version in package.json, read beside the compiled code, so `gatehouse --version` cannot
 * drift from what was published. The nearest package.json above this file: `dist/cli/` has it two
 * levels up, the benchmark's `dist-bench/src/cli/` three (its servers are this CLI too).
 */
export function packageVersion(from: URL = new URL(import.meta.url)): string {
  for (let up = "../"; up.length <= 4 * 3; up += "../") {
    const file = new URL(`${up}package.json`, from);
    if (!existsSync(file)) continue;
    const { version } = JSON.parse(readFileSync(file, "utf8")) as { version: string };
    return `gatehouse ${version}`;
  }
  throw new Error(`no package.json above ${from.pathname}`);
}
