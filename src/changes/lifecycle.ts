import { Diagnostics, GatehouseError, type Place } from "../model/errors.js";
import { checkTenant } from "../model/names.js";
import {
  formatRelationship,
  parseObject,
  parseRelationship,
  type Relationship,
  relationshipKey,
} from "../model/relationship.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { typesHint } from "../schema/defined-types.js";
import { compileSchema } from "../schema/schema.js";
import { type ValidationPurpose, validateRelationship } from "../schema/validate-relationship.js";
import type { ApplyResult, ChangeRecord, ChangeSpec, ChangeState, Intent } from "../store/change-records.js";
import type { RelationshipFilter, Revision, Store } from "../store/store.js";
import type { Actor, ChangeContext } from "./change-context.js";
import type { ChangeFile } from "./change-file.js";
import { checkRestoreStillPossible } from "./deletion.js";
import { deletionFacts } from "./deletion-facts.js";
import { guardsInForce, type PlanGuard, parseGuards, planGuards } from "./guards.js";
import { addLiveDeletes, applyUpdates, resolveWrites } from "./live-relationship.js";
import { mergeExempt, mergeFacts } from "./merge.js";
import { orphanedShapes } from "./orphans.js";
import { computePlan, type Plan } from "./plan.js";
import { newPlanId } from "./plan-id.js";
import { applyPurge, purgeFacts } from "./purge.js";
import { addLiveRelationships } from "./subject-target.js";

export type { Actor, ChangeContext } from "./change-context.js";

/**
 * The lifecycle of a change: proposed, planned, approved, applied, reverted (or stale). Every
 * step is audited in the same transaction as the state it records.
 */
export class Changes {
  constructor(private readonly context: ChangeContext) {}

  private get store(): Store {
    return this.context.store;
  }

  private schema(): CompiledSchema {
    return this.context.engine.requireSchema();
  }

  // ---- propose -----------------------------------------------------------------------------

  /**
   * Stores a change after checking everything that can be checked now: the tenant, every tuple
   * against the schema (the change's own schema if it brings one), that deletes exist, that
   * filters name real types. Nothing is stored when anything is wrong.
   */
  async propose(
    file: ChangeFile,
    options: Actor & { tenant: string; intent?: Intent },
  ): Promise<ChangeRecord> {
    const tenant = checkTenant(file.tenant ?? options.tenant);
    await this.checkProposal(file, tenant);
    const intent = options.intent ?? file.intent;
    return this.store.createChange(
      { tenant, intent, reason: file.reason, author: options.actor, spec: file.spec },
      {
        actor: options.actor,
        action: "change.propose",
        tenant,
        target: "change",
        reason: file.reason,
        details: { intent },
      },
    );
  }

  /**
   * What `propose` checks against the store before it writes anything (the schema, that each
   * write fits it, that each delete exists): throws every problem with its place, or returns.
   * An editor calls it alone to check a change file as it is typed.
   */
  async checkProposal(file: ChangeFile, tenant: string): Promise<void> {
    await this.context.ready([tenant]);
    const diagnostics = new Diagnostics();
    let schema = this.schema();
    if (file.spec.schema !== null) {
      try {
        schema = compileSchema(file.spec.schema);
      } catch (error) {
        if (!(error instanceof GatehouseError)) throw error;
        diagnostics.errors.push(
          new GatehouseError(
            "input",
            `the change's schema is invalid: ${error.message}`,
            error.place,
            error.details,
          ),
        );
      }
    }
    const data = this.context.engine.tenant(tenant).data;
    file.spec.writes.forEach((r, i) => {
      this.validate(schema, r, file.places.writes[i], diagnostics);
    });
    file.spec.deletes.forEach((r, i) => {
      const place = file.places.deletes[i];
      if (this.validate(this.schema(), r, place, diagnostics, "delete") && !data.has(r)) {
        diagnostics.add(
          `cannot delete \`${formatRelationship(r)}\`: it does not exist in tenant \`${tenant}\``,
          place,
        );
      }
    });
    for (const filter of file.spec.deleteWhere) {
      if (!this.schema().typesByName.has(filter.resourceType ?? "")) {
        diagnostics.add(
          `\`delete_where\` names unknown type \`${filter.resourceType}\`${typesHint(this.schema())}`,
        );
      }
    }
    diagnostics.throwIfAny("nothing was proposed");
  }

