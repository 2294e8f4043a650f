import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * `npm run bench [-- --scale N] [--no-spicedb] [--markdown] [--all-parts]`: every part of the
 * benchmark, one process each (so no part's data or garbage weighs on the next), with the
 * arguments each understands: all of them at the same scale, SpiceDB and Markdown for the engine
 * part. (A plain `&&` chain in package.json would hand the arguments to the last part only.)
 *
 * Above scale 1 (`--scale 10` is about 10M relationships) the run is the cost curve: cost-curve.js
 * against its cached stores at scale 1 and N, then the engine part without SpiceDB (its in-memory
 * datastore takes too long to load that much here) and the plans. The other parts each import their
 * own store of that size (minutes each, with the whole text in memory); `--all-parts` runs them.
 */
const args = process.argv.slice(2);
let scale = "1";
const runArgs: string[] = [];
let allParts = false;
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === "--scale") scale = args[++i] ?? "";
  else if (arg.startsWith("--scale=")) scale = arg.slice("--scale=".length);
  else if (arg === "--no-spicedb" || arg === "--markdown") runArgs.push(arg);
  else if (arg === "--all-parts") allParts = true;
  else {
    console.error(`unknown argument ${arg}: expected --scale N, --no-spicedb, --markdown, --all-parts`);
    process.exit(2);
  }
}
if (!(Number(scale) > 0)) {
  console.error(`--scale needs a positive number, got ${scale}`);
  process.exit(2);
}

const large = Number(scale) > 1;
if (large && !runArgs.includes("--no-spicedb")) {
  console.error(`scale ${scale}: the SpiceDB comparison is left out (too slow to load at this size)`);
  runArgs.push("--no-spicedb");
}
const costCurve = ["cost-curve.js", "--scale", scale, "--base", String(Math.min(1, Number(scale)))];
// Above scale 1 the cost curve goes first: it reuses its cached stores, where the engine part
// imports its own store of that size, so a failure there does not cost the curve.
const parts: string[][] = [
  ...(large ? [costCurve] : []),
  ["--expose-gc", "run.js", "--scale", scale, ...runArgs],
  ["plans-main.js", scale],
  ...(large && !allParts
    ? []
    : [
        ["shadow.js", "--scale", scale],
        ["decision-log.js", "--scale", scale],
        ["http-load.js", scale],
        ["guarded-writes.js", "--scale", scale],
      ]),
];
if (large && !allParts)
  console.error(
    `scale ${scale}: shadow, decision-log, http-load and guarded-writes are left out (each imports its own store of this size; --all-parts runs them)`,
  );
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
