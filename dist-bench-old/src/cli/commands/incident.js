import { incidentMarkdown } from "../../changes/incident-markdown.js";
import { GatehouseError } from "../../model/errors.js";
import { contextOf, parseRevision, withGatehouse } from "../context.js";
import { wholeNumber } from "./shadow.js";
export function registerIncident(program, globals) {
    const incident = program.command("incident").description("evidence of what a harmful change did");
    incident
        .command("report")
        .description("who gained and who lost access through a change (or between two revisions), per tenant, and which of those accesses were used or denied while it was live (Markdown; --json)")
        .option("--change <id>", "an applied (or reverted) change: live from its apply until its revert, or until now")
        .option("--from-revision <n>", "with --to-revision: the access difference from this revision ...")
        .option("--to-revision <n>", "... to this one, and the checks answered at revisions after the first up to this one")
        .action(async (options) => {
        const context = contextOf(globals());
        const selector = selectorOf(options);
        const report = await withGatehouse(context, (g) => g.incidentReport(selector));
        context.out.result(() => incidentMarkdown(report), report);
    });
}
function selectorOf(options) {
    const from = parseRevision(options.fromRevision, "--from-revision");
    const to = parseRevision(options.toRevision, "--to-revision");
    if (options.change !== undefined) {
        if (from !== undefined || to !== undefined)
            throw new GatehouseError("usage", "give either --change or --from-revision and --to-revision, not both");
        return { change: wholeNumber(options.change, "a change id") };
    }
    if (from === undefined || to === undefined)
        throw new GatehouseError("usage", "incident report needs --change ID, or --from-revision A and --to-revision B");
    return { fromRevision: from, toRevision: to };
}
//# sourceMappingURL=incident.js.map