  private validate(
    schema: CompiledSchema,
    r: Relationship,
    place: Place | undefined,
    diagnostics: Diagnostics,
    purpose: ValidationPurpose = "write",
  ): boolean {
    try {
      validateRelationship(schema, r, place, purpose);
      return true;
    } catch (error) {
      if (!(error instanceof GatehouseError)) throw error;
      diagnostics.errors.push(error);
      return false;
    }
  }

  // ---- plan ----------------------------------------------------------------------------------

  async get(id: number): Promise<ChangeRecord> {
    const change = await this.store.getChange(id);
    if (!change) throw new GatehouseError("not_found", `change ${id} does not exist`);
    return change;
  }

  async plan(id: number, options: Actor): Promise<{ change: ChangeRecord; plan: Plan }> {
    const change = await this.get(id);
    if (ENDED_STATES.includes(change.state)) {
      throw new GatehouseError(
        "conflict",
        `change ${id} is ${change.state}; only a change not yet applied, withdrawn or rejected can be planned`,
      );
    }
    const guards = await this.guards();
    const schemaChange = change.spec.schema !== null;
    const guardTenants = guards.flatMap((g) => (g.kind === "assertions" && g.tenant ? [g.tenant] : []));
    const allTenants = schemaChange ? await this.store.tenants() : [];
    const baseRevision = await this.context.ready([change.tenant, ...guardTenants, ...allTenants]);
    const { writes, deletes, conflicts } = await this.resolve(change);
    const lifecycle = LIFECYCLE_INTENTS.includes(change.intent)
      ? await this.store.getLifecycle(id)
      : undefined;
    if (lifecycle?.kind === "restore") await checkRestoreStillPossible(this.context, lifecycle);
    const mergeInto = lifecycle?.kind === "merge" ? (lifecycle.details as { into: string }).into : undefined;
    const schemaBefore = this.schema();
    const schemaAfter = schemaChange ? compileSchema(change.spec.schema!) : schemaBefore;
    if (schemaChange) {
      const orphans = orphanedShapes(schemaAfter, await this.store.relationshipShapes());
      if (orphans.length > 0)
        throw new GatehouseError("conflict", `change ${id} cannot be planned: ${orphans.join("; ")}`);
    }
    const computed = computePlan({
      changeId: id,
      tenant: change.tenant,
      intent: change.intent,
      baseRevision,
      engine: this.context.engine,
      schemaBefore,
      schemaAfter,
      writes,
      deletes,
      schemaTenants: allTenants,
      guards,
      conflicts,
      now: this.context.now(),
      ...(lifecycle && mergeInto !== undefined ? { exempt: [lifecycle.target, mergeInto] } : {}),
    });
    // Lifecycle changes carry the facts a reviewer needs on top of the access difference. The
    // deletion's facts are read from the index as it is before the change (computePlan has taken
    // its delta back out again).
    let facts: Omit<Plan, "approvals" | "blocked" | "blockedBecause"> = computed;
    if (lifecycle?.kind === "delete") {
      facts = {
        ...computed,
        deletion: deletionFacts({
          scope: lifecycle.scope,
          target: lifecycle.target,
          subject: lifecycle.scope === "subject" ? parseObject(lifecycle.target) : undefined,
          tenant: change.tenant,
          engine: this.context.engine,
          schema: schemaBefore,
          deletes,
          lost: computed.lost,
        }),
      };
    } else if (lifecycle?.kind === "merge" && mergeInto !== undefined) {
      facts = {
        ...computed,
        merge: mergeFacts(
          lifecycle.target,
          mergeInto,
          change.spec.writes.length,
          computed.gained,
          computed.lost,
        ),
      };
    } else if (lifecycle?.kind === "purge") {
      facts = { ...computed, purge: purgeFacts(lifecycle) };
    }
    // A new plan has a new id, and approvals name the plan they approve: none given so far
    // counts for this one (see `withApprovals`).
    const plan = withApprovals({ ...facts, planId: newPlanId() }, change, []);
    const updated = await this.store.updateChange(
      id,
      { state: "planned", plan, baseRevision },
      {
        actor: options.actor,
        action: "change.plan",
        tenant: change.tenant,
        target: `change:${id}`,
        reason: null,
        revision: baseRevision,
        details: {
          plan: plan.planId,
          gained: plan.gained.length,
          lost: plan.lost.length,
          blocked: plan.blocked,
          failedGuards: plan.guards.filter((g) => !g.passed).map((g) => g.name),
          ...(plan.deletion
            ? { holds: plan.deletion.relationships, othersLosing: plan.deletion.othersLosing.subjects }
            : {}),
          ...(plan.purge ? { export: plan.purge.export.path, sha256: plan.purge.export.sha256 } : {}),
        },
      },
    );
    return { change: updated, plan };
  }

