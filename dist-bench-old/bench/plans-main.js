import { benchPlans } from "./plans.js";
import { Workload } from "./workload.js";
// `node dist-bench/bench/plans-main.js [scale] [cleanup]`: the plan benchmark alone.
const scale = Number(process.argv[2] ?? "1");
const workload = new Workload({ scale });
// `cleanup` as a second argument skips the model change.
const figures = benchPlans(workload, (line) => console.error(line), { model: process.argv[3] !== "cleanup" });
console.log(JSON.stringify({ scale, relationships: workload.size, ...figures }, null, 2));
//# sourceMappingURL=plans-main.js.map