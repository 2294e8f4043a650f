import { cachedSqliteStore } from "./cost-store.js";
import { Workload } from "./workload.js";

// `node dist-bench/bench/cost-store-main.js SCALE`: builds (or finds) the cost curve's cached
// SQLite store at that scale and prints its file; `cost-curve.js` does this itself when needed.
const scale = Number(process.argv[2] ?? "1");
const workload = new Workload({ scale });
const { file, stamp, built } = await cachedSqliteStore(workload, (line) => console.error(line));
console.log(JSON.stringify({ file, built, ...stamp }));
