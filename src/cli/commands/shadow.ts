import type { Command } from "commander";
import { GatehouseError } from "../../model/errors.js";
import { formatDivergenceReport } from "../../rollout/divergence-report.js";
import type { ShadowReport } from "../../rollout/shadow.js";
import { shadowSessionJson } from "../../service/views/shadow.js";
import { contextOf, type GlobalOptions, withGatehouse } from "../context.js";

export function wholeNumber(text: string, what: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1)
    throw new GatehouseError("usage", `${what} is a whole number, 1 or more; got \`${text}\``);
  return Number(text);
}

export function shadowHeading(r: ShadowReport): string {
  const when = r.running
    ? `running since ${r.since} (started by ${r.startedBy})`
    : `${r.since} to ${r.until}`;
  return `shadow of change ${r.candidate.change} (session ${r.session}), ${when}: ${r.checks} checks observed, ${r.wouldBlock} would be blocked, ${r.wouldAllow} would be let in`;
}

export function registerShadow(program: Command, globals: () => GlobalOptions): void {
  const shadow = program
    .command("shadow")
    .description("evaluate a model change's schema beside the active one on every live check");

  shadow
    .command("start")
    .argument("<change-id>", "a model change not yet applied")
    .option("--reason <text>", "why")
    .description("start shadow evaluation: answers stay the active schema's; differences are counted")
    .action(async (id: string, options) => {
      const context = contextOf(globals());
      const session = await withGatehouse(context, (g) =>
        g.shadow.start(wholeNumber(id, "a change id"), { actor: context.actor, reason: options.reason }),
      );
      context.out.result(
        `shadow evaluation of change ${session.changeId} started (session ${session.id}); every check is now also evaluated under its schema`,
        shadowSessionJson(session),
      );
    });

  shadow
    .command("stop")
    .option("--reason <text>", "why")
    .description("stop shadow evaluation (its report stays readable)")
    .action(async (options) => {
      const context = contextOf(globals());
      const session = await withGatehouse(context, (g) =>
        g.shadow.stop({ actor: context.actor, reason: options.reason }),
      );
      context.out.result(
        `shadow evaluation of change ${session.changeId} stopped (session ${session.id}); \`gatehouse shadow report\` shows what it saw`,
        shadowSessionJson(session),
      );
    });

  shadow
    .command("report")
    .option("--session <id>", "an earlier session (default: the running one, else the newest)")
    .description("who would be blocked and who would be let in, out of how many checks, since when")
    .action(async (options) => {
      const context = contextOf(globals());
      const session = options.session !== undefined ? wholeNumber(options.session, "--session") : undefined;
      const report = await withGatehouse(context, (g) => g.shadow.report({ session }));
      context.out.result(() => formatDivergenceReport(report, shadowHeading(report)), report);
    });
}
