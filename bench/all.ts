import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * `npm run bench [-- --scale N] [--no-spicedb] [--markdown]`: every part of the benchmark, one
 * process each (so no part's data or garbage weighs on the next), with the arguments each
 * understands: all of them at the same scale, SpiceDB and Markdown for the engine part.
 * (A plain `&&` chain in package.json would hand the arguments to the last part only.)
 */
const args = process.argv.slice(2);
let scale = "1";
const runArgs: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === "--scale") scale = args[++i] ?? "";
  else if (arg.startsWith("--scale=")) scale = arg.slice("--scale=".length);
  else if (arg === "--no-spicedb" || arg === "--markdown") runArgs.push(arg);
  else {
    console.error(`unknown argument ${arg}: expected --scale N, --no-spicedb, --markdown`);
    process.exit(2);
  }
}
if (!(Number(scale) > 0)) {
  console.error(`--scale needs a positive number, got ${scale}`);
  process.exit(2);
}

const parts: string[][] = [
  ["--expose-gc", "run.js", "--scale", scale, ...runArgs],
  ["plans-main.js", scale],
  ["shadow.js", "--scale", scale],
  ["decision-log.js", "--scale", scale],
  ["http-load.js", scale],
  ["guarded-writes.js", "--scale", scale],
];
for (const part of parts) {
  const [first, ...rest] = part;
  const argv =
    first === "--expose-gc"
      ? [first, join(import.meta.dirname, rest[0]!), ...rest.slice(1)]
      : [join(import.meta.dirname, first!), ...rest];
  const result = spawnSync(process.execPath, argv, { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`benchmark part ${part.join(" ")} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
