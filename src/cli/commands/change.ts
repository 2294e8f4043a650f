import type { Command } from "commander";
import { type DeletionFacts, formatDeletionFacts } from "../../changes/deletion-facts.js";
import type { MergeFacts } from "../../changes/merge.js";
import type { Plan } from "../../changes/plan.js";
import type { UsersetRows } from "../../changes/userset-subjects.js";
import type { AccessCondition, AccessRow } from "../../engine/access-diff.js";
import { GatehouseError } from "../../model/errors.js";
import { formatRelationship } from "../../model/relationship.js";
import { parseFilter } from "../../service/filter-text.js";
import type { ChangeRecord, ChangeSpec } from "../../service/records.js";
import { type PlanView, planJson } from "../../service/views/change.js";
import { contextOf, type GlobalOptions, parseRevision, readInput, withOperations } from "../context.js";
import { EXIT } from "../exit-codes.js";

function changeId(text: string): number {
  if (!/^\d+$/.test(text)) throw new GatehouseError("usage", `a change id is a number, got \`${text}\``);
  return Number(text);
}

export function registerChange(program: Command, globals: () => GlobalOptions): void {
  const change = program
    .command("change")
    .description("propose, plan, approve, apply and revert permission changes");

  change
    .command("propose")
    .argument("<file>", "a change file (YAML), or - for standard input")
    .description("store a change; prints its id on the first line")
    .action(async (file: string) => {
      const context = contextOf(globals());
      const input = readInput(file);
      const record = await withOperations(context, (o) =>
        o.proposeChange(context.tenant, input.text, input.file),
      );
      context.out.result(
        `${record.id}\nproposed change ${record.id} (${record.intent}) in tenant \`${record.tenant}\`; next: gatehouse change plan ${record.id}`,
        {
          id: record.id,
          tenant: record.tenant,
          intent: record.intent,
          state: record.state,
        },
      );
    });

  change
    .command("plan")
    .argument("<id>", "change id")
    .option("--limit <n>", "rows to show of each list (human output)", "50")
    .option("--offset <n>", "rows to skip (human output)", "0")
    .description("compute exactly who gains and who loses access, and what the guards say")
    .action(async (id: string, options) => {
      const context = contextOf(globals());
      const limit = parseRevision(options.limit, "--limit") ?? 50;
      const offset = parseRevision(options.offset, "--offset") ?? 0;
      const { plan, reason } = await withOperations(context, (o) => {
        context.out.progress(`planning change ${id} at ${o.where}…`);
        return o.planChange(changeId(id));
      });
      context.out.doneProgress();
      context.out.result(() => formatPlanView(plan, reason, offset, limit), plan);
      if (plan.blocked) process.exitCode = EXIT.refused;
    });

  change
    .command("approve")
    .argument("<id>", "change id")
    .option("--plan <plan>", "the id of the plan you reviewed; refused when the change has a newer plan")
    .option("--comment <text>", "why you approve")
    .description(
      "approve a planned change's newest plan, or the plan --plan names (as --as; never the author)",
    )
    .action(async (id: string, options) => {
      const context = contextOf(globals());
      const { approval: plan, by } = await withOperations(context, (o) =>
        o.approveChange(changeId(id), {
          ...(options.plan !== undefined ? { plan: String(options.plan) } : {}),
          ...(options.comment ? { comment: options.comment } : {}),
        }),
      );
      // A bare approve approved whatever the newest plan was: say what that is.
      context.out.result(
        `change ${plan.id}: ${by} approved plan ${plan.approved} (planned at revision ${plan.baseRevision}: ${plan.gained.length} gained, ${plan.lost.length} lost${plan.changedPermissions.length ? `; schema changes ${plan.changedPermissions.join(", ")}` : ""}); approvals ${plan.approvals.given} of ${plan.approvals.needed} needed; ${plan.blocked ? `still blocked: ${plan.blockedBecause.join("; ")}` : `ready: gatehouse change apply ${plan.id}`}`,
        plan,
      );
    });

  change
    .command("withdraw")
    .argument("<id>", "change id")
    .option("--reason <text>", "why")
    .description("end your own proposed or planned change (author only); it can no longer be applied")
    .action(async (id: string, options) => {
      const context = contextOf(globals());
      const { change: record, by } = await withOperations(context, (o) =>
        o.withdrawChange(changeId(id), options.reason || undefined),
      );
      context.out.result(`change ${record.id} withdrawn by ${by}`, record);
    });

  change
    .command("reject")
    .argument("<id>", "change id")
    .requiredOption("--reason <text>", "why, for the author")
    .description("end someone's proposed or planned change as a reviewer; it can no longer be applied")
    .action(async (id: string, options) => {
      const context = contextOf(globals());
      const { change: record, by } = await withOperations(context, (o) =>
        o.rejectChange(changeId(id), String(options.reason)),
      );
      context.out.result(`change ${record.id} rejected by ${by}: ${options.reason}`, record);
    });

  change
    .command("apply")
    .argument("<id>", "change id")
    .description("apply a planned change as one new revision (refused when blocked or stale)")
    .action(async (id: string) => {
      const context = contextOf(globals());
      const applied = await withOperations(context, (o) => {
        // A purge writes its export bundle and removes every revision's rows: it takes a while.
        context.out.progress(`applying change ${id} at ${o.where}…`);
        return o.applyChange(changeId(id));
      });
      context.out.doneProgress();
      const purge = applied.purge;
      context.out.result(
        purge
          ? `change ${applied.id} applied: ${purge.rows} rows of ${purge.relationships.length} relationships purged for good; export bundle ${purge.export.path} (sha256 ${purge.export.sha256})`
          : `change ${applied.id} applied at revision ${applied.revision}; undo it with: gatehouse change revert ${applied.id}`,
        applied,
      );
    });

  change
    .command("revert")
    .argument("<id>", "change id")
    .option("--reason <text>", "why")
    .description("write the exact inverse of an applied change as a new change, planned and applied")
    .action(async (id: string, options) => {
      const context = contextOf(globals());
      const { revert: plan, appliedRevision } = await withOperations(context, (o) =>
        o.revertChange(changeId(id), options.reason || undefined),
      );
      const conflicts =
        plan.conflicts.length > 0
          ? `\nconflicts (left as they are):\n${plan.conflicts.map((c) => `  ${c}`).join("\n")}`
          : "";
      const pending = plan.existing
        ? `change ${id} already has a pending revert, change ${plan.id} (${plan.state}): `
        : "";
      context.out.result(
        plan.applied
          ? `change ${id} reverted by change ${plan.id} at revision ${appliedRevision}: ${plan.gained.length} accesses restored, ${plan.lost.length} removed${conflicts}`
          : plan.blocked
            ? `${pending}revert change ${plan.id} was planned but is blocked: ${plan.blockedBecause.join("; ")}${conflicts}`
            : `${pending}it is not applied yet: gatehouse change apply ${plan.id}${conflicts}`,
        plan,
      );
      if (!plan.applied) process.exitCode = EXIT.refused;
    });

  change
    .command("list")
    .option("--state <state>", "only changes in this state")
    .option("--all-tenants", "changes of every tenant")
    .description("list changes, newest first")
    .action(async (options) => {
      const context = contextOf(globals());
      const rows = await withOperations(context, (o) =>
        o.listChanges({
          ...(options.allTenants ? {} : { tenant: context.tenant }),
          ...(options.state ? { state: options.state } : {}),
        }),
      );
      context.out.result(
        () =>
          rows.length === 0
            ? "no changes"
            : rows
                .map(
                  (c) =>
                    `${String(c.id).padStart(4)}  ${c.state.padEnd(9)} ${c.intent.padEnd(9)} ${c.tenant.padEnd(12)} ${c.author.padEnd(10)} ${c.createdAt}  ${c.reason}`,
                )
                .join("\n"),
        rows,
      );
    });

  change
    .command("show")
    .argument("<id>", "change id")
    .description("a change's whole history: who proposed, planned, approved, applied, reverted; when and why")
    .action(async (id: string) => {
      const context = contextOf(globals());
      const record = await withOperations(context, (o) => o.showChange(changeId(id)));
      // The spec as stored: relationships as objects, which JSON keeps as they are.
      const spec = record.spec as unknown as ChangeSpec;
      context.out.result(
        () =>
          [
            `change ${record.id}: ${record.intent} in tenant \`${record.tenant}\`, ${record.state}`,
            `reason: ${record.reason}`,
            `proposed by ${record.author} at ${record.createdAt}`,
            ...(spec.writes.length ? [`write: ${spec.writes.map(formatRelationship).join(", ")}`] : []),
            ...(spec.deletes.length ? [`delete: ${spec.deletes.map(formatRelationship).join(", ")}`] : []),
            ...(spec.deleteWhere.length ? [`delete where: ${JSON.stringify(spec.deleteWhere)}`] : []),
            ...(spec.schema ? ["schema: a new version (see --json)"] : []),
            ...(record.appliedRevision !== null ? [`applied at revision ${record.appliedRevision}`] : []),
            ...(record.revertOf !== null ? [`reverts change ${record.revertOf}`] : []),
            ...(record.revertedBy !== null ? [`reverted by change ${record.revertedBy}`] : []),
            "history:",
            ...record.history.map(
              (a) =>
                `  ${a.at}  ${a.action.padEnd(15)} ${a.actor}${a.revision !== null ? ` @${a.revision}` : ""}${a.reason ? `  ${a.reason}` : ""}`,
            ),
          ].join("\n"),
        record,
      );
    });

  program
    .command("restore")
    .requiredOption("--to-revision <revision>", "the revision to bring live relationships back to")
    .argument("[resource]", "filter: resource type, optionally with id")
    .argument("[relation]", "filter: relation")
    .argument("[subject]", "filter: subject type, optionally with id and relation")
    .option("--reason <text>", "why")
    .description(
      "propose the change that brings live relationships back to their state at a revision; prints its id",
    )
    .action(
      async (
        resource: string | undefined,
        relation: string | undefined,
        subject: string | undefined,
        options,
      ) => {
        const context = contextOf(globals());
        const toRevision = parseRevision(options.toRevision, "--to-revision")!;
        parseFilter(resource, relation, subject); // a malformed filter is refused here, in both modes
        const {
          change: record,
          writes,
          deletes,
        } = await withOperations(context, (o) =>
          o.proposeRestore(
            context.tenant,
            toRevision,
            { resource, relation, subject },
            options.reason || undefined,
          ),
        );
        context.out.result(
          `${record.id}\nproposed restore change ${record.id}: ${writes} to write back, ${deletes} to delete; next: gatehouse change plan ${record.id}`,
          { id: record.id, writes, deletes },
        );
      },
    );

  const guards = program.command("guards").description("the rules every plan is checked against");
  guards
    .command("write")
    .argument("<file>", "a guards file (YAML)")
    .description("store a new version of the guards")
    .action(async (file: string) => {
      const context = contextOf(globals());
      const input = readInput(file);
      const { version } = await withOperations(context, (o) => o.writeGuards(input.text, input.file));
      context.out.result(`guards version ${version} written`, { version });
    });
  guards
    .command("read")
    .description("print the guards in force")
    .action(async () => {
      const context = contextOf(globals());
      const guards = await withOperations(context, (o) => o.readGuards());
      context.out.result(
        guards.version !== null
          ? guards.text.trimEnd()
          : `# no guards written; in force by default:\n${guards.text.trimEnd()}`,
        guards,
      );
    });
}

