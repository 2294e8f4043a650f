import { formatDivergenceReport } from "../../rollout/divergence-report.js";
import { contextOf, withGatehouse } from "../context.js";
import { wholeNumber } from "./shadow.js";
function heading(r) {
    const window = r.since === null ? "an empty decision log" : `decisions from ${r.since} to ${r.until}`;
    return `replay of change ${r.candidate.change} over ${window} at revision ${r.revision}: ${r.checks} decisions (${r.distinct} distinct checks, ${r.evaluated} the change could move), ${r.wouldBlock} would be blocked, ${r.wouldAllow} would be let in`;
}
export function registerReplay(program, globals) {
    program
        .command("replay")
        .argument("<change-id>", "a change not yet applied (schema and/or data)")
        .option("--since <duration>", "only decisions of the last 30m, 24h, 7d ... (default: the whole log)")
        .description("evaluate the recorded decision log against a change: which decisions would come out differently")
        .action(async (id, options) => {
        const context = contextOf(globals());
        const report = await withGatehouse(context, (g) => g.replay(wholeNumber(id, "a change id"), { since: options.since }));
        context.out.result(() => formatDivergenceReport(report, heading(report)), report);
    });
}
//# sourceMappingURL=replay.js.map