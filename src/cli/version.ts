import { readFileSync } from "node:fs";

/**
 * The version in package.json, read beside the compiled code (`dist/cli/` → `../../package.json`),
 * so `gatehouse --version` cannot drift from what was published.
 */
export function packageVersion(): string {
  const file = new URL("../../package.json", import.meta.url);
  const { version } = JSON.parse(readFileSync(file, "utf8")) as { version: string };
  return `gatehouse ${version}`;
}