/** What a lifecycle change is about, first: a reviewer must see what a deletion takes away. */
function lifecycleLines(plan: PlanView): string[] {
  const lines: string[] = [];
  // The facts travel as JSON objects (the view types them loosely): these are their shapes.
  if (plan.deletion) lines.push("", ...formatDeletionFacts(plan.deletion as unknown as DeletionFacts));
  if (plan.merge) {
    const m = plan.merge as unknown as MergeFacts;
    lines.push(
      "",
      `merge of \`${m.from}\` into \`${m.into}\`: ${m.moved} relationship${m.moved === 1 ? "" : "s"} move`,
      `  \`${m.into}\` gains ${m.intoGains.length} access${m.intoGains.length === 1 ? "" : "es"}${
        m.intoGains.length
          ? `: ${m.intoGains
              .slice(0, 5)
              .map((r) => `${r.permission} on ${r.resource} for ${r.subject}`)
              .join(", ")}${m.intoGains.length > 5 ? ", …" : ""}`
          : ""
      }`,
      m.othersChanged === 0
        ? "  nobody else's access changes"
        : `  ${m.othersChanged} access${m.othersChanged === 1 ? "" : "es"} of other subjects change (see the lists below)`,
    );
  }
  if (plan.purge) {
    const p = plan.purge;
    lines.push(
      "",
      `purge of ${p.scope === "tenant" ? "tenant " : ""}\`${p.target}\`: ${p.relationships.length} relationship${p.relationships.length === 1 ? "" : "s"} (${p.rows} rows, every revision) removed for good, deleted by change ${p.deletions.join(", ")}`,
      `  export bundle: ${p.export.path} (${p.export.bytes} bytes)`,
      `  sha256: ${p.export.sha256}`,
      `  retention: ${p.retentionDays} days, ended ${p.possibleFrom}`,
    );
  }
  return lines;
}