  /** The relationships the change writes and deletes now, and what no longer fits. */
  private async resolve(
    change: ChangeRecord,
  ): Promise<{ writes: Relationship[]; deletes: Relationship[]; conflicts: string[] }> {
    const data = this.context.engine.tenant(change.tenant).data;
    const conflicts: string[] = [];
    const deletes = new Map<string, Relationship>();
    for (const r of addLiveDeletes(data, change.spec.deletes, deletes))
      conflicts.push(`\`${formatRelationship(r)}\` no longer exists; nothing to delete`);
    await addLiveRelationships(
      this.store,
      change.tenant,
      change.spec.deleteWhere as readonly RelationshipFilter[],
      deletes,
    );
    // A write of a tuple live with other traits is a replacing touch (a change of condition).
    const { writes, unchanged } = resolveWrites(data, change.spec.writes, deletes);
    if (change.intent === "revert" || change.intent === "restore")
      for (const r of unchanged)
        conflicts.push(`\`${formatRelationship(r)}\` exists again already; left as it is`);
    return { writes: [...writes.values()], deletes: [...deletes.values()], conflicts };
  }

  /** The guards a plan is held to: those in force, less the ones for direct writes. */
  private async guards(): Promise<readonly PlanGuard[]> {
    return planGuards(await guardsInForce(this.store));
  }

  // ---- approve and apply -------------------------------------------------------------------

