import type { AccessRow } from "../engine/access-diff.js";
import type { Engine } from "../engine/engine.js";
import { GatehouseError } from "../model/errors.js";
import { formatRelationship, type Relationship } from "../model/relationship.js";
import { arrowTuplesets } from "../schema/arrow-tuplesets.js";
import type { CompiledSchema } from "../schema/compiled.js";
import { readOnlyPositively } from "../schema/monotone.js";
import { dependentMembers } from "../schema/schema-diff.js";
import type { Intent } from "../store/change-records.js";
import type { RelationshipFilter, RelationshipUpdate, Revision } from "../store/store.js";
import { type DirectWritesGuard, describeRows, type GuardResult } from "./guards.js";
import { addLiveDeletes, resolveWrites } from "./live-relationship.js";
import { computePlan } from "./plan.js";

/**
 * The `direct-writes` guards, evaluated on a relationship write that does not go through a
 * change (a create, touch or delete, a batch, an import). What a write takes away is computed
 * with the plan's own computation over the tenant's index; the cheap bounds come first, and a
 * write that can take nothing away (it deletes nothing, and every relation it writes is read
 * only positively) needs no plan and no index at all, so the usual small grant costs one look
 * at the schema.
 */
export interface DirectWriteInput {
  readonly tenant: string;
  readonly updates: readonly RelationshipUpdate[];
  readonly guards: readonly DirectWritesGuard[];
  readonly schema: CompiledSchema;
  /** Loads the tenant's index at the head and returns that revision; called only when a plan is needed. */
  readonly ready: () => Promise<Revision>;
  /** Whether the tenant has no live relationship (so nobody has access to lose). */
  readonly isEmpty: () => Promise<boolean>;
  readonly engine: Engine;
  readonly now: Date;
  /** The filter a bulk delete was given, so that the suggested change file can say the same. */
  readonly filter?: RelationshipFilter | undefined;
  /**
   * The writes the suggested change file lists, when `updates` holds only some of them (an
   * import too big to hold, see `DirectWriteFacts`): the first few, and how many there are.
   */
  readonly writesListed?: { readonly first: readonly Relationship[]; readonly total: number } | undefined;
}

/** Relations (`type#relation`) read only positively by every permission, per schema. */
const positivelyRead = new WeakMap<CompiledSchema, Map<string, boolean>>();

function onlyPositive(schema: CompiledSchema, relation: string): boolean {
  let known = positivelyRead.get(schema);
  if (!known) {
    known = new Map();
    positivelyRead.set(schema, known);
  }
  let answer = known.get(relation);
  if (answer === undefined) {
    answer = readOnlyPositively(schema, dependentMembers(schema, [relation]));
    known.set(relation, answer);
  }
  return answer;
}

const relationOf = (r: Relationship) => `${r.resource.type}#${r.relation}`;

/**
 * A create or touch with a caveat or expiration can take unconditional access away: when the
 * tuple is live without them, it replaces that grant with a conditional or ending one. Such a
 * write counts like a delete wherever the cheap bounds reason about what a write can take away.
 */
const conditions = (u: RelationshipUpdate) =>
  u.operation !== "delete" && (u.relationship.caveat !== undefined || u.relationship.expiresAt !== undefined);

/**
 * The one subject whose access a write or delete of `r` can change, when there is only one:
 * no arrow walks the relation's subjects, and the subject is one object (not a wildcard, not a
 * set such as `group:eng#member`). Unions, intersections and exclusions work subject by
 * subject, so the relationship can only move its own subject in or out of any permission,
 * wherever it is read, positively or not; the plan need not be computed to bound the loss.
 */
function soleSubject(schema: CompiledSchema, r: Relationship): string | undefined {
  if (r.subject.relation !== undefined || r.subject.id === "*") return undefined;
  if (arrowTuplesets(schema).has(relationOf(r))) return undefined;
  return `${r.subject.type}:${r.subject.id}`;
}