/** How a row over caveated or expiring data qualifies its access (see AccessRow). */
function conditionText(r: AccessRow): string {
  const on = (c: AccessCondition) =>
    `${c.caveats.map((k) => (k.context ? `${k.name}:${JSON.stringify(k.context)}` : k.name)).join(", ")}; missing ${c.missing.join(", ")}`;
  const parts = [
    r.conditional ? `conditional on ${on(r.conditional)}` : "",
    r.stillConditional ? `still conditional on ${on(r.stillConditional)}` : "",
    r.wasConditional ? `was conditional on ${on(r.wasConditional)}` : "",
    r.until ? `until ${r.until}` : "",
  ].filter(Boolean);
  return parts.length > 0 ? `  [${parts.join("; ")}]` : "";
}

function row(r: AccessRow): string {
  const except = r.except && r.except.length > 0 ? `  (except ${r.except.join(", ")})` : "";
  return `  ${r.tenant.padEnd(12)} ${r.resource.padEnd(28)} ${r.permission.padEnd(12)} ${r.subject}${except}${conditionText(r)}`;
}

/** Examples of userset rows shown in the text output (`--json` has them all). */
const USERSET_EXAMPLES = 5;

/**
 * Answers for userset subjects (`check doc:1 view group:eng#member`) the change flips: a count
 * by type and permission and a few examples. Nothing when there are none.
 */
