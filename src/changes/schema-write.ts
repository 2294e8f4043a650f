import { DEFAULT_TENANT } from "../model/names.js";
import type { ChangeRecord } from "../store/change-records.js";
import type { Revision } from "../store/store.js";
import type { Changes } from "./lifecycle.js";
import type { Plan } from "./plan.js";

export interface PlannedSchemaWrite {
  /** The `model` change the write became: applied, or planned and waiting for an approval. */
  readonly change: ChangeRecord;
  readonly plan: Plan;
  /** The revision the schema went live at; `undefined` when the plan held it back. */
  readonly revision: Revision | undefined;
}

/**
 * A schema write on a store that holds relationships is a change of the authorization logic,
 * the kind that most needs a plan (seeds 002 and 003). It is proposed as a `model` change,
 * planned against the real data of every tenant, and applied in the same call only when the
 * plan is not blocked: nobody loses access and every guard passes (a new definition or
 * permission, comments, formatting). Otherwise it stays planned, and takes the usual path: an
 * approval by someone other than its author, then `change apply`.
 *
 * The change is filed under the default tenant because a change needs one; its plan covers
 * every tenant, and only store-wide tokens may see or act on it (a change with `schema:`).
 */
export async function planSchemaWrite(
  changes: Changes,
  text: string,
  options: { actor: string; reason: string; secondPerson?: string | undefined },
): Promise<PlannedSchemaWrite> {
  const proposed = await changes.propose(
    {
      tenant: DEFAULT_TENANT,
      intent: "model",
      reason: options.reason,
      spec: { writes: [], deletes: [], deleteWhere: [], schema: text },
      places: { writes: [], deletes: [] },
    },
    { actor: options.actor, tenant: DEFAULT_TENANT },
  );
  const { plan } = await changes.plan(proposed.id, { actor: options.actor });
  const failedGuard = plan.guards.some((g) => !g.passed);
  if (plan.blocked && options.secondPerson !== undefined && !failedGuard && plan.planId !== undefined) {
    // Held back only for a second person, and this store names one (`serve --testing`).
    await changes.approve(proposed.id, {
      actor: options.secondPerson,
      plan: plan.planId,
      comment: "approved by the testing server: a client test suite has no second person",
    });
  } else if (plan.blocked) return { change: await changes.get(proposed.id), plan, revision: undefined };
  const applied = await changes.apply(proposed.id, { actor: options.actor });
  return { change: applied.change, plan: applied.plan, revision: applied.revision };
}

/** What a schema write held back by its plan reports (the `facts` of its `refused` error). */
export type SchemaWriteFacts = {
  /** The change it was proposed as: approve it (someone else) and apply it. */
  readonly change: number;
  readonly state: ChangeRecord["state"];
  readonly gained: number;
  readonly lost: number;
  readonly changedPermissions: readonly string[];
  readonly summary: Plan["summary"];
  readonly failedGuards: readonly string[];
  readonly blockedBecause: readonly string[];
};

/** Counts and the summary of a plan, as a refused schema write reports them. */
export function schemaWriteFacts(planned: PlannedSchemaWrite): SchemaWriteFacts {
  const { change, plan } = planned;
  return {
    change: change.id,
    state: change.state,
    gained: plan.gained.length,
    lost: plan.lost.length,
    changedPermissions: plan.changedPermissions,
    summary: plan.summary,
    failedGuards: plan.guards.filter((g) => !g.passed).map((g) => g.name),
    blockedBecause: plan.blockedBecause,
  };
}
