import { benchPlans } from "./plans.js";
import { Workload } from "./workload.js";

// `node dist-bench/bench/plans-main.js [scale]`: the plan benchmark alone.
const scale = Number(process.argv[2] ?? "1");
const workload = new Workload({ scale });
const figures = benchPlans(workload, (line) => console.error(line));
console.log(JSON.stringify({ scale, relationships: workload.size, ...figures }, null, 2));
