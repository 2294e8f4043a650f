import { Diagnostics, type ErrorReason, GatehouseError } from "../../model/errors.js";
import { formatRelationship, type Relationship, relationshipKey } from "../../model/relationship.js";
import { Slices } from "../../model/turns.js";
import type { RelationshipUpdate } from "../store.js";
import { storedTraits, type TraitRow, traitsOf } from "./trait-columns.js";
import { subjectRelationColumn, type Tuple, toRelationship, tupleOf, tupleProblem } from "./tuples.js";

/**
 * A write checked in full before the database is touched: every problem of the input is
 * reported at once, and each update keeps its place (`updates[i]`) for the conflicts found later.
 */
export interface PlannedUpdate {
  readonly operation: RelationshipUpdate["operation"];
  /** Normalised: `...` as a subject relation is gone. */
  readonly relationship: Relationship;
  readonly tuple: Tuple;
  /** Its caveat and expiration as the store's columns hold them (all NULL when it has neither). */
  readonly traits: TraitRow;
  readonly field: string;
}

/** Checks every update (an empty list is the caller's to judge) and normalises the relationships. */
export function planUpdates(updates: readonly RelationshipUpdate[]): PlannedUpdate[] {
  const planner = new Planner();
  for (let i = 0; i < updates.length; i++) planner.plan(updates[i] as RelationshipUpdate, i);
  return planner.finish();
}

/**
 * `planUpdates` for a big write: the same answer, with a turn of the event loop every few
 * milliseconds so that other requests are answered meanwhile (see `model/turns.ts`).
 */
export async function planUpdatesInSlices(updates: readonly RelationshipUpdate[]): Promise<PlannedUpdate[]> {
  const planner = new Planner();
  const slices = new Slices();
  for (let i = 0; i < updates.length; i++) {
    planner.plan(updates[i] as RelationshipUpdate, i);
    await slices.step();
  }
  return planner.finish();
}

class Planner {
  readonly problems = new Diagnostics();
  readonly seen = new Map<string, string>();
  readonly planned: PlannedUpdate[] = [];

  finish(): PlannedUpdate[] {
    this.problems.throwIfAny("invalid relationship write");
    return this.planned;
  }

  plan({ operation, relationship: r }: RelationshipUpdate, i: number): void {
    const { problems, seen, planned } = this;
    const field = `updates[${i}]`;
    if (operation !== "create" && operation !== "touch" && operation !== "delete") {
      problems.add(`unknown operation \`${operation}\`: expected \`create\`, \`touch\` or \`delete\``, {
        field,
      });
      return;
    }
    const sr = subjectRelationColumn(r.subject.relation);
    const tuple = toRelationship(
      r.resource.type,
      r.resource.id,
      r.relation,
      r.subject.type,
      r.subject.id,
      sr,
    );
    const name = relationshipKey(tuple);
    const problem = tupleProblem(r, sr);
    if (problem !== undefined) {
      problems.add(`invalid relationship \`${name}\`: ${problem}`, { field });
      return;
    }
    // A delete names the relationship to end, whatever it carries: its traits are not stored.
    const traits = operation === "delete" ? {} : storedTraits(r);
    if (typeof traits === "string") {
      problems.add(`invalid relationship \`${name}\`: ${traits}`, { field });
      return;
    }
    const relationship: Relationship =
      traits.caveat === undefined && traits.expiresAt === undefined ? tuple : { ...tuple, ...traits };
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      problems.add(`relationship \`${name}\` appears more than once in one write (also ${earlier})`, {
        field,
      });
      return;
    }
    seen.set(name, field);
    planned.push({
      operation,
      relationship,
      tuple: tupleOf(relationship),
      traits: traitsOf(relationship),
      field,
    });
  }
}

export function updateConflict(update: PlannedUpdate, what: string, reason?: ErrorReason): GatehouseError {
  return new GatehouseError(
    "conflict",
    `relationship \`${formatRelationship(update.relationship)}\` ${what}`,
    { field: update.field },
    [],
    undefined,
    reason,
  );
}

/** One error for all the conflicts of a write: the first one's message, all of them as details. */
export function combineConflicts(conflicts: readonly GatehouseError[]): GatehouseError {
  const first = conflicts[0]!;
  if (conflicts.length === 1) return first;
  const more = conflicts.length - 1;
  return new GatehouseError(
    "conflict",
    `${first.message} (and ${more} more conflict${more === 1 ? "" : "s"})`,
    first.place,
    conflicts,
  );
}
