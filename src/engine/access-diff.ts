import type { MemberDef, TypeDef } from "../schema/compiled.js";
import { type DataIndex, iterate } from "./data-index.js";
import { keyObject } from "./encodings.js";
import type { SubjectSet, TypeSet } from "./subject-set.js";

/**
 * One access that a change adds or removes: `subject` gains or loses `permission` on `resource`.
 * A wildcard subject (`user:*`) stands for every subject of its type except those in `except`,
 * which the plan lists on their own rows or which keep their access.
 */
export interface AccessRow {
  readonly tenant: string;
  readonly resource: string;
  readonly permission: string;
  readonly subject: string;
  readonly except?: readonly string[];
  /**
   * Only over caveated or expiring data (see src/changes/conditional-plan.ts). On a gained row:
   * the access gained holds only under this condition; on a lost row: the access lost was
   * conditional. Absent: the access is unconditional.
   */
  readonly conditional?: AccessCondition;
  /** On a lost unconditional row: the subject keeps access under this condition. */
  readonly stillConditional?: AccessCondition;
  /** On a gained unconditional row: the subject had access under this condition before. */
  readonly wasConditional?: AccessCondition;
  /** On a gained row: the access ends by expiration at this time (RFC 3339), unless granted again. */
  readonly until?: string;
}

/** What a conditional access waits for: the caveats still undecided, each with its relationship's context. */
export interface AccessCondition {
  readonly caveats: readonly {
    readonly name: string;
    readonly context?: Readonly<Record<string, unknown>>;
  }[];
  /** The context parameters a check must give to decide it. */
  readonly missing: readonly string[];
}

export interface AccessDiff {
  readonly gained: AccessRow[];
  readonly lost: AccessRow[];
}

const NOTHING: TypeSet = { all: false, members: new Set() };

function isIn(t: TypeSet, object: number): boolean {
  return t.all ? !t.excluded.has(object) : t.members.has(object);
}

function mentioned(t: TypeSet): ReadonlySet<number> {
  return t.all ? t.excluded : t.members;
}

/**
 * Adds to `diff` the rows that turn `before` into `after` for one (resource, permission).
 * Every subject either set names is compared on its own; a type's wildcard row says what
 * happens to all the others.
 */
export function diffSubjectSets(
  data: DataIndex,
  tenant: string,
  resource: string,
  permission: string,
  before: SubjectSet,
  after: SubjectSet,
  diff: AccessDiff,
): void {
  if (before === after) return;
  const types = new Set([...before.keys(), ...after.keys()]);
  for (const type of types) {
    const b = before.get(type) ?? NOTHING;
    const a = after.get(type) ?? NOTHING;
    if (b === a) continue;
    const gainedHere: number[] = [];
    const lostHere: number[] = [];
    const universe = new Set([...mentioned(b), ...mentioned(a)]);
    for (const object of universe) {
      const was = isIn(b, object);
      const is = isIn(a, object);
      if (!was && is) gainedHere.push(object);
      else if (was && !is) lostHere.push(object);
    }
    const row = (object: number): AccessRow => ({
      tenant,
      resource,
      permission,
      subject: data.objectKeys.get(object),
    });
    for (const object of gainedHere) diff.gained.push(row(object));
    for (const object of lostHere) diff.lost.push(row(object));
    if (b.all !== a.all) {
      // Subjects named on either side that do not move with the wildcard keep their own answer.
      const moving = new Set(a.all ? gainedHere : lostHere);
      const except = [...universe]
        .filter((o) => !moving.has(o))
        .map((o) => data.objectKeys.get(o))
        .sort();
      const wildcard: AccessRow = {
        tenant,
        resource,
        permission,
        subject: `${data.typeNames[type]}:*`,
        except,
      };
      (a.all ? diff.gained : diff.lost).push(wildcard);
    }
  }
}

/**
 * Objects whose access can depend on the given ones: the objects themselves and, transitively,
 * every object that names one of them as a subject (through a userset or an arrow).
 */
export function dependents(data: DataIndex, seeds: Iterable<number>, into = new Set<number>()): Set<number> {
  const queue: number[] = [];
  for (const seed of seeds) {
    if (seed >= 0 && !into.has(seed)) {
      into.add(seed);
      queue.push(seed);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    for (const key of iterate(data.reverse.get(queue[i]!))) {
      const object = keyObject(key);
      if (!into.has(object)) {
        into.add(object);
        queue.push(object);
      }
    }
  }
  return into;
}

/** The permissions of a type, the rows of a plan (relations are data and appear in its data delta). */
export function permissionsOf(type: TypeDef | undefined): MemberDef[] {
  if (!type) return [];
  return [...type.members.values()].filter((m) => m.kind === "permission");
}

export function compareRows(x: AccessRow, y: AccessRow): number {
  return (
    compareText(x.tenant, y.tenant) ||
    compareText(x.resource, y.resource) ||
    compareText(x.permission, y.permission) ||
    compareText(x.subject, y.subject)
  );
}

/** Orders strings by code unit, as the store's `COLLATE "C"` does (not by locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