/**
 * Every subject that can lose access through these updates, when each update can move only its
 * own subject (a grant of a positively read relation moves nobody out); undefined when some
 * update can move others, and only a plan can say who.
 */
export function possibleLosers(
  schema: CompiledSchema,
  updates: readonly RelationshipUpdate[],
): Set<string> | undefined {
  const losers = new Set<string>();
  for (const u of updates) {
    if (u.operation !== "delete" && !conditions(u) && onlyPositive(schema, relationOf(u.relationship)))
      continue;
    const loser = soleSubject(schema, u.relationship);
    if (loser === undefined) return undefined;
    losers.add(loser);
  }
  return losers;
}

/**
 * What the `direct-writes` guards need of a write of touches too big to hold (an import of
 * millions of lines), gathered one relationship at a time. A write that deletes nothing can
 * take access away only through relations not read only positively, and its plan is then of
 * those writes alone (see `checkDirectWrite`), so only they are kept, with the first few for the
 * suggested change file. An `access-neutral` guard counts gains too: under one, every write is
 * kept, as its plan needs them all.
 */
export class DirectWriteFacts {
  readonly #schema: CompiledSchema;
  readonly #keepAll: boolean;
  readonly #kept: RelationshipUpdate[] = [];
  readonly #first: Relationship[] = [];
  readonly #positive = new Map<string, Map<string, boolean>>();
  #total = 0;

  constructor(schema: CompiledSchema, guards: readonly DirectWritesGuard[]) {
    this.#schema = schema;
    this.#keepAll = guards.some((g) => (g.accessNeutral ?? []).length > 0);
  }