  /**
   * Approves the plan `options.plan` names, which must be the change's newest: an approval
   * approves what its reviewer saw, and a reviewer who saw an older plan has not seen the
   * newest (a `conflict`, nothing recorded). Without `options.plan` (the CLI's bare `change
   * approve ID`) the newest plan is approved and returned, for the caller to say what it was.
   */
  async approve(
    id: number,
    options: Actor & { comment?: string; plan?: string },
  ): Promise<{ change: ChangeRecord; plan: Plan; approved: string }> {
    const change = await this.get(id);
    const plan = change.plan as Plan | null;
    if (!plan || (change.state !== "planned" && change.state !== "approved")) {
      throw new GatehouseError(
        "conflict",
        `change ${id} is ${change.state}; plan it before approving (\`gatehouse change plan ${id}\`)`,
      );
    }
    if (options.actor === change.author) {
      throw new GatehouseError(
        "refused",
        `\`${options.actor}\` proposed change ${id} and cannot approve it: an approval must come from someone else`,
      );
    }
    const newest = plan.planId;
    if (newest === undefined) {
      throw new GatehouseError(
        "conflict",
        `change ${id} was planned before plans had ids, so an approval cannot name what it approves; plan it again (\`gatehouse change plan ${id}\`) and approve that plan`,
      );
    }
    if (options.plan !== undefined && options.plan !== newest) {
      throw new GatehouseError(
        "conflict",
        `plan \`${options.plan}\` is not the newest plan of change ${id}, and nothing was approved: the newest is \`${newest}\` (planned at revision ${plan.baseRevision}: ${plan.gained.length} gained, ${plan.lost.length} lost); review it (\`gatehouse change show ${id}\`) and approve it with \`--plan ${newest}\``,
        { field: "plan" },
      );
    }
    const updated = await this.store.addApproval(
      id,
      options.actor,
      options.comment ?? null,
      {
        actor: options.actor,
        action: "change.approve",
        tenant: change.tenant,
        target: `change:${id}`,
        reason: options.comment ?? null,
        details: { plan: newest, baseRevision: plan.baseRevision },
      },
      newest,
    );
    // The plan as the approval's own transaction read it: had someone planned again in between,
    // the approval names the older plan and does not count for the newer one.
    const current = withApprovals(updated.plan as Plan, updated, updated.approvals);
    const state = current.blocked || current.approvals.given === 0 ? "planned" : "approved";
    const saved = await this.store.updateChange(
      id,
      { state, plan: current },
      {
        actor: options.actor,
        action: "change.state",
        tenant: change.tenant,
        target: `change:${id}`,
        reason: null,
        details: { state },
      },
    );
    return { change: saved, plan: current, approved: newest };
  }

  /**
   * Ends a proposed or planned change by its author's own decision. Nothing is written but the
   * state and its audit record; the change cannot be planned, approved or applied afterwards.
   */
  async withdraw(id: number, options: Actor & { reason?: string }): Promise<ChangeRecord> {
    const change = await this.get(id);
    if (options.actor !== change.author) {
      throw new GatehouseError(
        "refused",
        `only the author \`${change.author}\` can withdraw change ${id}; anyone who may approve can reject it (\`gatehouse change reject ${id} --reason TEXT\`)`,
      );
    }
    return this.end(change, "withdrawn", "change.withdraw", options.actor, options.reason ?? null);
  }

  /**
   * Ends a proposed or planned change by a reviewer's decision, with the reason the author will
   * read. Anyone allowed to approve may reject (the surfaces check the role).
   */
  async reject(id: number, options: Actor & { reason: string }): Promise<ChangeRecord> {
    const reason = options.reason.trim();
    if (reason === "") {
      throw new GatehouseError(
        "usage",
        `a rejection needs a reason: \`gatehouse change reject ${id} --reason TEXT\``,
        {
          field: "reason",
        },
      );
    }
    const change = await this.get(id);
    return this.end(change, "rejected", "change.reject", options.actor, reason);
  }

  private async end(
    change: ChangeRecord,
    state: "withdrawn" | "rejected",
    action: string,
    actor: string,
    reason: string | null,
  ): Promise<ChangeRecord> {
    if (!OPEN_STATES.includes(change.state)) {
      throw new GatehouseError(
        "conflict",
        `change ${change.id} is ${change.state}; only a proposed, planned or approved change that was not applied can be ${state}`,
      );
    }
    return this.store.updateChange(
      change.id,
      { state },
      {
        actor,
        action,
        tenant: change.tenant,
        target: `change:${change.id}`,
        reason,
        details: { state, from: change.state },
      },
    );
  }

