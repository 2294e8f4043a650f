import type { Command } from "commander";
import { formatDivergenceReport } from "../../rollout/divergence-report.js";
import type { ReplayReport } from "../../rollout/replay.js";
import { contextOf, type GlobalOptions, withGatehouse } from "../context.js";
import { wholeNumber } from "./shadow.js";

function heading(r: ReplayReport): string {
  const window = r.since === null ? "an empty decision log" : `decisions from ${r.since} to ${r.until}`;
  // A candidate's answers are replayed as questions only; say how many there were.
  const { thisCandidate, otherCandidates } = r.answeredBy;
  const candidates = [
    ...(thisCandidate > 0 ? [`${thisCandidate} answered by this change's candidate during its rollout`] : []),
    ...(otherCandidates > 0 ? [`${otherCandidates} by other rollouts' candidates`] : []),
  ];
  return `replay of change ${r.candidate.change} over ${window} at revision ${r.revision}: ${r.checks} decisions (${r.distinct} distinct checks, ${r.evaluated} the change could move${candidates.length > 0 ? `; ${candidates.join(", ")}` : ""}), ${r.wouldBlock} would be blocked, ${r.wouldAllow} would be let in`;
}

export function registerReplay(program: Command, globals: () => GlobalOptions): void {
  program
    .command("replay")
    .argument("<change-id>", "a change not yet applied (schema and/or data)")
    .option("--since <duration>", "only decisions of the last 30m, 24h, 7d ... (default: the whole log)")
    .description(
      "evaluate the recorded decision log against a change: which decisions would come out differently",
    )
    .action(async (id: string, options) => {
      const context = contextOf(globals());
      const report = await withGatehouse(context, (g) =>
        g.replay(wholeNumber(id, "a change id"), { since: options.since }),
      );
      context.out.result(() => formatDivergenceReport(report, heading(report)), report);
    });
}