  add(relationship: Relationship): void {
    this.#total++;
    if (this.#first.length < LISTED + 1) this.#first.push(relationship);
    // A line with a caveat or an expiration may replace a live grant and make it conditional or
    // ending: a possible loss, as a write of a relation read through an exclusion is.
    const conditioned = relationship.caveat !== undefined || relationship.expiresAt !== undefined;
    if (this.#keepAll || conditioned || !this.#onlyPositive(relationship))
      this.#kept.push({ operation: "touch", relationship });
  }

  /** `onlyPositive` of the relationship's relation, by type and relation: no string made a line. */
  #onlyPositive(r: Relationship): boolean {
    let relations = this.#positive.get(r.resource.type);
    if (relations === undefined) {
      relations = new Map();
      this.#positive.set(r.resource.type, relations);
    }
    let answer = relations.get(r.relation);
    if (answer === undefined) {
      answer = onlyPositive(this.#schema, relationOf(r));
      relations.set(r.relation, answer);
    }
    return answer;
  }

  /** The fields of `DirectWriteInput` the write's facts stand for. */
  input(): Pick<DirectWriteInput, "updates" | "writesListed"> {
    return { updates: this.#kept, writesListed: { first: this.#first, total: this.#total } };
  }
}

/** Throws a `refused` error naming the failing guards and the change file to propose instead. */
export async function checkDirectWrite(input: DirectWriteInput): Promise<void> {
  if (input.guards.length === 0) return;
  const failed: GuardResult[] = [];
  const deleteCount = input.updates.filter((u) => u.operation === "delete").length;
  const touched = new Set(input.updates.map((u) => relationOf(u.relationship)));
  // The bound on deletes needs no plan: a delete of a relationship that does not exist fails
  // the write anyway, so every delete counts.
  for (const guard of input.guards) {
    if (guard.maxDeletes !== undefined && deleteCount > guard.maxDeletes) {
      failed.push({
        name: guard.name,
        kind: guard.kind,
        passed: false,
        message: `this write deletes ${deleteCount} relationships, more than the limit of ${guard.maxDeletes}`,
      });
    }
  }
  // A write that deletes nothing can take access away only through an exclusion or an `.all()`.
  const canLose =
    deleteCount > 0 ||
    input.updates.some(conditions) ||
    [...touched].some((relation) => !onlyPositive(input.schema, relation));
  const neutralTouched = input.guards.some((g) =>
    (g.accessNeutral ?? []).some((relation) => touched.has(relation)),
  );
  const lossBound = canLose && input.guards.some((g) => g.maxLoss !== undefined);
  // The usual small write settles without a plan: when each update can move only its own
  // subject, the loss is bounded by the number of those subjects (a grant of a positively read
  // relation moves nobody out).
  let bounded = false;
  if (lossBound && !neutralTouched) {
    const losers = possibleLosers(input.schema, input.updates);
    const tightest = Math.min(...input.guards.map((g) => g.maxLoss ?? Number.POSITIVE_INFINITY));
    bounded = losers !== undefined && losers.size <= tightest;
  }
  // A tenant with no relationships has no access to lose (an import into a new tenant): only
  // an access-neutral guard, which counts gains too, needs the plan then.
  const needsPlan = neutralTouched || (lossBound && !bounded && !(await input.isEmpty()));
  if (failed.length === 0 && needsPlan) {
    // Only losses matter to a `max-loss` bound. When the write deletes nothing, its writes of
    // positively read relations can only add access, whatever else changes, so what it takes
    // away is at most what its other writes take away alone: only those are planned, not an
    // import's every grant. (With deletes, the grants stay in: a move must not count as a loss.)
    const lossOnly = !neutralTouched && deleteCount === 0;
    const diff = await accessDiff(
      input,
      lossOnly
        ? input.updates.filter(
            (u) => conditions(u) || !onlyPositive(input.schema, relationOf(u.relationship)),
          )
        : input.updates,
    );
    for (const guard of input.guards) {
      if (guard.maxLoss !== undefined) {
        const message = lossBeyond(diff.lost, guard.maxLoss);
        if (message !== undefined)
          failed.push({ name: guard.name, kind: guard.kind, passed: false, message });
      }
      const neutral = (guard.accessNeutral ?? []).filter((relation) => touched.has(relation));
      if (neutral.length > 0 && (diff.gained.length > 0 || diff.lost.length > 0)) {
        const parts = [describeRows(diff.lost, "lose"), describeRows(diff.gained, "gain")].filter(Boolean);
        failed.push({
          name: guard.name,
          kind: guard.kind,
          passed: false,
          message: `a direct write to ${neutral.map((r) => `\`${r}\``).join(", ")} must change no access, but ${parts.join(" and ")}`,
        });
      }
    }
  }
  if (failed.length === 0) return;
  throw new GatehouseError(
    "refused",
    `the direct write was refused and nothing was written: ${failed
      .map((f) => `guard \`${f.name}\`: ${f.message}`)
      .join("; ")}.\n${proposeInstead(input)}`,
  );
}

/**
 * Why the lost rows break a `max-loss` bound, or undefined when they do not: a wildcard row
 * (`user:*` loses access) is everyone, beyond any bound; otherwise distinct subjects count.
 */
function lossBeyond(lost: readonly AccessRow[], bound: number): string | undefined {
  const resources = (rows: readonly AccessRow[]) => new Set(rows.map((r) => r.resource)).size;
  const wildcards = lost.filter((r) => r.subject.endsWith(":*"));
  if (wildcards.length > 0) {
    const who = [...new Set(wildcards.map((r) => `\`${r.subject}\``))].join(", ");
    const example = wildcards[0]!;
    return `everyone (${who}) would lose access to ${resources(wildcards)} resource${resources(wildcards) === 1 ? "" : "s"} (for example \`${example.permission}\` on \`${example.resource}\`): a wildcard loss is beyond any bound (max-loss ${bound})`;
  }
  const subjects = new Set(lost.map((r) => r.subject)).size;
  if (subjects <= bound) return undefined;
  const example = lost[0]!;
  return `${subjects} subjects would lose access to ${resources(lost)} resources, more than the limit of ${bound} (for example \`${example.subject}\` would lose \`${example.permission}\` on \`${example.resource}\`)`;
}

/** Who gains and loses access through the write, as a change's plan would compute it. */
async function accessDiff(
  input: DirectWriteInput,
  updates: readonly RelationshipUpdate[],
): Promise<{ gained: AccessRow[]; lost: AccessRow[] }> {
  const baseRevision = await input.ready();
  const data = input.engine.tenant(input.tenant).data;
  const deletes = new Map<string, Relationship>();
  addLiveDeletes(
    data,
    updates.filter((u) => u.operation === "delete").map((u) => u.relationship),
    deletes,
  );
  // A create or touch of a tuple live with other traits replaces them: the plan sees both.
  const { writes } = resolveWrites(
    data,
    updates.filter((u) => u.operation !== "delete").map((u) => u.relationship),
    deletes,
  );
  if (writes.size === 0 && deletes.size === 0) return { gained: [], lost: [] };
  const plan = computePlan({
    changeId: 0,
    tenant: input.tenant,
    intent: intentOf(updates),
    baseRevision,
    engine: input.engine,
    schemaBefore: input.schema,
    schemaAfter: input.schema,
    writes: [...writes.values()],
    deletes: [...deletes.values()],
    schemaTenants: [],
    guards: [],
    now: input.now,
  });
  return { gained: [...plan.gained], lost: [...plan.lost] };
}

function intentOf(updates: readonly RelationshipUpdate[]): Intent {
  const deletes = updates.some((u) => u.operation === "delete");
  const writes = updates.some((u) => u.operation !== "delete");
  return deletes && writes ? "migration" : deletes ? "revoke" : "grant";
}

/** How many tuples the suggested change file lists before it says how many more there are. */
const LISTED = 50;

/** The change file that makes the same write through a plan, and how to propose it. */
export function proposeInstead(
  input: Pick<DirectWriteInput, "tenant" | "updates" | "filter" | "writesListed">,
): string {
  const lines = [`intent: ${intentOf(input.updates)}`, "reason: <why this write is needed>"];
  const list = (key: string, tuples: readonly Relationship[], total = tuples.length) => {
    if (tuples.length === 0) return;
    lines.push(`${key}:`);
    for (const r of tuples.slice(0, LISTED)) lines.push(`  - "${formatRelationship(r)}"`);
    if (total > LISTED) lines.push(`  # ... and ${total - LISTED} more: list them all`);
  };
  if (input.writesListed) list("write", input.writesListed.first, input.writesListed.total);
  else
    list(
      "write",
      input.updates.filter((u) => u.operation !== "delete").map((u) => u.relationship),
    );
  if (input.filter) {
    const f = input.filter;
    const fields = [
      f.resourceType !== undefined ? `resource_type: ${f.resourceType}` : undefined,
      f.resourceId !== undefined ? `resource_id: "${f.resourceId}"` : undefined,
      f.relation !== undefined ? `relation: ${f.relation}` : undefined,
      f.subjectType !== undefined ? `subject_type: ${f.subjectType}` : undefined,
      f.subjectId !== undefined ? `subject_id: "${f.subjectId}"` : undefined,
      f.subjectRelation === null
        ? 'subject_relation: "..."'
        : f.subjectRelation !== undefined
          ? `subject_relation: ${f.subjectRelation}`
          : undefined,
    ].filter((x): x is string => x !== undefined);
    lines.push("delete_where:", `  - { ${fields.join(", ")} }`);
  } else {
    list(
      "delete",
      input.updates.filter((u) => u.operation === "delete").map((u) => u.relationship),
    );
  }
  return [
    "To make this write anyway, propose it as a change, which is planned, held to the guards and approved by another person:",
    `  gatehouse --tenant ${input.tenant} change propose FILE   (or POST /v1/tenants/${input.tenant}/changes)`,
    "with FILE:",
    ...lines.map((l) => `  ${l}`),
  ].join("\n");
}