  async apply(id: number, options: Actor): Promise<{ change: ChangeRecord; plan: Plan; revision: Revision }> {
    const change = await this.get(id);
    const stored = change.plan as Plan | null;
    if (!stored || (change.state !== "planned" && change.state !== "approved")) {
      throw new GatehouseError(
        "conflict",
        `change ${id} is ${change.state}; only a planned change can be applied (\`gatehouse change plan ${id}\`)`,
      );
    }
    const plan = withApprovals(stored, change, change.approvals);
    if (plan.blocked) {
      throw new GatehouseError(
        "refused",
        `change ${id} is blocked and nothing was written: ${plan.blockedBecause.join("; ")}`,
      );
    }
    if (change.intent === "purge") {
      const purged = await applyPurge(this.context, change, plan, options);
      return { change: purged.change, plan: purged.plan, revision: purged.revision };
    }
    const updates = applyUpdates(
      plan.data.writes.map((t) => parseRelationship(t)),
      plan.data.deletes.map((t) => parseRelationship(t)),
    );
    let result: ApplyResult;
    try {
      result = await this.store.applyChange({
        changeId: id,
        tenant: change.tenant,
        updates,
        schema: change.spec.schema,
        actor: options.actor,
        reason: change.reason,
        region: {
          baseRevision: plan.baseRevision,
          objects: plan.region.objects,
          schemaSensitive: plan.region.schemaSensitive,
        },
        audit: {
          actor: options.actor,
          action: "change.apply",
          tenant: change.tenant,
          target: `change:${id}`,
          reason: change.reason,
          details: { approvals: plan.approvals.by, gained: plan.gained.length, lost: plan.lost.length },
        },
      });
    } catch (error) {
      if (error instanceof GatehouseError && error.kind === "conflict") {
        await this.store.updateChange(
          id,
          { state: "stale" },
          {
            actor: options.actor,
            action: "change.stale",
            tenant: change.tenant,
            target: `change:${id}`,
            reason: error.message,
            details: null,
          },
        );
      }
      throw error;
    }
    await this.context.applied(change.tenant, result);
    // A revert marks its original reverted when it lands, whether it was applied by `change
    // revert` at once or, blocked at first, approved and applied later with `change apply`.
    if (change.intent === "revert" && change.revertOf !== null)
      await this.markReverted(change.revertOf, change, options);
    return { change: result.change, plan, revision: result.revision };
  }

  private async markReverted(id: number, revert: ChangeRecord, options: Actor): Promise<void> {
    const original = await this.get(id);
    if (original.state !== "applied") return;
    await this.store.updateChange(
      id,
      { state: "reverted", revertedBy: revert.id },
      {
        actor: options.actor,
        action: "change.revert",
        tenant: original.tenant,
        target: `change:${id}`,
        reason: revert.reason,
        details: { revert: revert.id },
      },
    );
  }

  // ---- revert and restore ------------------------------------------------------------------