function usersetLines(plan: PlanView): string[] {
  const usersets = plan.usersets as unknown as UsersetRows;
  if (usersets.gained.length + usersets.lost.length === 0) return [];
  const lines = [
    "",
    `userset subjects: ${usersets.gained.length} gained, ${usersets.lost.length} lost (checks naming a userset, such as group:eng#member, answer differently)`,
    "  tenant       type         permission   gained   lost",
  ];
  for (const s of usersets.summary)
    lines.push(
      `  ${s.tenant.padEnd(12)} ${s.resourceType.padEnd(12)} ${s.permission.padEnd(12)} ${String(s.gained).padStart(6)} ${String(s.lost).padStart(6)}`,
    );
  for (const [title, rows] of [
    ["lost", usersets.lost],
    ["gained", usersets.gained],
  ] as const) {
    if (rows.length === 0) continue;
    const shown = rows.slice(0, USERSET_EXAMPLES);
    lines.push(
      `  ${title}${shown.length < rows.length ? ` (first ${shown.length} of ${rows.length}; --json for all)` : ""}:`,
    );
    lines.push(...shown.map((r) => `  ${row(r)}`));
  }
  return lines;
}

/** A plan as the library holds it, formatted as `change plan` prints it. */
export function formatPlan(c: ChangeRecord, plan: Plan, offset = 0, limit = 50): string {
  return formatPlanView(planJson(c, plan), c.reason, offset, limit);
}

/** A plan as both modes answer it (the view), with its change's reason. */
export function formatPlanView(plan: PlanView, reason: string, offset = 0, limit = 50): string {
  const lines = [
    `change ${plan.id} (${plan.intent}) in tenant \`${plan.tenant}\`, planned at revision ${plan.baseRevision}${plan.planId ? ` as plan ${plan.planId}` : ""}`,
    `reason: ${reason}`,
    ...lifecycleLines(plan),
    "",
    `data: ${plan.data.writes.length} to write, ${plan.data.deletes.length} to delete${plan.changedPermissions.length ? `; schema changes ${plan.changedPermissions.join(", ")}` : ""}`,
    `access: ${plan.gained.length} gained, ${plan.lost.length} lost`,
  ];
  if (plan.summary.length > 0) {
    lines.push("", "  tenant       type         permission   gained   lost  resources  subjects");
    for (const s of plan.summary) {
      lines.push(
        `  ${s.tenant.padEnd(12)} ${s.resourceType.padEnd(12)} ${s.permission.padEnd(12)} ${String(s.gained).padStart(6)} ${String(s.lost).padStart(6)} ${String(s.resources).padStart(10)} ${String(s.subjects).padStart(9)}`,
      );
    }
  }
  lines.push(...usersetLines(plan));
  lines.push("", "guards:");
  for (const g of plan.guards) lines.push(`  ${g.passed ? "✓" : "✗"} ${g.name}: ${g.message}`);
  if (plan.guards.length === 0) lines.push("  (none)");
  lines.push(
    `approvals: ${plan.approvals.given} of ${plan.approvals.needed} needed${plan.approvals.by.length ? ` (${plan.approvals.by.join(", ")})` : ""}`,
  );
  if (plan.conflicts.length > 0) lines.push("conflicts:", ...plan.conflicts.map((x) => `  ${x}`));
  lines.push(
    plan.blocked
      ? `BLOCKED: ${plan.blockedBecause.join("; ")}`
      : `ready to apply: gatehouse change apply ${plan.id}`,
  );
  for (const [title, rows] of [
    ["lost", plan.lost],
    ["gained", plan.gained],
  ] as const) {
    if (rows.length === 0) continue;
    const page = rows.slice(offset, offset + limit);
    lines.push(
      "",
      `${title} (${rows.length}${page.length < rows.length ? `, showing ${offset + 1}-${offset + page.length}; --offset/--limit for more, --json for all` : ""}):`,
    );
    lines.push(...page.map(row));
  }
  return lines.join("\n");
}