  /**
   * Proposes the exact inverse of an applied change, plans it and, unless it is blocked, applies
   * it. Relationships that later changes touched are left alone and named as conflicts.
   */
  async revert(
    id: number,
    options: Actor & { reason?: string },
  ): Promise<{ revert: ChangeRecord; plan: Plan; applied: boolean; existing: boolean }> {
    const original = await this.get(id);
    if (original.intent === "purge") {
      throw new GatehouseError(
        "refused",
        `change ${id} is a purge and cannot be reverted: the rows are gone for good; its export bundle holds them (see \`gatehouse change show ${id}\`)`,
      );
    }
    if (original.state !== "applied" || !original.applied) {
      throw new GatehouseError(
        "conflict",
        `change ${id} is ${original.state}; only an applied change can be reverted`,
      );
    }
    const { created, deleted, schemaVersion } = original.applied;
    if (created.length === 0 && deleted.length === 0 && schemaVersion === null) {
      // A deletion whose relationships were purged since: the purge removed them from its record.
      throw new GatehouseError(
        "conflict",
        `change ${id} has nothing left to revert: what it did is gone for good (a purge removed it; see \`gatehouse change list --state applied\`)`,
      );
    }
    // One revert at a time: while one is pending, asking again returns it rather than proposing
    // a second inverse that a reviewer would have to tell apart from the first. A proposed or
    // stale one is planned (and applied when nothing blocks it) as a new one would be; a planned
    // or approved one is someone's review in progress and is returned as it stands.
    const pending = await this.pendingRevert(original);
    if (pending) {
      const stored = pending.plan as Plan | null;
      if (stored && (pending.state === "planned" || pending.state === "approved")) {
        return {
          revert: pending,
          plan: withApprovals(stored, pending, pending.approvals),
          applied: false,
          existing: true,
        };
      }
      const { plan } = await this.plan(pending.id, options);
      if (plan.blocked) return { revert: await this.get(pending.id), plan, applied: false, existing: true };
      await this.apply(pending.id, options);
      return { revert: await this.get(pending.id), plan, applied: true, existing: true };
    }
    let schema: string | null = null;
    if (original.applied.schemaVersion !== null) {
      const versions = await this.store.listSchemaVersions();
      const previous = versions.filter((v) => v.version < original.applied!.schemaVersion!).at(-1);
      schema = previous?.text ?? null;
    }
    const spec: ChangeSpec = { writes: original.applied.deleted, deletes: [], deleteWhere: [], schema };
    // Deletes of what the change created go through `resolve`, which names those already gone.
    const withDeletes: ChangeSpec = { ...spec, deletes: original.applied.created };
    const reason = options.reason ?? `revert change ${id}: ${original.reason}`;
    const revert = await this.store.createChange(
      {
        tenant: original.tenant,
        intent: "revert",
        reason,
        author: options.actor,
        spec: withDeletes,
        revertOf: id,
      },
      {
        actor: options.actor,
        action: "change.propose",
        tenant: original.tenant,
        target: "change",
        reason,
        details: { intent: "revert", revertOf: id },
      },
    );
    const { plan } = await this.plan(revert.id, options);
    if (plan.blocked) return { revert: await this.get(revert.id), plan, applied: false, existing: false };
    await this.apply(revert.id, options);
    return { revert: await this.get(revert.id), plan, applied: true, existing: false };
  }

  /** The oldest revert of `original` not yet applied, withdrawn or rejected, if any. */
  async pendingRevert(original: ChangeRecord): Promise<ChangeRecord | undefined> {
    const found: ChangeRecord[] = [];
    for (const state of OPEN_STATES) {
      for (const c of await this.store.listChanges({ tenant: original.tenant, state }))
        if (c.intent === "revert" && c.revertOf === original.id) found.push(c);
    }
    return found.sort((a, b) => a.id - b.id)[0];
  }

  /** Proposes the change that brings live relationships (matching a filter) back to revision R. */
  async restore(
    tenant: string,
    toRevision: Revision,
    filter: RelationshipFilter,
    options: Actor & { reason?: string },
  ): Promise<ChangeRecord> {
    checkTenant(tenant);
    const head = await this.context.ready([tenant]);
    if (toRevision > head)
      throw new GatehouseError("not_found", `revision ${toRevision} does not exist; the newest is ${head}`);
    const then = await this.store.readRelationships(tenant, filter, { atRevision: toRevision });
    const now = await this.store.readRelationships(tenant, filter);
    // Written back with the traits they had then; one live now with other traits is replaced
    // (resolve makes that a touch), one whose identity was not live then is deleted.
    const nowTexts = new Set(now.map(formatRelationship));
    const thenKeys = new Set(then.map(relationshipKey));
    const writes = then.filter((r) => !nowTexts.has(formatRelationship(r)));
    const deletes = now.filter((r) => !thenKeys.has(relationshipKey(r)));
    if (writes.length === 0 && deletes.length === 0) {
      throw new GatehouseError(
        "conflict",
        `nothing to restore: tenant \`${tenant}\` already matches revision ${toRevision}${Object.keys(filter).length ? " for that filter" : ""}`,
      );
    }
    const reason = options.reason ?? `restore tenant ${tenant} to revision ${toRevision}`;
    return this.store.createChange(
      {
        tenant,
        intent: "restore",
        reason,
        author: options.actor,
        spec: { writes, deletes, deleteWhere: [], schema: null },
      },
      {
        actor: options.actor,
        action: "change.propose",
        tenant,
        target: "change",
        reason,
        details: { intent: "restore", toRevision, filter },
      },
    );
  }

  async writeGuards(text: string, options: Actor & { file?: string }): Promise<number> {
    const guards = parseGuards(text, options.file);
    const version = await this.store.writeGuards(text, options.actor, {
      actor: options.actor,
      action: "guards.write",
      tenant: null,
      target: "guards",
      reason: null,
      details: { guards: guards.map((g) => g.name) },
    });
    return version.version;
  }
}

/** States after which a change can no longer be planned, approved or applied. */
const ENDED_STATES: readonly ChangeState[] = ["applied", "reverted", "rejected", "withdrawn"];

/** States of a change that may still be applied: withdraw and reject end these. */
const OPEN_STATES: readonly ChangeState[] = ["proposed", "planned", "approved", "stale"];

/** Intents whose changes the lifecycle commands propose, each with a lifecycle record. */
const LIFECYCLE_INTENTS: readonly Intent[] = ["delete", "restore", "merge", "purge"];

/**
 * Works out who must approve. A change that takes access away, or whose guards fail, needs an
 * approval from someone other than its author. An approval approves the plan it names: one of
 * any other plan (an earlier one, before a write widened the loss) does not count.
 */
export function withApprovals(
  plan: Omit<Plan, "approvals" | "blocked" | "blockedBecause">,
  change: ChangeRecord,
  approvals: ChangeRecord["approvals"],
): Plan {
  const failed = plan.guards.filter((g) => !g.passed);
  // A merge's FROM loses what INTO gains by design; only others' losses need a second person.
  const merge = plan.merge;
  const lost = merge ? plan.lost.filter((r) => !mergeExempt(r, [merge.from, merge.into])) : plan.lost;
  // A purge changes no live access but ends every chance of a restore: always two people.
  const purge = plan.purge !== undefined;
  // A schema that widens an existing permission is seed 002's harm: a second person sees it first.
  // A revert or restore puts back what was there before, and is exempt as it is from losses.
  const widened = change.intent === "revert" || change.intent === "restore" ? [] : (plan.widened ?? []);
  const needed = purge || lost.length > 0 || failed.length > 0 || widened.length > 0 ? 1 : 0;
  const given = [
    ...new Set(
      approvals
        .filter(
          (a) =>
            a.principal !== change.author &&
            // An approval counts for the plan it names. Plans and approvals stored before plans
            // had ids keep the old rule: given after the plan was computed.
            (plan.planId !== undefined
              ? a.plan === plan.planId
              : a.plan === undefined && a.at >= plan.computedAt),
        )
        .map((a) => a.principal),
    ),
  ];
  const blockedBecause: string[] = [];
  if (given.length < needed) {
    const why = [
      ...failed.map((g) => `guard \`${g.name}\` failed: ${g.message}`),
      ...(purge ? ["a purge removes data for good"] : []),
      ...(lost.length > 0 ? [`${lost.length} access${lost.length === 1 ? "" : "es"} would be lost`] : []),
      ...(widened.length > 0
        ? [
            `the schema widens ${widened.map((p) => `\`${p}\``).join(", ")} (${plan.gained.length} access${plan.gained.length === 1 ? "" : "es"} gained)`,
          ]
        : []),
    ];
    blockedBecause.push(
      `${why.join("; ")}; it needs an approval from someone other than its author \`${change.author}\` (\`gatehouse change approve ${change.id} --as NAME\`)`,
    );
  }
  return {
    ...plan,
    approvals: { needed, given: given.length, by: given },
    blocked: blockedBecause.length > 0,
    blockedBecause,
  };
}
